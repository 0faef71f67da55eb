/**
 * The agent contract. An agent is small and single-purpose: it declares what it can do
 * (capabilities), the permission level it needs, and handles tasks one call at a time.
 * The {@link AgentHost} (agent-host.ts) owns its lifetime, deadlines and supervision.
 */
import type { EventBus } from '../bus/event-bus.js';
import type { AgentStatus, PermissionLevel } from '../bus/topics.js';

/** The four families of agents. */
export type AgentKind = 'review' | 'error' | 'watcher' | 'learner' | 'maintainer' | 'predictor' | 'orchestrator' | (string & {});

/** A unit of work handed to an agent. */
export interface AgentTask<I = unknown> {
  /** Unique id (the host makes one if absent). */
  id: string;
  /** What to do; an agent may accept several types. */
  type: string;
  input: I;
  /** Trace id linking the task to the event that caused it. */
  traceId?: string;
}

/** What an agent receives besides its task. */
export interface AgentContext {
  /** Fires at the task's deadline, on host shutdown, or when the caller cancels. Pass it on. */
  readonly signal: AbortSignal;
  /** Absolute time (ms since epoch) by which the task must finish. */
  readonly deadline: number;
  /** The bus, for publishing results and follow-up events. */
  readonly bus: EventBus;
}

/** Health as reported by the host for one agent. */
export interface AgentHealth {
  status: AgentStatus;
  tasksProcessed: number;
  tasksFailed: number;
  /** Failed / processed over the recent window (0..1). */
  errorRate: number;
  /** Latency of recent tasks in milliseconds. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Restarts since spawn. */
  restarts: number;
  /** Approximate memory attributed to the agent (bytes): heap delta for in-thread agents, worker heap for pooled ones. */
  memoryBytes: number;
  /** CPU time spent in handle() (ms). */
  cpuMs: number;
  lastError?: string;
}

/** The contract every agent implements. */
export interface Agent<I = unknown, O = unknown> {
  /** Unique within a host. */
  readonly id: string;
  readonly kind: AgentKind;
  /** What it can do, e.g. `code_review`, `security_scan`, `log_analysis`. */
  readonly capabilities: readonly string[];
  /** The level its actions need; the host refuses to run it above what policy grants. */
  readonly permission: PermissionLevel;
  /** Called once before the first task. May subscribe to the bus through `context.bus`. */
  start?(context: { bus: EventBus; signal: AbortSignal }): void | Promise<void>;
  /** Called once at shutdown or before a restart. */
  stop?(): void | Promise<void>;
  /** Handles one task. Must honour `context.signal`. */
  handle(task: AgentTask<I>, context: AgentContext): Promise<O>;
  /**
   * Optional self-check. The host asks after a failed task and on its periodic health sweep; `false`
   * (or a throw) counts as a crash: the agent is stopped and restarted with exponential backoff.
   */
  isHealthy?(): boolean | Promise<boolean>;
  /**
   * Optional resource figures the agent measures better than the host can (a pooled agent reports
   * its worker's heap). Fields given here replace the host's own estimate in {@link AgentHealth}.
   */
  resourceUsage?(): AgentResourceUsage;
}

/** Resource figures an agent may report about itself (see {@link Agent.resourceUsage}). */
export interface AgentResourceUsage {
  /** Bytes of memory attributable to the agent. */
  memoryBytes?: number;
  /** CPU (or busy) time spent on the agent's tasks, in milliseconds. */
  cpuMs?: number;
}

/** Options for dispatching a task to an agent. */
export interface DispatchOptions {
  /** Milliseconds until the task is cancelled (default: the host's default deadline). */
  deadlineMs?: number;
  /** Cancels the task early. */
  signal?: AbortSignal;
}

/** A registered agent as the registry shows it. */
export interface AgentInfo {
  id: string;
  kind: AgentKind;
  capabilities: readonly string[];
  permission: PermissionLevel;
  health: AgentHealth;
}

/**
 * What composition (chains, swarms, cascades) needs from a host: capability discovery and
 * dispatch with deadline and cancellation. `AgentHost` implements it.
 */
export interface AgentDispatcher {
  /** Agents that declare a capability ("who can do `code_review`?"), healthy ones first. */
  find(capability: string): AgentInfo[];
  /** Runs one task on one agent under a deadline; rejects with DeadlineExceededError, CancelledError, CircuitOpenError or the agent's error. */
  dispatch<O = unknown>(agentId: string, task: Omit<AgentTask, 'id'> & { id?: string }, options?: DispatchOptions): Promise<O>;
}
