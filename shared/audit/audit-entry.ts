/**
 * The audit entry: what is recorded for every agent action and every governance decision, and how
 * entries chain. Each stored entry carries `seq` (1, 2, …), `prev` (the previous entry's hash, or
 * {@link GENESIS_HASH} for the first) and `hash` = sha256 of the canonical JSON of the entry without
 * `hash` (so `prev` is covered). Editing, removing, inserting or moving any entry breaks the chain.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PERMISSION_LEVELS } from '../governance/permissions.js';
import { canonicalJson } from './canonical-json.js';

/** `prev` of the first entry of every log. */
export const GENESIS_HASH = '0'.repeat(64);

/** Format version written in every entry. */
export const AUDIT_FORMAT_VERSION = 1;

/** How an action ended: `denied` for governance refusals, `cancelled` for cancellation (not a failure). */
export const AUDIT_STATUSES = ['ok', 'error', 'denied', 'cancelled'] as const;
/** How an action ended. */
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** Outcomes of a governance decision (policy-engine.ts). */
export const AUDIT_DECISIONS = ['allowed', 'approved', 'refused', 'denied', 'timed_out', 'cancelled'] as const;
/** Outcome of a governance decision: `refused` = level too low; `denied` = a person said no. */
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');
const levelSchema = z.enum(PERMISSION_LEVELS);

/** What a caller gives {@link AuditRecorder.record}; the trail adds seq, time, chain and redaction. */
export const auditInputSchema = z.object({
  agentId: z.string().min(1, 'agentId must be a non-empty string'),
  action: z.string().min(1, 'action must be a non-empty string'),
  user: z.string().optional(),
  level: levelSchema,
  status: z.enum(AUDIT_STATUSES),
  durationMs: z.number().nonnegative().optional(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  decision: z.enum(AUDIT_DECISIONS).optional(),
  approval: z.object({ requestId: z.string().min(1), by: z.string().optional(), reason: z.string().optional() }).optional(),
  traceId: z.string().optional(),
});

/** What a caller records. `input`, `output` and `error` may be anything: they are redacted before writing. */
export type AuditInput = z.input<typeof auditInputSchema>;

/** One stored line, as written and as read back (the verifier parses lines with this schema). */
export const auditEntrySchema = z.strictObject({
  v: z.literal(AUDIT_FORMAT_VERSION),
  seq: z.int().positive(),
  /** ISO-8601 time of recording. */
  ts: z.string().min(1),
  agentId: z.string().min(1),
  action: z.string().min(1),
  user: z.string().nullable(),
  level: levelSchema,
  status: z.enum(AUDIT_STATUSES),
  durationMs: z.number().nonnegative(),
  input: z.unknown(),
  output: z.unknown(),
  error: z.string().nullable(),
  decision: z.enum(AUDIT_DECISIONS).optional(),
  approval: z.strictObject({ requestId: z.string(), by: z.string().nullable(), reason: z.string().nullable() }).optional(),
  traceId: z.string().optional(),
  prev: hashSchema,
  hash: hashSchema,
});

/** A stored audit entry. `input`/`output` are redacted JSON. */
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** Anything that records audit entries: the {@link AuditTrail}, or a test double. */
export interface AuditRecorder {
  /** Redacts, chains and durably stores one entry; resolves with the stored entry. */
  record(input: AuditInput): Promise<AuditEntry>;
}

/** The hash of an entry: sha256 (hex) of the canonical JSON of every field except `hash`. */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = entry;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/**
 * Seals an entry: computes its hash and its stored line (canonical JSON with `hash`) in one pass,
 * rendering each member once. Same result as `hashAuditEntry` + `canonicalJson`, about twice as fast.
 */
export function sealAuditEntry(body: Omit<AuditEntry, 'hash'>): { entry: AuditEntry; line: string } {
  const record = body as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  const parts = keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  const hash = createHash('sha256').update(`{${parts.join(',')}}`).digest('hex');
  const at = keys.findIndex((k) => k > 'hash');
  parts.splice(at === -1 ? parts.length : at, 0, `"hash":"${hash}"`);
  return { entry: { ...body, hash }, line: `{${parts.join(',')}}` };
}
