/**
 * The editor test harness: a real VS Code (code-server 4.100.3 = VS Code 1.100.3) started on
 * 127.0.0.1, driven by playwright-core and Debian's Chromium, for the extension's integration and UI
 * tests. Install it with scripts/ensure-editor.sh (the root `pretest` does); it lives in test/editor
 * with its own package.json so the product's `npm ci` stays light.
 *
 * A UI test:
 * ```ts
 * const server = await startCodeServer({ workspace, extensions: ['dist/orchestra.vsix'] });
 * const workbench = await openWorkbench(server);
 * await runCommand(workbench.page, 'Orchestra: Review File');
 * await waitForNotification(workbench.page, /review finished/);
 * await workbench.close();
 * await server.stop();
 * ```
 * An extension-host test: `runExtensionTests({ server, extensionDevelopmentPath, testsPath })`
 * resolves with the exit code of the module's `run()` and the log lines.
 */
export { startCodeServer, assertCodeServerInstalled, DEFAULT_SETTINGS, TRUST_SETTINGS, HARNESS_DIR } from './code-server.js';
export type { CodeServer, CodeServerOptions } from './code-server.js';
export {
  openWorkbench,
  runCommand,
  openFile,
  modalDialog,
  notifications,
  waitForNotification,
  problems,
  webviewFrame,
  screenshot,
  eventually,
  remoteUri,
  workbenchUrl,
  ARTIFACTS_DIR,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  WORKBENCH_READY_SELECTOR,
} from './workbench.js';
export type { Workbench, WorkbenchOptions, RunCommandOptions } from './workbench.js';
export { runExtensionTests } from './extension-tests.js';
export type { ExtensionTestsOptions, ExtensionTestsResult } from './extension-tests.js';
export { packageExtension } from './vsix.js';
export { descendantsOf, isProcessAlive, freePort } from './processes.js';
