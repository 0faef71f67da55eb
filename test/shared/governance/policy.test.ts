import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { definePolicy, grantedLevelFor, limitsFor } from '../../../shared/governance/policy.js';

describe('definePolicy', () => {
  it('gives safe defaults for an empty policy', () => {
    const policy = definePolicy({});
    expect(policy).toEqual({
      defaultLevel: 'read_write',
      grants: {},
      approvalTimeoutMs: 300_000,
      limits: { maxConcurrentTasks: 4, maxTaskDurationMs: 60_000, maxMemoryMb: 512 },
      agentLimits: {},
    });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.limits)).toBe(true);
  });

  it('resolves grants and per-agent limits', () => {
    const policy = definePolicy({
      grants: { 'test-runner': 'execute', reverter: 'critical' },
      limits: { maxConcurrentTasks: 2 },
      agentLimits: { 'test-runner': { maxMemoryMb: 1024 } },
    });
    expect(grantedLevelFor(policy, 'test-runner')).toBe('execute');
    expect(grantedLevelFor(policy, 'someone-else')).toBe('read_write');
    expect(grantedLevelFor(policy, 'constructor')).toBe('read_write');
    expect(limitsFor(policy, 'test-runner')).toEqual({ maxConcurrentTasks: 2, maxTaskDurationMs: 60_000, maxMemoryMb: 1024 });
    expect(limitsFor(policy, 'linter')).toEqual({ maxConcurrentTasks: 2, maxTaskDurationMs: 60_000, maxMemoryMb: 512 });
  });

  it('lists every problem with its key path, file and what was found', () => {
    let error: unknown;
    try {
      definePolicy(
        { grants: { deployer: 'admin' }, approvalTimeoutMs: -5, limits: { maxMemoryMb: 'lots' }, colour: 'red' },
        { file: 'orchestra.config.yml', key: 'permissions' },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.where).toEqual({ file: 'orchestra.config.yml', key: expect.stringMatching(/^permissions\./) });
    expect(e.message).toContain('in orchestra.config.yml');
    expect(e.message).toContain('permissions.grants.deployer: expected one of read_only, read_write, execute, critical, got "admin"');
    expect(e.message).toMatch(/permissions\.approvalTimeoutMs: .*, got -5/);
    expect(e.message).toMatch(/permissions\.limits\.maxMemoryMb: .*expected number, received string/);
    expect(e.message).toMatch(/permissions: unknown key "colour" \(allowed: defaultLevel, grants/);
  });

  it('rejects non-objects with a clear message', () => {
    expect(() => definePolicy('execute everything')).toThrow(/Invalid governance policy/);
  });

  it('does not let a "__proto__" grant change what other agents get', () => {
    const policy = definePolicy(JSON.parse('{"grants": {"__proto__": "critical"}}'));
    expect(grantedLevelFor(policy, 'anyone')).toBe('read_write');
    expect(grantedLevelFor(policy, 'toString')).toBe('read_write');
  });
});
