/**
 * Drives a code-server workbench in Debian's Chromium with playwright-core: open it, run palette
 * commands, read toasts and the Problems panel, reach into webviews, save screenshots. Selectors are
 * the ones seen working on VS Code 1.100 (../shared/STACK.md, "A real VS Code, headless").
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as PlaywrightModule from 'playwright-core';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { HARNESS_DIR, type CodeServer } from './code-server.js';
import { isProcessAlive, pidsWithArgument, stopProcessTree } from './processes.js';

/** The browser the harness drives; override with ORCHESTRA_CHROMIUM. */
export const CHROMIUM_PATH = process.env.ORCHESTRA_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, headless Chromium in a container (playwright adds `--headless`). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Present once the workbench has restored and the Explorer lists the folder (which must not be empty). */
export const WORKBENCH_READY_SELECTOR = '.explorer-folders-view .monaco-list-row';

/** Where {@link screenshot} saves PNGs: test-artifacts/editor at the repository root (git-ignored). */
export const ARTIFACTS_DIR = resolve(HARNESS_DIR, '..', '..', 'test-artifacts', 'editor');

/** An open workbench page in its own Chromium with a fresh profile. */
export interface Workbench {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Pid of Chromium's browser process (leader of its process group), when it could be found. */
  readonly pid: number | undefined;
  /** The URL the page was opened at. */
  readonly url: string;
  /** Closes the browser, makes sure every Chromium process is gone, removes the profile. Idempotent. */
  close(): Promise<void>;
}

/** What {@link openWorkbench} opens. */
export interface WorkbenchOptions {
  /** Absolute folder to open (default: the server's workspace). */
  readonly folder?: string;
  /**
   * Extra workbench payload entries, e.g. `['extensionTestsPath', remoteUri(server, file)]`. The server's
   * `extensionDevelopmentPath`, if any, is added unless given here.
   */
  readonly payload?: ReadonlyArray<readonly [string, string]>;
  /** Wait for {@link WORKBENCH_READY_SELECTOR} (default true). */
  readonly waitForReady?: boolean;
  /** Called with the blank page before it navigates (e.g. to `exposeFunction`). */
  readonly beforeNavigate?: (page: Page) => Promise<void>;
  /** Page size (default 1280×800). */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** How long to wait for the workbench to be ready (default 120 s). */
  readonly timeoutMs?: number;
  /** The Chromium binary (default {@link CHROMIUM_PATH}). */
  readonly chromiumPath?: string;
}

type Playwright = typeof PlaywrightModule;

