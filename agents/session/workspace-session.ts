/**
 * A workspace session: what an editor or `orchestra serve` runs on one folder. It keeps the review
 * swarm warm, reviews files as they change (debounced; a newer change cancels the review it
 * supersedes), remembers the current findings per file, hosts the agents people spawn on request,
 * and gives dashboards a snapshot of the agents, the recent events and the activity over time.
 * It knows nothing of VS Code or HTTP: hosts render what it reports.
 */
import { InProcessEventBus } from '../../shared/bus/in-process-bus.js';
import type { EventBus } from '../../shared/bus/event-bus.js';
import type { AnyEvent } from '../../shared/bus/topics.js';
import { errorMessage, isCancellation } from '../../shared/errors/errors.js';
import type { Finding, Severity } from '../../shared/findings/finding.js';
import type { Disposable } from '../../shared/lifecycle/disposable.js';
import { AgentHost } from '../../shared/runtime/agent-host.js';
import type { AgentInfo } from '../../shared/runtime/agent.js';
import type { WasmPaths } from '../review/parsing/wasm-paths.js';
import { SecurityScannerAgent } from '../review/security/security-scanner-agent.js';
import { FILE_AGENTS, type FileAgent } from '../review/swarm/analyze-batch.js';
import { ReviewSwarm, type ReviewRequest, type ReviewResult } from '../review/swarm/review-swarm.js';
import { reviewFromConfig, type ConfiguredReview } from '../review/swarm/review-settings.js';
import { applyConfigOverrides, defaultConfig, loadConfig, type ConfigOverride, type OrchestraConfig, type RejectedOverride } from '../../shared/config/index.js';
import { collectFiles } from '../review/swarm/collect-files.js';
import { readSource } from '../review/swarm/read-source.js';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { LogWatcherAgent } from './log-watcher-agent.js';
import { ErrorSwarm } from '../error/error-swarm.js';
import { watch as chokidarWatch } from 'chokidar';
import { simpleGit } from 'simple-git';

/** The agent id findings carry, per review agent name. */
export const AGENT_IDS: Record<FileAgent, string> = { syntax: 'syntax-checker', style: 'style-validator', security: 'security-scanner', complexity: 'complexity-analyzer' };

/** Options of {@link WorkspaceSession.create}. */
export interface WorkspaceSessionOptions {
  /** The folder watched and reviewed. */
  root: string;
  version: string;
  /** The review swarm's worker module (worker threads); without it reviews run in the calling thread. */
  workerModule?: string | URL;
  /** Worker threads; default 1 (a small, steady footprint beside an editor). */
  threads?: number;
  /** Reviews of more files than this use the worker thread; an editor passes 0 (ESLint never on its thread). */
  poolThreshold?: number;
  wasmPaths?: WasmPaths;
  cacheDir?: string | false;
  /**
   * Whether the folder's own code may run: its ESLint config (a module) and, when its config asks for
   * it, its tests. Default true (a folder someone serves from the command line is their own); an
   * editor passes its workspace trust.
   */
  trusted?: boolean;
}

/** How the session reviews. */
export interface ReviewSettings {
  agents: FileAgent[];
  /** Only findings on lines changed since HEAD (Sonar's "new code"). */
  newCodeOnly: boolean;
}

/** One activity sample for dashboards: a 5-minute bucket. */
export interface ActivityBucket {
  /** Bucket start (ms since epoch, a multiple of 5 minutes). */
  start: number;
  /** Events per topic family (`review`, `agent`, `task`, `finding`, `error`, …). */
  counts: Record<string, number>;
}

/** What a dashboard shows. */
export interface SessionSnapshot {
  root: string;
  lowPower: boolean;
  agents: (AgentInfo & { group: string })[];
  findings: Record<Severity, number>;
  filesWithFindings: number;
  reviews: { total: number; lastMs: number | undefined; running: number };
  activity: ActivityBucket[];
  events: { id: string; topic: string; source: string; timestamp: number; summary: string }[];
}

const BUCKET_MS = 5 * 60_000;
const MAX_BUCKETS = 12 * 24;

