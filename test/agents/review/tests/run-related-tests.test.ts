import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InProcessEventBus } from '../../../../shared/bus/in-process-bus.js';
import type { OrchestraEvent } from '../../../../shared/bus/topics.js';
import { isErrorNamed } from '../../../../shared/errors/errors.js';
import { runRelatedTests } from '../../../../agents/review/tests/run-related-tests.js';
import { trackResources } from '../style/resource-tracker.js';
import { linkJest, stillAliveAfterKill, tempProject } from './temp-project.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((d) => d()));
});
async function project(files: Record<string, string>): Promise<string> {
  const p = await tempProject(files);
  cleanups.push(p.dispose);
  return p.root;
}

const NODE_PROJECT = {
  'package.json': JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }),
  'src/sum.js': 'export const sum = (a, b) => a + b;\n',
  'src/other.js': 'export const other = 1;\n',
  'test/sum.test.js': [
    "import { test, describe } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { sum } from '../src/sum.js';",
    "test('adds', () => { assert.equal(sum(1, 2), 3); });",
    "describe('sum', () => {",
    "  test('breaks', () => {",
    '    assert.equal(sum(1, 2), 4);',
    '  });',
    '});',
    '',
  ].join('\n'),
};

const pytestAvailable = (() => {
  try {
    execFileSync('python3', ['-m', 'pytest', '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('runRelatedTests: real runs', () => {
  it('node:test: runs the related test file and reports the failing test at its assertion', async () => {
    const root = await project(NODE_PROJECT);
    const tracker = trackResources();
    const result = await runRelatedTests({ root, changedFiles: ['src/sum.js'], timeoutMs: 60_000 });
    expect(await tracker.stop()).toEqual([]);
    expect(result.runner).toBe('node-test');
    expect(result.ran).toBe(2);
    expect(result.notices).toEqual([]);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      ruleId: 'tests/failing-test',
      agent: 'test-runner',
      severity: 'error',
      file: 'test/sum.test.js',
      range: { start: { line: 7 } },
      message: 'sum > breaks: Expected values to be strictly equal:',
      help: expect.stringContaining('3 !== 4'),
    });
  });

  it('node:test: a passing run gives no finding; the fingerprint survives a line shift', async () => {
    const root = await project(NODE_PROJECT);
    const first = await runRelatedTests({ root, changedFiles: ['src/sum.js'], timeoutMs: 60_000 });
    const shifted = await project({ ...NODE_PROJECT, 'test/sum.test.js': `// a comment\n// another\n${NODE_PROJECT['test/sum.test.js']}` });
    const second = await runRelatedTests({ root: shifted, changedFiles: ['src/sum.js'], timeoutMs: 60_000 });
    expect(second.findings[0]!.range.start.line).toBe(9);
    expect(second.findings[0]!.fingerprint).toBe(first.findings[0]!.fingerprint);
    const green = await project({ ...NODE_PROJECT, 'src/sum.js': 'export const sum = () => 4;\n', 'test/sum.test.js': NODE_PROJECT['test/sum.test.js'].replace("assert.equal(sum(1, 2), 3)", 'assert.ok(true)') });
    const passing = await runRelatedTests({ root: green, changedFiles: ['src/sum.js'], timeoutMs: 60_000 });
    expect(passing).toMatchObject({ findings: [], notices: [], runner: 'node-test', ran: 2 });
  });

  it('publishes error.detected for each failure when given a bus', async () => {
    const root = await project(NODE_PROJECT);
    const bus = new InProcessEventBus();
    const seen: OrchestraEvent<'error.detected'>[] = [];
    const sub = bus.subscribe('error.detected', (e) => {
      seen.push(e);
    });
    try {
      const result = await runRelatedTests({ root, changedFiles: [join(root, 'src/sum.js')], timeoutMs: 60_000, bus });
      await bus.idle();
      expect(seen).toHaveLength(1);
      expect(seen[0]!.payload).toMatchObject({ source: 'test-runner', file: 'test/sum.test.js', line: 7, fingerprint: result.findings[0]!.fingerprint, message: result.findings[0]!.message });
      expect(seen[0]!.payload.stack).toContain('sum.test.js:7');
    } finally {
      sub.dispose();
      bus.dispose();
    }
  });

  it('says so when no test is related to the changed files, and runs nothing', async () => {
    const root = await project(NODE_PROJECT);
    const result = await runRelatedTests({ root, changedFiles: ['src/other.js', '../outside.js'], timeoutMs: 60_000 });
    expect(result).toMatchObject({ findings: [], ran: 0 });
    expect(result.runner).toBeUndefined();
    expect(result.notices).toEqual([expect.stringMatching(/^Skipped \.\.\/outside\.js: it is outside/), expect.stringMatching(/No node-test tests are related to the changed files .*: src\/other\.js/)]);
  });

  it('jest: runs --findRelatedTests through the local node_modules/.bin/jest', async () => {
    const root = await project({
      'package.json': JSON.stringify({ name: 'p', scripts: { test: 'jest' }, jest: { transform: {} } }),
      'src/sum.js': 'module.exports = (a, b) => a + b;\n',
      'src/sum.test.js': "const sum = require('./sum');\ndescribe('sum', () => {\n  test('adds', () => { expect(sum(1, 2)).toBe(3); });\n  test('breaks', () => { expect(sum(1, 2)).toEqual(4); });\n});\n",
      'src/lonely.test.js': "test('never runs', () => { throw new Error('not related'); });\n",
    });
    await linkJest(root);
    const result = await runRelatedTests({ root, changedFiles: ['src/sum.js'], timeoutMs: 60_000 });
    expect(result.notices).toEqual([]);
    expect(result).toMatchObject({ runner: 'jest', ran: 2 });
    expect(result.findings).toEqual([
      expect.objectContaining({ file: 'src/sum.test.js', range: { start: { line: 4, column: 44 }, end: { line: 4, column: 44 } }, message: 'sum > breaks: expect(received).toEqual(expected) // deep equality', help: expect.stringContaining('Expected: 4\nReceived: 3') }),
    ]);
  });

  (pytestAvailable ? it : it.skip)('pytest: runs the related test module and locates the failing assert', async () => {
    const root = await project({
      'pytest.ini': '[pytest]\n',
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'tests/test_calc.py': 'from calc import add\n\n\ndef test_ok():\n    assert add(1, 2) == 3\n\n\ndef test_bad():\n    assert add(1, 2) == 4, "sum wrong"\n',
      'tests/test_other.py': 'def test_unrelated():\n    assert False\n',
    });
    const result = await runRelatedTests({ root, changedFiles: ['calc.py'], timeoutMs: 60_000 });
    expect(result.notices).toEqual([]);
    expect(result).toMatchObject({ runner: 'pytest', ran: 2 });
    expect(result.findings).toEqual([expect.objectContaining({ file: 'tests/test_calc.py', range: expect.objectContaining({ start: { line: 9, column: 1 } }), message: 'tests/test_calc.py::test_bad: sum wrong' })]);
  });

  it('kills a hanging run with its whole process group at the timeout and says so', async () => {
    const root = await project({
      'package.json': JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }),
      'src/hang.js': 'export const x = 1;\n',
      'test/hang.test.js': [
        "import { test } from 'node:test';",
        "import { spawn } from 'node:child_process';",
        "import { writeFileSync } from 'node:fs';",
        "test('hangs', async () => {",
        "  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
        "  writeFileSync(new URL('../pids.txt', import.meta.url), `${process.pid} ${child.pid}`);",
        '  await new Promise(() => setInterval(() => {}, 1000));',
        '});',
        '',
      ].join('\n'),
    });
    const tracker = trackResources();
    const result = await runRelatedTests({ root, changedFiles: ['src/hang.js'], timeoutMs: 1500 });
    expect(await tracker.stop()).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.notices).toEqual([expect.stringMatching(/node-test timed out after 1500 ms; its process group was killed/)]);
    const pids = (await readFile(join(root, 'pids.txt'), 'utf8')).split(' ').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await stillAliveAfterKill(pid)).toBe(false);
  });

  it('cancels on abort: the group is killed and the promise rejects with CancelledError', async () => {
    const root = await project({
      'package.json': JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }),
      'src/slow.js': '',
      'test/slow.test.js': "import { test } from 'node:test';\nimport { writeFileSync } from 'node:fs';\ntest('slow', async () => { writeFileSync(new URL('../pid.txt', import.meta.url), String(process.pid)); await new Promise(() => setInterval(() => {}, 1000)); });\n",
    });
    const controller = new AbortController();
    const pending = runRelatedTests({ root, changedFiles: ['src/slow.js'], timeoutMs: 60_000, signal: controller.signal });
    // Abort once the test is running (it writes its pid first); polling the file is not a timed assertion.
    let pid = 0;
    while (!pid) {
      pid = Number(await readFile(join(root, 'pid.txt'), 'utf8').catch(() => '0'));
      if (!pid) await new Promise((r) => setTimeout(r, 20));
    }
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(isErrorNamed(error, 'CancelledError')).toBe(true);
    expect(await stillAliveAfterKill(pid)).toBe(false);
  });

  it('turns a missing runner, no runner and an unreadable report into notices', async () => {
    const none = await project({ 'README.md': '# nothing' });
    expect((await runRelatedTests({ root: none, changedFiles: ['a.js'] })).notices).toEqual([expect.stringMatching(/^No test runner found in /)]);
    const broken = await project({ 'package.json': '{ nope' });
    expect((await runRelatedTests({ root: broken, changedFiles: ['a.js'] })).notices).toEqual([expect.stringMatching(/package\.json .* is not valid JSON/)]);
    // A mocha project without mocha installed: npx --no-install refuses to download and fails.
    const noMocha = await project({ 'package.json': JSON.stringify({ devDependencies: { mocha: '10' } }), 'lib/a.js': '', 'test/a.spec.js': "require('../lib/a')" });
    const result = await runRelatedTests({ root: noMocha, changedFiles: ['lib/a.js'], timeoutMs: 60_000 });
    expect(result.findings).toEqual([]);
    expect(result.notices).toEqual([expect.stringMatching(/^(Could not read mocha's results|Could not start mocha)/)]);
  });
});
