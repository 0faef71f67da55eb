/**
 * The agent runtime: spawns and stops agents, keeps the registry with capability discovery, runs
 * tasks under a deadline and an AbortSignal, and supervises.
 *
 * Supervision, precisely:
 * - A task **fails** when `handle()` throws or rejects with anything but a cancellation, or runs past
 *   its deadline. Cancellation (by the caller, a stop, a crash, host close) is not a failure.
 * - `failureThreshold` failures in a row **open the circuit**: tasks are refused with
 *   CircuitOpenError for `circuitCooldownMs`; then one trial task is let through (half-open); its
 *   success closes the circuit, its failure opens it again. The agent keeps running meanwhile.
 * - An agent **crashes** when `start()` throws, rejects or outlasts `startTimeoutMs`, or when its
 *   optional `isHealthy()` answers false or throws (asked after each failed task and on a periodic
 *   sweep). A crashed agent is stopped and restarted after `restartBaseMs * 2^n` (capped at
 *   `restartMaxMs`), n being its crashes since its last successful task; after `maxRestarts` crashes in
 *   a row it is given up (stopped and removed).
 * Lifecycle and task events are published on the bus (topics `agent.*`, see bus/topics.ts).
 */
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../bus/event-bus.js';
import type { PermissionLevel } from '../bus/topics.js';
import { CancelledError, CircuitOpenError, errorMessage, InvalidInputError, PermissionDeniedError, throwIfAborted } from '../errors/errors.js';
import { toDisposable, type Disposable } from '../lifecycle/disposable.js';
import type { Agent, AgentDispatcher, AgentInfo, AgentKind, AgentTask, DispatchOptions } from './agent.js';
import { AgentEntry, byHealth } from './agent-entry.js';
import { AgentSupervisor } from './agent-supervisor.js';
import type { Admission } from './circuit-breaker.js';
import { hostEmitter, type HostEmit } from './host-emitter.js';
import { PERMISSION_LEVELS, permissionRank } from './permission-rank.js';
import { parseSupervisionSettings, type SupervisionSettings, type SupervisionSettingsInput } from './supervision-settings.js';
import { TaskRunner } from './task-runner.js';
import { validateAgent } from './validate-agent.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the `authorize` hook is asked about when an agent is spawned. */
export interface AuthorizeRequest {
  agentId: string;
  kind: AgentKind;
  capabilities: readonly string[];
  /** The level the agent needs. */
  permission: PermissionLevel;
  /** The level the host itself grants it (from `grantedLevel` or `maxPermission`). */
  granted: PermissionLevel;
}

/**
 * A policy hook (e.g. the governance PolicyEngine, with approvals and audit). Return `false` or throw
 * (a PermissionDeniedError, typically) to refuse the spawn. `signal` fires if the host closes meanwhile.
 */
export type AuthorizeHook = (request: AuthorizeRequest, signal: AbortSignal) => boolean | void | Promise<boolean | void>;

/** Options of an {@link AgentHost}. */
export interface AgentHostOptions {
  /** The bus lifecycle and task events are published on, and agents receive. */
  bus: EventBus;
  /** Supervision settings (deadlines, circuit, restarts, health); see supervision-settings.ts. */
  settings?: SupervisionSettingsInput;
  /** The highest level granted to an agent; when absent every agent gets `settings.maxPermission`. */
  grantedLevel?: (agentId: string) => PermissionLevel;
  /** Extra policy check at spawn, after the level check. */
  authorize?: AuthorizeHook;
  /** `source` of the events the host publishes. Default `agent-host`. */
  source?: string;
  /** Receives errors that have no caller to go to (an agent's stop() throwing, a failed publish). */
  onError?: (error: unknown, where: string) => void;
}

const defaultOnError = (error: unknown, where: string): void => {
  process.emitWarning(`${where}: ${errorMessage(error)}`, { code: 'ORCHESTRA_RUNTIME' });
};

