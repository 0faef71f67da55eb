import { describe, expect, it } from '@jest/globals';
import { didYouMean } from '../../../shared/config/did-you-mean.js';

describe('didYouMean', () => {
  const keys = ['review', 'error', 'background', 'permissions', 'llm', 'github', 'memory', 'audit'];

  it.each([
    ['reveiw', 'review'],
    ['erorr', 'error'],
    ['Github', 'github'],
    ['permission', 'permissions'],
    ['memroy', 'memory'],
  ])('suggests %s → %s', (typo, expected) => {
    expect(didYouMean(typo, keys)).toBe(expected);
  });

  it.each(['xyz', 'telemetry', 'a', ''])('suggests nothing for %j', (word) => {
    expect(didYouMean(word, keys)).toBeUndefined();
  });

  it('picks the closest of several', () => {
    expect(didYouMean('cognitve', ['cyclomatic', 'cognitive', 'nesting'])).toBe('cognitive');
  });
});
