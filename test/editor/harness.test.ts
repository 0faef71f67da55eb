/**
 * Proves the editor harness end to end on a tiny fixture extension: package it with vsce, install it
 * into a fresh code-server, drive the workbench in Chromium (palette, toast, Problems panel, webview),
 * run extension-host test modules, and leave no process or temp folder behind.
 * Needs scripts/ensure-editor.sh to have run (the root `pretest` does).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import {
  HARNESS_DIR,
  descendantsOf,
  eventually,
  isProcessAlive,
  notifications,
  openWorkbench,
  packageExtension,
  problems,
  runCommand,
  runExtensionTests,
  screenshot,
  startCodeServer,
  waitForNotification,
  webviewFrame,
  type CodeServer,
  type Workbench,
} from './harness.js';

const FIXTURES = join(HARNESS_DIR, 'fixtures');
const EXTENSION_DIR = join(FIXTURES, 'hello-extension');
const EXTENSION_ID = 'orchestra-test.hello-extension';
const GREETING = 'Hello from the Orchestra test fixture!';
const SLOW = 180_000;

describe('editor harness: code-server 4.100.3 driven by Chromium', () => {
  let scratch = '';
  let workspace = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;

  const started = (): { server: CodeServer; workbench: Workbench } => {
    if (!server || !workbench) throw new Error('the editor did not start (see the first failure)');
    return { server, workbench };
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orchestra-editor-test-'));
    workspace = join(scratch, 'workspace');
    cpSync(join(FIXTURES, 'workspace'), workspace, { recursive: true });
    const vsix = await packageExtension(EXTENSION_DIR, join(scratch, 'hello-extension.vsix'));
    server = await startCodeServer({ workspace, extensions: [vsix], settings: { 'workbench.colorTheme': 'Default Light Modern' } });
    workbench = await openWorkbench(server, { folder: workspace });
  }, SLOW);

  afterAll(async () => {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('installs the packaged extension and runs its command from the palette', async () => {
    const { page } = started().workbench;
    await runCommand(page, 'Hello: Say Hello');
    expect(await waitForNotification(page, GREETING)).toBe(GREETING);
    expect(await notifications(page)).toContain(GREETING);
    await screenshot(page, 'hello-toast');
  }, SLOW);

  it("shows the extension's diagnostics for a workspace file in the Problems panel", async () => {
    const { page } = started().workbench;
    const rows = await eventually(
      () => problems(page),
      (labels) => labels.some((label) => label.includes('hello: FIXME left in the text')),
      'the FIXME warning in the Problems panel',
      60_000,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.stringContaining('notes.txt'),
        expect.stringMatching(/^Warning: hello: FIXME left in the text at line 2 and character 1\b/),
      ]),
    );
    await screenshot(page, 'hello-problems');
  }, SLOW);

  it("opens the extension's webview, which talks to the extension host", async () => {
    const { page } = started().workbench;
    await runCommand(page, 'Hello: Show Panel');
    const frame = webviewFrame(page, EXTENSION_ID);
    await expectText(frame.locator('#greeting'), 'Hello from a webview');
    await frame.locator('#ping').click();
    await expectText(frame.locator('#answer'), 'pong from the extension host');
    await screenshot(page, 'hello-webview');
  }, SLOW);

  it('runs an extension-host test module with the real vscode API and reports exit 0', async () => {
    const result = await runExtensionTests({
      server: started().server,
      folder: workspace,
      extensionDevelopmentPath: EXTENSION_DIR,
      testsPath: join(FIXTURES, 'hello-tests', 'index.js'),
    });
    expect({ exitCode: result.exitCode, logs: result.exitCode === 0 ? [] : result.logs }).toEqual({ exitCode: 0, logs: [] });
    // The module's console output arrives, and the extension ran from the development folder.
    expect(result.logs).toEqual(
      expect.arrayContaining([
        `info hello-tests: ${EXTENSION_ID} active from file://${EXTENSION_DIR}`,
        'info hello-tests: all checks passed',
      ]),
    );
  }, SLOW);

  it('reports a failing extension-host test module as exit 1', async () => {
    const result = await runExtensionTests({
      server: started().server,
      folder: workspace,
      extensionDevelopmentPath: EXTENSION_DIR,
      testsPath: join(FIXTURES, 'hello-tests', 'failing.js'),
    });
    expect(result.exitCode).toBe(1);
    expect(result.logs.join('\n')).toContain('hello-tests/failing.js fails on purpose');
  }, SLOW);

  it('says how to install Chromium when it is missing', async () => {
    await expect(openWorkbench(started().server, { chromiumPath: '/nonexistent/chromium' })).rejects.toThrow(
      'run scripts/ensure-editor.sh',
    );
  });

  it('stops every process it started and removes its temp folders', async () => {
    const running = started();
    const pids = [running.server.pid, ...descendantsOf(running.server.pid)];
    const browserPid = running.workbench.pid;
    expect(browserPid).toEqual(expect.any(Number));
    pids.push(browserPid!, ...descendantsOf(browserPid!));
    expect(pids.filter(isProcessAlive)).toEqual(pids);

    await running.workbench.close();
    await running.server.stop();

    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(existsSync(running.server.dataDir)).toBe(false);
  }, 60_000);
});

/** Waits for the locator's text to contain `text`, then checks it (the webview loads asynchronously). */
async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor({ state: 'visible', timeout: 60_000 });
  expect(await locator.innerText()).toContain(text);
}
