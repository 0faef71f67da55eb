import { describe, expect, it } from '@jest/globals';
import { parseConfig, validateConfig } from '../../../shared/config/parse-config.js';
import { defaultConfig } from '../../../shared/config/config-schema.js';
import { InvalidInputError } from '../../../shared/errors/errors.js';

/** Runs parseConfig and returns the InvalidInputError it throws. */
function failure(text: string, file = 'orchestra.config.yaml'): InvalidInputError {
  try {
    parseConfig(text, file);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw');
}

describe('parseConfig: valid files', () => {
  it.each(['', '   \n', '# only a comment\n', '{}', 'null\n'])('treats %j as the defaults', (text) => {
    expect(parseConfig(text, 'orchestra.config.yaml')).toEqual(defaultConfig());
  });

  it('accepts an empty JSON file and an empty object', () => {
    expect(parseConfig('', 'orchestra.config.json')).toEqual(defaultConfig());
    expect(parseConfig('{}\n', 'orchestra.config.json')).toEqual(defaultConfig());
  });

  it('has sensible defaults', () => {
    const config = defaultConfig();
    expect(config.review.failOn).toBe('error');
    expect(config.review.filter).toBe('added');
    expect(config.review.agents.security.enabled).toBe(true);
    expect(config.review.agents.tests.run).toBe(false);
    expect(config.permissions.trustedRepository).toBe(false);
    expect(config.permissions.approvalTimeoutMs).toBe(300_000);
    expect(config.llm.provider).toBe('none');
    expect(config.error.rollback.enabled).toBe(false);
  });

  it('merges a partial YAML file with the defaults', () => {
    const config = parseConfig(
      [
        'review:',
        '  failOn: warning',
        '  agents:',
        '    security: { severity: error }',
        '  rules:',
        '    "security/command-injection": off',
        '    "@typescript-eslint/no-unused-vars": warning',
        '  complexity: { cyclomatic: 12 }',
        'permissions:',
        '  grants: { rollback-agent: critical }',
        'llm: { provider: ollama, model: llama3, baseUrl: "http://127.0.0.1:11434" }',
      ].join('\n'),
      'orchestra.config.yaml',
    );
    expect(config.review.failOn).toBe('warning');
    expect(config.review.agents.security).toEqual({ enabled: true, severity: 'error', minConfidence: 0.5 });
    expect(config.review.agents.style.enabled).toBe(true);
    expect(config.review.rules).toEqual({ 'security/command-injection': 'off', '@typescript-eslint/no-unused-vars': 'warning' });
    expect(config.review.complexity).toEqual({ cyclomatic: 12, cognitive: 15, nesting: 5, length: 150 });
    expect(config.permissions.grants).toEqual({ 'rollback-agent': 'critical' });
    expect(config.llm).toEqual({ provider: 'ollama', model: 'llama3', baseUrl: 'http://127.0.0.1:11434' });
  });

  it('parses JSON with a $schema reference and a BOM', () => {
    const config = parseConfig('\uFEFF{"$schema": "./schema/orchestra.schema.json", "github": {"inlineComments": false}}', 'orchestra.config.json');
    expect(config.github).toEqual({ summaryComment: true, inlineComments: false, checkRun: true });
  });
});

describe('parseConfig: invalid content names file, key, expectation and what was found', () => {
  it('reports every issue, not just the first, with line:col', () => {
    const error = failure(['review:', '  failOn: sometimes', '  agents:', '    secrity: {}', 'memory:', '  ttlDays: -3', ''].join('\n'));
    expect(error.name).toBe('InvalidInputError');
    expect(error.where).toEqual({ file: 'orchestra.config.yaml', key: 'review.failOn' });
    expect(error.message).toContain('(3 problems)');
    expect(error.message).toContain(
      'orchestra.config.yaml:2:11 review.failOn: expected one of "error", "warning", "never"; found the string "sometimes"',
    );
    expect(error.message).toContain('orchestra.config.yaml:4:5 review.agents.secrity: unknown key; did you mean "security"?');
    expect(error.message).toContain('orchestra.config.yaml:6:12 memory.ttlDays: expected a number at least 1, found number -3');
  });

  it('reports wrong types', () => {
    const error = failure('{"github": {"checkRun": "yes"}, "review": {"ignore": "dist/**"}}', 'orchestra.config.json');
    expect(error.message).toContain('github.checkRun: expected true or false, found the string "yes"');
    expect(error.message).toContain('review.ignore: expected a list, found the string "dist/**"');
    expect(error.message).toMatch(/orchestra\.config\.json:1:\d+ github\.checkRun/);
  });

  it('lists allowed keys when no key is close', () => {
    const error = failure('github:\n  zzzzzzzz: true\n');
    expect(error.message).toContain('github.zzzzzzzz: unknown key; allowed keys here: summaryComment, inlineComments, checkRun');
  });

  it('suggests top-level keys and ignores case in suggestions', () => {
    expect(failure('reveiw: {}\n').message).toContain('reveiw: unknown key; did you mean "review"?');
    expect(failure('review: { failon: error }\n').message).toContain('review.failon: unknown key; did you mean "failOn"?');
  });

  it('quotes record keys in paths and checks rule ids and values', () => {
    const error = failure('review:\n  rules:\n    "security/x": sometimes\n    "bad rule": off\n');
    expect(error.message).toContain('review.rules["security/x"]: expected one of "off", "error", "warning", "info"');
    expect(error.message).toContain('review.rules["bad rule"]: invalid key: expected a rule id');
  });

  it('rejects a top level that is not a mapping', () => {
    expect(failure('- a\n- b\n').message).toContain('expected a mapping of settings');
    expect(failure('42', 'orchestra.config.json').message).toContain('found number 42');
  });

  it('rejects unknown file extensions', () => {
    expect(() => parseConfig('{}', 'orchestra.config.toml')).toThrow(/must end in \.json, \.yaml or \.yml/);
  });

  it('validateConfig returns positioned issues instead of throwing', () => {
    const result = validateConfig('background:\n  cpuBudgetPercent: 500\n', 'x.yml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      expect.objectContaining({ path: ['background', 'cpuBudgetPercent'], key: 'background.cpuBudgetPercent', line: 2, column: 21 }),
    ]);
  });
});

