/**
 * The error swarm in a real VS Code (code-server 4.100.3) driven by Chromium. The workspace is a real
 * git repository with a small Node project whose latest commit broke it (a TypeError). Running
 * `node src/main.js` in the integrated terminal (bash with VS Code's shell integration) makes the
 * error swarm trace the crash: a diagnostic at the faulting line in the Problems panel and a
 * notification. "Find Culprit Commit" asks for approval in the Approvals inbox, bisects in a temporary
 * worktree and names the commit; "Revert…" asks for a `critical` approval and creates the branch
 * `orchestra/revert-<short>`, the working tree untouched. `/explain` (the palette's "Explain Latest
 * Failure") answers in the chat panel with the triage. A failed task (whose output extensions cannot
 * read) is offered "Re-run and Triage", which runs it again after an `execute` approval and traces it.
 * Screenshots go to test-artifacts/editor/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { verifyAuditLog } from '../../shared/audit/index.js';
import { makeRepo, type TempRepo } from '../helpers/git-repo.js';
import {
  ARTIFACTS_DIR,
  HARNESS_DIR,
  eventually,
  modalDialog,
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
const EXTENSION_ID = 'orchestra.orchestra';
const SLOW = 300_000;

const CONFIG_V1 = `const defaults = { server: { host: 'localhost', port: 8080 } };

function loadConfig(overrides) {
  return { ...defaults, ...overrides };
}

module.exports = { loadConfig };
`;

/** The breaking change: the config is flattened, but server.js still reads config.server. */
const CONFIG_V2 = `const defaults = { server: { host: 'localhost', port: 8080 } };

function loadConfig(overrides) {
  const settings = { ...defaults, ...overrides };
  return { hostname: settings.server.host, port: Number(process.env.SHOP_PORT || settings.server.port) };
}

module.exports = { loadConfig };
`;

const SERVER_JS = `function describeServer(config) {
  return 'listening on ' + config.server.host + ':' + config.server.port;
}

module.exports = { describeServer };
`;

const MAIN_JS = `const { loadConfig } = require('./config');
const { describeServer } = require('./server');

const config = loadConfig({});
console.log(describeServer(config));
`;

/** Four commits; the last one breaks `node src/main.js`. Returns the culprit's sha. */
function makeProject(repo: TempRepo): string {
  repo.write('package.json', `${JSON.stringify({ name: 'shop', version: '1.0.0', private: true, scripts: { start: 'node src/main.js' } }, null, 2)}\n`);
  repo.write('src/config.js', CONFIG_V1);
  repo.write('src/server.js', SERVER_JS);
  repo.write('src/main.js', MAIN_JS);
  // A process task: VS Code reports its exit code but no extension can read its output.
  repo.write('.vscode/tasks.json', `${JSON.stringify({ version: '2.0.0', tasks: [{ label: 'start shop', type: 'process', command: 'node', args: ['src/main.js'], options: { cwd: '${workspaceFolder}' }, problemMatcher: [] }] }, null, 2)}\n`);
  repo.commit('shop: print where the server listens');
  repo.git('tag', 'v1.0.0');
  repo.write('README.md', '# shop\n\nRun `node src/main.js`.\n');
  repo.commit('docs: a README');
  repo.write('src/greet.js', "module.exports = (name) => 'hello ' + name;\n");
  repo.commit('add a greeting helper');
  repo.write('src/config.js', CONFIG_V2);
  return repo.commit('refactor: flatten the config and read the port from SHOP_PORT');
}

/** The Approvals view's pane and its rows. */
const approvalsPane = (p: Page): Locator => p.locator('.pane', { has: p.locator('.pane-header', { hasText: /^\s*Approvals/ }) }).first();
const approvalRows = (p: Page): Promise<string[]> => approvalsPane(p).locator('.monaco-list-row').allInnerTexts();

