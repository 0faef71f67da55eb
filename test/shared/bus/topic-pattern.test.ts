import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compileTopicPattern } from '../../../shared/bus/topic-pattern.js';

describe('compileTopicPattern', () => {
  const cases: [string, string, boolean][] = [
    ['error.detected', 'error.detected', true],
    ['error.detected', 'error.detected.x', false],
    ['error.*', 'error.detected', true],
    ['error.*', 'error', false],
    ['error.*', 'error.a.b', false],
    ['agent.**', 'agent.started', true],
    ['agent.**', 'agent.task.completed', true],
    ['agent.**', 'agent', false],
    ['agent.**', 'agents.started', false],
    ['*.detected', 'error.detected', true],
    ['*.detected', 'detected', false],
    ['agent.*.completed', 'agent.task.completed', true],
    ['agent.*.completed', 'agent.completed', false],
    ['**.completed', 'agent.task.completed', true],
    ['**.completed', 'completed', false],
    ['*', 'anything.at.all', true],
    ['**', 'x', true],
  ];
  it.each(cases)('%s vs %s -> %s', (pattern, topic, expected) => {
    expect(compileTopicPattern(pattern).matches(topic)).toBe(expected);
  });

  it.each(['', 'a..b', 'a.*b', 'a.***', 'a b', 'error.#', '.a', 'a.'])('rejects malformed pattern %j with a message naming it', (pattern) => {
    expect(() => compileTopicPattern(pattern)).toThrow(/Invalid topic pattern/);
  });

  it('an exact pattern matches only itself (property)', () => {
    const segment = fc.stringMatching(/^[a-z]{1,5}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.array(segment, { minLength: 1, maxLength: 4 }), (a, b) => {
        const m = compileTopicPattern(a.join('.'));
        expect(m.matches(b.join('.'))).toBe(a.join('.') === b.join('.'));
      }),
    );
  });

  it('prefix.** matches exactly the topics with more segments under the prefix (property)', () => {
    const segment = fc.stringMatching(/^[a-z]{1,3}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.array(segment, { minLength: 1, maxLength: 5 }), (prefix, topic) => {
        const m = compileTopicPattern(`${prefix.join('.')}.**`);
        const expected = topic.length > prefix.length && prefix.every((s, i) => topic[i] === s);
        expect(m.matches(topic.join('.'))).toBe(expected);
      }),
    );
  });
});
