/**
 * The governance policy: which permission level each agent is granted, how long an approval may
 * wait, and per-agent resource limits the runtime enforces. Parsed with zod where it enters
 * ({@link definePolicy}); the type is derived from the schema.
 */
import { z } from 'zod';
import type { PermissionLevel } from '../bus/topics.js';
import { InvalidInputError } from '../errors/errors.js';
import { PERMISSION_LEVELS } from './permissions.js';

const MINUTE = 60_000;

const levelSchema = z.enum(PERMISSION_LEVELS);

const limitsShape = {
  maxConcurrentTasks: z.int().min(1).max(10_000).describe('Tasks one agent may run at the same time.'),
  maxTaskDurationMs: z
    .int()
    .min(1)
    .max(24 * 60 * MINUTE)
    .describe('Milliseconds after which a task is cancelled (its deadline).'),
  maxMemoryMb: z.int().min(16).max(65_536).describe('Heap megabytes a pooled agent worker may use.'),
};

/** Per-agent resource limits: all keys required once parsed. */
export const resourceLimitsSchema = z.strictObject({
  maxConcurrentTasks: limitsShape.maxConcurrentTasks.default(4),
  maxTaskDurationMs: limitsShape.maxTaskDurationMs.default(MINUTE),
  maxMemoryMb: limitsShape.maxMemoryMb.default(512),
});

/** The policy schema. Every key has a default, so `{}` is a valid (and safe) policy. */
export const policySchema = z.strictObject({
  defaultLevel: levelSchema
    .default('read_write')
    .describe('Level granted to agents not listed in `grants`. read_write by default: nothing executes without a grant.'),
  grants: z
    .record(z.string().min(1), levelSchema)
    .default({})
    .describe('Level granted per agent id, e.g. { "test-runner": "execute" }.'),
  approvalTimeoutMs: z
    .int()
    .min(1)
    .max(7 * 24 * 60 * MINUTE)
    .default(5 * MINUTE)
    .describe('How long an approval request waits for an answer before it is denied. Default 5 minutes.'),
  limits: resourceLimitsSchema.prefault({}).describe('Resource limits for every agent.'),
  agentLimits: z
    .record(z.string().min(1), z.strictObject(limitsShape).partial())
    .default({})
    .describe('Overrides of `limits` per agent id.'),
});

/** A validated policy (read-only: share it freely). */
export type Policy = Readonly<z.output<typeof policySchema>>;
/** What {@link definePolicy} accepts: every key optional. */
export type PolicyInput = z.input<typeof policySchema>;
/** Limits for one agent. */
export type ResourceLimits = z.output<typeof resourceLimitsSchema>;

/**
 * Validates a policy (from a config file, a test, a host) and returns it frozen. Throws
 * {@link InvalidInputError} listing every problem with its key path, e.g.
 * `permissions.grants.deployer: expected one of read_only, read_write, execute, critical, got "admin"`.
 * `where.key` prefixes the paths (the policy's key in a larger config), `where.file` names the file.
 */
export function definePolicy(input: PolicyInput | unknown = {}, where: { file?: string; key?: string } = {}): Policy {
  const result = policySchema.safeParse(input, { reportInput: true });
  if (result.success) return deepFreeze(result.data);
  const problems = result.error.issues.map((issue) => describeIssue(issue, where.key));
  const first = result.error.issues[0];
  const firstKey = first ? joinPath(where.key, first.path) : where.key;
  const location = where.file ? ` in ${where.file}` : '';
  throw new InvalidInputError(`Invalid governance policy${location}:\n  - ${problems.join('\n  - ')}`, {
    ...(where.file !== undefined && { file: where.file }),
    ...(firstKey !== undefined && { key: firstKey }),
  });
}

/** The level an agent is granted: its entry in `grants`, else `defaultLevel`. */
export function grantedLevelFor(policy: Policy, agentId: string): PermissionLevel {
  return Object.hasOwn(policy.grants, agentId) ? policy.grants[agentId]! : policy.defaultLevel;
}

/** The limits that apply to an agent: `limits` overridden by its `agentLimits` entry. */
export function limitsFor(policy: Policy, agentId: string): ResourceLimits {
  const own = Object.hasOwn(policy.agentLimits, agentId) ? policy.agentLimits[agentId] : undefined;
  return { ...policy.limits, ...own };
}

function describeIssue(issue: z.core.$ZodIssue, prefix: string | undefined): string {
  const key = joinPath(prefix, issue.path) ?? '(policy)';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${key}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowedKeys(issue.path)})`;
    case 'invalid_value':
      return `${key}: expected one of ${issue.values.map(String).join(', ')}, got ${shown(issue.input)}`;
    default:
      // invalid_type messages already say what was received.
      return `${key}: ${issue.message}${issue.input === undefined || issue.code === 'invalid_type' ? '' : `, got ${shown(issue.input)}`}`;
  }
}

function allowedKeys(path: readonly PropertyKey[]): string {
  if (path.length === 0) return Object.keys(policySchema.shape).join(', ');
  return Object.keys(limitsShape).join(', ');
}

function joinPath(prefix: string | undefined, path: readonly PropertyKey[]): string | undefined {
  const parts = [...(prefix ? [prefix] : []), ...path.map(String)];
  return parts.length > 0 ? parts.join('.') : undefined;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
