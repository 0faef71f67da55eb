/**
 * The `orchestra.*` settings mirror the config file, in a real VS Code (code-server 4.100.3) driven by
 * Chromium: the repository's orchestra.config.json sets a complexity threshold; changing the same key
 * in the workspace's settings.json changes the findings in the Problems panel at once; an invalid
 * value shows one warning that names the setting and what is expected, and the file's value applies
 * again. Screenshots go to test-artifacts/editor/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  HARNESS_DIR,
  eventually,
  openFile,
  openWorkbench,
  packageExtension,
  problems,
  screenshot,
  startCodeServer,
  waitForNotification,
  type CodeServer,
  type Workbench,
} from './harness.js';

const ROOT = resolve(HARNESS_DIR, '..', '..');
const EXTENSION_DIR = join(ROOT, 'extension');
const SLOW = 240_000;

/** Cyclomatic complexity 5: over a threshold of 3 or 4, under 10. */
const GRADE_JS = `function grade(score) {
  if (score > 90) return 'A';
  if (score > 80) return 'B';
  if (score > 70) return 'C';
  if (score > 60) return 'D';
  return 'F';
}

module.exports = { grade };
`;

function makeWorkspace(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'grade.js'), GRADE_JS);
  writeFileSync(join(dir, 'orchestra.config.json'), `${JSON.stringify({ review: { complexity: { cyclomatic: 3 } } }, null, 2)}\n`);
  const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...identity } });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
}

/** The complexity findings of grade.js in the Problems panel. */
const complexityRows = (labels: string[]): string[] => labels.filter((l) => /Function grade has a cyclomatic complexity of 5/.test(l));

describe('orchestra.* settings in code-server', () => {
  let scratch = '';
  let workspace = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const page = () => {
    if (!workbench) throw new Error('the editor did not start (see the first failure)');
    return workbench.page;
  };
  /** Writes the workspace's .vscode/settings.json, as a person editing it would save it. */
  const workspaceSettings = (settings: Record<string, unknown>) => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orchestra-settings-test-'));
    workspace = join(scratch, 'workspace');
    makeWorkspace(workspace);
    const vsix = await packageExtension(EXTENSION_DIR, join(scratch, 'orchestra.vsix'));
    server = await startCodeServer({ workspace, extensions: [vsix] });
    workbench = await openWorkbench(server, { folder: workspace });
  }, SLOW);

  afterAll(async () => {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it("applies the repository config file's threshold", async () => {
    const p = page();
    await openFile(p, 'grade.js');
    const rows = await eventually(() => problems(p), (labels) => complexityRows(labels).length > 0, 'the complexity finding of the config file\'s threshold', 120_000);
    expect(complexityRows(rows)).toEqual([expect.stringMatching(/cyclomatic complexity of 5 \(threshold 3\)/)]);
  }, SLOW);

  it('changes the findings in the Problems panel when a mirrored setting changes in settings.json', async () => {
    const p = page();
    workspaceSettings({ 'orchestra.review.complexity.cyclomatic': 4 });
    const rows = await eventually(() => problems(p), (labels) => complexityRows(labels).some((l) => /\(threshold 4\)/.test(l)), 'the finding with the setting\'s threshold 4', 90_000);
    expect(complexityRows(rows)).toEqual([expect.stringMatching(/cyclomatic complexity of 5 \(threshold 4\)/)]);
    await screenshot(p, 'orchestra-settings-threshold-4');

    workspaceSettings({ 'orchestra.review.complexity.cyclomatic': 10 });
    const after = await eventually(() => problems(p), (labels) => complexityRows(labels).length === 0, 'the complexity finding to go away with threshold 10', 90_000);
    expect(complexityRows(after)).toEqual([]);
    await screenshot(p, 'orchestra-settings-threshold-10');
  }, SLOW);

  it('says which setting is invalid and what is expected, and falls back to the file\'s value', async () => {
    const p = page();
    workspaceSettings({ 'orchestra.review.complexity.cyclomatic': 0 });
    const toast = await waitForNotification(p, /orchestra\.review\.complexity\.cyclomatic/, 90_000);
    expect(toast).toBe(
      'Orchestra: the setting "orchestra.review.complexity.cyclomatic" in workspace settings is invalid: expected a number at least 1, found number 0. Using 3 (from orchestra.config.json) instead.',
    );
    const rows = await eventually(() => problems(p), (labels) => complexityRows(labels).some((l) => /\(threshold 3\)/.test(l)), 'the file\'s threshold 3 to apply again', 90_000);
    expect(complexityRows(rows)).toEqual([expect.stringMatching(/\(threshold 3\)/)]);
    await screenshot(p, 'orchestra-settings-invalid');
  }, SLOW);
});
