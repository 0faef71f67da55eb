/**
 * Overrides laid over a validated config: valid ones apply in order, mappings merge key by key, and
 * one the schema refuses is dropped with what is expected there while the rest still apply.
 */
import { describe, expect, it } from '@jest/globals';
import { applyConfigOverrides, defaultConfig, parseConfig, type ConfigOverride } from '../../../shared/config/index.js';

const file = parseConfig(JSON.stringify({ review: { complexity: { cyclomatic: 3 }, rules: { 'security/*': 'warning' } } }), 'orchestra.config.json');
const at = (path: string, value: unknown, origin = 'workspace settings'): ConfigOverride => ({ path: path.split('.'), value, origin });

describe('applyConfigOverrides', () => {
  it('lays valid values over the file, later ones winning', () => {
    const { config, rejected, applied } = applyConfigOverrides(file, [at('review.complexity.cyclomatic', 8, 'user settings'), at('review.complexity.cyclomatic', 10), at('llm.model', 'gpt-4o-mini')]);
    expect(rejected).toEqual([]);
    expect(applied).toHaveLength(3);
    expect(config.review.complexity.cyclomatic).toBe(10);
    expect(config.review.complexity.cognitive).toBe(15);
    expect(config.llm.model).toBe('gpt-4o-mini');
  });

  it('merges a mapping over the file\'s mapping key by key', () => {
    const { config } = applyConfigOverrides(file, [at('review.rules', { 'eslint/no-debugger': 'off' })]);
    expect(config.review.rules).toEqual({ 'security/*': 'warning', 'eslint/no-debugger': 'off' });
  });

  it('drops an invalid value, keeps the file\'s, says what is expected, and still applies the others', () => {
    const { config, rejected } = applyConfigOverrides(file, [at('review.complexity.cyclomatic', 0), at('review.failOn', 'warning')]);
    expect(config.review.complexity.cyclomatic).toBe(3);
    expect(config.review.failOn).toBe('warning');
    expect(rejected).toEqual([{ override: expect.objectContaining({ origin: 'workspace settings' }), key: 'review.complexity.cyclomatic', message: 'expected a number at least 1, found number 0' }]);
  });

  it('names each invalid value: a wrong type, an unknown enum value, a bad key inside a mapping', () => {
    const { config, rejected } = applyConfigOverrides(defaultConfig(), [
      at('github.checkRun', 'yes'),
      at('error.sensitivity', 'extreme'),
      at('permissions.grants', { 'bad id!': 'execute' }),
    ]);
    expect(config).toEqual(defaultConfig());
    expect(rejected.map((r) => [r.key, r.message])).toEqual([
      ['github.checkRun', 'expected true or false, found the string "yes"'],
      ['error.sensitivity', 'expected one of "low", "medium", "high"; found the string "extreme"'],
      ['permissions.grants', expect.stringMatching(/^permissions\.grants\["bad id!"\]: invalid key: expected an agent id/)],
    ]);
  });

  it('refuses keys that are not in the config, and keys that would reach a prototype', () => {
    const { config, rejected } = applyConfigOverrides(defaultConfig(), [at('review.complexity.depth', 3), { path: ['__proto__', 'polluted'], value: true, origin: 'user settings' }]);
    expect(config).toEqual(defaultConfig());
    expect(rejected.map((r) => r.key)).toEqual(['review.complexity.depth', '__proto__.polluted']);
    expect(rejected[0]!.message).toMatch(/unknown key; did you mean "(cyclomatic|cognitive|nesting|length)"\?|unknown key; allowed keys here/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
