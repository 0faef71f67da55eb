/**
 * The typed intents that a person's command becomes, defined once with zod. Hosts (the VS Code chat
 * participant `@orchestra`, the chat panel, the CLI) execute an {@link Intent} against the running
 * agents; nothing else of the text reaches them.
 *
 * Two schemas, one source:
 * - {@link intentBodySchema}: the intent without its permission level. This is what a producer
 *   writes: `parseCommand` today, a language model through tool calling later
 *   ({@link intentJsonSchema} is its JSON schema, the tool's input).
 * - {@link intentSchema}: the body plus `permission`, which must be at least what
 *   {@link requiredPermission} computes from the body. A producer's claim is never trusted:
 *   {@link withPermission} derives it.
 *
 * Every object is strict (an unknown key is an error), every string has a pattern and a length
 * limit, every list a maximum, so a validated intent is safe to log, show and act on.
 */
import { z } from 'zod';
import { PERMISSION_LEVELS, atLeast } from '../governance/permissions.js';
import { requiredPermission } from './intent-permission.js';
import { MAX_PATH_LENGTH, WORKSPACE_PATH_PATTERN, workspacePathProblem } from './workspace-path.js';

/** Kinds of agent a command can start. */
export const AGENT_KINDS = ['security-scanner', 'syntax-checker', 'style-validator', 'complexity-analyzer', 'test-runner', 'log-watcher', 'review-swarm'] as const;
/** A kind of agent. */
export type AgentKind = (typeof AGENT_KINDS)[number];

/** Groups of agents a setting can target besides one kind. */
export const AGENT_GROUPS = ['all', 'background'] as const;

/** Steps of a chain, pipeline or cascade (each maps to a capability the host dispatches to). */
export const STEP_NAMES = ['syntax', 'security', 'lint', 'complexity', 'test', 'review', 'triage', 'debug', 'fix', 'summary', 'report'] as const;
/** A step name. */
export type StepName = (typeof STEP_NAMES)[number];

/** How steps are composed: see shared/compose (`AgentChain`, YAML pipelines, `Cascade`). */
export const ORCHESTRATION_KINDS = ['chain', 'pipeline', 'cascade'] as const;

/** What gates a cascade: it runs only when the scope has an error (failing test, crash, log error) or findings. */
export const CASCADE_CONDITIONS = ['error', 'findings'] as const;

/** Questions about the running agents. */
export const MONITOR_QUESTIONS = ['status', 'resources', 'findings', 'patterns', 'discoveries'] as const;

/** Time windows a question can be limited to. */
export const MONITOR_PERIODS = ['last-hour', 'today', 'yesterday', 'this-week'] as const;

/** Reporting thresholds, least to most severe. */
export const SENSITIVITY_LEVELS = ['info', 'warning', 'error', 'critical'] as const;

/** Areas a sensitivity applies to. */
export const MONITORING_AREAS = ['error-monitoring', 'security', 'syntax', 'style', 'complexity', 'tests', 'logs'] as const;

/** Power modes: `low` runs background agents less often and on fewer threads. */
export const POWER_MODES = ['low', 'normal'] as const;

/** Families `help` can be asked about. */
export const HELP_TOPICS = ['spawn', 'configure', 'orchestrate', 'monitor', 'stop', 'approve', 'deny', 'explain'] as const;

/** Most agents one command may start: more is almost always a typo, and each agent costs memory. */
export const MAX_SPAWN_COUNT = 50;
/** Most paths in one scope. */
export const MAX_SCOPE_PATHS = 20;
/** Most steps in one chain, pipeline or cascade. */
export const MAX_STEPS = 12;

/** Agent ids, request ids: a letter or digit, then letters, digits and `. _ : -` (UUIDs fit). */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][\w.:-]{0,127}$/;
/** Rule ids (`security/sql-injection`, `eslint/@typescript-eslint/no-explicit-any`) and fingerprints (16 hex digits). */
export const EXPLAIN_TARGET_PATTERN = /^[A-Za-z0-9@][\w@.:/-]{0,199}$/;

