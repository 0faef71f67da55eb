/**
 * The lifecycle half of the runtime: starting an agent, crashing it (stop, then restart with
 * exponential backoff, or give it up), stopping it, and the isHealthy() checks. The AgentHost owns
 * the registry and calls in here; see agent-host.ts for the definitions of failure and crash.
 */
import type { EventBus } from '../bus/event-bus.js';
import { CancelledError, DeadlineExceededError, errorMessage } from '../errors/errors.js';
import type { AgentEntry } from './agent-entry.js';
import { backoffDelay } from './backoff-delay.js';
import type { HostEmit } from './host-emitter.js';
import type { SupervisionSettings } from './supervision-settings.js';

/** What the supervisor needs from its host. */
export interface SupervisorHost {
  readonly bus: EventBus;
  readonly settings: SupervisionSettings;
  readonly emit: HostEmit;
  readonly onError: (error: unknown, where: string) => void;
  /** Removes an entry from the registry (it is stopping). */
  unregister(entry: AgentEntry): void;
  /** True once the host is closing: no more restarts. */
  isClosing(): boolean;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';

/** Starts, crashes, restarts, stops and health-checks agents for an AgentHost. */
export class AgentSupervisor {
  /** Stops still waiting on an agent's async stop(), by agent id. */
  readonly stopsInProgress = new Map<string, Promise<void>>();
  private readonly selfChecking = new Set<AgentEntry>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: SupervisorHost) {}

  /** Runs the agent's start(); synchronous (undefined) when the agent has no async start. */
  start(entry: AgentEntry, isRestart: boolean): Promise<void> | undefined {
    const { agent } = entry;
    entry.status = 'starting';
    if (agent.start === undefined) return this.started(entry, isRestart);
    const lifetime = (entry.lifetime = new AbortController());
    let result: unknown;
    try {
      result = agent.start({ bus: this.host.bus, signal: lifetime.signal });
    } catch (error) {
      return this.crash(entry, error);
    }
    if (!isThenable(result)) return this.started(entry, isRestart);
    const current = () => entry.lifetime === lifetime && entry.status === 'starting';
    const limit = this.host.settings.startTimeoutMs;
    return new Promise<void>((resolve) => {
      const settle = (error?: unknown) => {
        if (current()) {
          clearTimeout(entry.timer);
          entry.timer = undefined;
          if (error === undefined) this.started(entry, isRestart);
          else this.crash(entry, error);
        }
        resolve();
      };
      entry.timer = setTimeout(() => settle(new DeadlineExceededError(`Agent '${agent.id}' did not finish start() within ${limit} ms`, limit)), limit);
      result.then(
        () => settle(),
        (error: unknown) => settle(error ?? new Error(`Agent '${agent.id}' start() rejected`)),
      );
    });
  }

  /** Marks a crash, stops the agent and schedules its restart (or gives it up). */
  crash(entry: AgentEntry, error: unknown): undefined {
    if (entry.status !== 'idle' && entry.status !== 'starting') return undefined;
    const { id: agentId, kind } = entry.agent;
    const message = typeof error === 'string' ? error : errorMessage(error);
    entry.status = 'crashed';
    entry.lastError = message;
    cancelRuns(entry, () => new CancelledError(`Agent '${agentId}' crashed (${message})`));
    endLifetime(entry, 'crashed');
    entry.stopping = this.callStop(entry);
    this.host.emit('agent.crashed', { agentId, kind, error: message, restarts: entry.restarts });
    const { maxRestarts, restartBaseMs, restartMaxMs } = this.host.settings;
    if (entry.crashStreak >= maxRestarts) {
      void this.stop(entry, `gave up after ${entry.crashStreak} restarts in a row; last error: ${message}`);
      return undefined;
    }
    entry.timer = setTimeout(this.onRestartDue, backoffDelay(entry.crashStreak++, restartBaseMs, restartMaxMs), entry);
    // A pending restart must not keep a finished program alive.
    entry.timer.unref();
    return undefined;
  }

  /** Stops and unregisters; synchronous (undefined) when there is no async stop() to wait for. */
  stop(entry: AgentEntry, reason: string): Promise<void> | undefined {
    if (entry.status === 'stopping' || entry.status === 'stopped') return entry.stopping;
    const wasCrashed = entry.status === 'crashed';
    entry.status = 'stopping';
    this.host.unregister(entry);
    this.unwatch(entry);
    clearTimeout(entry.timer);
    entry.timer = undefined;
    cancelRuns(entry, () => new CancelledError(`Agent '${entry.agent.id}' was stopped (${reason})`));
    endLifetime(entry, reason);
    // After a crash, stop() already ran (or is running): never call it twice.
    const pending = wasCrashed ? entry.stopping : this.callStop(entry);
    if (pending === undefined) {
      this.stopped(entry, reason);
      return undefined;
    }
    const id = entry.agent.id;
    const done = pending.then(() => {
      this.stopped(entry, reason);
      if (this.stopsInProgress.get(id) === done) this.stopsInProgress.delete(id);
    });
    entry.stopping = done;
    this.stopsInProgress.set(id, done);
    return done;
  }

