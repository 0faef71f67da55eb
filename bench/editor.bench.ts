/**
 * `npm run bench -- editor`: the Orchestra extension in a real VS Code (code-server 4.100.3 from
 * test/editor/node_modules), loaded as the extension under development from extension/ (build it first:
 * `npm run build:extension`).
 * - Save-to-diagnostics latency of a 2,000-line JS file, measured inside the extension host by the test
 *   module test/editor/fixtures/orchestra-bench/index.cjs: edit line 1, `document.save()`, first
 *   `vscode.languages.onDidChangeDiagnostics` for the file's URI (performance.now()). All agents (ESLint
 *   included; target p50 ≤ 150 ms) and the tree-sitter agents only (target p50 ≤ 50 ms), with the
 *   default `orchestra.review.debounceMs` (150) and with 0. Peer: ESLint's Node API (`lintText`,
 *   @eslint/js recommended) on the same text in this process — the VS Code ESLint extension is not
 *   installable offline.
 * - Activation: the API's `activationMs` (target ≤ 300 ms).
 * - Dashboard event-to-pixels: `api.dashboard.renderLatencies` after the dashboard view is shown and
 *   reviews ran (target ≤ 50 ms).
 * - Idle CPU of the extension host on a 20,000-file workspace over 60 s after activation (target ≤ 1 %
 *   of a core): utime+stime from /proc/PID/stat of the code-server descendant whose command line says
 *   `extensionHost`, cross-checked with the pid and process.cpuUsage() the test module reports; a
 *   baseline minute with Orchestra loaded but not activated goes in the note.
 * The editor harness is test/editor itself (not a copy, not in the build): transpiled with @swc/core
 * into bench/.cache/editor-harness at run time, as app.bench.ts does with the fake GitHub.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../cli/paths.js';
import { compare, percentile, type BenchLine, type BenchSuite } from './harness.js';

const SAVES = 20;
const WARMUP_SAVES = 2;
const IDLE_SECONDS = 60;
const IDLE_FILES = 20_000;
const BIG_FILE_LINES = 2_000;
const TREE_SITTER_AGENTS = ['syntax', 'security', 'complexity'];
const ALL_AGENTS = ['syntax', 'style', 'security', 'complexity'];
const DEFAULT_DEBOUNCE_MS = 150;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- the editor harness (test/editor)

/** The parts of test/editor/harness.ts the bench uses. */
interface CodeServer {
  readonly pid: number;
  stop(): Promise<void>;
}
interface EditorHarness {
  startCodeServer(options: { workspace: string; settings?: Record<string, unknown> }): Promise<CodeServer>;
  runExtensionTests(options: { server: CodeServer; folder?: string; extensionDevelopmentPath: string; testsPath: string; timeoutMs?: number }): Promise<{ exitCode: number; logs: readonly string[] }>;
  descendantsOf(pid: number): number[];
}

/**
 * Transpiles test/editor/*.ts (not the tests) into bench/.cache/editor-harness. code-server.ts finds
 * code-server and playwright-core relative to its own file, so its `import.meta.url` is pointed back
 * at the original.
 */
async function loadHarness(): Promise<EditorHarness> {
  const { transformFile } = await import('@swc/core');
  const source = join(packageRoot(), 'test', 'editor');
  const out = join(packageRoot(), 'bench', '.cache', 'editor-harness');
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(source)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.endsWith('.d.ts')) continue;
    const { code } = await transformFile(join(source, file), { swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
    const original = JSON.stringify(pathToFileURL(join(source, file)).href);
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), code.replaceAll('import.meta.url', original));
  }
  return (await import(pathToFileURL(join(out, 'harness.js')).href)) as EditorHarness;
}

// ---------------------------------------------------------------- workspaces

