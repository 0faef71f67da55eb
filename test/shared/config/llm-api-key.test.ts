import { describe, expect, it } from '@jest/globals';
import { llmApiKey } from '../../../shared/config/llm-api-key.js';
import { parseConfig } from '../../../shared/config/parse-config.js';

const llm = (yaml: string) => parseConfig(yaml, 'a.yml').llm;

describe('llmApiKey', () => {
  it('reads the provider default variable', () => {
    expect(llmApiKey(llm('llm: { provider: openai }'), { OPENAI_API_KEY: 'k1' })).toEqual({ variable: 'OPENAI_API_KEY', key: 'k1' });
    expect(llmApiKey(llm('llm: { provider: anthropic }'), { OPENAI_API_KEY: 'k1' })).toEqual({ variable: 'ANTHROPIC_API_KEY', key: undefined });
  });

  it('reads the variable named by apiKeyEnv', () => {
    expect(llmApiKey(llm('llm: { provider: openai, apiKeyEnv: GATEWAY_KEY }'), { GATEWAY_KEY: 'k2', OPENAI_API_KEY: 'k1' })).toEqual({
      variable: 'GATEWAY_KEY',
      key: 'k2',
    });
  });

  it('needs no key for local and editor models, and treats empty as unset', () => {
    expect(llmApiKey(llm('llm: { provider: vscode }'), { OPENAI_API_KEY: 'k1' })).toEqual({ variable: undefined, key: undefined });
    expect(llmApiKey(llm('llm: { provider: ollama }'), {})).toEqual({ variable: undefined, key: undefined });
    expect(llmApiKey(llm('llm: { provider: openai }'), { OPENAI_API_KEY: '' }).key).toBeUndefined();
  });
});
