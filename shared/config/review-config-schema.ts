/**
 * The `review` section of the Orchestra config: the review swarm (syntax, style, security, complexity
 * and tests agents), how findings gate a change, and which findings are shown. Every key carries a
 * `.describe()` text: it becomes the description users see in the generated JSON schema.
 */
import { z } from 'zod';
import { repoPathSchema, severitySchema } from './schema-primitives.js';

/** Keys every review agent has. */
const agentKeys = (name: string, enabledByDefault: boolean) => ({
  enabled: z.boolean().default(enabledByDefault).describe(`Run the ${name} agent. Default: ${enabledByDefault}.`),
  severity: severitySchema
    .optional()
    .describe(`Severity given to every finding of the ${name} agent, overriding the agent's own. Unset: keep the agent's severity.`),
});

const ruleId = z
  .string()
  .regex(/^[A-Za-z0-9@][A-Za-z0-9@._/-]{0,199}(\/\*)?$/, {
    error: 'expected a rule id such as "security/command-injection", a family such as "security/*", or a short name such as "no-unused-vars"',
  });

/** Schema of the `review` section. */
export const reviewConfigSchema = z
  .strictObject({
    agents: z
      .strictObject({
        syntax: z.strictObject(agentKeys('syntax', true)).prefault({}).describe('The syntax agent: parse errors.'),
        style: z.strictObject(agentKeys('style', true)).prefault({}).describe('The style agent: ESLint (see review.eslint).'),
        security: z
          .strictObject({
            ...agentKeys('security', true),
            minConfidence: z
              .number()
              .min(0)
              .max(1)
              .default(0.5)
              .describe('Security findings whose confidence (0..1) is below this are not reported. Default: 0.5.'),
          })
          .prefault({})
          .describe('The security agent: injection, secrets, unsafe APIs.'),
        complexity: z
          .strictObject(agentKeys('complexity', true))
          .prefault({})
          .describe('The complexity agent (thresholds in review.complexity).'),
        tests: z
          .strictObject({
            ...agentKeys('tests', true),
            run: z
              .boolean()
              .default(false)
              .describe(
                'Execute the test suite for changed files, not only check that tests exist. Runs repository code: it needs `permissions.trustedRepository: true`. Default: false.',
              ),
            command: z
              .string()
              .min(1)
              .max(1000)
              .optional()
              .describe('Command that runs the tests (e.g. "npm test --"). Unset: detected from package.json.'),
            timeoutMs: z
              .number()
              .int()
              .min(1000)
              .max(3_600_000)
              .default(120_000)
              .describe('Milliseconds one test run may take before it is cancelled. Default: 120000.'),
          })
          .prefault({})
          .describe('The tests agent: missing tests for changed code, and optionally running them.'),
      })
      .prefault({})
      .describe('The review swarm: one key per agent.'),
    failOn: z
      .enum(['error', 'warning', 'never'])
      .default('error')
      .describe('Fail the check (exit code, check run conclusion) when a reported finding has at least this severity; `never` only reports. Default: "error".'),
    filter: z
      .enum(['added', 'diff_context', 'file', 'nofilter'])
      .default('added')
      .describe(
        'Which findings of a change are reported: `added` on added or changed lines, `diff_context` anywhere in the diff hunks, `file` anywhere in a changed file, `nofilter` everywhere. Default: "added".',
      ),
    ignore: z
      .array(repoPathSchema('glob'))
      .max(1000)
      .default(['**/node_modules/**', '**/dist/**', '**/*.min.js'])
      .describe('Globs (relative to the repository root) of files never reviewed. Replaces the default list.'),
    rules: z
      .record(ruleId, z.enum(['off', 'error', 'warning', 'info']))
      .default({})
      .describe('Per-rule override: "off" suppresses the rule, a severity replaces the rule\'s own. Keys are rule ids such as "security/command-injection", families such as "security/*", or the name after the slash ("no-unused-vars"); the most specific key wins.'),
    baseline: repoPathSchema('path')
      .optional()
      .describe('Baseline file (relative to the repository root) listing fingerprints of accepted findings; they are suppressed. Unset: no baseline.'),
    complexity: z
      .strictObject({
        cyclomatic: z.number().int().min(1).max(1000).default(20).describe('Highest cyclomatic complexity a function may have. Default: 20 (as ESLint\'s complexity rule).'),
        cognitive: z.number().int().min(1).max(1000).default(15).describe('Highest cognitive complexity a function may have. Default: 15.'),
        nesting: z.number().int().min(1).max(100).default(5).describe('Deepest block nesting allowed inside a function. Default: 5.'),
        length: z.number().int().min(1).max(100_000).default(150).describe('Most lines a function may span. Default: 150.'),
      })
      .prefault({})
      .describe('Thresholds of the complexity agent; exceeding one is a finding.'),
    eslint: z
      .strictObject({
        configFile: repoPathSchema('path')
          .optional()
          .describe('ESLint flat config file to use (relative to the repository root). Unset: see useRepoConfig.'),
        useRepoConfig: z
          .boolean()
          .default(true)
          .describe("Use the repository's own eslint.config.* when present; false: use Orchestra's built-in rules only. Default: true."),
      })
      .prefault({})
      .describe('How the style agent runs ESLint.'),
  })
  .prefault({})
  .describe('The review swarm: which agents run on a change and how their findings are reported.');
