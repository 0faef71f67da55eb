/**
 * The review swarm. One review is a pipeline whose stages are folders of agents/review:
 *   scope (diff/) → files (collect-files, read-source) → cache → agents on the core's Swarm over the
 *   AgentHost (batches on the worker pool) → consensus (the core's mergeFindings) → suppressions
 *   (suppress/) → diff filter (diff/) → reporters (report/).
 * A ReviewSwarm keeps its bus, host, worker pool and cache between reviews, so `--watch`, the editor
 * and the GitHub App re-review with warm parsers and ESLint instances.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import type { EventBus } from '../../../shared/bus/event-bus.js';
import { mergeFindings } from '../../../shared/compose/consensus.js';
import { Swarm } from '../../../shared/compose/swarm.js';
import { errorMessage, throwIfAborted } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import type { Disposable } from '../../../shared/lifecycle/disposable.js';
import { AgentHost } from '../../../shared/runtime/agent-host.js';
import type { AgentInfo } from '../../../shared/runtime/agent.js';
import type { PermissionLevel } from '../../../shared/bus/topics.js';
import { TestRunnerAgent, type RunRelatedTestsResult } from '../tests/index.js';
import type { AuditInput } from '../../../shared/audit/index.js';
import { WorkerPool } from '../../../shared/runtime/worker-pool.js';
import { gitChurn, hotspotFindings, hotspots, type Hotspot } from '../complexity/churn-hotspots.js';
import type { ComplexityThresholds } from '../complexity/complexity-findings.js';
import { applyDiffFilter, type FilterMode } from '../diff/diff-filter.js';
import { changedLines, type DiffSpec } from '../diff/git-diff.js';
import type { DiffMap } from '../diff/parse-unified-diff.js';
import type { AgentTiming } from '../report/report-input.js';
import type { StyleOptionsInput } from '../style/index.js';
import { applyBaseline, type Baseline } from '../suppress/baseline.js';
import { applyConfigRules, type RuleSettings } from '../suppress/config-rules.js';
import { applyInlineSuppressions } from '../suppress/inline-suppressions.js';
import { FILE_AGENTS, type BatchResult, type FileAgent, type ReviewBatch } from './analyze-batch.js';
import { InThreadBatchAgent, pooledBatchAgents, REVIEW_BATCH_CAPABILITY, REVIEW_INLINE_CAPABILITY } from './batch-agent.js';
import { collectFiles, isReviewable } from './collect-files.js';
import { readSource } from './read-source.js';
import type { WasmPaths } from '../parsing/wasm-paths.js';
import { hashOf, ReviewCache } from './review-cache.js';

/** Agent names accepted by `--agents`. */
export const REVIEW_AGENTS = FILE_AGENTS;
export type ReviewAgentName = FileAgent;

const TEST_AGENT = 'test-runner';

/** Display names of the agents, as findings carry them. */
const AGENT_IDS: Record<FileAgent, string> = {
  syntax: 'syntax-checker',
  style: 'style-validator',
  security: 'security-scanner',
  complexity: 'complexity-analyzer',
};

/** What to review. */
export interface ReviewRequest {
  /** The folder reviewed; finding paths are relative to it. */
  root: string;
  /**
   * Every file; what changed according to git (working tree, against a base, or a commit range); or
   * changed lines the caller already knows (`given`: e.g. a pull request's patches from GitHub's API,
   * keyed by paths relative to root).
   */
  scope: { kind: 'all' } | DiffSpec | { kind: 'given'; diff: DiffMap };
  /** reviewdog filter mode; ignored for `all`. Default `added`. */
  filter?: FilterMode;
  /** Default: every per-file agent. */
  agents?: readonly FileAgent[];
  /** Only these files (relative to root), e.g. what a watcher saw change. */
  files?: readonly string[];
  rules?: RuleSettings;
  thresholds?: ComplexityThresholds;
  style?: StyleOptionsInput;
  baseline?: Baseline;
  maxFileBytes?: number;
  /**
   * Run the test-runner agent on the reviewed files. It executes repository code, so it needs the
   * `execute` level: `granted` says whether the person or the config granted it (an explicit
   * `--agents tests`, or `permissions.trustedRepository`); when not, the host refuses it and a notice says so.
   */
  tests?: {
    granted: boolean;
    timeoutMs?: number;
    /** Who granted it and how, for the audit entry (e.g. "--agents tests on the command line"). */
    grantedBy?: string;
    /** Where the grant or refusal and the run's outcome are recorded (the core's audit trail). */
    audit?: { record(input: AuditInput): Promise<unknown> };
  };
  /** Compute churn hotspots (a git log); default true for `all` reviews. */
  hotspots?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: 'files' | 'analyse'; done: number; total: number }) => void;
}

