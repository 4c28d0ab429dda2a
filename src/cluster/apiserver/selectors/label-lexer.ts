// The lexer of k8s.io/apimachinery/pkg/labels/selector.go: identifiers are runs of anything but
// whitespace and the special symbols; symbols are matched longest-first ("!=" before "!").

export type LabelToken =
  | 'ErrorToken'
  | 'EndOfStringToken'
  | 'ClosedParToken'
  | 'CommaToken'
  | 'DoesNotExistToken'
  | 'DoubleEqualsToken'
  | 'EqualsToken'
  | 'GreaterThanToken'
  | 'IdentifierToken'
  | 'InToken'
  | 'LessThanToken'
  | 'NotEqualsToken'
  | 'NotInToken'
  | 'OpenParToken';

export interface ScannedItem {
  tok: LabelToken;
  literal: string;
}

const SYMBOLS: Record<string, LabelToken> = {
  ')': 'ClosedParToken',
  ',': 'CommaToken',
  '!': 'DoesNotExistToken',
  '==': 'DoubleEqualsToken',
  '=': 'EqualsToken',
  '>': 'GreaterThanToken',
  'in': 'InToken',
  '<': 'LessThanToken',
  '!=': 'NotEqualsToken',
  'notin': 'NotInToken',
  '(': 'OpenParToken',
};

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecialSymbol = (c: string): boolean => '=!(),><'.includes(c);

/** Scans the whole selector; the last item is EndOfStringToken (or an ErrorToken). */
export function scanLabelSelector(input: string): ScannedItem[] {
  const items: ScannedItem[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos] ?? '')) pos++;
    if (pos >= input.length) {
      items.push({ tok: 'EndOfStringToken', literal: '' });
      return items;
    }
    const c = input[pos] ?? '';
    if (isSpecialSymbol(c)) {
      let buffer = '';
      let last: ScannedItem | undefined;
      while (pos < input.length && isSpecialSymbol(input[pos] ?? '')) {
        buffer += input[pos];
        const tok = SYMBOLS[buffer];
        if (tok !== undefined) {
          last = { tok, literal: buffer };
          pos++;
        } else if (last !== undefined) {
          break;
        } else {
          pos++;
        }
      }
      if (last === undefined) {
        items.push({ tok: 'ErrorToken', literal: `error expected: keyword found '${buffer}'` });
        return items;
      }
      items.push(last);
    } else {
      const start = pos;
      while (pos < input.length && !isWhitespace(input[pos] ?? '') && !isSpecialSymbol(input[pos] ?? '')) pos++;
      const word = input.slice(start, pos);
      const keyword = word === 'in' ? 'InToken' : word === 'notin' ? 'NotInToken' : 'IdentifierToken';
      items.push({ tok: keyword, literal: word });
    }
  }
}
