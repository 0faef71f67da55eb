/**
 * `@orchestra` in VS Code's own Chat view, in a real VS Code (code-server 4.100.3) driven by Chromium.
 * Stock code-server hides the Chat view (no default chat agent), so the test-only helper in
 * fixtures/chat-helper-extension supplies a default participant and a deterministic language model
 * (both proposed API, enabled for that extension only). The helper's model never answers with an
 * intent, so what `@orchestra` does here comes from its own command grammar. Screenshots go to
 * test-artifacts/editor/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  HARNESS_DIR,
  eventually,
  openWorkbench,
  packageExtension,
  runCommand,
  screenshot,
  startCodeServer,
  type CodeServer,
  type Workbench,
} from './harness.js';

const ROOT = resolve(HARNESS_DIR, '..', '..');
const EXTENSION_DIR = join(ROOT, 'extension');
const HELPER_DIR = join(HARNESS_DIR, 'fixtures', 'chat-helper-extension');
/** The helper's id (`publisher.name` of its package.json): the only extension given proposed API. */
const HELPER_ID = 'orchestra-test.chat-helper-extension';
const SLOW = 240_000;

const SERVER_JS = `const { exec } = require('child_process');

function run(req, res) {
  exec('ls ' + req.query.name, (err, out) => res.send(out));
}

module.exports = { run };
`;

/** A small git workspace with one vulnerable file (a command injection). */
function makeWorkspace(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'server.js'), SERVER_JS);
  const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...identity } });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
}

/** The Chat view's widget (VS Code 1.100 DOM). */
const chatView = (p: Page): Locator => p.locator('.interactive-session').first();

/**
 * Opens the Chat view from the palette (it lives in the secondary side bar, hence "Toggle") and waits
 * until chat is enabled, i.e. the helper's default participant has activated: the view shows as soon
 * as that participant is contributed, but a request sent before it is activated fails inside the
 * workbench (VS Code 1.100 reads the default participant's id after the reply, and the reply is lost).
 * The view's "Show Chats..." button is enabled exactly then (its precondition is `chatIsEnabled`).
 */
async function openChatView(p: Page): Promise<Locator> {
  const view = chatView(p);
  await runCommand(p, 'View: Toggle Chat');
  await view.locator('.interactive-input-part .monaco-editor').waitFor({ state: 'visible', timeout: 30_000 });
  await p.locator('.part.auxiliarybar .title-actions .action-label.codicon-history:not(.disabled)').first().waitFor({ timeout: 90_000 });
  return view;
}

/** The chat input's text, on one line (the editor wraps long input and renders spaces as no-break spaces). */
async function inputText(view: Locator): Promise<string> {
  const text = await view.locator('.interactive-input-part .monaco-editor .view-lines').first().innerText();
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Types `text` into the chat input as a person would, replacing what is there (a sticky participant
 * leaves `@orchestra` behind), closes the suggestions and sends it with the Send button (Enter could
 * pick a suggestion instead); resolves once the request shows in the view.
 */
async function ask(p: Page, view: Locator, text: string): Promise<void> {
  await view.locator('.interactive-input-part .monaco-editor').first().click();
  await p.keyboard.press('Control+A');
  await p.keyboard.press('Delete');
  await p.keyboard.type(text, { delay: 10 });
  await p.keyboard.press('Escape');
  await eventually(() => inputText(view), (typed) => typed === text, `the chat input to hold "${text}"`, 10_000);
  await view.locator('.interactive-input-part .action-label.codicon-send').first().click();
  const shown = text.replace(/^@\S+\s+/, '');
  await view.locator('.interactive-item-container.interactive-request').filter({ hasText: shown }).last().waitFor({ timeout: 30_000 });
}

/** The rendered text of the chat responses, oldest first. */
async function responses(view: Locator): Promise<string[]> {
  return view.locator('.interactive-item-container.interactive-response').allInnerTexts();
}

describe('@orchestra in the Chat view of code-server', () => {
  let scratch = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let view: Locator | undefined;
  const page = () => {
    if (!workbench) throw new Error('the editor did not start (see the first failure)');
    return workbench.page;
  };
  const chat = () => {
    if (!view) throw new Error('the Chat view did not open (see the first failure)');
    return view;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orchestra-chat-test-'));
    const workspace = join(scratch, 'workspace');
    makeWorkspace(workspace);
    const orchestra = await packageExtension(EXTENSION_DIR, join(scratch, 'orchestra.vsix'));
    const helper = await packageExtension(HELPER_DIR, join(scratch, 'chat-helper.vsix'));
    server = await startCodeServer({ workspace, extensions: [orchestra, helper], enableProposedApi: [HELPER_ID] });
    workbench = await openWorkbench(server, { folder: workspace });
    view = await openChatView(workbench.page);
  }, SLOW);

  afterAll(async () => {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('answers "@orchestra /status" with the running agents', async () => {
    const p = page();
    await ask(p, chat(), '@orchestra /status');
    const replies = await eventually(() => responses(chat()), (texts) => texts.some((t) => /agent\(s\) running/.test(t)), 'the @orchestra /status reply', 90_000);
    const reply = replies.find((t) => /agent\(s\) running/.test(t)) ?? '';
    // Answered by our participant (its full name heads the reply), from the real session state.
    expect(reply).toMatch(/^Orchestra\n/);
    expect(reply).toMatch(/[1-9]\d* agent\(s\) running/);
    await screenshot(p, 'orchestra-chat-status');
  }, SLOW);

  it('turns on low-power mode for "@orchestra set all background agents to low-power mode"', async () => {
    const p = page();
    const lowPowerItem = p.locator('.statusbar-item', { hasText: 'low-power' });
    expect(await lowPowerItem.count()).toBe(0);
    await ask(p, chat(), '@orchestra set all background agents to low-power mode');
    const replies = await eventually(() => responses(chat()), (texts) => texts.some((t) => /Low-power mode is on/.test(t)), 'the low-power reply', 60_000);
    expect(replies.find((t) => /Low-power mode is on/.test(t))).toMatch(/^Orchestra\n/);
    await lowPowerItem.first().waitFor({ timeout: 30_000 });
    await screenshot(p, 'orchestra-chat-low-power');
  }, SLOW);
});
