/**
 * Job ids of the BullMQ task queue. Each job name has its own BullMQ queue (so a processor's
 * concurrency, priorities and "no processor yet" apply per name, as in the in-process queue), so an id
 * carries its name: `<base64url(name)>~<suffix>`. BullMQ forbids `:` in ids and queue names, and
 * base64url never contains `:` or `~`. An idempotency key becomes the suffix `k<sha256>`: BullMQ's
 * jobId de-duplication then gives the idempotency rule (keys are scoped to a job name here).
 */
import { createHash, randomUUID } from 'node:crypto';

/** The queue-name part of a job name: safe in BullMQ queue names and job ids. */
export function nameToken(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

/** A new job id for `name`: derived from the idempotency key when there is one, random otherwise. */
export function bullmqJobId(name: string, idempotencyKey: string | undefined): string {
  const suffix = idempotencyKey === undefined ? randomUUID() : `k${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
  return `${nameToken(name)}~${suffix}`;
}

/** The job name an id belongs to, or undefined when the id was not made by {@link bullmqJobId}. */
export function jobNameOfId(id: string): string | undefined {
  const at = id.indexOf('~');
  if (at <= 0 || at === id.length - 1) return undefined;
  const token = id.slice(0, at);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const name = Buffer.from(token, 'base64url').toString('utf8');
  return nameToken(name) === token ? name : undefined;
}
