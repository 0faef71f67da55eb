/**
 * Checks an agent object before the host registers it. Agents are code, but they come from other
 * folders (and, later, plugins): a malformed one must fail at spawn with a message naming the key,
 * not deep inside a task. Hand-written rather than a zod schema because spawn is a hot path
 * (10,000 agents in well under 50 ms).
 */
import { InvalidInputError } from '../errors/errors.js';
import type { Agent } from './agent.js';
import { PERMISSION_LEVELS, permissionRank } from './permission-rank.js';

const OPTIONAL_METHODS = ['start', 'stop', 'isHealthy', 'resourceUsage'] as const;

/** Throws {@link InvalidInputError} (with `key`) unless `agent` satisfies the {@link Agent} contract. */
export function validateAgent(agent: unknown): asserts agent is Agent {
  if (typeof agent !== 'object' || agent === null) {
    throw new InvalidInputError(`An agent must be an object implementing Agent, got ${agent === null ? 'null' : typeof agent}`);
  }
  const a = agent as Record<string, unknown>;
  const id = a.id;
  if (typeof id !== 'string' || id.trim() === '') {
    throw new InvalidInputError(`An agent needs a non-empty string 'id', got ${JSON.stringify(id)}`, { key: 'id' });
  }
  const bad = (key: string, expected: string, got: unknown): never => {
    throw new InvalidInputError(`Agent '${id}': '${key}' must be ${expected}, got ${JSON.stringify(got) ?? typeof got}`, { key });
  };
  if (typeof a.kind !== 'string' || a.kind === '') bad('kind', "a non-empty string such as 'review'", a.kind);
  const caps = a.capabilities;
  if (!Array.isArray(caps)) bad('capabilities', "an array of strings such as ['code_review']", caps);
  for (const cap of caps as unknown[]) {
    if (typeof cap !== 'string' || cap === '') bad('capabilities', "an array of non-empty strings such as ['code_review']", caps);
  }
  if (typeof a.permission !== 'string' || permissionRank(a.permission) < 0) {
    bad('permission', `one of ${PERMISSION_LEVELS.join(', ')}`, a.permission);
  }
  if (typeof a.handle !== 'function') bad('handle', 'a function (task, context) => Promise', a.handle);
  for (const key of OPTIONAL_METHODS) {
    if (a[key] !== undefined && typeof a[key] !== 'function') bad(key, 'a function when present', a[key]);
  }
}
