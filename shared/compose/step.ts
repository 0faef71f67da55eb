/**
 * Steps: the units chains, cascades and pipelines are made of. A step dispatches to an agent found
 * by capability, to one agent by id, runs a local function, or runs a group of steps in parallel.
 * `step.capability<I, O>(…)`, `step.agent<I, O>(…)`, `step.local(…)`, `step.parallel(…)` build them.
 */
import { BugIndicatingError, CircuitOpenError, InvalidInputError, errorMessage } from '../errors/errors.js';
import type { AgentDispatcher } from '../runtime/agent.js';
import { AgentPicker, type PickStrategy } from './agent-picker.js';
import { DeadlineScope } from './deadline-scope.js';
import { runStep, type RunState } from './run-step.js';

/** What a step sees besides its input. */
export interface StepContext {
  /** The dispatcher of the run (undefined for a composition of local functions only). */
  readonly dispatcher: AgentDispatcher | undefined;
  /** Spreads the run's dispatches over agents and counts what is in flight. */
  readonly picker: AgentPicker | undefined;
  /** Fires at the step's deadline or when the run is cancelled. Pass it on. */
  readonly signal: AbortSignal;
  /** Absolute deadline (ms since epoch) of the step; `Infinity` for none. */
  readonly deadline: number;
  /** The input the whole run started with. */
  readonly runInput: unknown;
  /** Outputs of the steps that finished so far, by step name. */
  readonly outputs: ReadonlyMap<string, unknown>;
  readonly traceId: string | undefined;
}

/** Where a step sends its work. */
export type StepTarget =
  | { kind: 'capability'; capability: string }
  | { kind: 'agent'; agentId: string }
  | { kind: 'local' }
  | { kind: 'parallel'; steps: readonly Step<unknown, unknown>[] };

/** One step: turns an `I` into an `O`. */
export interface Step<I, O> {
  /** Unique within its composition; errors and results name it. */
  readonly name: string;
  readonly target: StepTarget;
  /** Milliseconds this step may take (the run's remaining time caps it). */
  readonly deadlineMs: number | undefined;
  /** Does the work. Must honour `context.signal`; the runner also rejects at the deadline if it does not. */
  execute(input: I, context: StepContext): Promise<O>;
}

/** Something that validates a value into an `O`: a zod schema fits. */
export interface OutputParser<O> {
  parse(value: unknown): O;
}

/** Options shared by dispatching steps. */
export interface DispatchStepOptions<I, O> {
  /** Step name (default: the capability or agent id). */
  name?: string;
  /** Task type sent to the agent (default: the capability, or the step name for an agent step). */
  type?: string;
  deadlineMs?: number;
  /** Maps the step's input to the task's input (default: the input itself). */
  toTask?: (input: I, context: StepContext) => unknown;
  /** Validates what the agent returned, so a wrong shape fails here, naming the step. */
  output?: OutputParser<O>;
  /** How to choose among agents offering the capability (default: the run's picker strategy). */
  strategy?: PickStrategy;
}

/** Options of a local step. */
export interface LocalStepOptions {
  deadlineMs?: number;
}

function requireDispatcher(context: StepContext, name: string): { dispatcher: AgentDispatcher; picker: AgentPicker } {
  if (context.dispatcher === undefined) {
    throw new BugIndicatingError(`Step "${name}" dispatches to an agent but the composition has no dispatcher: pass { dispatcher } when building or running it`);
  }
  return { dispatcher: context.dispatcher, picker: context.picker ?? new AgentPicker(context.dispatcher) };
}

function parseOutput<O>(value: unknown, parser: OutputParser<O> | undefined, name: string, agentId: string): O {
  if (parser === undefined) return value as O;
  try {
    return parser.parse(value);
  } catch (error) {
    throw new InvalidInputError(`Agent "${agentId}" returned output step "${name}" does not accept: ${errorMessage(error)}`, { key: name }, { cause: error });
  }
}

/** True for a dispatcher's refusal to run a task on an agent (circuit open, agent unknown). */
export function refusedBy(error: unknown): boolean {
  return error instanceof CircuitOpenError || (error instanceof InvalidInputError && error.where.key === 'agentId');
}

/** Milliseconds left before `deadline`, as a dispatcher accepts them (a whole number, at least 1). */
export function dispatchBudget(deadline: number): number | undefined {
  return Number.isFinite(deadline) ? Math.max(1, Math.ceil(deadline - Date.now())) : undefined;
}