/** Spawns, supervises and dispatches to agents. Implements {@link AgentDispatcher}. */
export class AgentHost implements AgentDispatcher, Disposable {
  /** The parsed supervision settings in effect. */
  readonly settings: SupervisionSettings;
  private readonly entries = new Map<string, AgentEntry>();
  private readonly index = new Map<string, Set<AgentEntry>>();
  /** Ids whose spawn waits on the authorize hook. */
  private readonly reserved = new Set<string>();
  private readonly lifetime = new AbortController();
  private readonly grantedLevel: ((agentId: string) => PermissionLevel) | undefined;
  private readonly authorize: AuthorizeHook | undefined;
  private readonly supervisor: AgentSupervisor;
  private readonly runner: TaskRunner;
  private readonly taskPrefix = randomUUID().slice(0, 8);
  private taskSeq = 0;
  private closing: Promise<void> | undefined;

  constructor(options: AgentHostOptions) {
    if (options?.bus === undefined) throw new InvalidInputError('AgentHost needs a bus: new AgentHost({ bus })', { key: 'bus' });
    const bus = options.bus;
    const settings = (this.settings = parseSupervisionSettings(options.settings));
    this.grantedLevel = options.grantedLevel;
    this.authorize = options.authorize;
    const onError = options.onError ?? defaultOnError;
    const emit: HostEmit = hostEmitter(bus, options.source ?? 'agent-host', onError);
    this.supervisor = new AgentSupervisor({
      bus,
      settings,
      emit,
      onError,
      unregister: (entry) => this.unregister(entry),
      isClosing: () => this.closing !== undefined,
    });
    this.runner = new TaskRunner({ bus, settings, emit, onFailure: (entry) => this.supervisor.checkHealth(entry) });
  }

