/**
 * The error swarm's commands as a user runs them (the built `orchestra` binary, real processes): a
 * real git repository whose tests broke 20 commits ago, with uncommitted work in progress.
 * `orchestra triage` names the faulting file and line from the failing test's output;
 * `orchestra bisect` names the commit that broke it without touching the working tree;
 * `orchestra revert` creates the revert branch only when approved, and the audit trail records it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeRepo, type TempRepo } from '../helpers/git-repo.js';

const BIN = resolve(import.meta.dirname, '../../bin/orchestra.js');

function orchestra(cwd: string, args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

function runTests(cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--test', 'test/'], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, output }));
  });
}

const GOOD_DURATION = `export function formatDuration(ms) {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? \`\${minutes}m \${seconds % 60}s\` : \`\${seconds}s\`;
}
`;
// The regression: durations given as numbers are read as "mm:ss" strings.
const BAD_DURATION = `export function formatDuration(value) {
  const text = typeof value === 'string' ? value : value.label;
  const [minutes, seconds] = text.split(':').map(Number);
  return minutes > 0 ? \`\${minutes}m \${seconds}s\` : \`\${seconds}s\`;
}
`;
const BAD_LINE = 3;

/**
 * Hash of every file outside .git, and git's view of the tree: what "untouched" means. The audit
 * trail (.orchestra/) is Orchestra's own record and is left out.
 */
function snapshot(repo: TempRepo): { files: Record<string, string>; status: string; head: string; stash: string; branches: string } {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === '.orchestra') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[path.slice(repo.dir.length + 1)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(repo.dir);
  const status = repo.git('status', '--porcelain=v1', '-uall').split('\n').filter((line) => !line.includes('.orchestra/')).join('\n');
  return { files, status, head: repo.git('rev-parse', 'HEAD'), stash: repo.git('stash', 'list'), branches: repo.git('branch', '--list') };
}

let repo: TempRepo;
let first: string;
let culprit: string;

beforeAll(() => {
  repo = makeRepo('orchestra-error-cli-');
  repo.write('package.json', JSON.stringify({ name: 'durations', type: 'module', private: true }, null, 2));
  repo.write('src/duration.js', GOOD_DURATION);
  repo.write('test/duration.test.js', `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../src/duration.js';

test('formats a number of milliseconds', () => {
  assert.equal(formatDuration(75_000), '1m 15s');
});
`);
  first = repo.commit('durations: format milliseconds');
  for (let n = 1; n <= 40; n++) {
    if (n === 20) {
      repo.write('src/duration.js', BAD_DURATION);
      culprit = repo.commit('durations: accept "mm:ss" labels');
    } else {
      repo.write('src/notes.js', `export const notes = ${JSON.stringify(Array.from({ length: n }, (_, i) => `note ${i}`))};\n`);
      repo.commit(`notes: add note ${n}`);
    }
  }
  // Work in progress the commands must leave exactly as it is.
  repo.write('src/notes.js', '// edited, not committed\n');
  repo.git('add', 'src/notes.js');
  repo.write('README.md', 'draft, not committed\n');
  repo.write('scratch.txt', 'untracked\n');
}, 120_000);

afterAll(() => repo?.cleanup());

describe('orchestra triage, bisect and revert on a real regression', () => {
  it('triage names the faulting file and line from the failing test output (stdin and a file)', async () => {
    const { code, output } = await runTests(repo.dir);
    expect(code).not.toBe(0);
    const piped = await orchestra(repo.dir, ['triage'], output);
    expect(piped.code).toBe(1);
    expect(piped.stdout).toContain(`at src/duration.js:${BAD_LINE}`);
    expect(piped.stdout).toMatch(/TypeError: Cannot read properties of undefined \(reading 'split'\)/);

    const json = await orchestra(repo.dir, ['triage', '-', '--format', 'json'], output);
    const report = JSON.parse(json.stdout) as { items: { fault?: { file: string; line: number } }[] };
    expect(report.items[0]!.fault).toMatchObject({ file: 'src/duration.js', line: BAD_LINE });
  }, 60_000);

  it('triage explains bad usage and reads nothing it should not', async () => {
    const missing = await orchestra(repo.dir, ['triage', 'no-such.log']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const clean = await orchestra(repo.dir, ['triage', '-'], 'all 12 tests passed\n');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('No errors found');
  }, 60_000);

  it('bisect names the commit that introduced the failure, leaving the working tree exactly as it was', async () => {
    const before = snapshot(repo);
    const result = await orchestra(repo.dir, ['bisect', '--good', first, '--format', 'json', '--', process.execPath, '--test', 'test/']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as { status: string; culprit: { sha: string }; runs: { bounded: number; target: number } };
    expect(report.status).toBe('found');
    expect(report.culprit.sha).toBe(culprit);
    expect(report.runs.bounded).toBeLessThanOrEqual(report.runs.target);
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo.dir, '.git', 'BISECT_LOG'))).toBe(false);
  }, 180_000);

  it('revert happens only after approval: refused without a terminal or --yes, made on a new branch with it, audited', async () => {
    const before = snapshot(repo);
    const refused = await orchestra(repo.dir, ['revert', culprit.slice(0, 10)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('needs approval');
    expect(repo.git('branch', '--list', 'orchestra/*')).toBe('');

    const approved = await orchestra(repo.dir, ['revert', culprit.slice(0, 10), '--yes']);
    expect({ code: approved.code, stdout: approved.code === 0 ? '' : approved.stdout, stderr: approved.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    const branch = /Created branch (\S+)/.exec(approved.stdout)![1]!;
    expect(repo.git('branch', '--list', branch).trim()).toContain(branch);
    expect(repo.git('show', `${branch}:src/duration.js`)).toBe(GOOD_DURATION);
    // The user's tree, index, HEAD and stash are as they were; only the new branch was added.
    expect({ ...snapshot(repo), branches: undefined }).toEqual({ ...before, branches: undefined });
    const audit = readFileSync(join(repo.dir, '.orchestra', 'audit.jsonl'), 'utf8');
    expect(audit).toContain('git.revert');
    expect(audit).toContain('approved with --yes');
  }, 120_000);
});
