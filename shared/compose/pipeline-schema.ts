/**
 * The schema of a pipeline file (YAML), defined once: the type is derived from it and the JSON
 * schema users see (editor completion for `*.pipeline.yml`) is generated from it.
 *
 * ```yaml
 * name: fix-failing-test
 * deadlineMs: 60000
 * steps:
 *   - name: triage
 *     capability: log_analysis
 *   - name: debug
 *     capability: debugging
 *     when: { ref: $previous.kind, equals: bug }
 *   - name: checks
 *     parallel:
 *       - { name: lint, capability: lint }
 *       - { name: test, capability: test_runner, input: { patch: $steps.debug.patch } }
 * ```
 */
import { z } from 'zod';

/** `$input`, `$previous` or `$steps.NAME`, each optionally followed by `.key` parts (array indexes are numbers). */
export const REFERENCE_PATTERN = /^\$(input|previous|steps\.[A-Za-z][A-Za-z0-9_-]{0,63})(\.[A-Za-z0-9_-]{1,64}){0,16}$/;

/** Step names: they appear in `$steps.NAME` references, so they are identifiers. */
const stepName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, { error: 'a step name must start with a letter and hold only letters, digits, "-" or "_" (at most 64)' })
  .describe('Unique name of the step; later steps refer to its output as $steps.NAME.');

const reference = z
  .string()
  .regex(REFERENCE_PATTERN, { error: 'a reference must be "$input", "$previous" or "$steps.NAME", optionally followed by ".key" parts' })
  .describe('A value of the run: $input, $previous or $steps.NAME, then optional .key parts.');

const scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

const OPERATORS = ['equals', 'notEquals', 'in', 'exists', 'truthy', 'gt', 'gte', 'lt', 'lte'] as const;
const COMBINATORS = ['all', 'any', 'not'] as const;

/** A condition object: a test on one reference, or a combination of conditions. */
const conditionObject = z
  .strictObject({
    ref: reference.optional(),
    equals: scalar.optional().describe('The referenced value equals this.'),
    notEquals: scalar.optional().describe('The referenced value differs from this.'),
    in: z.array(scalar).max(100).optional().describe('The referenced value is one of these.'),
    exists: z.boolean().optional().describe('true: the referenced value is present (not undefined or null); false: absent.'),
    truthy: z.boolean().optional().describe('true: the value is truthy (a non-empty array or object counts); false: falsy.'),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    get all() {
      return z.array(condition).min(1).max(20).optional().describe('Every condition holds.');
    },
    get any() {
      return z.array(condition).min(1).max(20).optional().describe('At least one condition holds.');
    },
    get not() {
      return condition.optional().describe('The condition does not hold.');
    },
  })
  .superRefine((value, ctx) => {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    const ops = keys.filter((k) => (OPERATORS as readonly string[]).includes(k));
    const combos = keys.filter((k) => (COMBINATORS as readonly string[]).includes(k));
    if (combos.length > 0) {
      if (combos.length > 1 || ops.length > 0 || value.ref !== undefined) {
        ctx.addIssue({ code: 'custom', message: `a condition with "${combos[0]}" may have no other key, found: ${keys.join(', ')}` });
      }
      return;
    }
    if (value.ref === undefined) {
      ctx.addIssue({ code: 'custom', message: `a condition needs "ref" and one of ${OPERATORS.join(', ')}; or one of ${COMBINATORS.join(', ')}` });
    } else if (ops.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a condition on "${value.ref}" needs exactly one of ${OPERATORS.join(', ')}, found ${ops.length === 0 ? 'none' : ops.join(', ')}` });
    }
  });

/** A step's `when`: a reference (runs when it is truthy) or a condition object. */
export const conditionSchema: z.ZodType<ConditionDefinition> = z
  .union([reference, conditionObject])
  .describe('Runs the step only when this holds: a reference (truthy) or a condition object.')
  .meta({ id: 'PipelineCondition' });
const condition = conditionSchema;

/** A condition as written in a pipeline file. */
export type ConditionDefinition =
  | string
  | {
      ref?: string;
      equals?: string | number | boolean | null;
      notEquals?: string | number | boolean | null;
      in?: (string | number | boolean | null)[];
      exists?: boolean;
      truthy?: boolean;
      gt?: number;
      gte?: number;
      lt?: number;
      lte?: number;
      all?: ConditionDefinition[];
      any?: ConditionDefinition[];
      not?: ConditionDefinition;
    };

/** One step of a pipeline file. */
export interface StepDefinition {
  name: string;
  capability?: string;
  agent?: string;
  type?: string;
  input?: z.core.util.JSONType;
  when?: ConditionDefinition;
  deadlineMs?: number;
  parallel?: StepDefinition[];
}

const deadline = z.number().int().min(1).max(86_400_000, { error: 'a deadline is at most 86400000 ms (one day)' });

/** Schema of one step. Exactly one of `capability`, `agent`, `parallel`. */
export const stepSchema: z.ZodType<StepDefinition> = z
  .strictObject({
    name: stepName,
    capability: z.string().min(1).max(128).optional().describe('Dispatch to an agent offering this capability.'),
    agent: z.string().min(1).max(128).optional().describe('Dispatch to the agent with this id.'),
    type: z.string().min(1).max(128).optional().describe('Task type sent to the agent (default: the capability, or the step name).'),
    input: z
      .json()
      .optional()
      .describe('The task input (default: the previous output). Strings that are references are replaced by the value; "$$x" is the literal "$x".'),
    when: condition.optional(),
    deadlineMs: deadline.optional().describe('Milliseconds the step may take; the pipeline deadline caps it.'),
    get parallel() {
      return z.array(stepSchema).min(1).max(32).optional().describe('Steps run concurrently on this step\'s input; the output maps each name to its output.');
    },
  })
  .superRefine((value, ctx) => {
    const targets = (['capability', 'agent', 'parallel'] as const).filter((k) => value[k] !== undefined);
    if (targets.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: targets.length === 0 ? 'a step needs one of "capability", "agent" or "parallel"' : `a step takes only one of "capability", "agent", "parallel", found ${targets.join(' and ')}`,
      });
    }
    if (value.parallel !== undefined && (value.input !== undefined || value.type !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a parallel step takes no "input" or "type": put them on its child steps' });
    }
  })
  .meta({ id: 'PipelineStep' });

/** Schema of a whole pipeline file. */
export const pipelineSchema = z
  .strictObject({
    name: z.string().min(1).max(128).optional().describe('Shown in messages.'),
    description: z.string().max(4000).optional(),
    deadlineMs: deadline.optional().describe('Milliseconds the whole run may take by default.'),
    strategy: z.enum(['round-robin', 'least-busy']).optional().describe('How capability steps choose among agents.'),
    steps: z.array(stepSchema).min(1, { error: 'a pipeline needs at least one step' }).max(100).describe('Run in order; each takes the previous output.'),
  })
  .meta({ title: 'Orchestra pipeline' });

/** A validated pipeline file. */
export type PipelineDefinition = z.output<typeof pipelineSchema>;

/** The JSON schema of pipeline files, for editors and docs. */
export function pipelineJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineSchema, { io: 'input' }) as Record<string, unknown>;
}
