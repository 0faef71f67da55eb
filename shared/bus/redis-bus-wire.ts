/**
 * The wire format of the Redis bus bridge: one Redis message carries a batch of events,
 * `{"v":1,"node":"<sender>","events":[{id, topic, traceId, causationId?, timestamp, source, payload}, …]}`.
 * Batching is what lets the bridge go past Redis pub/sub's ~67k messages/s per pair.
 *
 * Everything that arrives is outside data: {@link decodeBatch} checks the size before parsing, the
 * envelope, then each event on its own (a known topic, bounded ids, the topic's payload schema from
 * topic-schemas.ts), so one bad event does not cost the good ones of its batch.
 */
import { z } from 'zod';
import { errorMessage, InvalidInputError } from '../errors/errors.js';
import { isKnownTopic, topicPayloadSchemas } from './topic-schemas.js';
import type { AnyEvent, Topic, TopicMap } from './topics.js';

/** Version of the format; a message of another version is refused. */
export const WIRE_VERSION = 1;

/** Longest id, trace id, causation id, source, topic or node id accepted. */
const MAX_ID_LENGTH = 256;
/** Most events accepted in one message. */
const MAX_EVENTS_PER_MESSAGE = 10_000;

const id = z.string().min(1).max(MAX_ID_LENGTH);

const envelopeSchema = z.object({
  v: z.literal(WIRE_VERSION),
  node: id,
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_MESSAGE),
});

const eventSchema = z.object({
  id,
  topic: id,
  traceId: id,
  causationId: id.optional(),
  timestamp: z.number().int().min(0),
  source: z.string().max(MAX_ID_LENGTH),
  payload: z.unknown(),
});

/** An event as it crossed the wire, checked. */
export interface WireEvent {
  readonly id: string;
  readonly topic: Topic;
  readonly traceId: string;
  readonly causationId: string | undefined;
  readonly timestamp: number;
  readonly source: string;
  readonly payload: TopicMap[Topic];
}

/** A decoded message: the sender's node id, its valid events, and why the others were refused. */
export interface DecodedBatch {
  readonly node: string;
  readonly events: WireEvent[];
  /** One line per refused event, e.g. `event 3 (topic "x"): …`. */
  readonly refused: string[];
}

/** A message as one line (V8 explains a circular structure over several). */
function oneLine(text: string): string {
  return text.replace(/\n\s*/g, ' ');
}

/** The first few zod issues as one line: `path: message; …`. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  if (error.issues.length > 3) shown.push(`and ${error.issues.length - 3} more`);
  return shown.join('; ');
}

/**
 * Encodes one local event for a batch.
 * @throws InvalidInputError when its payload cannot be written as JSON (a BigInt, a cycle).
 */
export function encodeEvent(event: AnyEvent): string {
  const { id, topic, traceId, causationId, timestamp, source, payload } = event;
  try {
    return JSON.stringify({ id, topic, traceId, causationId, timestamp, source, payload });
  } catch (error) {
    throw new InvalidInputError(
      `Event ${id} on "${topic}" cannot cross processes: its payload is not JSON (${oneLine(errorMessage(error))}); publish plain JSON data`,
      { key: 'payload' },
      { cause: error },
    );
  }
}

/** Joins encoded events (from {@link encodeEvent}) into one message from `node`. */
export function encodeBatch(node: string, events: readonly string[]): string {
  return `{"v":${WIRE_VERSION},"node":${JSON.stringify(node)},"events":[${events.join(',')}]}`;
}

/** Bytes {@link encodeBatch} adds around the events for `node`, beyond one comma per extra event. */
export function batchOverhead(node: string): number {
  return Buffer.byteLength(encodeBatch(node, []));
}

/**
 * Decodes and checks a message.
 * @throws InvalidInputError when the whole message is unusable: larger than `maxBytes`, not JSON, not
 * a batch of this version. Events that are invalid on their own are listed in `refused` instead.
 */
export function decodeBatch(message: Buffer, maxBytes: number): DecodedBatch {
  if (message.byteLength > maxBytes) {
    throw new InvalidInputError(`the message has ${message.byteLength} bytes, more than maxMessageBytes (${maxBytes})`, { key: 'message' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(message.toString('utf8'));
  } catch (error) {
    throw new InvalidInputError(`the message is not JSON (${oneLine(errorMessage(error))})`, { key: 'message' }, { cause: error });
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new InvalidInputError(`the message is not a version ${WIRE_VERSION} event batch (${describeIssues(envelope.error)})`, { key: 'message' });
  }
  const events: WireEvent[] = [];
  const refused: string[] = [];
  envelope.data.events.forEach((item, index) => {
    const checked = eventSchema.safeParse(item);
    if (!checked.success) {
      refused.push(`event ${index}: ${describeIssues(checked.error)}`);
      return;
    }
    const { topic, payload, causationId, ...rest } = checked.data;
    if (!isKnownTopic(topic)) {
      refused.push(`event ${index}: "${topic}" is not a topic of this version's TopicMap`);
      return;
    }
    const parsed = topicPayloadSchemas[topic].safeParse(payload);
    if (!parsed.success) {
      refused.push(`event ${index} (topic "${topic}"): payload ${describeIssues(parsed.error)}`);
      return;
    }
    events.push({ ...rest, topic, causationId, payload: parsed.data });
  });
  return { node: envelope.data.node, events, refused };
}