const workspacePath = z
  .string()
  .min(1)
  .max(MAX_PATH_LENGTH)
  .regex(WORKSPACE_PATH_PATTERN)
  .refine((path) => workspacePathProblem(path) === undefined, { error: 'the path must stay inside the workspace: no "." or ".." segments' })
  .describe('A path relative to the workspace root, forward slashes, no ".." (the root itself is "."); "*" is a glob.');

const identifier = z.string().regex(IDENTIFIER_PATTERN);

/** Where agents look. An empty scope is the whole workspace. */
export const scopeSchema = z
  .strictObject({
    paths: z.array(workspacePath).min(1).max(MAX_SCOPE_PATHS).optional().describe('Folders or files (globs allowed) to limit the work to.'),
    changed: z.boolean().optional().describe('true: only the current changes (working tree against HEAD).'),
    file: workspacePath.optional().describe('The log file a log-watcher follows.'),
  })
  .describe('What to look at; empty means the whole workspace.');

const agentKind = z.enum(AGENT_KINDS);
const stepName = z.enum(STEP_NAMES);

const spawnBody = z
  .strictObject({
    type: z.literal('spawn'),
    agentKind: agentKind.describe('Which kind of agent to start.'),
    count: z.int().min(1).max(MAX_SPAWN_COUNT).describe(`How many (1 to ${MAX_SPAWN_COUNT}).`),
    scope: scopeSchema,
  })
  .describe('Start agents of one kind.');

const setting = z
  .union([
    z.strictObject({ powerMode: z.enum(POWER_MODES) }),
    z.strictObject({ enabled: z.boolean() }),
    z.strictObject({ sensitivity: z.enum(SENSITIVITY_LEVELS), area: z.enum(MONITORING_AREAS) }),
  ])
  .describe('Exactly one setting: a power mode, on/off, or the reporting threshold of an area.');

const configureBody = z
  .strictObject({
    type: z.literal('configure'),
    target: z.strictObject({
      agents: z.enum([...AGENT_GROUPS, ...AGENT_KINDS]).describe('"all", "background" or one kind of agent.'),
      paths: z.array(workspacePath).min(1).max(MAX_SCOPE_PATHS).optional().describe('Limit the setting to these paths.'),
    }),
    setting,
  })
  .describe('Change a setting of running agents.');

const orchestrateBody = z
  .strictObject({
    type: z.literal('orchestrate'),
    kind: z.enum(ORCHESTRATION_KINDS).describe('chain: each output feeds the next; pipeline: a chain kept as a named pipeline; cascade: runs only when the condition holds.'),
    steps: z.array(stepName).min(1).max(MAX_STEPS).describe('Step names in order.'),
    condition: z.enum(CASCADE_CONDITIONS).optional().describe('Cascades only: what must be present for the steps to run.'),
    scope: scopeSchema.optional(),
  })
  .describe('Compose steps into a chain, pipeline or cascade.');

const monitorBody = z
  .strictObject({
    type: z.literal('monitor'),
    question: z.enum(MONITOR_QUESTIONS),
    period: z.enum(MONITOR_PERIODS).optional(),
  })
  .describe('Ask about the agents: status, resource use, findings, learned patterns, discoveries.');

const stopBody = z
  .strictObject({
    type: z.literal('stop'),
    agent: identifier.optional().describe('An agent id or kind; absent means every agent.'),
  })
  .describe('Stop one agent, the agents of one kind, or all of them.');

const approveBody = z
  .strictObject({ type: z.literal('approve'), requestId: identifier.optional().describe('The pending request; absent means the only pending one.') })
  .describe('Approve a pending request (approval.requested).');

const denyBody = z
  .strictObject({ type: z.literal('deny'), requestId: identifier.optional().describe('The pending request; absent means the only pending one.') })
  .describe('Deny a pending request.');

