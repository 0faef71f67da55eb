/**
 * The test-runner agent: {@link runRelatedTests} in the core's Agent contract. It executes project
 * code, so it declares the `execute` permission: the host and governance decide whether it may
 * run (it is off where code is untrusted); the agent never checks or bypasses that itself.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import type { Agent, AgentContext, AgentTask } from '../../../shared/runtime/agent.js';
import { TEST_RUNNER_AGENT_ID } from './failure-to-finding.js';
import { runRelatedTests, type RunRelatedTestsResult } from './run-related-tests.js';

/** The schema of a `test_run` task's input. */
export const testRunInputSchema = z.object({
  /** The project folder. */
  root: z.string().min(1, 'root must name the project folder'),
  /** Changed files, relative to root. */
  changedFiles: z.array(z.string().min(1, 'a changed file path must not be empty')).max(10_000, 'at most 10,000 changed files per task'),
  /** Per-runner timeout in ms; the task's deadline caps it. */
  timeoutMs: z.number().int().positive().optional(),
});

/** Input of a `test_run` task. */
export type TestRunInput = z.output<typeof testRunInputSchema>;

/** Options of {@link TestRunnerAgent}. */
export interface TestRunnerAgentOptions {
  id?: string;
  /** Default per-runner timeout (ms) when a task gives none. Default 120,000. */
  timeoutMs?: number;
  /** Bytes of runner output kept per stream. */
  maxOutputBytes?: number;
}

/** Runs the tests related to changed files and reports failing tests; capability `test_run`. */
export class TestRunnerAgent implements Agent<unknown, RunRelatedTestsResult> {
  /** Unique within a host. */
  readonly id: string;
  /** A review agent. */
  readonly kind = 'review';
  /** What it can do. */
  readonly capabilities = ['test_run'] as const;
  /** It runs the project's tests, i.e. the project's code. */
  readonly permission = 'execute' as const;

  constructor(private readonly options: TestRunnerAgentOptions = {}) {
    this.id = options.id ?? TEST_RUNNER_AGENT_ID;
  }

  /** Runs the task's related tests under the task's signal and deadline; publishes `error.detected` per failure. */
  async handle(task: AgentTask<unknown>, context: AgentContext): Promise<RunRelatedTestsResult> {
    const parsed = testRunInputSchema.safeParse(task.input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = issue ? issue.path.join('.') : '';
      throw new InvalidInputError(`Invalid test_run input${key ? ` at '${key}'` : ''}: ${issue?.message ?? 'unknown problem'}`, { key });
    }
    const input = parsed.data;
    const remaining = Math.max(1, context.deadline - Date.now());
    const timeoutMs = Math.min(input.timeoutMs ?? this.options.timeoutMs ?? 120_000, remaining);
    const result = await runRelatedTests({
      root: input.root,
      changedFiles: input.changedFiles,
      signal: context.signal,
      timeoutMs,
      bus: context.bus,
      agent: this.id,
      ...(this.options.maxOutputBytes ? { maxOutputBytes: this.options.maxOutputBytes } : {}),
    });
    if (result.findings.length > 0) {
      await context.bus.publish('finding.reported', { agentId: this.id, count: result.findings.length }, { source: this.id, ...(task.traceId ? { traceId: task.traceId } : {}) });
    }
    return result;
  }
}
