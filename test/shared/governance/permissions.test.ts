import { describe, expect, it } from '@jest/globals';
import {
  PERMISSION_LEVELS,
  atLeast,
  compareLevels,
  isPermissionLevel,
  maxLevel,
  minLevel,
  needsApproval,
  permissionRank,
} from '../../../shared/governance/permissions.js';

describe('permission levels', () => {
  it('are ordered read_only < read_write < execute < critical', () => {
    expect(PERMISSION_LEVELS.map(permissionRank)).toEqual([0, 1, 2, 3]);
    expect([...PERMISSION_LEVELS].reverse().sort(compareLevels)).toEqual(['read_only', 'read_write', 'execute', 'critical']);
  });

  it('atLeast compares a granted level with a required one', () => {
    expect(atLeast('read_write', 'read_only')).toBe(true);
    expect(atLeast('read_write', 'read_write')).toBe(true);
    expect(atLeast('read_write', 'execute')).toBe(false);
    expect(atLeast('critical', 'execute')).toBe(true);
    expect(atLeast('read_only', 'critical')).toBe(false);
  });

  it('max/min pick the more/less powerful level', () => {
    expect(maxLevel('execute', 'read_only')).toBe('execute');
    expect(minLevel('execute', 'read_only')).toBe('read_only');
  });

  it('execute and critical need approval, the others do not', () => {
    expect(PERMISSION_LEVELS.filter(needsApproval)).toEqual(['execute', 'critical']);
  });

  it('recognises level names only', () => {
    expect(isPermissionLevel('execute')).toBe(true);
    expect(isPermissionLevel('admin')).toBe(false);
    expect(isPermissionLevel('toString')).toBe(false);
    expect(isPermissionLevel(2)).toBe(false);
  });
});
