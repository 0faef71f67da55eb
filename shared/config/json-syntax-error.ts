/**
 * Locates the first syntax error of a JSON text. `JSON.parse` does the parsing; when it fails, its
 * message has no reliable position (and may quote the whole file), so this scanner finds the
 * offset and says what was expected there. Iterative, linear time, no recursion on nesting.
 */

/** Where a JSON text stops being valid, and why. */
export interface JsonSyntaxError {
  /** 0-based offset of the offending character (the text's length at an unexpected end). */
  offset: number;
  /** What the grammar allows there, e.g. `',' or '}'`. */
  expected: string;
  /** What is there instead, e.g. `'}'` or `end of file`. */
  found: string;
}

type State = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after-value';

const EXPECTED: Record<State, string> = {
  value: 'a value (object, array, string, number, true, false or null)',
  'value-or-close': "a value or ']'",
  key: 'a double-quoted property name',
  'key-or-close': "a double-quoted property name or '}'",
  colon: "':'",
  'after-value': "',' or the end of the object or array",
};

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

function describe(text: string, offset: number): string {
  if (offset >= text.length) return 'end of file';
  const code = text.codePointAt(offset)!;
  if (code < 0x20) return `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${String.fromCodePoint(code)}'`;
}

/** Scans a string starting at the opening quote; returns the offset after it, or an error. */
function scanString(text: string, start: number): number | JsonSyntaxError {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { offset: i, expected: 'a closing \'"\' (strings cannot span lines; write \\n)', found: describe(text, i) };
    if (c === 0x5c) {
      ESCAPE.lastIndex = i;
      if (!ESCAPE.test(text)) return { offset: i, expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)', found: describe(text, i + 1) };
      i = ESCAPE.lastIndex;
      continue;
    }
    i++;
  }
  return { offset: i, expected: 'a closing \'"\'', found: 'end of file' };
}

/** Returns the first syntax error of `text` as JSON, or `undefined` if it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: string[] = [];
  let state: State = 'value';
  let i = 0;
  const fail = (expected = EXPECTED[state]): JsonSyntaxError => ({ offset: i, expected, found: describe(text, i) });
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
    if (i >= text.length) {
      if (state !== 'after-value') return fail();
      const top = stack.at(-1);
      return top === undefined ? undefined : fail(`',' or '${top === '{' ? '}' : ']'}'`);
    }
    const c = text[i]!;
    if (state === 'after-value') {
      const top = stack.at(-1);
      if (top === undefined) return fail('end of file (one top-level value only)');
      if (c === ',') {
        state = top === '{' ? 'key' : 'value';
        i++;
      } else if (c === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else {
        return fail(`',' or '${top === '{' ? '}' : ']'}'`);
      }
    } else if (state === 'colon') {
      if (c !== ':') return fail();
      state = 'value';
      i++;
    } else if (state === 'key' || state === 'key-or-close') {
      if (c === '}' && state === 'key-or-close') {
        stack.pop();
        state = 'after-value';
        i++;
        continue;
      }
      if (c !== '"') return fail();
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      state = 'colon';
    } else {
      if (c === ']' && state === 'value-or-close') {
        stack.pop();
        state = 'after-value';
        i++;
        continue;
      }
      if (c === '{' || c === '[') {
        stack.push(c);
        state = c === '{' ? 'key-or-close' : 'value-or-close';
        i++;
        continue;
      }
      if (c === '"') {
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
      } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
        i += 4;
      } else if (text.startsWith('false', i)) {
        i += 5;
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return fail();
        i = NUMBER.lastIndex;
      }
      state = 'after-value';
    }
  }
}
