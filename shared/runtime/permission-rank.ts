/**
 * Orders permission levels so the host can compare what an agent needs with what it is granted.
 * Kept here (not imported from governance/) so the runtime has no dependency on the policy engine;
 * the engine plugs in through the host's `authorize` hook.
 */
import type { PermissionLevel } from '../bus/topics.js';

const RANKS: Readonly<Record<PermissionLevel, number>> = { read_only: 0, read_write: 1, execute: 2, critical: 3 };

/** Rank of a permission level, least (0, `read_only`) to most powerful (3, `critical`); -1 if unknown. */
export function permissionRank(level: string): number {
  return Object.hasOwn(RANKS, level) ? RANKS[level as PermissionLevel] : -1;
}

/** The permission levels, least to most powerful. */
export const PERMISSION_LEVELS: readonly PermissionLevel[] = ['read_only', 'read_write', 'execute', 'critical'];
