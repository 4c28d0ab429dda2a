// Label selectors: the string form of ?labelSelector= (k8s.io/apimachinery/pkg/labels Parse, with
// the same error strings) and the metav1.LabelSelector form (matchLabels/matchExpressions) used
// by Services, PV binding and webhooks' namespaceSelector/objectSelector.
import { isQualifiedName, isValidLabelValue } from '../schema/names.ts';
import { goQuote } from '../schema/field-errors.ts';
import { scanLabelSelector, type LabelToken, type ScannedItem } from './label-lexer.ts';

export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and de-duplicated, as sets.String.List() returns them. */
  values: string[];
}

/** `nothing` selects no object (a nil metav1.LabelSelector); otherwise all requirements must hold. */
export type LabelSelector = { nothing: true; requirements: [] } | { nothing: false; requirements: LabelRequirement[] };

export class LabelSelectorError extends Error {
  readonly code = 'LabelSelectorInvalid';
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

export const EVERYTHING: LabelSelector = { nothing: false, requirements: [] };
export const NOTHING: LabelSelector = { nothing: true, requirements: [] };

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

class Parser {
  private readonly items: ScannedItem[];
  private pos = 0;
  constructor(items: ScannedItem[]) {
    this.items = items;
  }

  /** In the Values context, `in` and `notin` are plain identifiers (`env in (in)` is legal). */
  lookahead(values: boolean): [LabelToken, string] {
    const item = this.items[this.pos] ?? { tok: 'EndOfStringToken', literal: '' };
    const tok = values && (item.tok === 'InToken' || item.tok === 'NotInToken') ? 'IdentifierToken' : item.tok;
    return [tok, item.literal];
  }

  consume(values: boolean): [LabelToken, string] {
    const r = this.lookahead(values);
    if (this.pos < this.items.length - 1) this.pos++;
    return r;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const [tok, lit] = this.lookahead(true);
      if (tok === 'IdentifierToken' || tok === 'DoesNotExistToken') {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (err) {
          throw new LabelSelectorError(`unable to parse requirement: ${(err as Error).message}`);
        }
        reqs.push(r);
        const [t, l] = this.consume(true);
        if (t === 'EndOfStringToken') return reqs;
        if (t === 'CommaToken') {
          const [t2, l2] = this.lookahead(true);
          if (t2 !== 'IdentifierToken' && t2 !== 'DoesNotExistToken') throw new LabelSelectorError(`found '${l2}', expected: identifier after ','`);
        } else {
          throw new LabelSelectorError(`found '${l}', expected: ',' or 'end of string'`);
        }
      } else if (tok === 'EndOfStringToken') {
        return reqs;
      } else {
        throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, values);
  }

  parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let op: LabelOperator | undefined;
    let [tok, lit] = this.consume(true);
    if (tok === 'DoesNotExistToken') {
      op = '!';
      [tok, lit] = this.consume(true);
    }
    if (tok !== 'IdentifierToken') throw new Error(`found '${lit}', expected: identifier`);
    const keyErrs = isQualifiedName(lit);
    if (keyErrs.length > 0) throw new Error(`<nil>: Invalid value: ${goQuote(lit)}: ${keyErrs.join('; ')}`);
    const [next] = this.lookahead(true);
    if ((next === 'EndOfStringToken' || next === 'CommaToken') && op !== '!') op = 'exists';
    return [lit, op];
  }