/** What a review found. */
export interface ReviewResult {
  root: string;
  /** Every finding, marked (`shouldReport`, `inDiff`, `suppressed`); reporters choose. */
  findings: Finding[];
  filesReviewed: number;
  /** Files whose results came from the cache. */
  fromCache: number;
  notices: string[];
  timings: AgentTiming[];
  hotspots: Hotspot[];
  /** File texts by path, for code frames and fixes. */
  sources: Map<string, string>;
}

/** Options of {@link ReviewSwarm.create}. */
export interface ReviewSwarmOptions {
  /**
   * Worker threads; 0 runs everything in the calling thread. Default: cores − 1 (at least 1), leaving
   * a core to the main thread. The pool starts on the first review with more than
   * {@link POOL_THRESHOLD} files to analyse: a worker pays ~1 s to load ESLint, which a few files never repay.
   */
  workers?: number;
  /** The compiled worker module (review-worker.js); required when workers > 0. */
  workerModule?: string | URL;
  /** Cache folder, or false for none. */
  cacheDir?: string | false;
  /** A bus to publish lifecycle and finding events on; default: a private one. */
  bus?: EventBus;
  /** Orchestra's version, part of the cache key. */
  version: string;
  /** Where the tree-sitter `.wasm` files are; default: resolved from node_modules (bundled hosts pass their own). */
  wasmPaths?: WasmPaths;
  /**
   * Reviews of more files than this use the worker pool; default {@link POOL_THRESHOLD}. An editor passes
   * 0: ESLint then always runs on the worker thread, never on the thread that handles typing.
   */
  poolThreshold?: number;
}

/** Files to analyse above which a review uses the worker pool. */
export const POOL_THRESHOLD = 24;
const BATCH_FILES = 16;
const BATCH_BYTES = 256 * 1024;

/** A long-lived review swarm. Create with {@link ReviewSwarm.create}, close when done. */
export class ReviewSwarm implements Disposable {
  private constructor(
    private readonly bus: EventBus,
    private readonly ownBus: boolean,
    private readonly host: AgentHost,
    private pool: WorkerPool | undefined,
    private readonly options: ReviewSwarmOptions,
    private cacheNotice: string | undefined,
    private cache: ReviewCache | undefined,
    private readonly grants: { execute: boolean },
  ) {}

  /** Starts the host, the batch agents (and their worker pool) and opens the cache. */
  static async create(options: ReviewSwarmOptions): Promise<ReviewSwarm> {
    const bus = options.bus ?? new InProcessEventBus();
    // Only the test runner may ever get `execute`, and only for a review that was granted it.
    const grants = { execute: false };
    const host = new AgentHost({
      bus,
      source: 'review-swarm',
      settings: { defaultDeadlineMs: 10 * 60_000 },
      grantedLevel: (id): PermissionLevel => (id === TEST_AGENT && grants.execute ? 'execute' : 'read_only'),
    });
    await host.spawn(new InThreadBatchAgent());
    let cache: ReviewCache | undefined;
    let notice: string | undefined;
    if (options.cacheDir) ({ cache, notice } = await ReviewCache.open(options.cacheDir, options.version));
    return new ReviewSwarm(bus, options.bus === undefined, host, undefined, options, notice, cache, grants);
  }

