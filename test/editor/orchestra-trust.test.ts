/**
 * Orchestra in an untrusted workspace, in a real VS Code (code-server 4.100.3 with workspace trust on)
 * driven by Chromium. The folder opens in Restricted Mode: reviews still run, but the repository's
 * ESLint config (a module that leaves a marker file when it runs) is not loaded, and an action at the
 * `execute` level ("Run Chain" with a test step) is refused with a message that offers "Manage
 * Workspace Trust". Granting trust from there lifts it while the extension runs: the repository's
 * ESLint config applies to the open file, and the same action now asks for confirmation instead.
 * Screenshots go to test-artifacts/editor/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import {
  HARNESS_DIR,
  eventually,
  modalDialog,
  openFile,
  openWorkbench,
  packageExtension,
  problems,
  runCommand,
  screenshot,
  startCodeServer,
  waitForNotification,
  type CodeServer,
  type Workbench,
} from './harness.js';

const ROOT = resolve(HARNESS_DIR, '..', '..');
const EXTENSION_DIR = join(ROOT, 'extension');
const SLOW = 240_000;

const APP_JS = `import { exec } from 'node:child_process';

export function list(req, res) {
  if (req.query.all == 'yes') exec('ls -a ' + req.query.dir, (err, out) => res.send(out));
  else res.send('');
}
`;

/** A module workspace whose ESLint config runs code when loaded: it writes `marker`. */
function makeWorkspace(dir: string, marker: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'untrusted-fixture', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(dir, 'eslint.config.js'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'the repository ESLint config ran');\nexport default [{ rules: { eqeqeq: 'error' } }];\n`);
  writeFileSync(join(dir, 'src', 'app.js'), APP_JS);
  const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...identity } });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
}

const REFUSAL =
  'Orchestra: "chain syntax -> test" needs the execute permission level, but this workspace is not trusted: in Restricted Mode agents may read and write (read_write) and never run the repository\'s code. Trust the workspace to allow it.';

/** Runs "Orchestra: Run Chain…" with `chain` typed into its input box. */
async function runChain(p: Page, chain: string): Promise<void> {
  await runCommand(p, 'Orchestra: Run Chain…');
  const input = p.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(chain);
  await input.press('Enter');
}

/** The toast of the refusal (the warning with its "Manage Workspace Trust" button). */
const refusalToast = (p: Page) => p.locator('.notifications-toasts .notification-toast', { hasText: 'needs the execute permission level' }).first();
const restrictedMode = (p: Page) => p.locator('.statusbar-item', { hasText: 'Restricted Mode' });
const injection = (labels: string[]) => labels.some((l) => /exec\(\) runs a shell command/.test(l));
const eqeqeq = (labels: string[]) => labels.some((l) => /Expected '===' and instead saw '=='/.test(l));

describe('Orchestra in an untrusted workspace in code-server', () => {
  let scratch = '';
  let workspace = '';
  let marker = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const page = () => {
    if (!workbench) throw new Error('the editor did not start (see the first failure)');
    return workbench.page;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orchestra-trust-test-'));
    workspace = join(scratch, 'workspace');
    marker = join(scratch, 'eslint-config-ran.txt');
    makeWorkspace(workspace, marker);
    const vsix = await packageExtension(EXTENSION_DIR, join(scratch, 'orchestra.vsix'));
    server = await startCodeServer({ workspace, extensions: [vsix], workspaceTrust: true });
    workbench = await openWorkbench(server, { folder: workspace });
  }, SLOW);

  afterAll(async () => {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it("reviews in Restricted Mode without running the repository's ESLint config", async () => {
    const p = page();
    await restrictedMode(p).first().waitFor({ timeout: 60_000 });
    await openFile(p, 'app.js');
    const rows = await eventually(() => problems(p), injection, 'the command injection in the Problems panel', 120_000);
    expect(eqeqeq(rows)).toBe(false);
    expect(existsSync(marker)).toBe(false);
    await screenshot(p, 'orchestra-trust-restricted-review');
  }, SLOW);

  it('refuses an execute-level action with a clear message that offers to manage trust', async () => {
    const p = page();
    await runChain(p, 'syntax -> test');
    expect(await waitForNotification(p, /needs the execute permission level/, 60_000)).toBe(REFUSAL);
    await refusalToast(p).locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).waitFor({ timeout: 10_000 });
    expect(await p.locator('.notifications-toasts .notification-toast', { hasText: 'needs the execute permission level' }).count()).toBe(1);
    await screenshot(p, 'orchestra-trust-refused');
  }, SLOW);

  it('lifts the restrictions when trust is granted: the repository ESLint config applies and the action asks instead', async () => {
    const p = page();
    const toast = refusalToast(p);
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();
    const trust = p.locator('.workspace-trust-buttons-row .monaco-description-button[aria-label^="Trust, "] .monaco-button').first();
    await trust.waitFor({ timeout: 30_000 });
    await screenshot(p, 'orchestra-trust-editor');
    await trust.click();
    await eventually(async () => restrictedMode(p).count(), (n) => n === 0, 'Restricted Mode to end', 30_000);

    // The open file is reviewed again with the repository's own ESLint config, which now runs.
    await openFile(p, 'app.js');
    const rows = await eventually(() => problems(p), eqeqeq, "the repository ESLint config's eqeqeq finding", 120_000);
    expect(injection(rows)).toBe(true);
    expect(existsSync(marker)).toBe(true);

    await runChain(p, 'syntax -> test');
    const dialog = await modalDialog(p, 60_000);
    expect(dialog.message).toBe('Orchestra: chain syntax -> test?');
    await screenshot(p, 'orchestra-trust-granted-confirm');
    await dialog.click('Cancel');
  }, SLOW);
});