/** A 2,000-line CommonJS file with some findings for every agent (a shell exec, `!!x`, nested ifs). */
function bigFile(): string {
  const lines = ['// revision 0', `'use strict';`, `const { exec } = require('child_process');`, ''];
  for (let f = 0; lines.length < BIG_FILE_LINES - 20; f++) {
    lines.push(`function select${f}(items, limit, name) {`, `  const out = [];`, `  for (const item of items) {`);
    lines.push(`    if (item.id % ${(f % 7) + 2} === 0 && out.length < limit) out.push(item.name.trim());`, `    else if (item.tags.includes('v${f}')) out.push(item.name.toUpperCase());`, `  }`);
    if (f % 25 === 0) lines.push(`  if (!!limit) exec('ls ' + name, () => undefined);`);
    lines.push(`  return out;`, `}`, '');
  }
  while (lines.length < BIG_FILE_LINES - 1) lines.push(`module.exports.v${lines.length} = ${lines.length};`);
  return `${lines.join('\n')}\n`;
}

function makeIdleWorkspace(dir: string): void {
  for (let d = 0; d < IDLE_FILES / 100; d++) {
    const folder = join(dir, 'src', `pkg${d}`);
    mkdirSync(folder, { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(folder, `mod${f}.js`), `module.exports = function f${d}_${f}(a) {\n  return a + ${f};\n};\n`);
  }
}

// ---------------------------------------------------------------- the extension-host runs

interface SaveRun {
  name: string;
  agents: string[];
  debounceMs: number;
  samples: number[];
}
interface LatencyResult {
  activationMs: number;
  saves: SaveRun[];
  renderLatencies: number[];
}
interface IdleResult {
  activationMs: number;
  pid: number;
  cpuMs: number;
  wallMs: number;
  active: boolean;
}

const TESTS_PATH = () => join(packageRoot(), 'test', 'editor', 'fixtures', 'orchestra-bench', 'index.cjs');
const EXTENSION_DIR = () => join(packageRoot(), 'extension');

/** The `orchestra-bench: {json}` line the test module printed (the logs carry the host's console). */
function resultOf<T>(result: { exitCode: number; logs: readonly string[] }): T {
  const line = result.logs.map((l) => /orchestra-bench: (\{.*\})\s*$/.exec(l)?.[1]).find((json) => json !== undefined);
  if (result.exitCode !== 0 || !line) throw new Error(`editor bench: the extension-host module failed (exit ${result.exitCode}):\n${result.logs.slice(-30).join('\n')}`);
  return JSON.parse(line) as T;
}

async function latencyRun(harness: EditorHarness, scratch: string, text: string): Promise<LatencyResult> {
  const workspace = join(scratch, 'workspace');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  writeFileSync(join(workspace, 'src', 'big.js'), text);
  const runs = [
    { name: 'all agents (ESLint)', agents: ALL_AGENTS, debounceMs: DEFAULT_DEBOUNCE_MS },
    { name: 'tree-sitter agents', agents: TREE_SITTER_AGENTS, debounceMs: DEFAULT_DEBOUNCE_MS },
    { name: 'all agents (ESLint), debounce 0', agents: ALL_AGENTS, debounceMs: 0 },
    { name: 'tree-sitter agents, debounce 0', agents: TREE_SITTER_AGENTS, debounceMs: 0 },
  ];
  writeFileSync(join(scratch, 'bench-config.json'), JSON.stringify({ mode: 'latency', file: 'src/big.js', runs, saves: SAVES, warmup: WARMUP_SAVES, quietMs: 400, timeoutMs: 10_000, dashboardReviews: 10 }));
  const server = await harness.startCodeServer({ workspace });
  try {
    const result = await harness.runExtensionTests({ server, folder: workspace, extensionDevelopmentPath: EXTENSION_DIR(), testsPath: TESTS_PATH(), timeoutMs: 300_000 });
    return resultOf<LatencyResult>(result);
  } finally {
    await server.stop();
  }
}

/** utime + stime of a process, in clock ticks (undefined once it is gone). */
function cpuTicks(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5), counted from `state`
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

interface IdleMeasurement {
  inHost: IdleResult;
  /** % of one core from /proc, when the extension host was found in code-server's process tree. */
  procPercent: number | undefined;
  found: string;
}

/** One minute of an idle extension host on `workspace` (a folder of `scratch`), Orchestra activated or not. */
async function idleRun(harness: EditorHarness, scratch: string, workspace: string, activate: boolean): Promise<IdleMeasurement> {
  const name = activate ? 'activated.json' : 'baseline.json';
  const marker = join(scratch, name);
  writeFileSync(join(scratch, 'bench-config.json'), JSON.stringify({ mode: 'idle', seconds: IDLE_SECONDS, activate, marker: name }));
  const server = await harness.startCodeServer({ workspace });
  try {
    const running = harness.runExtensionTests({ server, folder: workspace, extensionDevelopmentPath: EXTENSION_DIR(), testsPath: TESTS_PATH(), timeoutMs: 240_000 });
    let failed: unknown;
    running.catch((error: unknown) => (failed = error));
    const deadline = Date.now() + 180_000;
    while (!existsSync(marker)) {
      if (failed) throw failed;
      if (Date.now() > deadline) throw new Error('editor bench: the extension did not activate on the 20,000-file workspace');
      await sleep(20);
    }
    const hosts = harness.descendantsOf(server.pid).filter((pid) => /extensionHost/.test(commandLine(pid)));
    const reported = (JSON.parse(readFileSync(marker, 'utf8')) as { pid: number }).pid;
    let procPercent: number | undefined;
    let found: string;
    if (hosts.length === 1) {
      const pid = hosts[0]!;
      const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
      const before = cpuTicks(pid);
      const start = performance.now();
      await sleep(IDLE_SECONDS * 1000);
      const after = cpuTicks(pid);
      const wall = (performance.now() - start) / 1000;
      if (before !== undefined && after !== undefined) procPercent = ((after - before) / ticks / wall) * 100;
      found = `extension host pid ${pid} found in code-server's tree by its command line${pid === reported ? ', the pid the host reports' : `, but the host reports pid ${reported}`}`;
    } else {
      found = `${hosts.length} processes with extensionHost in their command line under code-server (${hosts.join(', ')}): /proc not sampled`;
    }
    const inHost = resultOf<IdleResult>(await running);
    return { inHost, procPercent, found };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------- the peer

/** ESLint's Node API with @eslint/js recommended, `lintText` of `text`: ms per run (warm). */
async function eslintPeer(text: string, runs: number): Promise<number[]> {
  const { ESLint } = await import('eslint');
  const js = (await import('@eslint/js')).default;
  const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: js.configs.recommended });
  for (let i = 0; i < 3; i++) await eslint.lintText(text.replace(/^.*/, `// warm-up ${i}`));
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const revised = text.replace(/^.*/, `// revision ${i + 1}`);
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    await eslint.lintText(revised);
    samples.push(performance.now() - start);
  }
  return samples;
}

