/**
 * What the host keeps per registered agent. Deliberately small (a dozen fields, most `undefined`) so
 * 10,000 idle agents cost little: the circuit breaker, the health window, the set of running tasks
 * and the start() lifetime controller are all created only when first needed, and there is no timer
 * per agent (only a pending restart or a start/stop timeout holds one, briefly).
 */
import type { AgentStatus } from '../bus/topics.js';
import type { CancelledError } from '../errors/errors.js';
import type { Agent, AgentHealth, AgentInfo } from './agent.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { HealthWindow } from './health-window.js';

/** The lifecycle states the host stores; `busy` and `circuit_open` are derived when read. */
export type StoredStatus = 'starting' | 'idle' | 'stopping' | 'stopped' | 'crashed';

/** A running task as the host sees it: it can be cancelled when its agent stops or crashes. */
export interface TaskRun {
  cancel(reason: CancelledError): void;
}

/** Rank used to order discovery results, healthy first. */
const STATUS_RANK: Readonly<Record<AgentStatus, number>> = {
  idle: 0,
  busy: 1,
  starting: 2,
  circuit_open: 3,
  crashed: 4,
  stopping: 5,
  stopped: 6,
};

/** Orders {@link AgentInfo}s healthy first: by status, then error rate, then p50 latency. */
export function byHealth(a: AgentInfo, b: AgentInfo): number {
  return (
    STATUS_RANK[a.health.status] - STATUS_RANK[b.health.status] ||
    a.health.errorRate - b.health.errorRate ||
    a.health.latencyP50Ms - b.health.latencyP50Ms
  );
}

/** Per-agent state owned by the AgentHost. */
export class AgentEntry {
  status: StoredStatus = 'starting';
  /** Tasks running now. */
  inFlight = 0;
  /** Restarts since spawn. */
  restarts = 0;
  /** Crashes since the last successful task: the exponent of the restart backoff. */
  crashStreak = 0;
  circuit: CircuitBreaker | undefined = undefined;
  stats: HealthWindow | undefined = undefined;
  runs: Set<TaskRun> | undefined = undefined;
  /** Fires when this incarnation of the agent ends (stop, crash, host close); only for agents with start(). */
  lifetime: AbortController | undefined = undefined;
  /** A pending restart, or the timeout of a start() or stop() in progress. */
  timer: NodeJS.Timeout | undefined = undefined;
  /** The agent's stop() still running (after a crash or during a stop). */
  stopping: Promise<void> | undefined = undefined;
  lastError: string | undefined = undefined;

  constructor(readonly agent: Agent) {}

  /** The status as callers see it: `busy` while tasks run, `circuit_open` while the circuit is not closed. */
  get publicStatus(): AgentStatus {
    if (this.status !== 'idle') return this.status;
    if (this.circuit?.isOpen) return 'circuit_open';
    return this.inFlight > 0 ? 'busy' : 'idle';
  }

  /** A snapshot of the agent's health. */
  health(): AgentHealth {
    const stats = this.stats;
    const own = this.agent.resourceUsage?.();
    const health: AgentHealth = {
      status: this.publicStatus,
      tasksProcessed: stats?.processed ?? 0,
      tasksFailed: stats?.failed ?? 0,
      errorRate: stats?.errorRate ?? 0,
      latencyP50Ms: stats?.percentile(50) ?? 0,
      latencyP99Ms: stats?.percentile(99) ?? 0,
      restarts: this.restarts,
      memoryBytes: own?.memoryBytes ?? stats?.memoryBytes ?? 0,
      cpuMs: own?.cpuMs ?? stats?.cpuMs ?? 0,
    };
    if (this.lastError !== undefined) health.lastError = this.lastError;
    return health;
  }

  /** A snapshot of the agent as the registry shows it. */
  info(): AgentInfo {
    const { id, kind, capabilities, permission } = this.agent;
    return { id, kind, capabilities, permission, health: this.health() };
  }
}