async function dispatchTo<I, O>(agentId: string, picker: AgentPicker, dispatcher: AgentDispatcher, type: string, input: I, context: StepContext, options: DispatchStepOptions<I, O>, name: string): Promise<O> {
  const taskInput = options.toTask ? options.toTask(input, context) : input;
  picker.acquire(agentId);
  try {
    const task = { type, input: taskInput, ...(context.traceId === undefined ? {} : { traceId: context.traceId }) };
    const output = await dispatcher.dispatch(agentId, task, { signal: context.signal, deadlineMs: dispatchBudget(context.deadline) });
    return parseOutput(output, options.output, name, agentId);
  } catch (error) {
    // The agent is gone or refusing: the next pick must not trust cached discovery.
    if (refusedBy(error)) picker.invalidate();
    throw error;
  } finally {
    picker.release(agentId);
  }
}

/** A step dispatched to an agent that offers `capability`, chosen by the run's picker. */
function capability<I, O = unknown>(capabilityName: string, options: DispatchStepOptions<I, O> = {}): Step<I, O> {
  const name = options.name ?? capabilityName;
  const type = options.type ?? capabilityName;
  return {
    name,
    target: { kind: 'capability', capability: capabilityName },
    deadlineMs: options.deadlineMs,
    async execute(input, context) {
      const { dispatcher, picker } = requireDispatcher(context, name);
      const candidates = picker.candidates(capabilityName, { key: name });
      const agent = picker.pickFrom(candidates, capabilityName, undefined, options.strategy);
      return dispatchTo(agent.id, picker, dispatcher, type, input, context, options, name);
    },
  };
}

/** A step dispatched to the agent with id `agentId`. */
function agent<I, O = unknown>(agentId: string, options: DispatchStepOptions<I, O> = {}): Step<I, O> {
  const name = options.name ?? agentId;
  const type = options.type ?? name;
  return {
    name,
    target: { kind: 'agent', agentId },
    deadlineMs: options.deadlineMs,
    async execute(input, context) {
      const { dispatcher, picker } = requireDispatcher(context, name);
      return dispatchTo(agentId, picker, dispatcher, type, input, context, options, name);
    },
  };
}

/** A step that runs `fn` in-process. `fn` should honour `context.signal` when it may take long. */
function local<I, O>(name: string, fn: (input: I, context: StepContext) => O | Promise<O>, options: LocalStepOptions = {}): Step<I, O> {
  return {
    name,
    target: { kind: 'local' },
    deadlineMs: options.deadlineMs,
    async execute(input, context) {
      return fn(input, context);
    },
  };
}

/**
 * A step that runs `steps` concurrently on the same input and outputs `{ [childName]: output }`.
 * The first child to fail cancels its siblings (their signals fire) and fails the group.
 */
function parallel<I>(name: string, steps: readonly Step<I, unknown>[], options: LocalStepOptions = {}): Step<I, Record<string, unknown>> {
  const names = new Set<string>();
  for (const s of steps) {
    if (names.has(s.name)) throw new BugIndicatingError(`Parallel step "${name}" has two children named "${s.name}"`);
    names.add(s.name);
  }
  return {
    name,
    target: { kind: 'parallel', steps: steps as readonly Step<unknown, unknown>[] },
    deadlineMs: options.deadlineMs,
    async execute(input, context) {
      const group = new DeadlineScope({ signal: context.signal, parentDeadline: context.deadline, label: `parallel step "${name}"` });
      const outputs = context.outputs as Map<string, unknown>;
      const state: RunState = { ...context, scope: group, callerSignal: undefined, outputs };
      try {
        const results = await Promise.all(
          steps.map((child, i) =>
            runStep(child, i, input, state).catch((error: unknown) => {
              group.abort();
              throw error;
            }),
          ),
        );
        const out: Record<string, unknown> = {};
        steps.forEach((child, i) => {
          out[child.name] = results[i];
        });
        return out;
      } finally {
        group.dispose();
      }
    },
  };
}

/** Builds steps: `step.capability`, `step.agent`, `step.local`, `step.parallel`. */
export const step = { capability, agent, local, parallel } as const;

/** Wraps a plain function as a local step, naming it after the function or its position. */
export function toStep<I, O>(value: Step<I, O> | ((input: I, context: StepContext) => O | Promise<O>), index: number): Step<I, O> {
  if (typeof value !== 'function') return value;
  return local(value.name || `step-${index + 1}`, value);
}
