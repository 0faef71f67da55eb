/**
 * Makes a function in a worker module look like an {@link Agent}: the host spawns, supervises and
 * dispatches to it like any other agent, while the work runs on a {@link WorkerPool} thread. The
 * task's input goes to the worker (it must be structured-cloneable) and the function's result is
 * the task's output. The context's signal is passed on, so a deadline terminates a runaway worker.
 */
import { performance } from 'node:perf_hooks';
import type { PermissionLevel } from '../bus/topics.js';
import { InvalidInputError } from '../errors/errors.js';
import type { Agent, AgentContext, AgentKind, AgentResourceUsage, AgentTask } from './agent.js';
import type { WorkerPool } from './worker-pool.js';

/** Options of a {@link WorkerAgent}. */
export interface WorkerAgentOptions {
  id: string;
  kind: AgentKind;
  capabilities: readonly string[];
  /** Default `read_only`. */
  permission?: PermissionLevel;
  /** The pool the work runs on (shared by many agents; its owner closes it). */
  pool: WorkerPool;
  /** The worker module (absolute path or file: URL); default: the pool's module. */
  filename?: string | URL;
  /** The export to call; default the module's default export. */
  name?: string;
  /** Minimum milliseconds between two samples of the worker heap for health. Default 1,000. */
  heapSampleIntervalMs?: number;
}

/** An agent whose work runs in a pooled worker thread. */
export class WorkerAgent<I = unknown, O = unknown> implements Agent<I, O> {
  readonly id: string;
  readonly kind: AgentKind;
  readonly capabilities: readonly string[];
  readonly permission: PermissionLevel;
  private readonly pool: WorkerPool;
  private readonly filename: string | URL | undefined;
  private readonly name: string | undefined;
  private readonly sampleEveryMs: number;
  private busyMs = 0;
  private heapBytes: number | undefined;
  private lastSample = Number.NEGATIVE_INFINITY;

  constructor(options: WorkerAgentOptions) {
    if (options?.pool === undefined) throw new InvalidInputError(`WorkerAgent '${options?.id}' needs a pool`, { key: 'pool' });
    this.id = options.id;
    this.kind = options.kind;
    this.capabilities = options.capabilities;
    this.permission = options.permission ?? 'read_only';
    this.pool = options.pool;
    this.filename = options.filename;
    this.name = options.name;
    this.sampleEveryMs = options.heapSampleIntervalMs ?? 1000;
  }

  async handle(task: AgentTask<I>, context: AgentContext): Promise<O> {
    const started = performance.now();
    try {
      return await this.pool.run<I, O>(task.input, { filename: this.filename, name: this.name, signal: context.signal });
    } finally {
      this.busyMs += performance.now() - started;
      this.sampleHeap();
    }
  }

  /**
   * The worker heap (sampled after tasks, at most once per `heapSampleIntervalMs`) and the busy time
   * of this agent's tasks (wall clock in the pool, queueing included: threads are ≤ cores, so for
   * CPU-bound work it approximates CPU time).
   */
  resourceUsage(): AgentResourceUsage {
    const usage: AgentResourceUsage = { cpuMs: this.busyMs };
    if (this.heapBytes !== undefined) usage.memoryBytes = this.heapBytes;
    return usage;
  }

  private sampleHeap(): void {
    const now = performance.now();
    // Never queue a probe behind real work: a sample is only worth taking when a thread is free.
    if (now - this.lastSample < this.sampleEveryMs || this.pool.queueSize > 0) return;
    this.lastSample = now;
    this.pool.heapUsed().then(
      (bytes) => {
        this.heapBytes = bytes;
      },
      // A missed sample (the pool closing) keeps the previous figure; the task's own outcome was reported.
      () => undefined,
    );
  }
}
