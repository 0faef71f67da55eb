/**
 * Maps BullMQ's job objects onto the {@link TaskQueue} contract's views. Job data crosses Redis in an
 * envelope `{ d, k?, t? }` (data, idempotency key, trace id) because BullMQ has no place for the last two.
 */
import type { Job as BullJob } from 'bullmq';
import type { Job, JobInfo, JobState } from './task-queue.js';

/** What is stored as a BullMQ job's data. */
export interface BullmqEnvelope {
  /** The job's own data. */
  d: unknown;
  /** Idempotency key. */
  k?: string;
  /** Trace id. */
  t?: string;
}

/** Prefix of the failure reason of a job cancelled while running (BullMQ has no "cancelled" state). */
export const CANCELLED_PREFIX = 'orchestra-cancelled: ';

/** Reads the envelope defensively: data written by something else is passed through as is. */
export function openEnvelope(data: unknown): BullmqEnvelope {
  if (typeof data === 'object' && data !== null && 'd' in data) return data as BullmqEnvelope;
  return { d: data };
}

/** BullMQ's state names → the contract's. `prioritized`, `waiting-children` and `paused` count as waiting. */
export function toJobState(state: string, failedReason: string | undefined): JobState | undefined {
  switch (state) {
    case 'waiting': case 'wait': case 'prioritized': case 'paused': case 'waiting-children': return 'waiting';
    case 'delayed': return 'delayed';
    case 'active': return 'active';
    case 'completed': return 'completed';
    case 'failed': return failedReason?.startsWith(CANCELLED_PREFIX) ? 'cancelled' : 'failed';
    default: return undefined;
  }
}

/** The handler's view of a BullMQ job. */
export function toJobView(job: BullJob): Job {
  const envelope = openEnvelope(job.data);
  return {
    id: job.id!,
    name: job.name,
    data: envelope.d,
    attempt: job.attemptsMade + 1,
    attempts: job.opts.attempts ?? 1,
    priority: job.opts.priority ?? 0,
    idempotencyKey: envelope.k,
    traceId: envelope.t,
    addedAt: job.timestamp,
  };
}

/** A snapshot of a BullMQ job in a given state. */
export function toJobInfo(job: BullJob, state: JobState): JobInfo {
  const envelope = openEnvelope(job.data);
  const failed = job.failedReason || undefined;
  return {
    id: job.id!,
    name: job.name,
    data: envelope.d,
    state,
    priority: job.opts.priority ?? 0,
    attemptsMade: Math.max(job.attemptsStarted ?? 0, job.attemptsMade),
    attempts: job.opts.attempts ?? 1,
    idempotencyKey: envelope.k,
    traceId: envelope.t,
    addedAt: job.timestamp,
    startedAt: job.processedOn ?? undefined,
    finishedAt: state === 'completed' || state === 'failed' || state === 'cancelled' ? (job.finishedOn ?? undefined) : undefined,
    runAt: state === 'delayed' ? job.timestamp + (job.delay ?? 0) : undefined,
    result: state === 'completed' ? job.returnvalue : undefined,
    error: failed?.startsWith(CANCELLED_PREFIX) ? failed.slice(CANCELLED_PREFIX.length) : failed,
  };
}