  /** Starts the worker pool and its agents once; returns false when reviews run in this thread. */
  private async ensurePool(): Promise<boolean> {
    if (this.pool) return true;
    const workers = this.options.workers ?? Math.max(1, availableParallelism() - 1);
    if (workers === 0 || this.options.workerModule === undefined) return false;
    this.pool = new WorkerPool({ filename: this.options.workerModule, threads: workers, maxOldGenerationSizeMb: 2048, maxQueue: 10_000 });
    await this.host.spawnAll(pooledBatchAgents(this.pool, this.options.workerModule));
    return true;
  }

  /** Runs one review. */
  async review(request: ReviewRequest): Promise<ReviewResult> {
    const root = resolve(request.root);
    const agents = [...(request.agents ?? FILE_AGENTS)];
    const notices: string[] = this.cacheNotice ? [this.cacheNotice] : [];
    this.cacheNotice = undefined;

    // 1. Scope: what changed, re-keyed to paths relative to the reviewed root.
    let diff: DiffMap | undefined;
    if (request.scope.kind === 'given') {
      diff = request.scope.diff;
    } else if (request.scope.kind !== 'all') {
      const { top, diff: raw } = await changedLines(root, request.scope);
      diff = new Map();
      for (const [path, change] of raw) {
        const rel = relative(root, join(top, path)).split(sep).join('/');
        if (!rel.startsWith('../')) diff.set(rel, { ...change, path: rel });
      }
    }

    // 2. Files.
    request.onProgress?.({ phase: 'files', done: 0, total: 0 });
    const ignore = request.rules?.ignore ?? [];
    let paths: string[];
    if (request.files) paths = request.files.filter((p) => isReviewable(p));
    else if (diff) paths = [...diff.keys()].filter((p) => isReviewable(p)).sort();
    else paths = await collectFiles(root, { ignore, ...(request.signal ? { signal: request.signal } : {}) });
    const sources = new Map<string, string>();
    const reads = await mapLimit(paths, 32, (path) => readSource(join(root, path), path, request.maxFileBytes));
    for (let i = 0; i < paths.length; i++) {
      const read = reads[i]!;
      if (read.ok) {
        sources.set(paths[i]!, read.text);
        if (read.notice) notices.push(read.notice);
      } else if (read.reason !== 'binary') {
        notices.push(read.notice);
      }
    }
    throwIfAborted(request.signal);

    // 3. Cache: which (file, agent) results are known.
    const salt = hashOf(this.options.version, JSON.stringify({ t: request.thresholds, s: request.style }), eslintConfigStamp(root));
    const findings: Finding[] = [];
    const complexity = new Map<string, number>();
    const todo: { path: string; text: string; agents: FileAgent[] }[] = [];
    let fromCache = 0;
    for (const [path, text] of sources) {
      const missing: FileAgent[] = [];
      for (const agent of agents) {
        const cached = this.cache?.get(this.cache.key(`${salt}:${agent}`, path, text));
        if (cached) findings.push(...cached);
        else missing.push(agent);
      }
      if (missing.length === 0) fromCache++;
      else todo.push({ path, text, agents: missing });
    }

    // 4. Agents: batches fanned out over the batch agents by the core's Swarm.
    const timings = new Map<FileAgent, { ms: number; files: number }>();
    let done = 0;
    request.onProgress?.({ phase: 'analyse', done: 0, total: todo.length });
    const runs: { capability: string; batches: ReviewBatch[] }[] = [];
    if (todo.length > (this.options.poolThreshold ?? POOL_THRESHOLD) && (await this.ensurePool())) {
      // ESLint, by far the heaviest agent, runs on the workers while this thread runs the tree-sitter
      // agents: the two overlap, and each worker pays ESLint's start-up once.
      const styleTodo = todo.filter((t) => t.agents.includes('style')).map((t) => ({ ...t, agents: ['style' as const] }));
      const restTodo = todo.map((t) => ({ ...t, agents: t.agents.filter((a) => a !== 'style') })).filter((t) => t.agents.length > 0);
      runs.push({ capability: REVIEW_BATCH_CAPABILITY, batches: makeBatches(root, styleTodo, request, agents.includes('syntax'), this.options.wasmPaths) });
      runs.push({ capability: REVIEW_INLINE_CAPABILITY, batches: makeBatches(root, restTodo, request, false, this.options.wasmPaths) });
    } else {
      runs.push({ capability: REVIEW_INLINE_CAPABILITY, batches: makeBatches(root, todo, request, false, this.options.wasmPaths) });
    }
    const results = await Promise.all(
      runs.map(({ capability, batches }) => {
        if (batches.length === 0) return undefined;
        const swarm = new Swarm<ReviewBatch[], ReviewBatch, BatchResult, BatchResult[]>({
          dispatcher: this.host,
          capability,
          name: 'review',
          decompose: (jobs) => jobs.map((input, i) => ({ id: `batch-${i}`, input })),
          consensus: (gathered) => gathered.completed.map((c) => c.output),
          strategy: 'least-busy',
        });
        return swarm.run(batches, request.signal ? { signal: request.signal } : {});
      }),
    );
    for (const result of results) {
      for (const failed of result?.failed ?? []) {
        notices.push(`Analysis of ${failed.input.files.length} file(s) (${failed.input.files[0]?.path ?? ''}…) failed: ${errorMessage(failed.error)}`);
      }
      for (const timedOut of result?.timedOut ?? []) notices.push(`Analysis of ${timedOut.input.files.length} file(s) timed out.`);
    }
    const writes: Promise<void>[] = [];
    for (const batch of results.flatMap((r) => r?.consensus ?? [])) {
      for (const [agent, ms] of Object.entries(batch.timings) as [FileAgent, number][]) {
        const t = timings.get(agent) ?? { ms: 0, files: 0 };
        t.ms += ms;
        timings.set(agent, t);
      }
      for (const file of batch.files) {
        done++;
        notices.push(...file.notices);
        if (file.complexity) complexity.set(file.path, file.complexity);
        const text = sources.get(file.path);
        for (const [agent, list] of Object.entries(file.findings) as [FileAgent, Finding[]][]) {
          findings.push(...list);
          const t = timings.get(agent);
          if (t) t.files++;
          if (this.cache && text !== undefined && file.notices.length === 0) {
            writes.push(this.cache.set(this.cache.key(`${salt}:${agent}`, file.path, text), list).catch(() => undefined));
          }
        }
      }
      request.onProgress?.({ phase: 'analyse', done: Math.min(done, todo.length), total: todo.length });
    }
    await Promise.all(writes);

    // 5. Tests related to the reviewed files (executes repository code: permission-checked by the host).
    const testTimings: AgentTiming[] = [];
    if (request.tests) {
      const started = performance.now();
      const outcome = await this.runTests(root, [...sources.keys()], request.tests, request.signal);
      notices.push(...outcome.notices);
      findings.push(...outcome.findings);
      testTimings.push({ agent: TEST_AGENT, ms: performance.now() - started, files: outcome.ran });
    }

    // 6. Hotspots from churn (repository-level, cheap: one git log).
    let spots: Hotspot[] = [];
    if (agents.includes('complexity') && (request.hotspots ?? request.scope.kind === 'all') && complexity.size > 0) {
      const churn = await gitChurn(root, { maxCommits: 1000 }).catch(() => new Map<string, number>());
      const rel = new Map<string, number>();
      for (const [path, count] of churn) rel.set(path, count);
      spots = hotspots(complexity, rel);
      findings.push(...hotspotFindings(spots));
    }

    // 7. Consensus, suppressions, diff filter.
    let merged: Finding[] = mergeFindings(findings);
    const byFile = new Map<string, Finding[]>();
    for (const f of merged) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    merged = [...byFile].flatMap(([file, list]) => {
      const text = sources.get(file);
      return text === undefined ? list : applyInlineSuppressions(list, text);
    });
    merged = applyConfigRules(merged, request.rules ?? {});
    if (request.baseline) merged = applyBaseline(merged, request.baseline);
    merged = applyDiffFilter(merged, diff, request.filter ?? 'added');

    if (merged.length > 0) {
      await this.bus.publish('finding.reported', { agentId: 'review-swarm', count: merged.filter((f) => f.shouldReport !== false).length }, { source: 'review-swarm' });
    }
    return {
      root,
      findings: merged,
      filesReviewed: sources.size,
      fromCache,
      notices,
      timings: [...[...timings].map(([agent, t]) => ({ agent: AGENT_IDS[agent], ms: t.ms, files: t.files })), ...testTimings],
      hotspots: spots,
      sources,
    };
  }

