/**
 * Failing tests as real test runners report them: the repository's jest (JSON report) on a temp
 * project, and pytest / unittest when python3 has them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suggestFixes } from '../../../../agents/error/fix/index.js';
import type { FixSuggestion } from '../../../../agents/error/types.js';
import { REPO_ROOT, available, faultIn, run, tempDir } from './real-failures.js';
import type { TempDir } from './real-failures.js';

const JEST_TESTS = [
  "const add = (a, b) => a - b;",
  "test('adds', () => { expect(add(2, 2)).toBe(4); });",
  "test('objects', () => { expect({ id: 1, name: 'a' }).toEqual({ id: 1, name: 'b' }); });",
  "test('identity', () => { expect({ id: 1 }).toBe({ id: 1 }); });",
  "function getName() { 'x'; }",
  "test('returns', () => { expect(getName()).toBe('x'); });",
  'const validate = (input) => input.length > 0;',
  "test('throws', () => { expect(validate('')).toThrow(); });",
  "test('calls', () => { const onSave = jest.fn(); expect(onSave).toHaveBeenCalledWith('doc'); });",
  "test('done', (done) => { setTimeout(() => {}, 10); }, 200);",
  "test('hangs', async () => { await new Promise(() => {}); }, 200);",
  '',
].join('\n');

const JEST_HOOK = "beforeAll(async () => { await new Promise(() => {}); }, 200);\ntest('after setup', () => {});\n";

interface JestFailure {
  title: string;
  message: string;
}

let tmp: TempDir;
const failures = new Map<string, JestFailure>();

/** jest's JSON report: testResults[].assertionResults[].failureMessages. */
function readReport(path: string): JestFailure[] {
  const report = JSON.parse(readFileSync(path, 'utf8')) as { testResults: { message: string; assertionResults: { title: string; failureMessages: string[] }[] }[] };
  return report.testResults.flatMap((file) => file.assertionResults.map((a) => ({ title: a.title, message: a.failureMessages.join('\n') })));
}

beforeAll(async () => {
  tmp = await tempDir();
  await tmp.write('a.test.js', JEST_TESTS);
  await tmp.write('hook.test.js', JEST_HOOK);
  const jest = join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  await run(process.execPath, [jest, '--rootDir', tmp.dir, '--config', '{}', '--ci', '--json', '--outputFile', join(tmp.dir, 'report.json')], tmp.dir, { CI: 'true' }, 120_000);
  for (const failure of readReport(join(tmp.dir, 'report.json'))) failures.set(failure.title, failure);
}, 120_000);

afterAll(async () => {
  await tmp.dispose();
});

function forJestTest(title: string): { top: FixSuggestion | undefined; message: string } {
  const failure = failures.get(title);
  if (failure === undefined || failure.message.length === 0) throw new Error(`jest reported no failure for "${title}"`);
  const { fault, codeLine } = faultIn(failure.message, tmp.dir);
  const all = suggestFixes({ error: { message: failure.message, kind: 'assertion', format: 'jest' }, fault, codeLine });
  return { top: all[0], message: failure.message };
}

describe('jest (real runs, JSON report)', () => {
  it('toBe: names the expression under test, expected and received', () => {
    const { top } = forJestTest('adds');
    expect(top?.rule).toBe('jest-expect');
    expect(top?.detail).toContain('`toBe` failed: `add(2, 2)` is `0`, the test expects `4`.');
  });

  it('toEqual: gives the first difference of the diff', () => {
    const { top } = forJestTest('objects');
    expect(top?.detail).toContain('`toEqual` failed for `{ id: 1, name: \'a\' }`: first difference — expected `"name": "b",`, received `"name": "a",`');
  });

  it('toBe on objects: says to use toEqual', () => {
    const { top, message } = forJestTest('identity');
    expect(message).toContain('serializes to the same string');
    expect(top?.detail).toContain('for objects and arrays use `toEqual`');
  });

  it('received undefined: says a return is missing', () => {
    const { top } = forJestTest('returns');
    expect(top?.detail).toContain('`getName()` is `undefined`');
    expect(top?.detail).toContain('a missing `return`');
  });

  it('toThrow on a value: says to pass a function', () => {
    const { top } = forJestTest('throws');
    expect(top?.detail).toContain("`expect(() => validate('')).toThrow(…)`");
  });

  it('toHaveBeenCalledWith: says the mock was not called', () => {
    const { top } = forJestTest('calls');
    expect(top?.detail).toContain('`toHaveBeenCalledWith` failed for `onSave` (it was called 0 times)');
  });

  it('timeout waiting for done()', () => {
    const { top } = forJestTest('done');
    expect(top?.rule).toBe('test-timeout');
    expect(top?.detail).toContain('never called it within 200 ms');
  });

  it('timeout of an awaited promise names the await on the line', () => {
    const { top } = forJestTest('hangs');
    expect(top?.rule).toBe('test-timeout');
    expect(top?.detail).toContain('`await new Promise(() => {})` on this line is the likely wait that never ends');
  });

  it('timeout of a hook', () => {
    const { top } = forJestTest('after setup');
    expect(top?.rule).toBe('test-timeout');
    expect(top?.detail).toContain('hook did not finish within 200 ms');
  });
});

(available('python3', ['-m', 'pytest', '--version']) ? describe : describe.skip)('pytest (real run)', () => {
  it('assert with a "where" line names the call and both values', async () => {
    const dir = await tempDir();
    try {
      await dir.write('test_calc.py', 'def add(a, b):\n    return a - b\n\ndef test_add():\n    assert add(1, 1) == 2\n');
      const result = await run('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_calc.py'], dir.dir);
      const message = result.stdout.split('\n').filter((line) => line.startsWith('E ')).join('\n');
      expect(message).toContain('assert 0 == 2');
      const lineNo = Number(/test_calc\.py:(\d+): AssertionError/.exec(result.stdout)?.[1]);
      const [top] = suggestFixes({
        error: { message, kind: 'assertion', format: 'pytest' },
        fault: { file: 'test_calc.py', line: lineNo, via: 'tool' },
        codeLine: readFileSync(join(dir.dir, 'test_calc.py'), 'utf8').split('\n')[lineNo - 1],
      });
      expect(top?.rule).toBe('python-assertion');
      expect(top?.detail).toContain('`assert 0 == 2` failed: `add(1, 1)` returned `0`, the test expects `2`');
    } finally {
      await dir.dispose();
    }
  });
});

(available('python3') ? describe : describe.skip)('unittest (real run)', () => {
  it('assertEqual', async () => {
    const dir = await tempDir();
    try {
      await dir.write('test_calc.py', 'import unittest\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(1 - 1, 2)\n\nunittest.main()\n');
      const result = await run('python3', ['test_calc.py'], dir.dir);
      const message = result.stderr.split('\n').find((line) => line.startsWith('AssertionError')) ?? '';
      expect(message).toBe('AssertionError: 0 != 2');
      const [top] = suggestFixes({ error: { message }, codeLine: '        self.assertEqual(1 - 1, 2)' });
      expect(top?.rule).toBe('python-assertion');
      expect(top?.detail).toContain('`assertEqual` failed: `1 - 1` is `0`, the test expects `2`');
    } finally {
      await dir.dispose();
    }
  });
});
