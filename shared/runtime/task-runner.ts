/**
 * The task half of the runtime: runs one task on an agent under a deadline and an AbortSignal, and
 * books its outcome (health window, circuit breaker, `agent.task.*` events). A task whose agent
 * ignores its signal still settles at the deadline: the caller's promise is never held hostage.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { EventBus } from '../bus/event-bus.js';
import { CancelledError, DeadlineExceededError, errorMessage, isCancellation } from '../errors/errors.js';
import type { AgentTask } from './agent.js';
import type { AgentEntry, TaskRun } from './agent-entry.js';
import { CircuitBreaker, type Admission } from './circuit-breaker.js';
import { HealthWindow } from './health-window.js';
import type { HostEmit } from './host-emitter.js';
import type { SupervisionSettings } from './supervision-settings.js';

/** What the task runner needs from its host. */
export interface TaskRunnerHost {
  readonly bus: EventBus;
  readonly settings: SupervisionSettings;
  readonly emit: HostEmit;
  /** Called after a failed task (the host asks the agent's isHealthy()). */
  onFailure(entry: AgentEntry): void;
}

/** How a task ended. */
type Outcome = 'ok' | 'failed' | 'timed_out' | 'cancelled';

/** Runs tasks for an AgentHost. */
export class TaskRunner {
  constructor(private readonly host: TaskRunnerHost) {}

  /** Runs one admitted task on an agent; settles with its result, or its error, a deadline or a cancellation. */
  run<O>(entry: AgentEntry, task: AgentTask, deadlineMs: number, callerSignal: AbortSignal | undefined, admission: Admission): Promise<O> {
    const { agent } = entry;
    return new Promise<O>((resolve, reject) => {
      const controller = new AbortController();
      const deadline = Date.now() + deadlineMs;
      const startedAt = performance.now();
      let cpuMs = 0;
      let heapDelta = 0;
      let done = false;
      const finish = (outcome: Outcome, value: unknown): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        callerSignal?.removeEventListener('abort', onCallerAbort);
        entry.runs!.delete(run);
        entry.inFlight--;
        this.book(entry, task, admission, outcome, performance.now() - startedAt, value, cpuMs, heapDelta, deadlineMs);
        if (outcome === 'ok') resolve(value as O);
        else reject(value);
      };
      const run: TaskRun = {
        cancel(reason) {
          controller.abort(reason);
          finish('cancelled', reason);
        },
      };
      const onCallerAbort = (): void =>
        run.cancel(new CancelledError(`Task '${task.id}' on agent '${agent.id}' was cancelled by its caller`, { cause: callerSignal!.reason }));
      const timer = setTimeout(() => {
        const error = new DeadlineExceededError(
          `Agent '${agent.id}' did not finish task '${task.id}' (${task.type}) within its ${deadlineMs} ms deadline; the task was cancelled`,
          deadlineMs,
        );
        controller.abort(error);
        finish('timed_out', error);
      }, deadlineMs);
      callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
      (entry.runs ??= new Set()).add(run);
      entry.inFlight++;
      this.host.emit('agent.task.started', { agentId: agent.id, taskId: task.id, type: task.type }, task.traceId);
      // CPU and heap are measured over the synchronous part of handle(), where CPU-bound work happens;
      // time spent after an await cannot be told apart from other agents' work in this thread.
      const cpuBefore = process.cpuUsage();
      const heapBefore = v8.getHeapStatistics().used_heap_size;
      let pending: Promise<unknown>;
      try {
        pending = agent.handle(task, { signal: controller.signal, deadline, bus: this.host.bus });
      } catch (error) {
        pending = Promise.reject(error);
      }
      const cpu = process.cpuUsage(cpuBefore);
      cpuMs = (cpu.user + cpu.system) / 1000;
      heapDelta = v8.getHeapStatistics().used_heap_size - heapBefore;
      Promise.resolve(pending).then(
        (value) => finish('ok', value),
        (error: unknown) => finish(isCancellation(error) ? 'cancelled' : 'failed', error),
      );
    });
  }

  /** Books a finished task: health, circuit, events, and a health check after a failure. */
  private book(
    entry: AgentEntry,
    task: AgentTask,
    admission: Admission,
    outcome: Outcome,
    durationMs: number,
    value: unknown,
    cpuMs: number,
    heapDelta: number,
    deadlineMs: number,
  ): void {
    const { id: agentId, kind } = entry.agent;
    const base = { agentId, taskId: task.id, type: task.type };
    if (outcome === 'cancelled') {
      entry.circuit?.release(admission);
      this.host.emit('agent.task.cancelled', { ...base, durationMs, reason: errorMessage(value) }, task.traceId);
      return;
    }
    (entry.stats ??= new HealthWindow(this.host.settings.healthWindow)).record(durationMs, outcome === 'ok', cpuMs, heapDelta);
    if (outcome === 'ok') {
      entry.crashStreak = 0;
      if (entry.circuit?.onSuccess(admission)) this.host.emit('agent.circuit_closed', { agentId, kind });
      this.host.emit('agent.task.completed', { ...base, durationMs }, task.traceId);
      return;
    }
    const message = errorMessage(value);
    entry.lastError = message;
    if (outcome === 'timed_out') this.host.emit('agent.task.timed_out', { ...base, deadlineMs }, task.traceId);
    else this.host.emit('agent.task.failed', { ...base, durationMs, error: message }, task.traceId);
    const circuit = (entry.circuit ??= new CircuitBreaker(this.host.settings.failureThreshold, this.host.settings.circuitCooldownMs));
    if (circuit.onFailure(admission, Date.now())) {
      this.host.emit('agent.circuit_opened', { agentId, kind, failures: circuit.consecutiveFailures });
    }
    this.host.onFailure(entry);
  }
}