  private async runTests(root: string, files: string[], options: NonNullable<ReviewRequest['tests']>, signal: AbortSignal | undefined): Promise<{ findings: Finding[]; notices: string[]; ran: number }> {
    const started = performance.now();
    const audit = (entry: Omit<AuditInput, 'agentId' | 'action' | 'level'>) =>
      options.audit?.record({ agentId: TEST_AGENT, action: 'review.run_tests', level: 'execute', input: { root, files: files.length }, ...entry }).catch(() => undefined);
    if (!this.host.get(TEST_AGENT)) {
      this.grants.execute = options.granted;
      try {
        await this.host.spawn(new TestRunnerAgent());
      } catch (error) {
        await audit({ status: 'denied', decision: 'refused', error: errorMessage(error) });
        return { findings: [], ran: 0, notices: [`The test runner was not started: ${errorMessage(error)}. It executes repository code: ask for it explicitly (--agents tests) or set permissions.trustedRepository: true in a repository you trust.`] };
      } finally {
        this.grants.execute = false;
      }
    }
    const approval = { requestId: 'review-grant', ...(options.grantedBy ? { by: options.grantedBy } : {}) };
    try {
      const result = await this.host.dispatch<RunRelatedTestsResult>(
        TEST_AGENT,
        { type: 'test_run', input: { root, changedFiles: files, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) } },
        { deadlineMs: (options.timeoutMs ?? 120_000) + 5_000, ...(signal ? { signal } : {}) },
      );
      await audit({ status: 'ok', decision: 'approved', approval, durationMs: performance.now() - started, output: { runner: result.runner, ran: result.ran, failures: result.findings.length } });
      return { findings: result.findings, notices: result.notices, ran: result.ran };
    } catch (error) {
      await audit({ status: signal?.aborted ? 'cancelled' : 'error', decision: 'approved', approval, durationMs: performance.now() - started, error: errorMessage(error) });
      if (signal?.aborted) throw error;
      return { findings: [], ran: 0, notices: [`The test runner failed: ${errorMessage(error)}`] };
    }
  }

  /** The swarm's live agents (for registries and dashboards). */
  agents(): AgentInfo[] {
    return this.host.list();
  }

  /** Stops the agents, the worker pool and closes the cache. */
  async close(): Promise<void> {
    await this.host.close();
    await this.pool?.close();
    await this.cache?.close();
    this.cache = undefined;
    if (this.ownBus) this.bus.dispose();
  }

  dispose(): void {
    this.host.dispose();
    this.pool?.dispose();
    this.cache?.dispose();
    if (this.ownBus) this.bus.dispose();
  }
}