describe('parseConfig: secrets are refused and never echoed', () => {
  const githubToken = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
  const openAiKey = `sk-proj-${'Zx9Yw8Vu7T'.repeat(3)}`;

  it('refuses an api key under llm with advice to use an environment variable', () => {
    const error = failure(`llm:\n  provider: openai\n  apiKey: ${openAiKey}\n`);
    expect(error.message).toContain('llm.apiKey');
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).not.toContain(openAiKey);
  });

  it('refuses credential-named keys even with harmless values', () => {
    expect(failure('github:\n  token: x\n').message).toContain('github.token: a key named like a credential is not allowed');
    expect(failure('{"llm": {"password": "x"}}', 'orchestra.config.json').message).toContain('llm.password');
  });

  it('refuses token-shaped values anywhere, without showing them', () => {
    const error = failure(
      `review:\n  agents:\n    tests:\n      command: "GITHUB_TOKEN=${githubToken} npm test"\nllm:\n  baseUrl: "https://user:hunter2secret@example.com/v1"\n`,
    );
    expect(error.message).toContain('review.agents.tests.command: looks like a GitHub token');
    expect(error.message).toContain('llm.baseUrl: looks like a password in a URL');
    expect(error.message).not.toContain(githubToken);
    expect(error.message).not.toContain('hunter2secret');
  });

  it('does not echo a credential used as a key', () => {
    const error = failure(`${githubToken}: true\n`);
    expect(error.message).not.toContain(githubToken);
    expect(error.message).toContain('looks like a credential');
  });

  it('accepts an environment variable name for the key', () => {
    expect(parseConfig('llm: { provider: anthropic, apiKeyEnv: MY_LLM_KEY }', 'a.yml').llm.apiKeyEnv).toBe('MY_LLM_KEY');
    expect(failure('llm: { apiKeyEnv: "not a var" }').message).toContain('expected an environment variable name');
  });
});
