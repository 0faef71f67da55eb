/**
 * A swarm: decompose a job into tasks, fan them out under a concurrency limit to the agents that
 * offer a capability (round-robin or least-busy), gather under a deadline (late tasks are cancelled
 * and reported as timed out, with the results that did arrive), then reach consensus (see
 * consensus.ts: merged findings, majority votes). With `replicas > 1` each task goes to that many
 * different agents, so their answers can be voted on.
 */
import { BugIndicatingError, CancelledError, DeadlineExceededError, InvalidInputError } from '../errors/errors.js';
import type { AgentDispatcher, AgentInfo } from '../runtime/agent.js';
import { AgentPicker, type PickStrategy } from './agent-picker.js';
import { DeadlineScope } from './deadline-scope.js';
import { dispatchBudget, refusedBy, type OutputParser } from './step.js';

/** One task a job decomposes into. */
export interface SwarmTask<T> {
  /** Unique within the job (default `t1`, `t2`, … in order). */
  id?: string;
  /** Task type sent to the agent (default: the swarm's capability). */
  type?: string;
  input: T;
}

/** A task that finished. */
export interface CompletedTask<T, R> {
  taskId: string;
  /** 0-based replica number (always 0 without replicas). */
  replica: number;
  agentId: string;
  input: T;
  output: R;
  durationMs: number;
}

/** A task whose agent failed. */
export interface FailedTask<T> {
  taskId: string;
  replica: number;
  agentId: string;
  input: T;
  error: unknown;
  durationMs: number;
}

/** A task cancelled at a deadline: its own, the agent host's, or the swarm's. */
export interface TimedOutTask<T> {
  taskId: string;
  replica: number;
  /** The agent it ran on; undefined when it never started. */
  agentId: string | undefined;
  input: T;
  /** False when the swarm's deadline came before the task could start. */
  started: boolean;
}

/** Everything gathered, before consensus. Lists are in task order, then replica order. */
export interface SwarmGathered<T, R> {
  completed: CompletedTask<T, R>[];
  failed: FailedTask<T>[];
  timedOut: TimedOutTask<T>[];
  /** Tasks the job decomposed into. */
  tasks: number;
  /** Dispatches planned (tasks × replicas). */
  dispatches: number;
  /** True when some dispatch failed or timed out. */
  partial: boolean;
}

/** What {@link Swarm.run} resolves with. */
export interface SwarmResult<T, R, C> extends SwarmGathered<T, R> {
  consensus: C;
  durationMs: number;
}

/** How a swarm is set up. */
export interface SwarmOptions<J, T, R, C> {
  dispatcher: AgentDispatcher;
  /** The capability the tasks need. */
  capability: string;
  /** Splits a job into tasks. May be async; should honour `signal` if it takes long. */
  decompose: (job: J, context: { signal: AbortSignal }) => Iterable<SwarmTask<T>> | Promise<Iterable<SwarmTask<T>>>;
  /** Reduces what was gathered (partial or not) to the answer, e.g. `(g) => mergeFindings(g.completed.flatMap((c) => c.output))`. */
  consensus: (gathered: SwarmGathered<T, R>) => C | Promise<C>;
  /** Dispatches in flight at once (default: one per available agent). */
  concurrency?: number;
  /** How tasks are spread over agents (default `round-robin`). */
  strategy?: PickStrategy;
  /** How many different agents get each task (default 1; capped at the number of agents). */
  replicas?: number;
  /** Milliseconds each dispatch may take (the swarm's remaining time caps it). */
  taskDeadlineMs?: number;
  /** Validates each agent's output; a mismatch counts as that task's failure. */
  output?: OutputParser<R>;
  /** Milliseconds the list of agents offering the capability is reused across runs (default 250; 0: discover every run). */
  discoveryTtlMs?: number;
  /** Name for messages. */
  name?: string;
}

/** Options of one run. */
export interface SwarmRunOptions {
  /** Cancels the run: it rejects with a {@link CancelledError} and every dispatch's signal fires. */
  signal?: AbortSignal;
  /** Milliseconds for the whole round trip; late dispatches are cancelled and reported as timed out. */
  deadlineMs?: number;
  traceId?: string;
}

interface Unit<T> {
  taskId: string;
  type: string;
  input: T;
  replica: number;
  order: number;
}

function positiveInt(value: number | undefined, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new InvalidInputError(`Swarm option "${key}" must be a positive integer, got ${String(value)}`, { key });
  return value;
}

/** Fans a job out to a capability's agents and gathers the results. Reusable across runs. */
export class Swarm<J, T, R, C> {
  private readonly picker: AgentPicker;
  private readonly label: string;

  constructor(private readonly options: SwarmOptions<J, T, R, C>) {
    this.picker = new AgentPicker(options.dispatcher, options.strategy ?? 'round-robin', options.discoveryTtlMs);
    this.label = options.name ? `swarm "${options.name}"` : `swarm for "${options.capability}"`;
    positiveInt(options.concurrency, 'concurrency', 1);
    positiveInt(options.replicas, 'replicas', 1);
  }

