/**
 * The configured language model as a LangChain chat model (`llm` in the config). LLMs are optional:
 * `none` (the default) gives `undefined` and every agent works without one. API keys come from
 * environment variables only (shared/config/llm-api-key.ts). `vscode` is the editor's own model,
 * which only the extension can reach: elsewhere it counts as none.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { InvalidInputError } from '../../shared/errors/errors.js';
import { llmApiKey, type OrchestraConfig } from '../../shared/config/index.js';

const DEFAULT_MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest', ollama: 'llama3.1' } as const;

/** A chat model for the config's provider, or undefined when none is configured. Throws a clear error when a key is missing. */
export async function chatModelFromConfig(llm: OrchestraConfig['llm'], env: Readonly<Record<string, string | undefined>> = process.env): Promise<BaseChatModel | undefined> {
  if (llm.provider === 'none' || llm.provider === 'vscode') return undefined;
  const { variable, key } = llmApiKey(llm, env);
  if (llm.provider !== 'ollama' && key === undefined) {
    throw new InvalidInputError(`The config asks for the ${llm.provider} language model, but the environment variable ${variable} that holds its API key is not set. Set it, or set llm.provider to "none".`);
  }
  const model = llm.model ?? DEFAULT_MODELS[llm.provider];
  switch (llm.provider) {
    case 'openai': {
      const { ChatOpenAI } = await import('@langchain/openai');
      return new ChatOpenAI({ model, apiKey: key, temperature: 0, maxRetries: 1, configuration: llm.baseUrl ? { baseURL: llm.baseUrl } : undefined });
    }
    case 'anthropic': {
      const { ChatAnthropic } = await import('@langchain/anthropic');
      return new ChatAnthropic({ model, apiKey: key, temperature: 0, maxRetries: 1, anthropicApiUrl: llm.baseUrl });
    }
    case 'ollama': {
      const { ChatOllama } = await import('@langchain/ollama');
      return new ChatOllama({ model, temperature: 0, baseUrl: llm.baseUrl });
    }
  }
}
