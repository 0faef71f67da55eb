/**
 * The one schema of the Orchestra config (`orchestra.config.json`, `orchestra.config.yaml`/`.yml`,
 * `.github/orchestra.yml`). The TypeScript type and the JSON schema users see
 * (`schema/orchestra.schema.json`, see generate-json-schema.ts) are both derived from it. Every key
 * has a default, so an empty file is a valid config.
 *
 * To add a setting: add the key here with `.default()` and `.describe()`, run the schema generator,
 * and commit the regenerated JSON schema (a test fails while it is stale).
 */
import { z } from 'zod';
import { PERMISSION_LEVELS } from '../governance/permissions.js';
import { reviewConfigSchema } from './review-config-schema.js';
import { repoPathSchema } from './schema-primitives.js';
import { secretShape } from './secret-shape.js';

const permissionLevel = z.enum(PERMISSION_LEVELS);

const agentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { error: 'expected an agent id such as "security-agent" (letters, digits, . _ : / -)' });

const errorSchema = z
  .strictObject({
    logs: z
      .array(repoPathSchema('log path or glob'))
      .max(200)
      .default([])
      .describe('Log files (paths or globs, relative to the repository root) the error swarm watches for crashes and stack traces.'),
    sensitivity: z
      .enum(['low', 'medium', 'high'])
      .default('medium')
      .describe('How readily a log line counts as an error: `low` only fatal crashes, `high` also warnings and suspicious patterns. Default: "medium".'),
    bisect: z
      .strictObject({
        timeBudgetMs: z
          .number()
          .int()
          .min(1000)
          .max(86_400_000)
          .default(600_000)
          .describe('Milliseconds a bisection may take in total before it stops and reports its best guess. Default: 600000 (10 minutes).'),
        maxRuns: z.number().int().min(1).max(1000).default(20).describe('Most test runs one bisection may make. Default: 20.'),
      })
      .prefault({})
      .describe('Finding the commit that introduced a failure.'),
    rollback: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe('Allow the error swarm to propose reverting the culprit commit. Always needs an approval. Default: false.'),
        maxPerDay: z.number().int().min(0).max(100).default(1).describe('Most rollbacks proposed per day. Default: 1.'),
      })
      .prefault({})
      .describe('Proposing a revert of the commit that broke the build.'),
  })
  .prefault({})
  .describe('The error swarm: watches logs and test failures, finds the cause.');

const backgroundSchema = z
  .strictObject({
    cpuBudgetPercent: z
      .number()
      .min(1)
      .max(100)
      .default(10)
      .describe('Share of one CPU core (1..100) background agents may use on average; work is deferred beyond it. Default: 10.'),
    lowPower: z
      .boolean()
      .default(false)
      .describe('Pause background agents on battery power and run them only on explicit request. Default: false.'),
  })
  .prefault({})
  .describe('Background agents (watchers, learners, maintainers).');

const permissionsSchema = z
  .strictObject({
    grants: z
      .record(agentId, permissionLevel)
      .default({})
      .describe('Highest permission level granted per agent id (read_only < read_write < execute < critical). Agents not listed get read_write.'),
    approvalTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(86_400_000)
      .default(300_000)
      .describe('Milliseconds an approval request waits for an answer; unanswered requests are denied. Default: 300000 (5 minutes).'),
    trustedRepository: z
      .boolean()
      .default(false)
      .describe(
        "The repository's code may be executed (running its tests). Hosts must read this from a trusted revision (the default branch), never from the change under review. Default: false.",
      ),
  })
  .prefault({})
  .describe('What agents may do without asking.');

const llmSchema = z
  .strictObject({
    provider: z
      .enum(['none', 'openai', 'anthropic', 'ollama', 'vscode'])
      .default('none')
      .describe('Language model used for explanations and fixes: `vscode` uses the editor\'s model, `none` disables LLM features. Default: "none".'),
    model: z.string().min(1).max(200).optional().describe("Model name, e.g. \"gpt-4o-mini\". Unset: the provider's default."),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as "http://127.0.0.1:11434"' })
      .regex(/^https?:\/\//i, { error: 'expected an http(s) URL such as "http://127.0.0.1:11434"' })
      .max(2048)
      .refine((url) => secretShape(url) === undefined, { error: 'expected a URL without credentials; put the API key in an environment variable' })
      .optional()
      .describe('Endpoint of the provider (an OpenAI-compatible gateway, a local Ollama). Unset: the provider\'s public endpoint.'),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, { error: 'expected an environment variable name such as "MY_LLM_KEY" (the key itself never goes in this file)' })
      .optional()
      .describe('Name of the environment variable holding the API key. Unset: OPENAI_API_KEY or ANTHROPIC_API_KEY. API keys are never read from config files.'),
  })
  .prefault({})
  .describe('The language model. API keys come from environment variables only.');

const githubSchema = z
  .strictObject({
    summaryComment: z.boolean().default(true).describe('Post (and update) one summary comment on the pull request. Default: true.'),
    inlineComments: z.boolean().default(true).describe('Post review comments on the changed lines. Default: true.'),
    checkRun: z.boolean().default(true).describe('Report a check run with annotations. Default: true.'),
  })
  .prefault({})
  .describe('How the GitHub App reports on pull requests.');

const memorySchema = z
  .strictObject({
    dir: repoPathSchema('directory').default('.orchestra/memory').describe('Directory of the memory store (relative to the repository root). Default: ".orchestra/memory".'),
    maxBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(1024 * 1024 * 1024 * 64)
      .default(256 * 1024 * 1024)
      .describe('Size the memory store is kept under; least recently written entries are evicted beyond it. Default: 268435456 (256 MiB).'),
    ttlDays: z.number().int().min(1).max(3650).default(90).describe('Days an entry is kept unless refreshed. Default: 90.'),
  })
  .prefault({})
  .describe('What agents remember between runs (findings, discoveries, learned patterns).');

const auditSchema = z
  .strictObject({
    path: repoPathSchema('path').default('.orchestra/audit.jsonl').describe('Append-only, hash-chained audit log of agent actions. Default: ".orchestra/audit.jsonl".'),
  })
  .prefault({})
  .describe('The audit trail.');

/** The schema of an Orchestra config file. Parse outside input with it, never cast. */
export const configSchema = z
  .strictObject({
    $schema: z.string().max(2048).optional().describe('JSON schema reference for editors, e.g. "./schema/orchestra.schema.json". Ignored by Orchestra.'),
    version: z.literal(1).default(1).describe('Version of this file format. Default: 1.'),
    review: reviewConfigSchema,
    error: errorSchema,
    background: backgroundSchema,
    permissions: permissionsSchema,
    llm: llmSchema,
    github: githubSchema,
    memory: memorySchema,
    audit: auditSchema,
  })
  .prefault({})
  .describe('Orchestra configuration: swarms of small agents that review changes, chase errors and watch the codebase.');

/** A validated config with every default filled in. */
export type OrchestraConfig = z.output<typeof configSchema>;

/** What a config file may contain (every key optional). */
export type OrchestraConfigInput = z.input<typeof configSchema>;

/** A fresh copy of the default config, as an empty file gives. */
export function defaultConfig(): OrchestraConfig {
  return configSchema.parse({});
}
