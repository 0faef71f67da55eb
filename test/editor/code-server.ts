/**
 * Starts a real VS Code server (code-server 4.100.3 = VS Code 1.100.3, installed in test/editor by
 * scripts/ensure-editor.sh) on 127.0.0.1 and a free port, with private user data, extensions, XDG
 * folders and TMPDIR, so tests never touch the developer's editor and never see each other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopProcessTree } from './processes.js';

/** The harness folder (test/editor): its node_modules holds code-server and playwright-core. */
export const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));

/** Where code-server's entry module is once scripts/ensure-editor.sh has run. */
export const CODE_SERVER_ENTRY = join(HARNESS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Settings every harness editor starts with: no start page, no trust prompt, no port forwarding, nothing online. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'remote.autoForwardPorts': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** Settings of a server started with `workspaceTrust`: trust on, no start-up prompt (folders open in Restricted Mode). */
export const TRUST_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/** What {@link startCodeServer} starts. */
export interface CodeServerOptions {
  /** Folder the server opens by default (an absolute path; the browser URL may name another). */
  readonly workspace: string;
  /** `.vsix` files to install into this server's private extensions folder before it starts. */
  readonly extensions?: readonly string[];
  /** User settings, merged over {@link DEFAULT_SETTINGS}. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * An unpackaged extension folder to load as under development. code-server has no flag for it: the
   * workbench URL carries it, so {@link openWorkbench} adds it to every page it opens on this server.
   */
  readonly extensionDevelopmentPath?: string;
  /** Extension ids for `--enable-proposed-api` (e.g. a test-only chat provider). */
  readonly enableProposedApi?: readonly string[];
  /** How long to wait for `/healthz` (default 90 s). */
  readonly startTimeoutMs?: number;
  /** Extra environment for the server and its extension host (e.g. an extension's own settings). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Switch workspace trust on (default off): the server starts without `--disable-workspace-trust`, with
   * {@link TRUST_SETTINGS}, so a folder opens untrusted, in Restricted Mode, without a prompt. Trust is
   * then granted in the UI ("Workspaces: Manage Workspace Trust").
   */
  readonly workspaceTrust?: boolean;
}

/** A running code-server. */
export interface CodeServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Pid of the code-server process, leader of its own process group. */
  readonly pid: number;
  /** Private folder holding user data, extensions, XDG folders, TMPDIR and the server log; removed by stop(). */
  readonly dataDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspace: string;
  readonly extensionDevelopmentPath: string | undefined;
  /** The server's log file (stdout and stderr), inside dataDir. */
  readonly logFile: string;
  /** The last lines the server printed, for error messages. */
  recentOutput(): string;
  /** Kills the whole process tree and removes dataDir. Idempotent. */
  stop(): Promise<void>;
}

