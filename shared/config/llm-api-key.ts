/**
 * API keys for language models come from environment variables only, never from config files
 * (see secret-shape.ts). This resolves which variable to read and reads it.
 */
import type { OrchestraConfig } from './config-schema.js';

/** The environment variable a provider's key is read from when `llm.apiKeyEnv` is unset. */
const DEFAULT_KEY_VARIABLES: Partial<Record<OrchestraConfig['llm']['provider'], string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};

/**
 * The API key for the configured LLM provider, read from the environment. `undefined` when the
 * provider needs none (none, ollama, vscode) or the variable is unset or empty; `variable` names
 * the variable consulted, so a host can tell the user which one to set.
 */
export function llmApiKey(
  llm: OrchestraConfig['llm'],
  env: Readonly<Record<string, string | undefined>> = process.env,
): { variable: string | undefined; key: string | undefined } {
  const variable = llm.apiKeyEnv ?? DEFAULT_KEY_VARIABLES[llm.provider];
  if (variable === undefined) return { variable: undefined, key: undefined };
  const key = env[variable];
  return { variable, key: key ? key : undefined };
}