/** playwright-core lives in test/editor/node_modules; load it lazily so a missing install gets our message. */
function loadPlaywright(chromiumPath: string): Playwright {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is not installed (${chromiumPath} is missing): run scripts/ensure-editor.sh`);
  }
  try {
    return createRequire(join(HARNESS_DIR, 'package.json'))('playwright-core') as Playwright;
  } catch (error) {
    throw new Error('playwright-core is not installed in test/editor: run scripts/ensure-editor.sh', { cause: error });
  }
}

/** A `vscode-remote://` URI for a path on the server's machine, as the workbench payload wants it. */
export function remoteUri(server: Pick<CodeServer, 'port'>, absolutePath: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${pathToFileURL(resolve(absolutePath)).pathname}`;
}

/** The workbench URL for `folder`, with an optional payload (`[["extensionDevelopmentPath", uri], …]`). */
export function workbenchUrl(server: Pick<CodeServer, 'url'>, folder: string, payload: ReadonlyArray<readonly [string, string]> = []): string {
  const query = new URLSearchParams({ folder: resolve(folder) });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

/** Finds the browser process (the one without `--type=`) started with this profile. */
function browserPid(profileDir: string): number | undefined {
  const helpers = new Set(pidsWithArgument('--type='));
  return pidsWithArgument(`--user-data-dir=${profileDir}`).find((pid) => !helpers.has(pid));
}

/**
 * Starts Chromium (`launchPersistentContext` with a fresh profile and {@link CHROMIUM_ARGS}), opens the
 * workbench of `server` on `folder` and, unless told not to, waits until the Explorer shows the folder.
 * @throws Error when Chromium or playwright-core is missing (run scripts/ensure-editor.sh) or the
 *   workbench is not ready in time; the browser is closed then.
 */
export async function openWorkbench(server: CodeServer, options: WorkbenchOptions = {}): Promise<Workbench> {
  const executablePath = options.chromiumPath ?? CHROMIUM_PATH;
  const { chromium } = loadPlaywright(executablePath);
  const folder = options.folder ?? server.workspace;
  const payload = [...(options.payload ?? [])];
  if (server.extensionDevelopmentPath && !payload.some(([key]) => key === 'extensionDevelopmentPath')) {
    payload.push(['extensionDevelopmentPath', remoteUri(server, server.extensionDevelopmentPath)]);
  }
  const url = workbenchUrl(server, folder, payload);
  const profileDir = mkdtempSync(join(tmpdir(), 'orchestra-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: options.viewport?.width ?? 1280, height: options.viewport?.height ?? 800 },
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 5 });
    throw new Error(`Chromium (${executablePath}) did not start: ${(error as Error).message}`, { cause: error });
  }
  const pid = browserPid(profileDir);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      // A browser that will not close cleanly is killed below, so a failed close() needs no report.
      await Promise.race([
        context.close().catch(() => undefined),
        new Promise((done) => (timer = setTimeout(done, 30_000))),
      ]);
      clearTimeout(timer);
      if (pid !== undefined && isProcessAlive(pid)) await stopProcessTree(pid);
      rmSync(profileDir, { recursive: true, force: true, maxRetries: 5 });
    })());
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await options.beforeNavigate?.(page);
    await page.goto(url, { timeout: options.timeoutMs ?? 120_000 });
    if (options.waitForReady ?? true) {
      await page.locator(WORKBENCH_READY_SELECTOR).first().waitFor({ state: 'visible', timeout: options.timeoutMs ?? 120_000 });
    }
    return { context, page, pid, url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Escapes text for use inside a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What {@link runCommand} accepts. */
export interface RunCommandOptions {
  /** Give up after this long (default 60 s); right after start the palette may not list extension commands yet. */
  readonly timeoutMs?: number;
}

/**
 * Runs a command by its palette title (e.g. "Hello: Say Hello"): F1, type the title, click the row whose
 * label is exactly the title. Right after start the palette can answer "No matching commands" (the
 * extension host is still starting): it then presses Escape and tries again until the timeout.
 * @throws Error naming the rows it saw when no row matches in time.
 */
export async function runCommand(page: Page, title: string, options: RunCommandOptions = {}): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  const exact = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${literal(title)}$`) }) });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let seen: string[] = [];
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (!(await input.isVisible())) {
      // F1 is the palette everywhere; Ctrl+Shift+P is the fallback if F1 went to a focused webview.
      await page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
      } catch {
        continue;
      }
    }
    await input.fill(`>${title}`);
    // The list filters asynchronously; give it a moment to settle on a match.
    for (let waited = 0; waited < 3_000; waited += 100) {
      if ((await exact.count()) > 0) {
        await exact.first().click();
        return;
      }
      await sleep(100);
    }
    seen = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? ''));
    await page.keyboard.press('Escape');
    await sleep(500);
  }
  throw new Error(`command "${title}" was not found in the palette (last rows: ${JSON.stringify(seen)})`);
}

/**
 * Opens a workspace file by name through Quick Open (Ctrl+P) and waits for its editor tab. Retries,
 * since right after start the file index may not list it yet.
 * @throws Error when the file never shows in Quick Open.
 */
export async function openFile(page: Page, name: string, attempts = 10): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  for (let attempt = 0; attempt < attempts; attempt++) {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(name);
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click();
      await page.locator('.tab', { hasText: name }).first().waitFor({ timeout: 10_000 });
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`could not open ${name} through Quick Open`);
}

/**
 * The modal dialog on screen (`showWarningMessage(…, { modal: true })`): waits for it and returns its
 * message and a function that clicks one of its buttons by label.
 */
export async function modalDialog(page: Page, timeoutMs = 30_000): Promise<{ message: string; click(button: string): Promise<void> }> {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  const message = await dialog.locator('.dialog-message').first().innerText();
  return {
    message,
    click: async (button) => {
      await dialog.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^${literal(button)}$`) }).first().click();
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    },
  };
}

/** The texts of the notification toasts now on screen. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** Waits until a toast whose text matches `text` is visible and returns its text. */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return toast.innerText();
}

/**
 * Opens the Problems panel (Ctrl+Shift+M, only if it is not already showing: the key toggles it) and
 * returns the accessible labels of its rows: one per file ("1 problems in file notes.txt of folder …")
 * and one per problem ("Warning: MESSAGE at line 2 and character 1. generated by SOURCE").
 */
export async function problems(page: Page): Promise<string[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
  }
  return panel.locator('.monaco-list-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
}

/**
 * The document inside the webview (panel or view) of extension `extensionId` (`publisher.name`).
 * Locators on it wait for the webview to load.
 */
export function webviewFrame(page: Page, extensionId: string): FrameLocator {
  return page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}" i]`).frameLocator('#active-frame');
}

/** Saves a PNG of the page as test-artifacts/editor/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Calls `probe` until `accept` holds for its result and returns that result (UI state arrives
 * asynchronously). Rejects with `what` and the last result after `timeoutMs` (default 30 s).
 */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await sleep(250);
  }
}
