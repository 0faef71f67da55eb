/**
 * Pipelines declared in YAML: parsed with `yaml`, validated with the zod schema in
 * pipeline-schema.ts, checked (unique names, references only to steps that ran before), and
 * compiled to an {@link AgentChain} (no conditions) or a {@link Cascade} (some step has `when`).
 * Hostile input is refused with an {@link InvalidInputError} naming the file, line, key and step:
 * oversized text, alias bombs, deep nesting, custom tags, duplicate or complex keys, wrong types.
 */
import { LineCounter, isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { InvalidInputError, errorMessage } from '../errors/errors.js';
import type { AgentDispatcher } from '../runtime/agent.js';
import { chain, type AgentChain } from './agent-chain.js';
import { cascade, type Cascade } from './cascade.js';
import { evaluateCondition, referencedStep, referencesIn, resolveTemplate } from './pipeline-expressions.js';
import { formatKey, renderProblems, toProblems, type DocPath, type Locate, type Problem } from './pipeline-errors.js';
import { pipelineSchema, type PipelineDefinition, type StepDefinition } from './pipeline-schema.js';
import type { RunOptions } from './run-step.js';
import { step, type Step } from './step.js';

/** Largest pipeline file accepted, in bytes. */
export const MAX_PIPELINE_BYTES = 128 * 1024;
/** Most YAML alias expansions accepted (a "billion laughs" file needs many more). */
export const MAX_ALIAS_COUNT = 50;
/** Deepest nesting of the parsed value. */
export const MAX_DEPTH = 32;

/** Where the text came from, for messages. */
export interface PipelineSourceOptions {
  /** File name shown in errors, e.g. `.orchestra/fix.pipeline.yml`. */
  file?: string;
  /** Dispatcher used by {@link Pipeline.run} unless the run passes one. */
  dispatcher?: AgentDispatcher;
}

/** What {@link Pipeline.run} resolves with. */
export interface PipelineResult {
  /** Output of the last step that ran (the input if none ran). */
  output: unknown;
  /** Names of the top-level steps that ran, in order. */
  ran: string[];
  /** Top-level steps that did not run because a condition stopped the pipeline. */
  skipped: string[];
  /** The step whose `when` failed, if the pipeline stopped early. */
  stoppedAt: string | undefined;
  completed: boolean;
}

const NO_LOCATION: Locate = () => undefined;

function fail(message: string, file: string | undefined, key?: string, cause?: unknown): never {
  throw new InvalidInputError(message, { ...(file === undefined ? {} : { file }), ...(key === undefined ? {} : { key }) }, cause === undefined ? undefined : { cause });
}

function tooDeep(root: unknown): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

function locator(doc: Document, lines: LineCounter): Locate {
  return (path: DocPath, key?: string) => {
    if (key !== undefined) {
      // An unknown key is shown at the key itself, not at its value.
      const parent = doc.getIn(path.slice(0, -1) as unknown[], true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
        const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lines.linePos(range[0]);
      }
    }
    // Walk up to the deepest node that exists (a missing key is reported at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]);
    }
    return undefined;
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Parses YAML text into a plain value, refusing hostile input. */
function parseYaml(text: string, file: string | undefined): { value: unknown; locate: Locate } {
  if (typeof text !== 'string') fail(`A pipeline must be YAML text, got ${typeof text}`, file);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PIPELINE_BYTES) fail(`${file ?? 'The pipeline'} is ${bytes} bytes; pipeline files are at most ${MAX_PIPELINE_BYTES} bytes`, file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, schema: 'core', merge: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const where = [file ?? '<pipeline>', pos?.line, pos?.col].filter((x) => x !== undefined).join(':');
    fail(`${where}: invalid YAML: ${firstLine(problem.message)}`, file, undefined, problem);
  }
  let complexKey: { range?: [number, number, number] | null } | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (pair.key !== null && !isScalar(pair.key)) {
        complexKey = pair.key as { range?: [number, number, number] | null };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (complexKey) {
    const pos = complexKey.range ? lines.linePos(complexKey.range[0]) : undefined;
    fail(`${[file ?? '<pipeline>', pos?.line, pos?.col].filter((x) => x !== undefined).join(':')}: keys must be plain strings, not lists or maps`, file);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    fail(`${file ?? 'The pipeline'} expands YAML aliases (*name) too often: at most ${MAX_ALIAS_COUNT} are allowed (${errorMessage(error)})`, file, undefined, error);
  }
  return { value, locate: locator(doc, lines) };
}

/** Checks what the schema cannot: unique names and references only to steps that already ran. */
function checkSemantics(def: PipelineDefinition): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const all = new Set<string>();
  const collect = (steps: StepDefinition[]): void => {
    for (const s of steps) {
      all.add(s.name);
      if (s.parallel) collect(s.parallel);
    }
  };
  collect(def.steps);
  const checkRefs = (value: unknown, path: DocPath, available: ReadonlySet<string>, self: string): void => {
    for (const ref of referencesIn(value)) {
      const target = referencedStep(ref);
      if (target === undefined || available.has(target)) continue;
      const why = !all.has(target)
        ? `"${ref}" refers to no step named "${target}"`
        : target === self
          ? `"${ref}" refers to the step itself`
          : `"${ref}" refers to step "${target}", which has not run yet at this point (a parallel child sees only steps before its group)`;
      problems.push({ path, message: why });
    }
  };
  const walk = (steps: StepDefinition[], base: DocPath, available: Set<string>, nested: boolean): void => {
    steps.forEach((s, i) => {
      const path = [...base, i];
      if (seen.has(s.name)) problems.push({ path: [...path, 'name'], message: `the step name "${s.name}" is used twice: names must be unique in a pipeline` });
      seen.add(s.name);
      if (nested && s.when !== undefined) problems.push({ path: [...path, 'when'], message: '"when" is allowed on top-level steps only, not inside "parallel"' });
      checkRefs(s.input, [...path, 'input'], available, s.name);
      checkRefs(s.when, [...path, 'when'], available, s.name);
      if (s.parallel) walk(s.parallel, [...path, 'parallel'], new Set(available), true);
      if (!nested) {
        available.add(s.name);
        const addChildren = (children: StepDefinition[] | undefined): void => {
          for (const c of children ?? []) {
            available.add(c.name);
            addChildren(c.parallel);
          }
        };
        addChildren(s.parallel);
      }
    });
  };
  walk(def.steps, ['steps'], new Set(), false);
  return problems;
}

function compileStep(def: StepDefinition): Step<unknown, unknown> {
  if (def.parallel) return step.parallel(def.name, def.parallel.map(compileStep), { deadlineMs: def.deadlineMs });
  const template = def.input;
  const toTask =
    template === undefined
      ? undefined
      : (previous: unknown, context: { runInput: unknown; outputs: ReadonlyMap<string, unknown> }) =>
          resolveTemplate(template, { input: context.runInput, previous, steps: context.outputs });
  const options = { name: def.name, type: def.type, deadlineMs: def.deadlineMs, toTask };
  return def.capability !== undefined ? step.capability(def.capability, options) : step.agent(def.agent!, options);
}

/** A validated, compiled pipeline. Build it with {@link Pipeline.parse} or {@link Pipeline.from}. */
export class Pipeline {
  private readonly compiled: { kind: 'chain'; chain: AgentChain<unknown, unknown> } | { kind: 'cascade'; cascade: Cascade<unknown, unknown, unknown> };

  private constructor(
    /** The validated definition. */
    readonly definition: PipelineDefinition,
    private readonly source: PipelineSourceOptions,
  ) {
    const options = { dispatcher: source.dispatcher, strategy: definition.strategy, name: definition.name ?? source.file };
    const steps = definition.steps.map(compileStep);
    if (definition.steps.some((s) => s.when !== undefined)) {
      let c = cascade<unknown>(options) as Cascade<unknown, unknown, unknown>;
      definition.steps.forEach((s, i) => {
        const when = s.when;
        c = c.step(steps[i]!, when === undefined ? undefined : (previous, ctx) => evaluateCondition(when, { input: ctx.runInput, previous, steps: ctx.outputs }));
      });
      this.compiled = { kind: 'cascade', cascade: c };
    } else {
      let c = chain<unknown>(options) as AgentChain<unknown, unknown>;
      for (const s of steps) c = c.then(s);
      this.compiled = { kind: 'chain', chain: c };
    }
  }

  /** Parses and validates YAML text. Throws {@link InvalidInputError} saying where and what to fix. */
  static parse(text: string, options: PipelineSourceOptions = {}): Pipeline {
    const { value, locate } = parseYaml(text, options.file);
    return Pipeline.validate(value, locate, options);
  }

  /** Validates an already-parsed value (e.g. a section of a settings file). */
  static from(value: unknown, options: PipelineSourceOptions = {}): Pipeline {
    return Pipeline.validate(value, NO_LOCATION, options);
  }

  private static validate(value: unknown, locate: Locate, options: PipelineSourceOptions): Pipeline {
    const { file } = options;
    if (value === null || value === undefined) fail(`${file ?? 'The pipeline'} is empty: it needs a "steps:" list`, file);
    if (tooDeep(value)) fail(`${file ?? 'The pipeline'} nests deeper than ${MAX_DEPTH} levels`, file);
    const parsed = pipelineSchema.safeParse(value);
    const problems = parsed.success ? checkSemantics(parsed.data) : parsed.error.issues.flatMap((issue) => toProblems(issue));
    if (problems.length > 0) {
      const first = problems[0]!;
      fail(`Invalid pipeline:\n${renderProblems(problems, value, locate, file)}`, file, formatKey(first.path), parsed.success ? undefined : parsed.error);
    }
    return new Pipeline(parsed.data!, options);
  }

  /** `chain` when no step has `when`, else `cascade`. */
  get kind(): 'chain' | 'cascade' {
    return this.compiled.kind;
  }

  /** Runs the pipeline. The deadline defaults to the file's `deadlineMs`. */
  async run(input: unknown, options: RunOptions = {}): Promise<PipelineResult> {
    const runOptions: RunOptions = { ...options, deadlineMs: options.deadlineMs ?? this.definition.deadlineMs, dispatcher: options.dispatcher ?? this.source.dispatcher };
    if (this.compiled.kind === 'chain') {
      const result = await this.compiled.chain.runDetailed(input, runOptions);
      return { output: result.output, ran: result.steps.map((s) => s.name), skipped: [], stoppedAt: undefined, completed: true };
    }
    const result = await this.compiled.cascade.run(input, runOptions);
    return { output: result.output, ran: result.ran.map((s) => s.name), skipped: result.skipped, stoppedAt: result.stoppedAt?.step, completed: result.completed };
  }
}
