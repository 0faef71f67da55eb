/**
 * What the app remembers about a pull request between runs, kept in its own summary comment (as
 * Danger and PR-Agent keep theirs): the last reviewed commit, the findings then, ignores and the
 * pause flag. No database, so any worker on any machine picks up where another left off. The state
 * is trusted only from a comment the app itself wrote (see summary-comment.ts); it is validated and
 * bounded here because it still crosses a network.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import type { Finding, Severity } from '../../shared/findings/finding.js';

/** A finding as remembered: enough to annotate it again and to tell new from fixed. */
export interface StoredFinding {
  fp: string;
  rule: string;
  sev: Severity;
  file: string;
  line: number;
  endLine: number;
  msg: string;
  agent: string;
}

const storedFinding = z.object({
  fp: z.string().regex(/^[0-9a-f]{16}$/),
  rule: z.string().max(200),
  sev: z.enum(['error', 'warning', 'info']),
  file: z.string().max(1000),
  line: z.number().int().min(1),
  endLine: z.number().int().min(1),
  msg: z.string().max(500),
  agent: z.string().max(100),
});

const ignoreSchema = z.object({ target: z.string().max(200), reason: z.string().max(500).optional(), by: z.string().max(100) });

const stateSchema = z.object({
  v: z.literal(1),
  lastReviewedSha: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  paused: z.object({ by: z.string().max(100) }).optional(),
  ignores: z.array(ignoreSchema).max(200).default([]),
  findings: z.array(storedFinding).max(5000).default([]),
  /** The stored list was cut to fit a comment: the next review cannot be incremental. */
  truncated: z.boolean().optional(),
});

/** The remembered state of one pull request. */
export type PrState = z.output<typeof stateSchema>;

/** A fresh state. */
export function emptyState(): PrState {
  return { v: 1, ignores: [], findings: [] };
}

const STATE_OPEN = '<!-- orchestra:state ';
const STATE_CLOSE = ' -->';
/** Budget for the encoded state inside a 65,536-character comment. */
const MAX_ENCODED = 40_000;

/** Compact form of a finding for the state. */
export function storeFinding(f: Finding): StoredFinding {
  return {
    fp: f.fingerprint,
    rule: f.ruleId.slice(0, 200),
    sev: f.severity,
    file: f.file,
    line: f.range.start.line,
    endLine: Math.max(f.range.start.line, f.range.end.line),
    msg: f.message.slice(0, 500),
    agent: f.agent.slice(0, 100),
  };
}

/** Encodes the state as a hidden HTML comment (deflated, base64). Drops findings to fit, marking it truncated. */
export function encodeState(state: PrState): string {
  let current = state;
  for (;;) {
    const encoded = deflateRawSync(Buffer.from(JSON.stringify(current))).toString('base64');
    if (encoded.length <= MAX_ENCODED || current.findings.length === 0) return `${STATE_OPEN}${encoded}${STATE_CLOSE}`;
    current = { ...current, findings: current.findings.slice(0, Math.floor(current.findings.length * 0.7)), truncated: true };
  }
}

/** Reads the state from a comment body; a missing, corrupt or hostile state gives undefined. */
export function decodeState(body: string): PrState | undefined {
  const start = body.indexOf(STATE_OPEN);
  if (start < 0) return undefined;
  const end = body.indexOf(STATE_CLOSE, start + STATE_OPEN.length);
  if (end < 0) return undefined;
  const encoded = body.slice(start + STATE_OPEN.length, end);
  if (encoded.length > MAX_ENCODED * 2 || !/^[A-Za-z0-9+/=]*$/.test(encoded)) return undefined;
  try {
    const json = inflateRawSync(Buffer.from(encoded, 'base64'), { maxOutputLength: 8 * 1024 * 1024 }).toString('utf8');
    const parsed = stateSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** True when an ignore entry covers the finding (by rule id, rule family like `security/*`, or fingerprint). */
export function isIgnored(state: PrState, f: { ruleId: string; fingerprint: string }): PrState['ignores'][number] | undefined {
  return state.ignores.find((i) => {
    if (i.target === f.fingerprint || i.target === f.ruleId) return true;
    if (i.target.endsWith('/*')) return f.ruleId.startsWith(i.target.slice(0, -1));
    // A short ESLint rule name ("no-unused-vars") matches eslint/no-unused-vars.
    return !i.target.includes('/') && f.ruleId === `eslint/${i.target}`;
  });
}