/** Clicks a button of the toast whose message matches `message`. */
async function clickToastButton(p: Page, message: RegExp, button: string): Promise<void> {
  const toast = p.locator('.notifications-toasts .notification-list-item').filter({ has: p.locator('.notification-list-item-message', { hasText: message }) }).first();
  await toast.hover();
  await toast.locator('.monaco-button', { hasText: new RegExp(`^${button.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first().click();
}

/** Copies the extension host's Orchestra log out of the server's data folder (removed at stop) for a failed run. */
function keepOrchestraLog(server: CodeServer): void {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
  const logs = existsSync(server.userDataDir) ? walk(server.userDataDir).filter((f) => /Orchestra\.log$/.test(f)) : [];
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const [i, file] of logs.entries()) copyFileSync(file, join(ARTIFACTS_DIR, `orchestra-errors-extension-${i}.log`));
}

describe('the error swarm in code-server', () => {
  let scratch = '';
  let repo: TempRepo | undefined;
  let culprit = '';
  let head = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const page = () => {
    if (!workbench) throw new Error('the editor did not start (see the first failure)');
    return workbench.page;
  };
  const git = (...args: string[]) => repo!.git(...args).trim();

  beforeAll(async () => {
    repo = makeRepo('orchestra-errors-test-');
    culprit = makeProject(repo);
    head = git('rev-parse', 'HEAD');
    scratch = mkdtempSync(join(tmpdir(), 'orchestra-errors-vsix-'));
    const vsix = await packageExtension(EXTENSION_DIR, join(scratch, 'orchestra.vsix'));
    server = await startCodeServer({
      workspace: repo.dir,
      extensions: [vsix],
      // Reverts are off unless the repository or the person allows them (error.rollback.enabled).
      // bash, whatever the login shell: VS Code injects its shell integration into bash (and zsh, fish, pwsh), not sh.
      settings: { 'orchestra.error.rollback.enabled': true, 'terminal.integrated.defaultProfile.linux': 'bash' },
    });
    workbench = await openWorkbench(server, { folder: repo.dir });
  }, SLOW);

  afterAll(async () => {
    await workbench?.close();
    if (server) keepOrchestraLog(server);
    await server?.stop();
    repo?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('traces a crash in the integrated terminal: a diagnostic at the faulting line and a notification', async () => {
    const p = page();
    // The extension activates on startup; its status bar item shows the agents once the session runs.
    await p.locator('.statusbar-item .codicon-pulse').first().waitFor({ timeout: 120_000 });
    await runCommand(p, 'Terminal: Create New Terminal');
    await p.locator('.terminal-wrapper .xterm').first().waitFor({ timeout: 60_000 });
    // Shell integration is on when VS Code decorates the prompt (bash started with its injected script).
    await p.locator('.terminal-wrapper .terminal-command-decoration').first().waitFor({ timeout: 60_000 });
    await p.locator('.terminal-wrapper .xterm').first().click();
    await p.keyboard.type('node src/main.js', { delay: 20 });
    await p.keyboard.press('Enter');
    const notice = await waitForNotification(p, /^Orchestra: TypeError: Cannot read properties of undefined \(reading 'host'\) at src\/server\.js:2$/, 120_000);
    expect(notice).toBe("Orchestra: TypeError: Cannot read properties of undefined (reading 'host') at src/server.js:2");
    await screenshot(p, 'orchestra-errors-terminal');

    const rows = await eventually(() => problems(p), (labels) => labels.some((l) => /generated by Orchestra error swarm/.test(l)), 'the error swarm diagnostic in the Problems panel', 60_000);
    const row = rows.find((l) => /generated by Orchestra error swarm/.test(l)) ?? '';
    // Line 2, at `host` (the property read from undefined); the caller's frame (src/main.js) is the related location.
    expect(row).toBe("Error: TypeError: Cannot read properties of undefined (reading 'host') at line 2 and character 42. This problem has references to 1 locations. generated by Orchestra error swarm");
    expect(rows.join('\n')).toMatch(/server\.js/);
    await screenshot(p, 'orchestra-errors-problems');
  }, SLOW);

  it('explains the latest failure in the chat panel ("/explain" with nothing after it)', async () => {
    const p = page();
    await runCommand(p, 'Orchestra: Explain Latest Failure');
    const frame = p.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}" i]`).last().frameLocator('#active-frame').locator('body');
    const answer = frame.locator('.msg-orchestra').filter({ hasText: /Failure from terminal: node src\/main\.js/ }).first();
    await answer.waitFor({ timeout: 60_000 });
    const text = await answer.innerText();
    expect(text).toMatch(/TypeError: Cannot read properties of undefined/);
    expect(text).toMatch(/At `src\/server\.js:2`/);
    expect(await frame.locator('.msg-you').last().innerText()).toBe('/explain');
    await screenshot(p, 'orchestra-errors-explain');
  }, SLOW);

  it('finds the culprit commit after an approval in the inbox', async () => {
    const p = page();
    await runCommand(p, 'Orchestra: Find Culprit Commit…');
    // 1/2: the known-good ref; the default is to let Orchestra step back from HEAD.
    const widget = p.locator('.quick-input-widget');
    await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Let Orchestra step back' }).first().waitFor({ timeout: 30_000 });
    expect(await widget.locator('.quick-input-list').innerText()).toMatch(/v1\.0\.0/);
    await screenshot(p, 'orchestra-errors-good-ref');
    await p.keyboard.press('Enter');
    // 2/2: the command, the failed terminal command by default.
    const input = widget.locator('.quick-input-box input');
    await eventually(() => input.inputValue(), (value) => value === 'node src/main.js', 'the failed command as the default', 30_000);
    await p.keyboard.press('Enter');

    // The execute-level action waits in the Approvals view; approving it there (row, then the dialog).
    const rows = await eventually(() => approvalRows(p), (labels) => labels.some((l) => l.startsWith('bisect.run (execute)')), 'the bisect approval in the inbox', 60_000);
    expect(rows.find((l) => l.startsWith('bisect.run'))).toMatch(/error-bisect · expires/);
    await approvalsPane(p).locator('.monaco-list-row', { hasText: 'bisect.run (execute)' }).click();
    const dialog = await modalDialog(p);
    expect(dialog.message).toBe('error-bisect asks to bisect.run (execute).');
    await screenshot(p, 'orchestra-errors-approve-bisect');
    await dialog.click('Approve');

    const short = culprit.slice(0, 7);
    const found = await waitForNotification(p, /^Orchestra: the failure started with /, 180_000);
    expect(found).toMatch(new RegExp(`^Orchestra: the failure started with ${short} "refactor: flatten the config and read the port from SHOP_PORT" by Test \\(confidence \\d+%\\)\\.$`));
    await screenshot(p, 'orchestra-errors-culprit');
    // Nothing of the user's repository moved.
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  }, SLOW);

  it('reverts the culprit on a new branch after a critical approval; the working tree stays as it was', async () => {
    const p = page();
    const short = culprit.slice(0, 7);
    const status = git('status', '--porcelain', '--untracked-files=no');
    await clickToastButton(p, /^Orchestra: the failure started with /, 'Revert…');
    const rows = await eventually(() => approvalRows(p), (labels) => labels.some((l) => l.startsWith('git.revert (critical)')), 'the revert approval in the inbox', 120_000);
    expect(rows.find((l) => l.startsWith('git.revert'))).toMatch(/error-rollback · expires/);
    // The inline Approve button of the row.
    const row = approvalsPane(p).locator('.monaco-list-row', { hasText: 'git.revert (critical)' });
    await row.hover();
    await row.locator('.action-label.codicon-check').click();

    const done = await waitForNotification(p, /^Orchestra: created branch /, 120_000);
    expect(done).toBe(`Orchestra: created branch orchestra/revert-${short} with the revert of ${short} (${git('rev-parse', '--short=10', `orchestra/revert-${short}`)}). Nothing was pushed and your working tree is untouched. Check it out with: git switch orchestra/revert-${short}`);
    await screenshot(p, 'orchestra-errors-reverted');

    expect(git('branch', '--list', 'orchestra/revert-*')).toBe(`orchestra/revert-${short}`);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe(status);
    expect(readFileSync(join(repo!.dir, 'src', 'config.js'), 'utf8')).toBe(CONFIG_V2);
    // The branch holds the revert: the config as it was before the culprit.
    expect(git('show', `orchestra/revert-${short}:src/config.js`)).toBe(CONFIG_V1.trim());
    expect(git('rev-parse', `orchestra/revert-${short}~1`)).toBe(head);

    // Both approvals and both actions are in the one audit trail, which verifies.
    const audit = join(repo!.dir, '.orchestra', 'audit.jsonl');
    const lines = readFileSync(audit, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; decision?: string; status: string });
    expect(lines.filter((l) => l.action === 'bisect.run').map((l) => l.decision ?? l.status)).toEqual(['approved', 'ok']);
    expect(lines.filter((l) => l.action === 'git.revert').map((l) => l.decision ?? l.status)).toEqual(['approved', 'ok']);
    expect(await verifyAuditLog(audit)).toMatchObject({ ok: true });
  }, SLOW);

  it('dismisses a failure, and traces a failed task after "Re-run and Triage" and an approval', async () => {
    const p = page();
    const notice = /^Orchestra: TypeError: Cannot read properties of undefined \(reading 'host'\) at src\/server\.js:2$/;
    await clickToastButton(p, notice, 'Dismiss');
    const swarmRows = (labels: string[]) => labels.filter((l) => /generated by Orchestra error swarm/.test(l));
    await eventually(() => problems(p), (labels) => swarmRows(labels).length === 0, 'the dismissed failure to leave the Problems panel', 30_000);

    await runCommand(p, 'Tasks: Run Task');
    const widget = p.locator('.quick-input-widget');
    await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'start shop' }).first().click();
    await waitForNotification(p, /^Orchestra: the task "start shop" failed \(exit 1\)\. Extensions cannot read a task's output/, 120_000);
    await screenshot(p, 'orchestra-errors-task-failed');
    await clickToastButton(p, /^Orchestra: the task "start shop" failed/, 'Re-run and Triage');
    await eventually(() => approvalRows(p), (labels) => labels.some((l) => l.startsWith('task.rerun (execute)')), 'the re-run approval in the inbox', 60_000);
    const row = approvalsPane(p).locator('.monaco-list-row', { hasText: 'task.rerun (execute)' });
    await row.hover();
    await row.locator('.action-label.codicon-check').click();

    await waitForNotification(p, notice, 120_000);
    const rows = await eventually(() => problems(p), (labels) => swarmRows(labels).length === 1, 'the re-run task failure in the Problems panel', 60_000);
    expect(swarmRows(rows)[0]).toMatch(/^Error: TypeError: Cannot read properties of undefined \(reading 'host'\) at line 2 /);
    await screenshot(p, 'orchestra-errors-task-traced');
  }, SLOW);
});
