import { describe, expect, it } from '@jest/globals';
import { secretShape } from '../../../shared/config/secret-shape.js';
import { textNestingDepth } from '../../../shared/config/text-nesting-depth.js';

describe('secretShape', () => {
  it.each([
    [`sk-proj-${'a1B2c3D4e5'.repeat(3)}`, 'an OpenAI or Anthropic API key'],
    [`sk-ant-api03-${'a1B2c3D4e5'.repeat(3)}`, 'an OpenAI or Anthropic API key'],
    [`ghp_${'a1B2c3D4e5'.repeat(4)}`, 'a GitHub token'],
    [`github_pat_${'a1B2c3D4e5'.repeat(3)}`, 'a GitHub token'],
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'a private key'],
    ['Authorization: Bearer abcdefghijklmnopqrstuvwxyz', 'a bearer token'],
    ['https://user:s3cret@example.com/v1', 'a password in a URL'],
    ['API_TOKEN=abcdef123456 npm test', 'a credential assignment'],
  ])('recognises %j', (value, kind) => {
    expect(secretShape(value)).toBe(kind);
  });

  it.each([
    'http://127.0.0.1:11434',
    'https://203.0.113.7:8443/v1',
    '**/node_modules/**',
    '.orchestra/memory',
    'gpt-4o-mini',
    'npm test -- --coverage',
    'API_TOKEN=$API_TOKEN npm test',
    'security/no-hardcoded-token',
    'logs/2024-01-15.log',
    'task-sk-processing',
  ])('leaves the ordinary value %j alone', (value) => {
    expect(secretShape(value)).toBeUndefined();
  });
});

describe('textNestingDepth', () => {
  it.each([
    ['a: 1\nb: 2\n', 0],
    ['a:\n  - x\n  - y\n', 1],
    ['a: [1, [2, {b: 3}]]\n', 3],
    ['- - - x\n', 3],
    ['? ? x\n', 2],
    ['a: [[1]]\nb: [2]\n', 2],
  ])('estimates %j as %d', (text, depth) => {
    expect(textNestingDepth(text)).toBe(depth);
  });
});
