/**
 * Permission levels are ordered `read_only < read_write < execute < critical`. An agent's granted
 * level must be at least an action's level; `execute` and `critical` actions also need a person's
 * approval (see policy-engine.ts). {@link PermissionLevel} itself is declared in bus/topics.ts
 * because events carry it.
 */
import type { PermissionLevel } from '../bus/topics.js';

export type { PermissionLevel } from '../bus/topics.js';

/** Every level, least to most powerful. */
export const PERMISSION_LEVELS = ['read_only', 'read_write', 'execute', 'critical'] as const satisfies readonly PermissionLevel[];

const RANK: Readonly<Record<PermissionLevel, number>> = { read_only: 0, read_write: 1, execute: 2, critical: 3 };

/** True when `value` is one of the four level names. */
export function isPermissionLevel(value: unknown): value is PermissionLevel {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/** Position of a level in the order (read_only = 0 … critical = 3). */
export function permissionRank(level: PermissionLevel): number {
  return RANK[level];
}

/** Negative, zero or positive as `a` is below, equal to or above `b` (usable with `Array.sort`). */
export function compareLevels(a: PermissionLevel, b: PermissionLevel): number {
  return RANK[a] - RANK[b];
}

/** True when `level` is `required` or more powerful: `atLeast(granted, action.level)` means "may run". */
export function atLeast(level: PermissionLevel, required: PermissionLevel): boolean {
  return RANK[level] >= RANK[required];
}

/** The more powerful of two levels. */
export function maxLevel(a: PermissionLevel, b: PermissionLevel): PermissionLevel {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The less powerful of two levels (e.g. to cap an agent's request at what policy grants). */
export function minLevel(a: PermissionLevel, b: PermissionLevel): PermissionLevel {
  return RANK[a] <= RANK[b] ? a : b;
}

/** True for levels whose actions need a person's approval before they run (`execute`, `critical`). */
export function needsApproval(level: PermissionLevel): boolean {
  return RANK[level] >= RANK.execute;
}