// ---------------------------------------------------------------- cases

const withNote = (line: BenchLine, note: string): BenchLine => Object.assign(line, { note });

const suite: BenchSuite = {
  name: 'editor',
  async run(report) {
    if (!existsSync(join(EXTENSION_DIR(), 'dist', 'extension.cjs'))) throw new Error('editor bench: extension/dist is missing: run `npm run build:extension` first');
    const harness = await loadHarness();
    const scratch = mkdtempSync(join(tmpdir(), 'orchestra-editor-bench-'));
    try {
      const text = bigFile();
      const latency = await latencyRun(harness, scratch, text);
      const peerSamples = await eslintPeer(text, SAVES);
      const peerName = 'ESLint Node API lintText (@eslint/js recommended)';
      const load = `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores (a shared machine)`;
      const peerNote = `peer: the VS Code ESLint extension is not installable offline, so ESLint's own Node API (new ESLint({ overrideConfigFile: true, overrideConfig: @eslint/js recommended }).lintText) on the same ${BIG_FILE_LINES}-line text in the bench process, warm, ${SAVES} runs — lint time only, no editor round trip`;
      const base = { metric: 'latency_ms', better: 'lower' as const, unit: 'ms' };
      for (const run of latency.saves) {
        const samples = run.samples.filter(Number.isFinite);
        const timeouts = run.samples.length - samples.length;
        const treeSitter = run.agents.length === TREE_SITTER_AGENTS.length && !run.agents.includes('style');
        const c = `save to diagnostics, ${BIG_FILE_LINES}-line JS, ${run.name}`;
        const note = `in the extension host: edit line 1, document.save(), first onDidChangeDiagnostics for the file (performance.now(); VS Code 1.100 fires that event through a 50-ms DebounceEmitter, so ≥ 50 ms of every sample is the editor's); orchestra.review.agents ${JSON.stringify(run.agents)}, review.debounceMs ${run.debounceMs}${run.debounceMs === DEFAULT_DEBOUNCE_MS ? ' (the default: the debounce is part of every sample)' : ''}; ${WARMUP_SAVES} warm-up saves not counted${timeouts ? `; ${timeouts} save(s) without a diagnostics change in 10 s left out` : ''}; ${peerNote}; ${load}`;
        const target = run.debounceMs === DEFAULT_DEBOUNCE_MS ? { target: treeSitter ? 50 : 150 } : {};
        report(withNote(compare({ bench: 'editor', case: c, ...base, runs: samples.length, stat: 'p50', ...target }, percentile(samples, 50), peerName, percentile(peerSamples, 50)), note));
        report(withNote(compare({ bench: 'editor', case: c, ...base, runs: samples.length, stat: 'p99' }, percentile(samples, 99), peerName, percentile(peerSamples, 99)), note));
      }

      const renders = latency.renderLatencies;
      const dashboardNote = `api.dashboard.renderLatencies (webview-reported paint time minus the host's postMessage time, Date.now() on both sides, same machine) after orchestra.showDashboard, over the ${latency.saves.length * (SAVES + WARMUP_SAVES)} saves above and 10 api.review() calls; no peer`;
      for (const stat of ['p50', 'p99'] as const) {
        report(withNote(compare({ bench: 'editor', case: 'dashboard event to pixels', ...base, runs: renders.length, stat, target: 50 }, percentile(renders, stat === 'p50' ? 50 : 99), null, null), dashboardNote));
      }

      const idleWorkspace = join(scratch, 'idle-workspace');
      makeIdleWorkspace(idleWorkspace);
      const baseline = await idleRun(harness, scratch, idleWorkspace, false);
      const idle = await idleRun(harness, scratch, idleWorkspace, true);
      report(withNote(compare({ bench: 'editor', case: 'activation', metric: 'activation_ms', runs: 1, stat: 'median', better: 'lower', target: 300, unit: 'ms' }, latency.activationMs, null, null),
        `the API's activationMs (performance.now() around activate()), on the 1-file workspace of the latency cases; on the ${IDLE_FILES.toLocaleString('en')}-file workspace it was ${Math.round(idle.inHost.activationMs)} ms; no peer`));

      const inHostPercent = (idle.inHost.cpuMs / idle.inHost.wallMs) * 100;
      const ours = idle.procPercent ?? inHostPercent;
      const basePercent = baseline.procPercent ?? (baseline.inHost.cpuMs / baseline.inHost.wallMs) * 100;
      const baselineNote = `the same extension host, same workspace, Orchestra loaded but ${baseline.inHost.active ? 'ACTIVE (the baseline is void)' : 'not activated'}: ${basePercent.toFixed(2)} % (measured the same way, a separate code-server just before)`;
      const cpuNote = `${IDLE_FILES.toLocaleString('en')} small JS files, extension activated through the API by the test module (no editor open), then ${IDLE_SECONDS} s idle; ${idle.procPercent !== undefined ? `utime+stime from /proc/PID/stat; ${idle.found}; the host's own process.cpuUsage() over the same minute: ${inHostPercent.toFixed(2)} %` : `${idle.found}; value is the host's own process.cpuUsage() over the minute`}; includes the extension's worker thread and the idle test module; ${baselineNote}; no peer`;
      report(withNote(compare({ bench: 'editor', case: `extension host idle CPU, ${IDLE_FILES / 1000}k files`, metric: 'cpu_percent', runs: 1, stat: 'median', better: 'lower', target: 1, unit: '% of one core' }, ours, null, null), cpuNote));
    } finally {
      rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
    }
  },
};

export default suite;
