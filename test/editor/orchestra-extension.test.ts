/**
 * The Orchestra extension in a real VS Code (code-server 4.100.3), driven by Chromium: the packaged
 * .vsix installs into a fresh server; opening a vulnerable file shows its findings in the Problems
 * panel; the dashboard shows the agents and updates when a file is saved; the chat panel answers
 * plain language and changes state; commands run from the palette. An extension-host test module
 * checks diagnostics, quick fixes and suppressions with the real API. Screenshots go to
 * test-artifacts/editor/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import {
  HARNESS_DIR,
  eventually,
  openWorkbench,
  packageExtension,
  problems,
  runCommand,
  runExtensionTests,
  screenshot,
  startCodeServer,
  webviewFrame,
  type CodeServer,
  type Workbench,
} from './harness.js';

const ROOT = resolve(HARNESS_DIR, '..', '..');
const EXTENSION_DIR = join(ROOT, 'extension');
const EXTENSION_ID = 'orchestra.orchestra';
const SLOW = 240_000;

const SERVER_JS = `const { exec } = require('child_process');

function run(req, res) {
  const name = req.query.name;
  exec('ls ' + name, (err, out) => res.send(out));
  if (!!name) {
    return 1;
  }
  return 0;
}

module.exports = { run };
`;

function makeWorkspace(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'server.js'), SERVER_JS);
  writeFileSync(join(dir, 'src', 'util.js'), 'module.exports = (a) => a + 1;\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid', GIT_CONFIG_GLOBAL: '/dev/null' } });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
}

/** Opens a workspace file by name through Quick Open (Ctrl+P), waiting for its row. */
async function openFile(p: Page, name: string): Promise<void> {
  const widget = p.locator('.quick-input-widget');
  for (let attempt = 0; attempt < 10; attempt++) {
    await p.keyboard.press('Control+P');
    await widget.locator('.quick-input-box input').waitFor({ state: 'visible', timeout: 10_000 });
    await widget.locator('.quick-input-box input').fill(name);
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click();
      await p.locator('.tab', { hasText: name }).first().waitFor({ timeout: 10_000 });
      return;
    } catch {
      await p.keyboard.press('Escape');
    }
  }
  throw new Error(`could not open ${name} through Quick Open`);
}

describe('the Orchestra extension in code-server', () => {
  let scratch = '';
  let workspace = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const page = () => {
    if (!workbench) throw new Error('the editor did not start (see the first failure)');
    return workbench.page;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orchestra-ext-test-'));
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

  it('shows the findings of an opened vulnerable file in the Problems panel', async () => {
    const p = page();
    await openFile(p, 'server.js');
    const rows = await eventually(() => problems(p), (labels) => labels.some((l) => /exec\(\) runs a shell command/.test(l)), 'the command injection in the Problems panel', 90_000);
    expect(rows.join('\n')).toMatch(/Error: exec\(\) runs a shell command built from .* at line 5/);
    expect(rows.join('\n')).toMatch(/Redundant double negation/);
    await screenshot(p, 'orchestra-problems');
  }, SLOW);

  it('shows the agents on the dashboard and updates it when a file is saved', async () => {
    const p = page();
    await runCommand(p, 'Orchestra: Show Dashboard');
    const frame = webviewFrame(p, EXTENSION_ID);
    const summary = frame.locator('#summary');
    await summary.filter({ hasText: /agent\(s\)/ }).waitFor({ timeout: 60_000 });
    await frame.locator('.agent').first().waitFor({ timeout: 30_000 });
    const before = await summary.innerText();
    const reviews = (text: string) => Number(/(\d+) review\(s\)/.exec(text)?.[1] ?? -1);
    // Save the open file: a review runs, and the dashboard counts it.
    await p.keyboard.press('Control+S');
    await eventually(() => summary.innerText(), (text) => reviews(text) > reviews(before), 'the dashboard to count the review of the saved file', 60_000);
    await screenshot(p, 'orchestra-dashboard');
  }, SLOW);

  it('answers plain language in the chat panel and changes state ("set all background agents to low-power mode")', async () => {
    const p = page();
    await runCommand(p, 'Orchestra: Open Chat Panel');
    // The dashboard view is a webview of the extension too: the chat panel is the newest one.
    const frame = p.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}" i]`).last().frameLocator('#active-frame').locator('body');
    const input = frame.locator('#text');
    await input.waitFor({ timeout: 60_000 });
    await input.fill('How are the agents?');
    await input.press('Enter');
    await frame.locator('.msg-orchestra').filter({ hasText: /agent\(s\) running/ }).first().waitFor({ timeout: 30_000 });
    await input.fill('Set all background agents to low-power mode');
    await input.press('Enter');
    await frame.locator('.msg-orchestra').filter({ hasText: /Low-power mode is on/ }).first().waitFor({ timeout: 30_000 });
    await p.locator('.statusbar-item', { hasText: 'low-power' }).first().waitFor({ timeout: 30_000 });
    await screenshot(p, 'orchestra-chat-panel');
  }, SLOW);

  it('runs commands from the palette', async () => {
    const p = page();
    await runCommand(p, 'Orchestra: Toggle Low-Power Mode');
    await eventually(async () => p.locator('.statusbar-item', { hasText: 'low-power' }).count(), (n) => n === 0, 'low-power to turn off', 30_000);
    await runCommand(p, 'Orchestra: Review Workspace');
    await runCommand(p, 'Orchestra: Verify Audit Log');
    await p.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /audit log/i }).first().waitFor({ timeout: 30_000 });
    await screenshot(p, 'orchestra-commands');
  }, SLOW);

  it('passes the extension-host checks: diagnostics, an ESLint quick fix, a suppression with a reason', async () => {
    const result = await runExtensionTests({
      server: server!,
      folder: workspace,
      extensionDevelopmentPath: EXTENSION_DIR,
      testsPath: join(HARNESS_DIR, 'fixtures', 'orchestra-tests', 'index.js'),
    });
    expect({ exitCode: result.exitCode, logs: result.exitCode === 0 ? [] : result.logs }).toEqual({ exitCode: 0, logs: [] });
    expect(result.logs.join('\n')).toMatch(/orchestra-tests: all checks passed/);
  }, SLOW);
});