  /** Puts an agent with isHealthy() under the periodic sweep. */
  watch(entry: AgentEntry): void {
    if (entry.agent.isHealthy === undefined) return;
    this.selfChecking.add(entry);
    const every = this.host.settings.healthCheckIntervalMs;
    if (this.sweepTimer !== undefined || every === 0) return;
    this.sweepTimer = setInterval(() => {
      for (const watched of this.selfChecking) this.checkHealth(watched);
    }, every);
    this.sweepTimer.unref();
  }

  /** Ends the sweep of every agent (host close). */
  unwatchAll(): void {
    this.selfChecking.clear();
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Asks a running agent's isHealthy(); false or a throw is a crash. */
  checkHealth(entry: AgentEntry): void {
    const { agent } = entry;
    if (agent.isHealthy === undefined || entry.status !== 'idle') return;
    const unhealthy = `Agent '${agent.id}' reported itself unhealthy`;
    let verdict: boolean | Promise<boolean>;
    try {
      verdict = agent.isHealthy();
    } catch (error) {
      this.crash(entry, error);
      return;
    }
    if (verdict === false) this.crash(entry, unhealthy);
    else if (isThenable(verdict)) {
      verdict.then(
        (ok) => void (ok === false && this.crash(entry, unhealthy)),
        (error: unknown) => void this.crash(entry, error),
      );
    }
  }

  private unwatch(entry: AgentEntry): void {
    if (this.selfChecking.delete(entry) && this.selfChecking.size === 0) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  private started(entry: AgentEntry, isRestart: boolean): undefined {
    entry.status = 'idle';
    const { id: agentId, kind } = entry.agent;
    if (isRestart) this.host.emit('agent.restarted', { agentId, kind, attempt: entry.restarts });
    else this.host.emit('agent.started', { agentId, kind });
    return undefined;
  }

  private stopped(entry: AgentEntry, reason: string): void {
    entry.status = 'stopped';
    entry.stopping = undefined;
    this.host.emit('agent.stopped', { agentId: entry.agent.id, kind: entry.agent.kind, reason });
  }

  private readonly onRestartDue = (entry: AgentEntry): void => {
    entry.timer = undefined;
    void this.restart(entry);
  };

  private async restart(entry: AgentEntry): Promise<void> {
    const stopping = entry.stopping;
    if (stopping !== undefined) {
      await stopping;
      if (entry.stopping === stopping) entry.stopping = undefined;
    }
    if (entry.status !== 'crashed' || this.host.isClosing()) return;
    entry.restarts++;
    entry.circuit = undefined;
    await this.start(entry, true);
  }

  /** Calls the agent's stop(), bounded by startTimeoutMs; never rejects (errors go to onError). */
  private callStop(entry: AgentEntry): Promise<void> | undefined {
    const { agent } = entry;
    if (agent.stop === undefined) return undefined;
    const where = `stop() of agent '${agent.id}'`;
    let result: unknown;
    try {
      result = agent.stop();
    } catch (error) {
      this.host.onError(error, where);
      return undefined;
    }
    if (!isThenable(result)) return undefined;
    const limit = this.host.settings.startTimeoutMs;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.host.onError(new DeadlineExceededError(`Agent '${agent.id}' did not finish stop() within ${limit} ms`, limit), where);
        resolve();
      }, limit);
      const done = (error?: unknown) => {
        clearTimeout(timer);
        if (error !== undefined) this.host.onError(error, where);
        resolve();
      };
      result.then(() => done(), (error: unknown) => done(error ?? new Error('stop() rejected')));
    });
  }
}

/** Ends the current incarnation's start() signal. */
function endLifetime(entry: AgentEntry, reason: string): void {
  if (entry.lifetime === undefined) return;
  entry.lifetime.abort(new CancelledError(`Agent '${entry.agent.id}' ended: ${reason}`));
  entry.lifetime = undefined;
}

/** Cancels the agent's running tasks; the reason is built only if there are any (errors cost a stack trace). */
function cancelRuns(entry: AgentEntry, reason: () => CancelledError): void {
  if (entry.runs === undefined || entry.runs.size === 0) return;
  const error = reason();
  for (const run of [...entry.runs]) run.cancel(error);
}