/** Throws the harness's one clear message when code-server is not installed. */
export function assertCodeServerInstalled(): void {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY} is missing): run scripts/ensure-editor.sh`);
  }
}

interface Layout {
  readonly dataDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
  readonly env: NodeJS.ProcessEnv;
}

function makeLayout(extraEnv: Readonly<Record<string, string>> = {}): Layout {
  const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-code-server-'));
  const folder = (name: string): string => {
    const path = join(dataDir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const userDataDir = folder('user-data');
  const extensionsDir = folder('extensions');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: folder('xdg-config'),
    XDG_DATA_HOME: folder('xdg-data'),
    XDG_CACHE_HOME: folder('xdg-cache'),
    TMPDIR: folder('tmp'),
    // Nothing inherited may point code-server elsewhere or switch on auth.
    PASSWORD: undefined,
    HASHED_PASSWORD: undefined,
    PORT: undefined,
    VSCODE_PROXY_URI: undefined,
    // Running under jest sets NODE_OPTIONS for ESM; the server and its extension host must not get it.
    NODE_OPTIONS: undefined,
    // No extension gallery: the machine is offline, and a failing gallery query shows an error toast.
    EXTENSIONS_GALLERY: '{}',
    ...extraEnv,
  };
  return { dataDir, userDataDir, extensionsDir, logFile: join(dataDir, 'code-server.log'), env };
}

function installExtension(layout: Layout, vsix: string): void {
  const path = resolve(vsix);
  if (!existsSync(path)) throw new Error(`extension package ${path} does not exist`);
  const result = spawnSync(
    process.execPath,
    [CODE_SERVER_ENTRY, '--install-extension', path, '--force', '--extensions-dir', layout.extensionsDir, '--user-data-dir', layout.userDataDir],
    { env: layout.env, encoding: 'utf8', timeout: 120_000 },
  );
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`code-server --install-extension ${path} failed (${result.error?.message ?? `exit ${result.status}`}): ${output}`, {
      cause: result.error,
    });
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Installs `extensions`, writes user settings and starts code-server with
 * `--auth none --bind-addr 127.0.0.1:PORT --disable-telemetry --disable-update-check --disable-workspace-trust`
 * (without the last one when `workspaceTrust` is set),
 * then waits until `/healthz` answers.
 * @throws Error when code-server is not installed (run scripts/ensure-editor.sh), an extension fails to
 *   install, or the server exits or stays silent at start; nothing is left running or on disk then.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  assertCodeServerInstalled();
  const workspace = resolve(options.workspace);
  if (!existsSync(workspace)) throw new Error(`workspace folder ${workspace} does not exist`);
  const layout = makeLayout(options.env);
  try {
    for (const vsix of options.extensions ?? []) installExtension(layout, vsix);
    mkdirSync(join(layout.userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(layout.userDataDir, 'User', 'settings.json'),
      `${JSON.stringify({ ...DEFAULT_SETTINGS, ...(options.workspaceTrust ? TRUST_SETTINGS : {}), ...options.settings }, null, 2)}\n`,
    );
    // A free port can be taken between the probe and the bind: try a few.
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(layout, workspace, options);
      } catch (error) {
        if (attempt >= 3 || !String((error as Error).message).includes('EADDRINUSE')) throw error;
      }
    }
  } catch (error) {
    rmSync(layout.dataDir, { recursive: true, force: true, maxRetries: 5 });
    throw error;
  }
}

async function launch(layout: Layout, workspace: string, options: CodeServerOptions): Promise<CodeServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    CODE_SERVER_ENTRY,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', layout.userDataDir,
    '--extensions-dir', layout.extensionsDir,
    ...(options.enableProposedApi ?? []).flatMap((id) => ['--enable-proposed-api', id]),
    workspace,
  ];
  // Its own process group, so stop() can end the extension hosts, pty host and watchers with it.
  const child = spawn(process.execPath, args, { cwd: workspace, env: layout.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(layout.logFile, { flags: 'a' });
  let tail = '';
  const collect = (chunk: Buffer): void => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawned = new Promise<void>((done, fail) => {
    child.once('spawn', () => done());
    child.once('error', fail);
  });
  await spawned;
  const pid = child.pid!;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopProcessTree(pid);
      await exited(child);
      await new Promise<void>((done) => log.end(() => done()));
      rmSync(layout.dataDir, { recursive: true, force: true, maxRetries: 5 });
    })());
  const endProcessOnly = async (): Promise<void> => {
    await stopProcessTree(pid);
    await exited(child);
    await new Promise<void>((done) => log.end(() => done()));
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (!(await healthy(url))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await endProcessOnly();
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering on ${url}: ${tail.trim()}`);
    }
    if (Date.now() > deadline) {
      await endProcessOnly();
      throw new Error(`code-server did not answer ${url}/healthz in time: ${tail.trim()}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    url,
    port,
    pid,
    dataDir: layout.dataDir,
    userDataDir: layout.userDataDir,
    extensionsDir: layout.extensionsDir,
    workspace,
    extensionDevelopmentPath: options.extensionDevelopmentPath ? resolve(options.extensionDevelopmentPath) : undefined,
    logFile: layout.logFile,
    recentOutput: () => tail,
    stop,
  };
}