  /** Number of registered agents. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Registers and starts an agent. Rejects (and registers nothing) if the agent is malformed, its id
   * is taken, or it needs more permission than granted. If its start() fails, the agent stays
   * registered as `crashed` and is restarted with backoff. Dispose the result to stop the agent.
   */
  spawn(agent: Agent): Promise<Disposable> {
    try {
      const granted = this.admit(agent);
      if (this.authorize !== undefined) return this.checkAuthorized(agent, granted).then(() => this.launchOne(agent));
      return this.launchOne(agent);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Spawns a batch (a swarm) at once, all or nothing: if any agent is refused, none is registered.
   * One promise and one handle for the batch (not faster than spawn() per agent: the batch's
   * duplicate-id check costs about what the saved promises do). Dispose the result to stop them all.
   */
  spawnAll(agents: Iterable<Agent>): Promise<Disposable> {
    try {
      const batch = [...agents];
      const ids = new Set<string>();
      const granted: PermissionLevel[] = [];
      for (const agent of batch) {
        granted.push(this.admit(agent));
        if (ids.has(agent.id)) throw new InvalidInputError(`The batch holds two agents with id '${agent.id}': give each agent a unique id`, { key: 'id' });
        ids.add(agent.id);
      }
      if (this.authorize !== undefined) {
        return Promise.all(batch.map((agent, i) => this.checkAuthorized(agent, granted[i]!))).then(() => this.launch(batch));
      }
      return this.launch(batch);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Stops an agent (cancelling its running tasks) and removes it. Resolves when its stop() finished. */
  stop(agentId: string, reason = 'stopped'): Promise<void> {
    const entry = this.entries.get(agentId);
    if (entry === undefined) return this.supervisor.stopsInProgress.get(agentId) ?? Promise.resolve();
    return this.supervisor.stop(entry, reason) ?? Promise.resolve();
  }

  /** Agents that declare `capability`, healthy first (idle, busy, starting, circuit open, crashed). */
  find(capability: string): AgentInfo[] {
    const holders = this.index.get(capability);
    if (holders === undefined) return [];
    const infos: AgentInfo[] = [];
    for (const entry of holders) infos.push(entry.info());
    return infos.sort(byHealth);
  }

  /** The registry's view of one agent, or undefined if no such agent is registered. */
  get(agentId: string): AgentInfo | undefined {
    return this.entries.get(agentId)?.info();
  }

  /** Every registered agent, healthy first. */
  list(): AgentInfo[] {
    return [...this.entries.values()].map((entry) => entry.info()).sort(byHealth);
  }

  /**
   * Runs one task on one agent under a deadline (default `settings.defaultDeadlineMs`). Rejects with
   * DeadlineExceededError at the deadline (the agent's signal fires too), CancelledError if the caller's
   * signal fires or the agent stops, CircuitOpenError while the agent's circuit is open or it is
   * restarting, InvalidInputError for an unknown agent or a bad task, or the agent's own error.
   */
  async dispatch<O = unknown>(agentId: string, task: Omit<AgentTask, 'id'> & { id?: string }, options: DispatchOptions = {}): Promise<O> {
    if (this.closing !== undefined) throw new CancelledError('The agent host is closed');
    const entry = this.entries.get(agentId);
    if (entry === undefined) {
      throw new InvalidInputError(`No agent '${agentId}' is registered on this host: spawn it first, or pick one with find(capability)`, {
        key: 'agentId',
      });
    }
    if (typeof task?.type !== 'string' || task.type === '') {
      throw new InvalidInputError(`A task for agent '${agentId}' needs a non-empty string 'type'`, { key: 'type' });
    }
    const deadlineMs = options.deadlineMs ?? this.settings.defaultDeadlineMs;
    if (!(deadlineMs > 0 && deadlineMs <= MAX_TIMER_MS)) {
      throw new InvalidInputError(`deadlineMs must be a number of milliseconds in 1..${MAX_TIMER_MS}, got ${deadlineMs}`, { key: 'deadlineMs' });
    }
    throwIfAborted(options.signal);
    if (entry.status !== 'idle') {
      const state = entry.status === 'crashed' ? `restarting after a crash (${entry.lastError ?? 'unknown error'})` : entry.status;
      throw new CircuitOpenError(`Agent '${agentId}' is ${state}; retry later or pick another agent with find()`);
    }
    const admission: Admission | undefined = entry.circuit ? entry.circuit.acquire(Date.now()) : 'normal';
    if (admission === undefined) {
      const circuit = entry.circuit!;
      throw new CircuitOpenError(
        `Agent '${agentId}' has its circuit open after ${circuit.consecutiveFailures} failures in a row; ` +
          `it accepts a trial task from ${new Date(circuit.retryAt).toISOString()}`,
      );
    }
    const full: AgentTask = { id: task.id ?? `${this.taskPrefix}-${(++this.taskSeq).toString(36)}`, type: task.type, input: task.input };
    if (task.traceId !== undefined) full.traceId = task.traceId;
    return this.runner.run<O>(entry, full, deadlineMs, options.signal, admission);
  }

  /** Stops every agent and releases every timer and listener. Resolves when all stop() calls ended. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.lifetime.abort(new CancelledError('The agent host is closing'));
    this.supervisor.unwatchAll();
    const pending: Promise<void>[] = [];
    // Everything goes: clear the registry wholesale rather than entry by entry (10,000 Set deletes).
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.index.clear();
    for (const entry of entries) {
      const stopping = this.supervisor.stop(entry, 'host closed');
      if (stopping !== undefined) pending.push(stopping);
    }
    pending.push(...this.supervisor.stopsInProgress.values());
    this.closing = pending.length === 0 ? Promise.resolve() : Promise.all(pending).then(() => undefined);
    return this.closing;
  }

  /** Same as {@link close}, without waiting for agents' asynchronous stop() calls. */
  dispose(): void {
    void this.close();
  }

  // ---- spawning and stopping ------------------------------------------------------------------

  /** The checks every spawn passes before anything is registered; returns the level granted. */
  private admit(agent: Agent): PermissionLevel {
    if (this.closing !== undefined) throw new CancelledError('The agent host is closed: it spawns no more agents');
    validateAgent(agent);
    const { id } = agent;
    if (this.entries.has(id) || this.reserved.has(id)) {
      throw new InvalidInputError(`An agent with id '${id}' is already registered: give each agent a unique id`, { key: 'id' });
    }
    const granted = this.grantedLevel ? this.grantedLevel(id) : this.settings.maxPermission;
    const grantedRank = permissionRank(granted);
    if (grantedRank < 0) {
      throw new InvalidInputError(`grantedLevel('${id}') returned ${JSON.stringify(granted)}; expected one of ${PERMISSION_LEVELS.join(', ')}`, {
        key: 'grantedLevel',
      });
    }
    if (permissionRank(agent.permission) > grantedRank) {
      throw new PermissionDeniedError(
        `Agent '${id}' needs permission '${agent.permission}' but this host grants it at most '${granted}': ` +
          `raise the grant (grantedLevel or settings.maxPermission) or lower the agent's permission`,
      );
    }
    return granted;
  }

  private async checkAuthorized(agent: Agent, granted: PermissionLevel): Promise<void> {
    const { id, kind, capabilities, permission } = agent;
    this.reserved.add(id);
    try {
      const verdict = await this.authorize!({ agentId: id, kind, capabilities, permission, granted }, this.lifetime.signal);
      if (verdict === false) throw new PermissionDeniedError(`Agent '${id}' (permission '${permission}') was refused by the host's authorize policy`);
    } finally {
      this.reserved.delete(id);
    }
    if (this.closing !== undefined) throw new CancelledError('The agent host closed while the agent was being authorized');
  }

  /** {@link launch} for one agent, without the batch's arrays (spawn is the hot path). */
  private launchOne(agent: Agent): Promise<Disposable> {
    const entry = new AgentEntry(agent);
    this.register(entry);
    const started = this.supervisor.start(entry, false);
    // Bound to this entry, not the id: a later agent reusing the id is not stopped by an old handle.
    const handle = toDisposable(() => void this.supervisor.stop(entry, 'disposed'));
    return started === undefined ? Promise.resolve(handle) : started.then(() => handle);
  }

  /** Registers admitted agents and runs their start(); resolves once every first start attempt ended. */
  private launch(agents: readonly Agent[]): Promise<Disposable> {
    const entries = agents.map((agent) => {
      const entry = new AgentEntry(agent);
      this.register(entry);
      return entry;
    });
    let starting: Promise<void>[] | undefined;
    for (const entry of entries) {
      const started = this.supervisor.start(entry, false);
      if (started !== undefined) (starting ??= []).push(started);
    }
    // Bound to these entries, not the ids: a later agent reusing an id is not stopped by an old handle.
    const handle = toDisposable(() => {
      for (const entry of entries) void this.supervisor.stop(entry, 'disposed');
    });
    return starting === undefined ? Promise.resolve(handle) : Promise.all(starting).then(() => handle);
  }

  private register(entry: AgentEntry): void {
    const { agent } = entry;
    this.entries.set(agent.id, entry);
    for (const capability of agent.capabilities) {
      let holders = this.index.get(capability);
      if (holders === undefined) this.index.set(capability, (holders = new Set()));
      holders.add(entry);
    }
    this.supervisor.watch(entry);
  }

  private unregister(entry: AgentEntry): void {
    if (this.entries.size === 0) return; // close() already cleared the registry
    const { agent } = entry;
    if (this.entries.get(agent.id) === entry) this.entries.delete(agent.id);
    for (const capability of agent.capabilities) {
      const holders = this.index.get(capability);
      if (holders !== undefined && holders.delete(entry) && holders.size === 0) this.index.delete(capability);
    }
  }
}