  /** Decomposes `job`, fans out, gathers until done or the deadline, and reaches consensus. */
  async run(job: J, options: SwarmRunOptions = {}): Promise<SwarmResult<T, R, C>> {
    const started = performance.now();
    const scope = new DeadlineScope({ signal: options.signal, deadlineMs: options.deadlineMs, label: this.label });
    try {
      const candidates = this.picker.candidates(this.options.capability, { key: 'capability' });
      const { units, tasks } = await this.plan(job, scope, candidates.length);
      const gathered = await this.fanOut(units, tasks, candidates, scope, options.traceId, options.signal !== undefined);
      if (options.signal?.aborted) throw new CancelledError(`${this.label} was cancelled`, { cause: options.signal.reason });
      const consensus = await this.options.consensus(gathered);
      return { ...gathered, consensus, durationMs: performance.now() - started };
    } finally {
      scope.dispose();
    }
  }

  private async plan(job: J, scope: DeadlineScope, agents: number): Promise<{ units: Unit<T>[]; tasks: number }> {
    const tasks = await scope.race(Promise.resolve(this.options.decompose(job, { signal: scope.signal })));
    const replicas = Math.min(this.options.replicas ?? 1, agents);
    const ids = new Set<string>();
    const units: Unit<T>[] = [];
    let index = 0;
    for (const task of tasks) {
      const taskId = task.id ?? `t${index + 1}`;
      if (ids.has(taskId)) throw new BugIndicatingError(`decompose() returned two tasks with the id "${taskId}"`);
      ids.add(taskId);
      const type = task.type ?? this.options.capability;
      for (let replica = 0; replica < replicas; replica++) units.push({ taskId, type, input: task.input, replica, order: units.length });
      index++;
    }
    return { units, tasks: index };
  }

  private async fanOut(
    units: Unit<T>[],
    tasks: number,
    candidates: AgentInfo[],
    scope: DeadlineScope,
    traceId: string | undefined,
    cancellable: boolean,
  ): Promise<SwarmGathered<T, R>> {
    const completed: (CompletedTask<T, R> & { order: number })[] = [];
    const failed: (FailedTask<T> & { order: number })[] = [];
    const timedOut: (TimedOutTask<T> & { order: number })[] = [];
    const replicated = (this.options.replicas ?? 1) > 1;
    const assigned = new Map<string, Set<string>>();
    const { dispatcher, capability, taskDeadlineMs, output } = this.options;
    let next = 0;

    const runUnit = async (unit: Unit<T>): Promise<void> => {
      let exclude: Set<string> | undefined;
      if (replicated) {
        exclude = assigned.get(unit.taskId) ?? new Set<string>();
        assigned.set(unit.taskId, exclude);
      }
      const agent = this.picker.pickFrom(candidates, capability, exclude);
      exclude?.add(agent.id);
      const own = taskDeadlineMs === undefined ? scope : new DeadlineScope({ signal: scope.signal, deadlineMs: taskDeadlineMs, parentDeadline: scope.deadline, label: `task "${unit.taskId}"` });
      const t0 = performance.now();
      this.picker.acquire(agent.id);
      try {
        const task = traceId === undefined ? { type: unit.type, input: unit.input } : { type: unit.type, input: unit.input, traceId };
        // The dispatcher enforces deadlineMs itself (the AgentDispatcher contract), so a signal is passed
        // only when a caller can cancel; an abort listener per dispatch is most of a fan-out's cost.
        // `race` still settles every task at the swarm's deadline, whatever the dispatcher does.
        const options = cancellable ? { signal: own.signal, deadlineMs: dispatchBudget(own.deadline) } : { deadlineMs: dispatchBudget(own.deadline) };
        const raw = await own.race(dispatcher.dispatch(agent.id, task, options));
        const value = output === undefined ? (raw as R) : output.parse(raw);
        completed.push({ taskId: unit.taskId, replica: unit.replica, agentId: agent.id, input: unit.input, output: value, durationMs: performance.now() - t0, order: unit.order });
      } catch (error) {
        if (error instanceof DeadlineExceededError) {
          timedOut.push({ taskId: unit.taskId, replica: unit.replica, agentId: agent.id, input: unit.input, started: true, order: unit.order });
        } else {
          if (refusedBy(error)) this.picker.invalidate(capability);
          failed.push({ taskId: unit.taskId, replica: unit.replica, agentId: agent.id, input: unit.input, error, durationMs: performance.now() - t0, order: unit.order });
        }
      } finally {
        this.picker.release(agent.id);
        if (own !== scope) own.dispose();
      }
    };
    const worker = async (): Promise<void> => {
      // No task starts once the deadline has come, even if the dispatcher's own timer fired first.
      while (next < units.length && !scope.aborted && scope.remainingMs() > 0) await runUnit(units[next++]!);
    };
    const concurrency = this.options.concurrency ?? Math.max(1, candidates.length);
    const workers: Promise<void>[] = [];
    for (let i = 0; i < Math.min(concurrency, units.length); i++) workers.push(worker());
    await Promise.all(workers);
    for (let i = next; i < units.length; i++) {
      const u = units[i]!;
      timedOut.push({ taskId: u.taskId, replica: u.replica, agentId: undefined, input: u.input, started: false, order: u.order });
    }
    return {
      completed: strip(completed),
      failed: strip(failed),
      timedOut: strip(timedOut),
      tasks,
      dispatches: units.length,
      partial: failed.length > 0 || timedOut.length > 0,
    };
  }
}

/** Sorts by planned order and drops the sort key. */
function strip<X extends { order: number }>(items: X[]): Omit<X, 'order'>[] {
  items.sort((a, b) => a.order - b.order);
  return items.map(({ order: _order, ...rest }) => rest);
}
