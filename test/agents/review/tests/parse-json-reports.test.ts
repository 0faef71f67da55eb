import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isErrorNamed } from '../../../../shared/errors/errors.js';
import { parseJestJson } from '../../../../agents/review/tests/parse-jest-json.js';
import { parseMochaJson } from '../../../../agents/review/tests/parse-mocha-json.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

describe('parseJestJson', () => {
  it('reads a real jest --json report: name, assertion message, location at the assertion', () => {
    const run = parseJestJson(read('jest-related.json'), '/tmp/jt/jp');
    expect(run.total).toBe(2);
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatchObject({
      fullName: 'sum > breaks',
      message: 'expect(received).toEqual(expected) // deep equality\n\nExpected: 4\nReceived: 3',
      file: '/tmp/jt/jp/src/sum.test.js',
      line: 4,
      column: 44,
    });
    expect(run.failures[0]!.stack).toContain('jest-circus');
  });

  it('reads a vitest JSON report, including a test file that failed to load', () => {
    const run = parseJestJson(read('vitest-related.json'), '/home/dev/proj', 'vitest report');
    expect(run.total).toBe(3);
    expect(run.failures).toEqual([
      expect.objectContaining({ fullName: 'math > rounding > rounds half up', message: 'expected 2 to be 3 // Object.is equality', file: '/home/dev/proj/src/math.test.ts', line: 12, column: 25 }),
      expect.objectContaining({ fullName: 'test file failed to run', file: '/home/dev/proj/src/broken.test.ts', message: expect.stringContaining('Failed to load url ./missing.js') }),
    ]);
  });

  it('falls back to the reported test location when no stack frame is in the test file', () => {
    const report = { numTotalTests: 1, testResults: [{ name: '/p/a.test.js', status: 'failed', message: '', assertionResults: [{ title: 't', ancestorTitles: [], status: 'failed', failureMessages: ['Error: boom'], location: { line: 7, column: 2 } }] }] };
    expect(parseJestJson(JSON.stringify(report), '/p').failures[0]).toMatchObject({ fullName: 't', message: 'boom', file: '/p/a.test.js', line: 7, column: 2 });
  });

  it.each([
    ['truncated JSON', read('jest-related.json').slice(0, 500), /not valid JSON \(truncated/],
    ['an empty file', '', /is empty: the runner wrote no results/],
    ['a wrong shape', JSON.stringify({ numTotalTests: 1, testResults: [{ name: 'a', assertionResults: 'nope' }] }), /at 'testResults\.0\.assertionResults'/],
    ['a missing key', JSON.stringify({ testResults: [] }), /at 'numTotalTests'/],
    ['a non-object', '[1,2,3]', /at '\(top level\)'/],
    ['binary junk', '\u0000\u00ff\u0001PNG\r\n', /not valid JSON/],
  ])('refuses %s with a clear InvalidInputError', (_what, text, message) => {
    let caught: unknown;
    try {
      parseJestJson(text, '/r', 'jest report /tmp/x.json');
    } catch (error) {
      caught = error;
    }
    expect(isErrorNamed(caught, 'InvalidInputError')).toBe(true);
    expect((caught as Error).message).toMatch(/jest report \/tmp\/x\.json/);
    expect((caught as Error).message).toMatch(message);
  });

  it('survives deeply nested and huge JSON without crashing', () => {
    expect(() => parseJestJson('['.repeat(200_000) + ']'.repeat(200_000), '/r')).toThrow(/InvalidInput|expected shape|not valid JSON/);
    const many = { numTotalTests: 50_000, testResults: [{ name: '/r/a.test.js', assertionResults: Array.from({ length: 50_000 }, (_, k) => ({ title: `t${k}`, status: k % 5000 === 0 ? 'failed' : 'passed', failureMessages: ['Error: x\n    at /r/a.test.js:1:1'] })) }] };
    expect(parseJestJson(JSON.stringify(many), '/r').failures).toHaveLength(10);
  });

  it('throws only InvalidInputError on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseJestJson(JSON.stringify(value), '/r');
        } catch (error) {
          expect(isErrorNamed(error, 'InvalidInputError')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseMochaJson', () => {
  it('reads mocha --reporter json stdout even after console output, with the diff in details', () => {
    const run = parseMochaJson(read('mocha-stdout.txt'), '/home/dev/proj');
    expect(run.total).toBe(3);
    expect(run.failures).toEqual([
      expect.objectContaining({ fullName: 'sum subtracts', message: 'Expected values to be strictly equal:\n\n3 !== 1', file: '/home/dev/proj/test/sum.spec.js', line: 9, column: 12 }),
    ]);
    expect(run.failures[0]!.details).toContain('expected: 1\nactual:   3');
  });

  it.each([
    ['output with no report', 'Error: Cannot find module ./x\n', /no JSON report/],
    ['a truncated report', read('mocha-stdout.txt').slice(0, 900), /not valid JSON|expected shape/],
    ['a wrong shape', '{"stats": {"tests": "many", "failures": 0}, "failures": []}', /at 'stats\.tests'/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseMochaJson(text, '/r')).toThrow(message);
  });
});