const explainTarget = z
  .string()
  .regex(EXPLAIN_TARGET_PATTERN)
  .refine((target) => !target.includes('..'), { error: 'a rule id or fingerprint has no ".."' })
  .describe('A rule id (security/sql-injection) or a finding fingerprint (hex).');

const explainBody = z
  .strictObject({ type: z.literal('explain'), target: explainTarget.optional().describe('A rule id, a finding fingerprint or a traced failure fingerprint; absent: the latest failure the error swarm traced.') })
  .describe('Explain a rule, a finding or a traced failure; without a target, the latest failure ("what broke the build?").');

const helpBody = z.strictObject({ type: z.literal('help'), topic: z.enum(HELP_TOPICS).optional() }).describe('What Orchestra understands.');

const BODIES = [spawnBody, configureBody, orchestrateBody, monitorBody, stopBody, approveBody, denyBody, explainBody, helpBody] as const;

/** Checks that no schema of its own can express: which fields go with which kind. */
function checkCombinations(body: IntentBody, ctx: z.RefinementCtx): void {
  if (body.type === 'spawn' && body.scope.file !== undefined && body.agentKind !== 'log-watcher') {
    ctx.addIssue({ code: 'custom', path: ['scope', 'file'], message: 'only a log-watcher follows a file; use "paths" for other agents' });
  }
  if (body.type === 'orchestrate') {
    if (body.kind === 'cascade' && body.condition === undefined) {
      ctx.addIssue({ code: 'custom', path: ['condition'], message: 'a cascade needs a condition ("error" or "findings")' });
    }
    if (body.kind !== 'cascade' && body.condition !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['condition'], message: `only a cascade has a condition, not a ${body.kind}` });
    }
    if (body.kind !== 'cascade' && body.steps.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: `a ${body.kind} needs at least two steps` });
    }
    if (body.scope?.file !== undefined) ctx.addIssue({ code: 'custom', path: ['scope', 'file'], message: 'a composition works on paths, not a log file' });
  }
}

/** An intent without its permission level: what a producer (parser or language model) writes. */
export const intentBodySchema = z.discriminatedUnion('type', BODIES).superRefine(checkCombinations);

/** An intent as the parser produced it, before the permission level is attached. */
export type IntentBody = z.output<typeof intentBodySchema>;

const permissionLevel = z.enum(PERMISSION_LEVELS).describe('read_only < read_write < execute < critical; execute and critical need a confirmation.');

/** A validated intent: the body plus the permission level it needs (at least {@link requiredPermission}). */
export const intentSchema = z
  .discriminatedUnion('type', [
    spawnBody.extend({ permission: permissionLevel }),
    configureBody.extend({ permission: permissionLevel }),
    orchestrateBody.extend({ permission: permissionLevel }),
    monitorBody.extend({ permission: permissionLevel }),
    stopBody.extend({ permission: permissionLevel }),
    approveBody.extend({ permission: permissionLevel }),
    denyBody.extend({ permission: permissionLevel }),
    explainBody.extend({ permission: permissionLevel }),
    helpBody.extend({ permission: permissionLevel }),
  ])
  .superRefine((intent, ctx) => {
    checkCombinations(intent, ctx);
    const required = requiredPermission(intent);
    if (!atLeast(intent.permission, required)) {
      ctx.addIssue({ code: 'custom', path: ['permission'], message: `this intent needs at least "${required}", not "${intent.permission}"` });
    }
  });

/** A validated intent, ready for a host to execute (after confirmation when its permission needs one). */
export type Intent = z.output<typeof intentSchema>;

/** Attaches the permission level the body needs; the only way the parser makes an {@link Intent}. */
export function withPermission(body: IntentBody): Intent {
  return { ...body, permission: requiredPermission(body) };
}

/** The JSON schema of {@link intentBodySchema}: the input of a language model's tool that produces intents. */
export function intentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(intentBodySchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