  parseOperator(): LabelOperator {
    const [tok, lit] = this.consume(false);
    switch (tok) {
      case 'InToken': return 'in';
      case 'EqualsToken': return '=';
      case 'DoubleEqualsToken': return '==';
      case 'GreaterThanToken': return 'gt';
      case 'LessThanToken': return 'lt';
      case 'NotInToken': return 'notin';
      case 'NotEqualsToken': return '!=';
      default: throw new Error(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  parseValues(): string[] {
    const [tok, lit] = this.consume(true);
    if (tok !== 'OpenParToken') throw new Error(`found '${lit}' expected: '('`);
    const [next, nextLit] = this.lookahead(true);
    if (next === 'IdentifierToken' || next === 'CommaToken') {
      const values = this.parseIdentifiersList();
      const [close] = this.consume(true);
      if (close !== 'ClosedParToken') throw new Error(`found '${nextLit}', expected: ')'`);
      return values;
    }
    if (next === 'ClosedParToken') {
      this.consume(true);
      return [''];
    }
    throw new Error(`found '${nextLit}', expected: ',', ')' or identifier`);
  }

  parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const [tok, lit] = this.consume(true);
      if (tok === 'IdentifierToken') {
        values.add(lit);
        const [t2, l2] = this.lookahead(true);
        if (t2 === 'CommaToken') continue;
        if (t2 === 'ClosedParToken') return [...values];
        throw new Error(`found '${l2}', expected: ',' or ')'`);
      } else if (tok === 'CommaToken') {
        if (values.size === 0) values.add('');
        const [t2] = this.lookahead(true);
        if (t2 === 'ClosedParToken') {
          values.add('');
          return [...values];
        }
        if (t2 === 'CommaToken') {
          this.consume(true);
          values.add('');
        }
      } else {
        throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  parseExactValue(): string[] {
    const [tok] = this.lookahead(true);
    if (tok === 'EndOfStringToken' || tok === 'CommaToken') return [''];
    const [t, lit] = this.consume(true);
    if (t === 'IdentifierToken') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/** labels.NewRequirement's checks, reported as its aggregated field errors. Throws Error. */
function newRequirement(key: string, operator: LabelOperator, rawValues: string[]): LabelRequirement {
  const values = [...new Set(rawValues)].sort();
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(`key: Invalid value: ${goQuote(key)}: ${keyErrs.join('; ')}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(`values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(`values: Invalid value: ${goStringSlice(values)}: exact-match compatibility requires one single value`);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(`values: Invalid value: ${goStringSlice(values)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (!/^[-+]?\d+$/.test(v)) errs.push(`values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(`values: Invalid value: ${goStringSlice(values)}: values set must be empty for exists and does not exist`);
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${valueErrs.join('; ')}`);
  });
  if (errs.length === 1) throw new Error(errs[0]);
  if (errs.length > 1) throw new Error(`[${errs.join(', ')}]`);
  return { key, operator, values };
}

function goStringSlice(values: string[]): string {
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** Parses `?labelSelector=`; an empty string selects everything. Requirements come back sorted by key. Throws LabelSelectorError. */
export function parseLabelSelector(text: string): LabelSelector {
  const items = scanLabelSelector(text);
  const error = items.find((i) => i.tok === 'ErrorToken');
  if (error !== undefined && items.indexOf(error) === 0) throw new LabelSelectorError(`found '${error.literal}', expected: !, identifier, or 'end of string'`);
  const reqs = new Parser(items).parse();
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { nothing: false, requirements: reqs };
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, `{}` everything. Operators are
 * In, NotIn, Exists, DoesNotExist. Throws LabelSelectorError with the server's text for a bad operator.
 */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | undefined | null): LabelSelector {
  if (spec === null || spec === undefined) return NOTHING;
  const labels = spec.matchLabels ?? {};
  const exprs = spec.matchExpressions ?? [];
  if (Object.keys(labels).length === 0 && exprs.length === 0) return EVERYTHING;
  const reqs: LabelRequirement[] = [];
  const wrap = (f: () => LabelRequirement): LabelRequirement => {
    try {
      return f();
    } catch (err) {
      throw new LabelSelectorError((err as Error).message);
    }
  };
  for (const [k, v] of Object.entries(labels)) reqs.push(wrap(() => newRequirement(k, '=', [v])));
  for (const e of exprs) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (op === undefined) throw new LabelSelectorError(`${goQuote(e.operator)} is not a valid label selector operator`);
    reqs.push(wrap(() => newRequirement(e.key, op, e.values ?? [])));
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { nothing: false, requirements: reqs };
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.nothing) return false;
  const ls = labels ?? {};
  return sel.requirements.every((r) => requirementMatches(r, ls));
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value ?? '');
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value ?? '');
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[-+]?\d+$/.test(value ?? '')) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

/** Requirement.String / Selector.String: the canonical text, requirements joined by ",". */
export function labelSelectorString(sel: LabelSelector): string {
  return sel.requirements
    .map((r) => {
      switch (r.operator) {
        case 'exists': return r.key;
        case '!': return `!${r.key}`;
        case 'in':
        case 'notin': return `${r.key} ${r.operator} (${r.values.join(',')})`;
        case 'gt': return `${r.key}>${r.values[0] ?? ''}`;
        case 'lt': return `${r.key}<${r.values[0] ?? ''}`;
        default: return `${r.key}${r.operator}${r.values[0] ?? ''}`;
      }
    })
    .join(',');
}
