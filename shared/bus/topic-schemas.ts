/**
 * A zod schema per topic, for payloads that enter from outside this process (the Redis bus bridge).
 * The map is typed against {@link TopicMap}: adding a topic, or a required field to a payload, fails
 * type checking until its schema here agrees. Objects strip unknown keys, so a newer process may
 * add optional fields without its events being refused.
 */
import { z } from 'zod';
import type { Topic, TopicMap } from './topics.js';

const text = z.string();
const count = z.number().int().min(0);
const ms = z.number().min(0);
const permission = z.enum(['read_only', 'read_write', 'execute', 'critical']);
const agent = { agentId: text, kind: text };
const task = { agentId: text, taskId: text, type: text };
const pr = { repo: text, number: count, headSha: text, baseSha: text.optional() };

/** The payload schema of every topic. */
export const topicPayloadSchemas: { readonly [T in Topic]: z.ZodType<TopicMap[T]> } = {
  'code.pushed': z.object({ repo: text, ref: text, before: text.optional(), after: text, files: z.array(text).optional() }),
  'file.saved': z.object({ path: text, content: text.optional() }),
  'file.changed': z.object({ path: text, kind: z.enum(['add', 'change', 'unlink']) }),
  'pr.opened': z.object(pr),
  'pr.updated': z.object(pr),
  'error.detected': z.object({
    source: text,
    message: text,
    file: text.optional(),
    line: count.optional(),
    stack: text.optional(),
    fingerprint: text.optional(),
  }),
  'error.triaged': z.object({
    source: text,
    fingerprint: text,
    message: text,
    count,
    file: text.optional(),
    line: count.optional(),
    suggestion: text.optional(),
  }),
  'error.culprit': z.object({ status: text, sha: text.optional(), subject: text.optional(), runs: count, confidence: z.number().min(0).max(1).optional() }),
  'user.command': z.object({ text, user: text.optional(), origin: text }),
  'agent.started': z.object(agent),
  'agent.stopped': z.object({ ...agent, reason: text.optional() }),
  'agent.crashed': z.object({ ...agent, error: text, restarts: count }),
  'agent.restarted': z.object({ ...agent, attempt: count }),
  'agent.circuit_opened': z.object({ ...agent, failures: count }),
  'agent.circuit_closed': z.object(agent),
  'agent.task.started': z.object(task),
  'agent.task.completed': z.object({ ...task, durationMs: ms }),
  'agent.task.failed': z.object({ ...task, durationMs: ms, error: text }),
  'agent.task.timed_out': z.object({ ...task, deadlineMs: ms }),
  'agent.task.cancelled': z.object({ ...task, durationMs: ms, reason: text }),
  'bus.handler_failed': z.object({ subscription: text, topic: text, eventId: text, error: text }),
  'bus.dropped': z.object({ subscription: text, dropped: count }),
  'task.completed': z.object({ taskId: text, name: text, attempts: count, durationMs: ms }),
  'task.failed': z.object({ taskId: text, name: text, attempts: count, error: text, final: z.boolean() }),
  'task.cancelled': z.object({ taskId: text, name: text }),
  'finding.reported': z.object({ agentId: text, count, file: text.optional() }),
  'approval.requested': z.object({
    requestId: text,
    agentId: text,
    action: text,
    level: permission,
    summary: text,
    expiresAt: z.number(),
  }),
  'approval.decided': z.object({ requestId: text, approved: z.boolean(), by: text, reason: text.optional() }),
  'telemetry.metric': z.object({ name: text, value: z.number(), labels: z.record(text, text).optional() }),
};

/** True when `topic` is one of the topics of {@link TopicMap} (outside data may name any string). */
export function isKnownTopic(topic: string): topic is Topic {
  return Object.hasOwn(topicPayloadSchemas, topic);
}
