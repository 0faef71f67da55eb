import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { findJsonSyntaxError } from '../../../shared/config/json-syntax-error.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('findJsonSyntaxError', () => {
  it('finds no error in any valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        expect(findJsonSyntaxError(JSON.stringify(value, null, indent))).toBeUndefined();
      }),
    );
  });

  it('agrees with JSON.parse on damaged JSON and points inside the text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\n', '{', '[', '\\'), (value, at, insert) => {
        const valid = JSON.stringify(value);
        const position = at % (valid.length + 1);
        const damaged = valid.slice(0, position) + insert + valid.slice(position + 1);
        const error = findJsonSyntaxError(damaged);
        expect(error === undefined).toBe(parses(damaged));
        if (error) expect(error.offset).toBeLessThanOrEqual(damaged.length);
      }),
      { numRuns: 500 },
    );
  });

  it('says what was expected and what was found', () => {
    expect(findJsonSyntaxError('{"a": tru}')).toEqual({ offset: 6, expected: 'a value (object, array, string, number, true, false or null)', found: "'t'" });
    expect(findJsonSyntaxError('{"a" 1}')).toEqual({ offset: 5, expected: "':'", found: "'1'" });
    expect(findJsonSyntaxError('["\\x"]')).toMatchObject({ offset: 2, found: "'x'" });
    expect(findJsonSyntaxError('')).toMatchObject({ offset: 0, found: 'end of file' });
  });

  it('scans deep nesting without recursion', () => {
    const depth = 200_000;
    expect(findJsonSyntaxError('['.repeat(depth) + ']'.repeat(depth))).toBeUndefined();
    expect(findJsonSyntaxError('['.repeat(depth))).toMatchObject({ offset: depth, found: 'end of file' });
  });
});
