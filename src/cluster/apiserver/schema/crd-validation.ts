// The CustomResourceDefinition checks of apiextensions-apiserver pkg/apis/apiextensions/validation
// that matter to Ferry: names, group, scope, versions, structural schemas, subresources and
// printer columns. Expects a defaulted CRD (see defaultCustomResourceDefinition).
import type { FieldError, KubeObject, Schema } from '../types.ts';
import { parseJSONPath } from '../table/jsonpath.ts';
import { invalidError, notSupportedError, requiredError } from './field-errors.ts';
import { isDNS1035Label, isDNS1123Subdomain } from './names.ts';
import { isObject } from './resolve.ts';
import { validateStructuralSchema } from './structural.ts';

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The Go %#v of the versions list is unreadable; the server's value is approximated by the names. */
function versionsValue(versions: unknown[]): string {
  return `[${versions.map((v) => str(rec(v)['name'])).join(' ')}]`;
}

export function validateCustomResourceDefinition(crd: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = rec(crd['spec']);
  const names = rec(spec['names']);
  const group = str(spec['group']);
  const plural = str(names['plural']);

  const name = crd.metadata.name ?? '';
  if (name === '') errs.push(requiredError('metadata.name', 'name or generateName is required'));
  else {
    const msgs = isDNS1123Subdomain(name);
    if (name !== `${plural}.${group}`) msgs.push('must be spec.names.plural+"."+spec.group');
    for (const m of msgs) errs.push(invalidError('metadata.name', name, m));
  }

  if (group === '') errs.push(requiredError('spec.group'));
  else {
    const groupErrs = isDNS1123Subdomain(group);
    if (groupErrs.length > 0) errs.push(invalidError('spec.group', group, groupErrs.join(',')));
    else if (group.split('.').length < 2) errs.push(invalidError('spec.group', group, 'should be a domain with at least one dot'));
  }

  const scope = str(spec['scope']);
  if (scope === '') errs.push(requiredError('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(notSupportedError('spec.scope', scope, ['Cluster', 'Namespaced']));

  errs.push(...validateNames(names));
  errs.push(...validateVersions(arr(spec['versions'])));

  const conversion = rec(spec['conversion']);
  const strategy = str(conversion['strategy']);
  if (strategy === '') errs.push(requiredError('spec.conversion.strategy'));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(notSupportedError('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  else if (strategy === 'Webhook' && conversion['webhook'] === undefined) errs.push(requiredError('spec.conversion.webhook', 'required when strategy is set to Webhook'));
  return errs;
}

function validateNames(names: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const dns1035 = (path: string, value: string, mixedCase: boolean): void => {
    const e = isDNS1035Label(mixedCase ? value.toLowerCase() : value);
    if (value !== '' && e.length > 0) errs.push(invalidError(path, value, `${mixedCase ? 'may have mixed case, but should otherwise match: ' : ''}${e.join(',')}`));
  };
  for (const f of ['plural', 'singular', 'kind', 'listKind']) {
    if (str(names[f]) === '') errs.push(requiredError(`spec.names.${f}`));
  }
  dns1035('spec.names.plural', str(names['plural']), false);
  dns1035('spec.names.singular', str(names['singular']), false);
  dns1035('spec.names.kind', str(names['kind']), true);
  dns1035('spec.names.listKind', str(names['listKind']), true);
  arr(names['shortNames']).forEach((s, i) => {
    const e = isDNS1035Label(str(s));
    if (e.length > 0) errs.push(invalidError(`spec.names.shortNames[${i}]`, str(s), e.join(',')));
  });
  const kind = str(names['kind']);
  if (kind !== '' && kind === str(names['listKind'])) errs.push(invalidError('spec.names.listKind', kind, 'kind and listKind may not be the same'));
  return errs;
}

function validateVersions(versions: unknown[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  let served = 0;
  versions.forEach((raw, i) => {
    const v = rec(raw);
    const path = `spec.versions[${i}]`;
    const name = str(v['name']);
    if (v['storage'] === true) storage++;
    if (v['served'] === true) served++;
    if (seen.has(name)) unique = false;
    seen.add(name);
    const nameErrs = isDNS1035Label(name);
    if (nameErrs.length > 0) errs.push(invalidError(`${path}.name`, name, nameErrs.join(',')));
    const schema = rec(v['schema'])['openAPIV3Schema'];
    if (!isObject(schema)) errs.push(requiredError(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
    else errs.push(...validateStructuralSchema(schema as Schema, `${path}.schema.openAPIV3Schema`));
    errs.push(...validateSubresources(v['subresources'], `${path}.subresources`));
    arr(v['additionalPrinterColumns']).forEach((c, j) => errs.push(...validatePrinterColumn(rec(c), `${path}.additionalPrinterColumns[${j}]`)));
  });
  if (!unique) errs.push(invalidError('spec.versions', versionsValue(versions), 'must contain unique version names'));
  if (storage !== 1) errs.push(invalidError('spec.versions', versionsValue(versions), 'must have exactly one version marked as storage version'));
  if (versions.length > 0 && served === 0) errs.push(invalidError('spec.versions', versionsValue(versions), 'must have at least one served version'));
  return errs;
}

function validateSubresources(raw: unknown, path: string): FieldError[] {
  if (!isObject(raw)) return [];
  const scale = raw['scale'];
  if (!isObject(scale)) return [];
  const errs: FieldError[] = [];
  const check = (field: string, under: '.spec' | '.status', required: boolean): void => {
    const p = str(scale[field]);
    if (p === '') {
      if (required) errs.push(requiredError(`${path}.scale.${field}`));
      return;
    }
    const simple = simpleJSONPathErrors(p, `${path}.scale.${field}`);
    if (simple.length > 0) errs.push(...simple);
    else if (!p.startsWith(`${under}.`)) errs.push(invalidError(`${path}.scale.${field}`, p, `should be a json path under ${under}`));
  };
  check('specReplicasPath', '.spec', true);
  check('statusReplicasPath', '.status', true);
  check('labelSelectorPath', '.status', false);
  return errs;
}

/** validateSimpleJSONPath: a dot-notation path starting with ".". */
export function simpleJSONPathErrors(s: string, path: string): FieldError[] {
  if (s === '') return [invalidError(path, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalidError(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validatePrinterColumn(col: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(col['name']) === '') errs.push(requiredError(`${path}.name`));
  const type = str(col['type']);
  if (type === '') errs.push(requiredError(`${path}.type`, `must be one of ${PRINTER_COLUMN_TYPES.join(', ')}`));
  else if (!PRINTER_COLUMN_TYPES.includes(type)) errs.push(notSupportedError(`${path}.type`, type, PRINTER_COLUMN_TYPES));
  const format = str(col['format']);
  if (format !== '' && !PRINTER_COLUMN_FORMATS.includes(format)) errs.push(notSupportedError(`${path}.format`, format, PRINTER_COLUMN_FORMATS));
  const jsonPath = str(col['jsonPath']);
  if (jsonPath === '') errs.push(requiredError(`${path}.jsonPath`));
  else {
    const simple = simpleJSONPathErrors(jsonPath, `${path}.jsonPath`);
    errs.push(...simple);
    if (simple.length === 0) {
      try {
        parseJSONPath(jsonPath);
      } catch (err) {
        errs.push(invalidError(`${path}.jsonPath`, jsonPath, (err as Error).message));
      }
    }
  }
  return errs;
}