/** See the module comment. */
export class WorkspaceSession implements Disposable {
  readonly bus: EventBus;
  /** Findings by file (relative path), after the diff filter and suppressions. */
  readonly findings = new Map<string, Finding[]>();
  /** Agents people spawned (chat, commands): a host of their own, apart from the swarm's. */
  readonly spawned: AgentHost;
  /** The error swarm: every `error.detected` on this session's bus is traced to the project's code. */
  readonly errors: ErrorSwarm;
  lowPower = false;
  /**
   * The repository's Orchestra config (orchestra.config.* or .github/orchestra.yml): its rules, ignores,
   * thresholds and ESLint options apply to every review. `configProblem` says why the defaults are
   * used when the file is invalid.
   */
  config: ConfiguredReview | undefined;
  configProblem: string | undefined;
  /** The whole config in effect: the file (or the defaults when it is invalid) with the host's overrides. */
  effectiveConfig: OrchestraConfig = defaultConfig();
  /** The config as the file alone gives it (the defaults when there is none or it is invalid). */
  fileConfig: OrchestraConfig = defaultConfig();
  /** The config file read (absolute), or undefined when there is none or it is invalid. */
  configFile: string | undefined;
  /** Overrides the schema refused at the last reload; their keys kept the file's values. */
  overrideProblems: readonly RejectedOverride[] = [];
  /**
   * Whether the folder's own code may run (see {@link WorkspaceSessionOptions.trusted}). A host that
   * learns the folder is trusted sets it and calls {@link reloadConfig}.
   */
  trusted: boolean;
  private overrides: readonly ConfigOverride[] = [];
  /** Agents turned off, everywhere or under some paths ("turn off the complexity agent for tests/"). */
  readonly disabled: { agent: FileAgent; paths?: string[] }[] = [];
  /** Lowest severity reported per agent ("increase security sensitivity to warning"). */
  readonly minSeverity: Partial<Record<FileAgent, Severity>> = {};
  private readonly activity = new Map<number, Record<string, number>>();
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; controller: AbortController }>();
  private readonly running = new Set<AbortController>();
  private reviews = { total: 0, lastMs: undefined as number | undefined };
  private readonly listeners = new Set<(files: string[]) => void>();
  private readonly subscription: Disposable;

  private constructor(
    readonly root: string,
    private readonly swarm: ReviewSwarm,
    bus: EventBus,
    errors: ErrorSwarm,
    private readonly options: WorkspaceSessionOptions,
  ) {
    this.bus = bus;
    this.errors = errors;
    this.errors.listen();
    this.trusted = options.trusted ?? true;
    this.spawned = new AgentHost({ bus, source: 'workspace-session', grantedLevel: () => 'read_only' });
    this.subscription = bus.subscribe('*', (event) => this.count(event), { name: 'session-activity', overflow: 'drop-oldest', queueLimit: 4096 });
  }

  /** Starts the review swarm (threads start on the first big review). */
  static async create(options: WorkspaceSessionOptions): Promise<WorkspaceSession> {
    const bus = new InProcessEventBus({ ringSize: 500 });
    const swarm = await ReviewSwarm.create({
      version: options.version,
      bus,
      cacheDir: options.cacheDir ?? false,
      workers: options.threads ?? 1,
      ...(options.workerModule ? { workerModule: options.workerModule } : {}),
      ...(options.wasmPaths ? { wasmPaths: options.wasmPaths } : {}),
      ...(options.poolThreshold !== undefined ? { poolThreshold: options.poolThreshold } : {}),
    });
    const errors = await ErrorSwarm.create({ root: options.root, bus });
    const session = new WorkspaceSession(options.root, swarm, bus, errors, options);
    await session.reloadConfig();
    return session;
  }

  private count(event: AnyEvent): void {
    const start = Math.floor(event.timestamp / BUCKET_MS) * BUCKET_MS;
    const family = event.topic.split('.')[0] ?? 'other';
    const bucket = this.activity.get(start) ?? {};
    bucket[family] = (bucket[family] ?? 0) + 1;
    this.activity.set(start, bucket);
    if (this.activity.size > MAX_BUCKETS) this.activity.delete(this.activity.keys().next().value!);
  }

  /**
   * (Re)reads the repository's config and lays the host's `overrides` over it (e.g. the editor's
   * settings; omitted: the last ones given). An invalid file leaves the defaults and a problem to
   * show; overrides the schema refuses are dropped and listed in {@link overrideProblems}. Without
   * {@link trusted}, the repository's own ESLint config is not loaded (it is code).
   */
  async reloadConfig(overrides?: readonly ConfigOverride[]): Promise<void> {
    if (overrides) this.overrides = overrides;
    try {
      const loaded = await loadConfig({ cwd: this.root });
      this.fileConfig = loaded.config;
      this.configFile = loaded.file;
      this.configProblem = undefined;
    } catch (error) {
      this.fileConfig = defaultConfig();
      this.configFile = undefined;
      this.configProblem = errorMessage(error);
    }
    const merged = applyConfigOverrides(this.fileConfig, this.overrides);
    this.effectiveConfig = merged.config;
    this.overrideProblems = merged.rejected;
    this.config = reviewFromConfig(merged.config, { repoEslintConfig: this.trusted });
  }

  /**
   * The test runner's part of a review: only when the config asks for it (`review.agents.tests.run`),
   * and then granted only when the host trusts the folder and the config trusts the repository
   * (`permissions.trustedRepository`); otherwise the swarm refuses it and says so.
   */
  private testRun(): { tests?: ReviewRequest['tests']; notice?: string } {
    const tests = this.effectiveConfig.review.agents.tests;
    if (!tests.enabled || !tests.run) return {};
    if (!this.trusted) return { notice: 'The test runner stays off: this folder is not trusted, and running its tests would run its code. Trust the folder to let it run.' };
    return { tests: { granted: this.effectiveConfig.permissions.trustedRepository, timeoutMs: tests.timeoutMs, grantedBy: 'permissions.trustedRepository in a trusted folder' } };
  }

  /**
   * Follows git: a commit, checkout or reset moves HEAD, and the session publishes `code.pushed`
   * (before/after shas, branch). Watches `.git/HEAD` and `.git/logs/HEAD` with chokidar; nothing when
   * the folder is not a git working tree. Dispose to stop.
   */
  async watchGit(): Promise<Disposable> {
    const git = simpleGit(this.root);
    const head = async (): Promise<{ sha: string; ref: string } | undefined> => {
      try {
        const [sha, ref] = await Promise.all([git.revparse(['HEAD']), git.revparse(['--abbrev-ref', 'HEAD'])]);
        return { sha: sha.trim(), ref: ref.trim() };
      } catch {
        return undefined;
      }
    };
    let gitDir: string;
    try {
      gitDir = resolvePath(this.root, (await git.revparse(['--git-dir'])).trim());
    } catch {
      return { dispose() {} };
    }
    let last = await head();
    let chain = Promise.resolve();
    const watcher = chokidarWatch([join(gitDir, 'HEAD'), join(gitDir, 'logs', 'HEAD')], { ignoreInitial: true });
    const onChange = () => {
      chain = chain.then(async () => {
        const now = await head();
        if (!now || now.sha === last?.sha) return;
        const before = last?.sha;
        last = now;
        await this.bus.publish('code.pushed', { repo: this.root, ref: now.ref, ...(before ? { before } : {}), after: now.sha }, { source: 'git-watcher' }).catch(() => undefined);
      });
    };
    watcher.on('add', onChange).on('change', onChange).on('error', () => undefined);
    return { dispose: () => void watcher.close() };
  }

  /** Called with the files whose findings changed. */
  onDidChangeFindings(listener: (files: string[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * Reviews `files` after `delayMs`; a newer request for the same file cancels this one (pending or
   * running). Resolves with the result, or undefined when superseded.
   */
  scheduleReview(files: string[], settings: ReviewSettings, delayMs: number): Promise<ReviewResult | undefined> {
    const key = [...files].sort().join('\0');
    const previous = this.pending.get(key);
    if (previous) {
      clearTimeout(previous.timer);
      previous.controller.abort();
    }
    const controller = new AbortController();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        this.review(files, settings, controller.signal).then(resolve, (error: unknown) => (isCancellation(error) || controller.signal.aborted ? resolve(undefined) : reject(error)));
      }, delayMs);
      this.pending.set(key, { timer, controller });
      controller.signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
  }

  /** Reviews files now (or every file when `files` is undefined) and records their findings. */
  async review(files: string[] | undefined, settings: ReviewSettings, signal?: AbortSignal): Promise<ReviewResult> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', abort, { once: true });
    this.running.add(controller);
    const started = performance.now();
    const testRun = this.testRun();
    try {
      const result = await this.swarm.review({
        root: this.root,
        scope: settings.newCodeOnly ? { kind: 'worktree' } : { kind: 'all' },
        filter: settings.newCodeOnly ? 'added' : 'nofilter',
        agents: (settings.agents.length > 0 ? settings.agents : [...FILE_AGENTS]).filter((a) => !this.config || this.config.agents.includes(a)),
        ...(this.config?.rules ? { rules: this.config.rules } : {}),
        ...(this.config?.thresholds ? { thresholds: this.config.thresholds } : {}),
        ...(this.config?.style ? { style: this.config.style } : {}),
        ...(files ? { files } : {}),
        ...(testRun.tests ? { tests: testRun.tests } : {}),
        hotspots: false,
        signal: controller.signal,
      });
      if (testRun.notice) result.notices.push(testRun.notice);
      const touched = new Set(files ?? [...this.findings.keys(), ...result.sources.keys()]);
      for (const file of touched) this.findings.delete(file);
      for (const f of result.findings) {
        if (f.shouldReport === false || f.suppressed || this.isDisabled(f)) continue;
        touched.add(f.file);
        const list = this.findings.get(f.file) ?? [];
        list.push(f);
        this.findings.set(f.file, list);
      }
      this.reviews = { total: this.reviews.total + 1, lastMs: performance.now() - started };
      await this.bus.publish('finding.reported', { agentId: 'review-swarm', count: result.findings.length }, { source: 'workspace-session' }).catch(() => undefined);
      for (const listener of this.listeners) listener([...touched]);
      return result;
    } finally {
      signal?.removeEventListener('abort', abort);
      this.running.delete(controller);
    }
  }

  /** Tells listeners that these files' findings changed (after an edit of {@link findings}). */
  notifyFindingsChanged(files: string[]): void {
    if (files.length) for (const listener of this.listeners) listener(files);
  }

  /** Whether a finding is turned off: its agent is disabled for its file, or it is below the agent's minimum severity. */
  isDisabled(f: Pick<Finding, 'agent' | 'file'> & { severity?: Severity }): boolean {
    const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
    const agent = (Object.keys(AGENT_IDS) as FileAgent[]).find((a) => AGENT_IDS[a] === f.agent);
    const min = agent ? this.minSeverity[agent] : undefined;
    if (min && f.severity && RANK[f.severity] > RANK[min]) return true;
    return this.disabled.some((d) => AGENT_IDS[d.agent] === f.agent && (!d.paths || d.paths.some((p) => p === '.' || f.file === p || f.file.startsWith(p.endsWith('/') ? p : `${p}/`))));
  }

  /**
   * Scans the reviewable files under `paths` (all when empty) with the spawned security-scanner
   * agents, the files dealt round-robin among them; their findings join the session's.
   */
  async scanWithSpawned(paths: string[] | undefined, signal?: AbortSignal): Promise<{ files: number; findings: Finding[]; agents: string[] }> {
    const agents = this.spawned.list().filter((a) => a.capabilities.includes('security_scan')).map((a) => a.id);
    if (agents.length === 0) return { files: 0, findings: [], agents };
    const inScope = (file: string) => !paths || paths.length === 0 || paths.some((p) => p === '.' || file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`));
    const files = (await collectFiles(this.root, signal ? { signal } : {})).filter(inScope).slice(0, 5000);
    const shares = agents.map(() => [] as { path: string; text: string }[]);
    for (let i = 0; i < files.length; i++) {
      const read = await readSource(join(this.root, files[i]!), files[i]!);
      if (read.ok) shares[i % agents.length]!.push({ path: files[i]!, text: read.text });
    }
    const results = await Promise.all(
      agents.map((id, i) => (shares[i]!.length === 0 ? Promise.resolve([] as Finding[]) : this.spawned.dispatch<Finding[]>(id, { type: 'security_scan', input: { files: shares[i]! } }, signal ? { signal } : {}))),
    );
    const findings = results.flat().filter((f) => !this.isDisabled(f));
    const touched = new Set(findings.map((f) => f.file));
    for (const f of findings) {
      const list = (this.findings.get(f.file) ?? []).filter((x) => x.fingerprint !== f.fingerprint);
      list.push(f);
      this.findings.set(f.file, list);
    }
    for (const listener of this.listeners) listener([...touched]);
    return { files: files.length, findings, agents };
  }

  /** Spawns `count` security-scanner agents (the one kind people can spawn today). */
  async spawnSecurityScanners(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `security-scanner-${this.spawned.list().length + 1}`;
      await this.spawned.spawn(new SecurityScannerAgent({ id, ...(this.options.wasmPaths ? { wasmPaths: this.options.wasmPaths } : {}) }));
      ids.push(id);
    }
    return ids;
  }

  /**
   * Starts a log watcher on `file` (absolute, or relative to the root; outside the workspace is
   * allowed: logs often live elsewhere). Its failures arrive on the bus as `error.detected`.
   */
  async watchLog(file: string): Promise<string> {
    const absolute = isAbsolute(file) ? file : resolvePath(this.root, file);
    const existing = this.spawned.list().find((a) => a.kind === 'watcher' && this.logFiles.get(a.id) === absolute);
    if (existing) return existing.id;
    const id = `log-watcher-${this.spawned.list().filter((a) => a.kind === 'watcher').length + 1}`;
    await this.spawned.spawn(new LogWatcherAgent(id, absolute, () => (this.errors.sensitivity === 'warning' ? 'warn' : 'error')));
    this.logFiles.set(id, absolute);
    return id;
  }

  /** Log files followed, by watcher id. */
  readonly logFiles = new Map<string, string>();

  /** Stops a spawned agent by id; false when there is none. */
  async stopAgent(id: string): Promise<boolean> {
    if (!this.spawned.list().some((a) => a.id === id)) return false;
    await this.spawned.stop(id);
    this.logFiles.delete(id);
    return true;
  }

  /** Every agent: the review swarm's and the spawned ones. */
  agents(): (AgentInfo & { group: string })[] {
    return [
      ...this.swarm.agents().map((a) => ({ ...a, group: 'review swarm' })),
      ...this.errors.agents().map((a) => ({ ...a, group: 'error swarm' })),
      ...this.spawned.list().map((a) => ({ ...a, group: 'spawned' })),
    ];
  }

  /** What a dashboard shows now. */
  snapshot(): SessionSnapshot {
    const findings: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
    for (const list of this.findings.values()) for (const f of list) findings[f.severity]++;
    return {
      root: this.root,
      lowPower: this.lowPower,
      agents: this.agents(),
      findings,
      filesWithFindings: [...this.findings.values()].filter((l) => l.length > 0).length,
      reviews: { ...this.reviews, running: this.running.size },
      activity: [...this.activity].map(([start, counts]) => ({ start, counts: { ...counts } })),
      events: this.bus.recent(100).map((e) => ({ id: e.id, topic: e.topic, source: e.source, timestamp: e.timestamp, summary: summarise(e) })),
    };
  }

  /** Cancels pending reviews, stops agents and the swarm. */
  async close(): Promise<void> {
    for (const { timer, controller } of this.pending.values()) {
      clearTimeout(timer);
      controller.abort();
    }
    this.pending.clear();
    for (const c of this.running) c.abort();
    this.subscription.dispose();
    this.listeners.clear();
    await this.spawned.close();
    await this.errors.close();
    await this.swarm.close();
    this.bus.dispose();
  }

  dispose(): void {
    void this.close().catch((error: unknown) => process.emitWarning(`workspace session close failed: ${errorMessage(error)}`));
  }
}

function summarise(event: AnyEvent): string {
  const payload = event.payload as Record<string, unknown>;
  const parts = ['agentId', 'name', 'count', 'path', 'error'].filter((k) => payload[k] !== undefined).map((k) => `${k}=${String(payload[k]).slice(0, 80)}`);
  return parts.join(' ');
}
