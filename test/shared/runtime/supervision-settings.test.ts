import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { parseSupervisionSettings, supervisionSettingsSchema } from '../../../shared/runtime/supervision-settings.js';

describe('parseSupervisionSettings', () => {
  it('fills in defaults', () => {
    expect(parseSupervisionSettings()).toMatchObject({ defaultDeadlineMs: 30_000, failureThreshold: 5, maxPermission: 'read_only' });
  });

  it('names the bad key and the file', () => {
    const error = (() => {
      try {
        parseSupervisionSettings({ circuitCooldownMs: -1 }, '.orchestra.yml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).where).toEqual({ file: '.orchestra.yml', key: 'circuitCooldownMs' });
    expect(() => parseSupervisionSettings({ failureTreshold: 3 })).toThrow(/failureTreshold/);
    expect(() => parseSupervisionSettings({ maxPermission: 'admin' })).toThrow(/maxPermission/);
    expect(() => parseSupervisionSettings({ restartBaseMs: 5_000, restartMaxMs: 1_000 })).toThrow(/restartMaxMs/);
  });

  it('yields a JSON schema with descriptions for users', () => {
    const schema = z.toJSONSchema(supervisionSettingsSchema, { io: 'input' }) as { properties: Record<string, { description?: string }> };
    expect(Object.keys(schema.properties)).toContain('healthCheckIntervalMs');
    expect(schema.properties.failureThreshold!.description).toMatch(/open the circuit/);
  });
});