function makeBatches(root: string, todo: { path: string; text: string; agents: FileAgent[] }[], request: ReviewRequest, syntaxElsewhere = false, wasmPaths?: WasmPaths): ReviewBatch[] {
  const batches: ReviewBatch[] = [];
  let current: ReviewBatch | undefined;
  let bytes = 0;
  for (const item of todo) {
    const key = item.agents.join(',');
    if (!current || current.files.length >= BATCH_FILES || bytes >= BATCH_BYTES || current.agents.join(',') !== key) {
      current = { root, files: [], agents: item.agents };
      if (request.thresholds) current.thresholds = request.thresholds;
      if (request.style) current.style = request.style;
      if (syntaxElsewhere) current.syntaxElsewhere = true;
      if (wasmPaths) current.wasmPaths = wasmPaths;
      batches.push(current);
      bytes = 0;
    }
    current.files.push({ path: item.path, text: item.text });
    bytes += item.text.length;
  }
  return batches;
}

/** Content of the repository's ESLint config files, so editing them invalidates cached style results. */
function eslintConfigStamp(root: string): string {
  const names = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts', 'package.json'];
  return names
    .map((name) => join(root, name))
    .filter((file) => existsSync(file))
    .map((file) => {
      try {
        return hashOf(file, readFileSync(file, 'utf8'));
      } catch {
        return file;
      }
    })
    .join(',');
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return out;
}
