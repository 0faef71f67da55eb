/**
 * The review swarm's batch agents: each analyses batches of files (syntax, style, security and
 * complexity over one shared parse). With a worker pool they are WorkerAgents, one per thread; without
 * one (tests, small reviews) a single in-thread agent does the same work.
 */
import type { Agent, AgentContext, AgentTask } from '../../../shared/runtime/agent.js';
import { WorkerAgent } from '../../../shared/runtime/worker-agent.js';
import type { WorkerPool } from '../../../shared/runtime/worker-pool.js';
import { analyzeBatch, type BatchResult, type ReviewBatch } from './analyze-batch.js';

/** The capability the review swarm dispatches batches to (pooled agents). */
export const REVIEW_BATCH_CAPABILITY = 'code_review.batch';
/** The capability of the in-thread batch agent, used for small reviews. */
export const REVIEW_INLINE_CAPABILITY = 'code_review.inline';

/** Runs batches in the calling thread. */
export class InThreadBatchAgent implements Agent<ReviewBatch, BatchResult> {
  readonly kind = 'review';
  readonly capabilities = [REVIEW_INLINE_CAPABILITY, 'code_review'];
  readonly permission = 'read_only' as const;
  constructor(readonly id = 'review-inline') {}
  handle(task: AgentTask<ReviewBatch>, context: AgentContext): Promise<BatchResult> {
    return analyzeBatch(task.input, context.signal);
  }
}

/** One agent per pool thread, each sending its batches to the pool. */
export function pooledBatchAgents(pool: WorkerPool, workerModule: string | URL): Agent<ReviewBatch, BatchResult>[] {
  return Array.from(
    { length: pool.threads },
    (_, i) =>
      new WorkerAgent<ReviewBatch, BatchResult>({
        id: `review-batch-${i}`,
        kind: 'review',
        capabilities: [REVIEW_BATCH_CAPABILITY, 'code_review'],
        permission: 'read_only',
        pool,
        filename: workerModule,
      }),
  );
}
