/**
 * Runs an extension-host test module (the `extensionTestsPath` of VS Code's extension test runner) in
 * a real code-server. code-server has no `--extensionTestsPath` flag, but the workbench URL's payload
 * takes it; the workbench then reports through `window.codeAutomationLog` and `codeAutomationExit`,
 * which the harness exposes to the page before it navigates.
 */
import { resolve } from 'node:path';
import type { CodeServer } from './code-server.js';
import { openWorkbench, remoteUri } from './workbench.js';

/** What {@link runExtensionTests} runs. */
export interface ExtensionTestsOptions {
  readonly server: CodeServer;
  /** Folder to open (default: the server's workspace). */
  readonly folder?: string;
  /** The unpackaged extension to load as under development (its folder with package.json). */
  readonly extensionDevelopmentPath: string;
  /** The test module: a CommonJS file exporting `run(): Promise<void>`; a rejection means failure. */
  readonly testsPath: string;
  /** Give up after this long (default 150 s). */
  readonly timeoutMs?: number;
}

/** How the extension host ended the run. */
export interface ExtensionTestsResult {
  /** 0 when `run()` resolved; 1 when it threw or rejected. */
  readonly exitCode: number;
  /** The workbench's log lines (`LEVEL message`), which include the extension host's console output. */
  readonly logs: readonly string[];
}

/**
 * Opens the workbench with `extensionDevelopmentPath` and `extensionTestsPath` in its payload, waits for
 * the extension host to run the module and exit, and closes the browser.
 * @throws Error when the run does not finish in time (with the last log lines).
 */
export async function runExtensionTests(options: ExtensionTestsOptions): Promise<ExtensionTestsResult> {
  const { server } = options;
  const logs: string[] = [];
  let finish: (code: number) => void = () => undefined;
  const exited = new Promise<number>((done) => (finish = done));
  const workbench = await openWorkbench(server, {
    folder: options.folder ?? server.workspace,
    payload: [
      ['extensionDevelopmentPath', remoteUri(server, resolve(options.extensionDevelopmentPath))],
      ['extensionTestsPath', remoteUri(server, resolve(options.testsPath))],
    ],
    waitForReady: false,
    beforeNavigate: async (page) => {
      await page.exposeFunction('codeAutomationLog', (level: unknown, message: unknown) => {
        logs.push(`${String(level)} ${formatLogMessage(message)}`);
      });
      // The second argument (the window's log files) is not needed: the lines arrived through codeAutomationLog.
      await page.exposeFunction('codeAutomationExit', (code: unknown) => finish(typeof code === 'number' ? code : 1));
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeoutMs = options.timeoutMs ?? 150_000;
    const timedOut = new Promise<never>((_, fail) => {
      timer = setTimeout(
        () => fail(new Error(`extension tests did not finish in ${timeoutMs} ms; last log lines:\n${logs.slice(-30).join('\n')}`)),
        timeoutMs,
      );
    });
    const exitCode = await Promise.race([exited, timedOut]);
    return { exitCode, logs };
  } finally {
    clearTimeout(timer);
    await workbench.close();
  }
}

/** The workbench logs an array of arguments; strings are joined as the console would print them. */
function formatLogMessage(message: unknown): string {
  const parts = Array.isArray(message) ? message : [message];
  return parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
}
