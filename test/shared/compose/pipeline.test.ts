import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MAX_ALIAS_COUNT, MAX_PIPELINE_BYTES, Pipeline } from '../../../shared/compose/pipeline.js';
import { pipelineJsonSchema } from '../../../shared/compose/pipeline-schema.js';
import { DeadlineExceededError, InvalidInputError, StepFailedError } from '../../../shared/errors/errors.js';
import { forever, startHost, trackTimers, type TestHost, type TimerTracker } from './helpers.js';

let env: TestHost | undefined;
let timers: TimerTracker;
beforeEach(() => {
  timers = trackTimers();
});
afterEach(async () => {
  await env?.close();
  env = undefined;
  expect(timers.live()).toBe(0);
  timers.restore();
});

/** Parses `text` expecting an InvalidInputError; returns it. */
function invalid(text: string, file = 'fix.pipeline.yml'): InvalidInputError {
  try {
    Pipeline.parse(text, { file });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected the pipeline to be refused');
}

const REPAIR = `
name: repair
deadlineMs: 5000
steps:
  - name: triage
    capability: log_analysis
  - name: debug
    capability: debugging
    when: { ref: $previous.kind, equals: bug }
    input: { log: $input.log, kind: $previous.kind }
  - name: checks
    when: $previous.patch
    parallel:
      - name: lint
        capability: lint
        input: { patch: $steps.debug.patch }
      - name: test
        agent: tester
        input: { patch: $previous.patch, literal: $$previous }
`;

async function repairHost() {
  const tasks: { agent: string; type: string; input: unknown }[] = [];
  const record = (agent: string, result: (input: never) => unknown) => async (task: { type: string; input: unknown }) => {
    tasks.push({ agent, type: task.type, input: task.input });
    return result(task.input as never);
  };
  env = await startHost([
    { id: 'triager', capabilities: ['log_analysis'], handle: record('triager', (log: { log: string }) => ({ kind: log.log.includes('TypeError') ? 'bug' : 'flake' })) },
    { id: 'debugger', capabilities: ['debugging'], handle: record('debugger', () => ({ patch: '+ if (x) {' })) },
    { id: 'linter', capabilities: ['lint'], handle: record('linter', () => 'lint ok') },
    { id: 'tester', capabilities: ['test_runner'], handle: record('tester', () => 'tests green') },
  ]);
  return tasks;
}

describe('Pipeline: running', () => {
  it('compiles a pipeline with conditions to a cascade and runs it over the host', async () => {
    const tasks = await repairHost();
    const pipeline = Pipeline.parse(REPAIR, { file: 'repair.yml', dispatcher: env!.host });
    expect(pipeline.kind).toBe('cascade');
    const result = await pipeline.run({ log: 'TypeError: x is undefined' });
    expect(result).toEqual({
      output: { lint: 'lint ok', test: 'tests green' },
      ran: ['triage', 'debug', 'checks'],
      skipped: [],
      stoppedAt: undefined,
      completed: true,
    });
    expect(tasks).toContainEqual({ agent: 'debugger', type: 'debugging', input: { log: 'TypeError: x is undefined', kind: 'bug' } });
    expect(tasks).toContainEqual({ agent: 'linter', type: 'lint', input: { patch: '+ if (x) {' } });
    // An agent step's task type defaults to the step name; "$$previous" is the literal "$previous".
    expect(tasks).toContainEqual({ agent: 'tester', type: 'test', input: { patch: '+ if (x) {', literal: '$previous' } });
  });

  it('stops where a condition fails', async () => {
    await repairHost();
    const result = await Pipeline.parse(REPAIR).run({ log: 'socket hang up' }, { dispatcher: env!.host });
    expect(result).toMatchObject({ ran: ['triage'], skipped: ['debug', 'checks'], stoppedAt: 'debug', completed: false, output: { kind: 'flake' } });
  });

  it('compiles a pipeline without conditions to a chain', async () => {
    env = await startHost([{ id: 'up', capabilities: ['upper'], handle: async (t) => String(t.input).toUpperCase() }]);
    const pipeline = Pipeline.parse('steps:\n  - { name: a, capability: upper }\n  - { name: b, capability: upper, type: shout, input: "$steps.a" }\n', {
      dispatcher: env.host,
    });
    expect(pipeline.kind).toBe('chain');
    await expect(pipeline.run('hi')).resolves.toMatchObject({ output: 'HI', ran: ['a', 'b'], completed: true });
  });

  it("applies the file's deadline and a step's deadline", async () => {
    env = await startHost([{ id: 'deaf', capabilities: ['slow'], handle: () => forever() }]);
    const error = await Pipeline.parse('deadlineMs: 30\nsteps:\n  - { name: wait, capability: slow }\n', { dispatcher: env.host })
      .run(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as StepFailedError).cause).toBeInstanceOf(DeadlineExceededError);
    const stepDeadline = await Pipeline.parse('steps:\n  - { name: wait, capability: slow, deadlineMs: 20 }\n', { dispatcher: env.host })
      .run(null)
      .catch((e: unknown) => e);
    expect((stepDeadline as StepFailedError).step).toBe('wait');
  });

  it('references read own properties only', async () => {
    env = await startHost([{ id: 'echo', capabilities: ['echo'], handle: async (t) => t.input }]);
    const p = Pipeline.parse('steps:\n  - name: a\n    capability: echo\n    input: { c: $input.constructor, p: $input.__proto__, n: $input.items.1, len: $input.items.length }\n', {
      dispatcher: env.host,
    });
    const result = await p.run({ items: ['x', 'y'] });
    expect(result.output).toEqual({ c: undefined, p: undefined, n: 'y', len: 2 });
  });

  it('publishes a JSON schema generated from the same zod schema', () => {
    const schema = pipelineJsonSchema();
    expect(schema).toMatchObject({ type: 'object', required: ['steps'], additionalProperties: false });
    expect(JSON.stringify(schema)).toContain('PipelineStep');
  });
});

describe('Pipeline: errors name the file, line, key and step', () => {
  it('a wrong type', () => {
    const error = invalid('steps:\n  - name: fix\n    capability: fixer\n    deadlineMs: soon\n');
    expect(error.message).toContain('fix.pipeline.yml:4:17: steps[0].deadlineMs (step "fix"): expected number, received string');
    expect(error.where).toEqual({ file: 'fix.pipeline.yml', key: 'steps[0].deadlineMs' });
  });

  it('an unknown key, at its own line, with the keys a step has', () => {
    const error = invalid('steps:\n  - name: fix\n    capability: fixer\n    timeout: 5\n');
    expect(error.message).toContain('fix.pipeline.yml:4:5: steps[0].timeout (step "fix"): unknown key "timeout"');
    expect(error.message).toContain('a step has: name, capability | agent | parallel');
  });

  it('a step with no target, or two', () => {
    expect(invalid('steps:\n  - name: a\n').message).toContain('steps[0] (step "a"): a step needs one of "capability", "agent" or "parallel"');
    expect(invalid('steps:\n  - { name: a, capability: x, agent: y }\n').message).toContain('found capability and agent');
  });

  it('a bad step name and a bad reference', () => {
    expect(invalid('steps:\n  - { name: "1st", capability: x }\n').message).toContain('steps[0].name (step "1st"): a step name must start with a letter');
    expect(invalid('steps:\n  - { name: a, capability: x, when: "$prev.ok" }\n').message).toContain('steps[0].when (step "a"): a reference must be');
  });

  it('a condition with no operator, or two', () => {
    expect(invalid('steps:\n  - { name: a, capability: x, when: { ref: $input.ok } }\n').message).toContain('needs exactly one of equals');
    expect(invalid('steps:\n  - { name: a, capability: x, when: { ref: $input.n, gt: 1, lt: 5 } }\n').message).toContain('found gt, lt');
  });

  it('references to later, unknown or sibling steps, duplicate names, when inside parallel', () => {
    expect(invalid('steps:\n  - { name: a, capability: x, input: $steps.b }\n  - { name: b, capability: x }\n').message).toContain(
      'steps[0].input (step "a"): "$steps.b" refers to step "b", which has not run yet',
    );
    expect(invalid('steps:\n  - { name: a, capability: x, input: $steps.zzz }\n').message).toContain('refers to no step named "zzz"');
    expect(
      invalid('steps:\n  - name: g\n    parallel:\n      - { name: a, capability: x }\n      - { name: b, capability: x, input: $steps.a }\n').message,
    ).toContain('steps[0].parallel[1].input (step "b")');
    expect(invalid('steps:\n  - { name: a, capability: x }\n  - { name: a, capability: y }\n').message).toContain('"a" is used twice');
    expect(invalid('steps:\n  - name: g\n    parallel:\n      - { name: a, capability: x, when: $input }\n').message).toContain(
      '"when" is allowed on top-level steps only',
    );
  });

  it('an empty file, a list instead of a map, too few steps', () => {
    expect(invalid('').message).toContain('is empty');
    expect(invalid('- a\n- b\n').message).toContain('expected object, received array');
    expect(invalid('steps: []\n').message).toContain('a pipeline needs at least one step');
  });

  it('lists several problems, at most five', () => {
    const steps = Array.from({ length: 7 }, (_, i) => `  - { name: s${i}, capability: x, deadlineMs: -1 }`).join('\n');
    const error = invalid(`steps:\n${steps}\n`);
    expect(error.message.split('\n').filter((l) => l.includes('deadlineMs'))).toHaveLength(5);
    expect(error.message).toContain('… and 2 more');
  });
});

describe('Pipeline: hostile YAML', () => {
  it('refuses an alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'steps: *h'].join('\n');
    const error = invalid(bomb);
    expect(error.message).toContain(`at most ${MAX_ALIAS_COUNT} are allowed`);
  });

  it('refuses a huge file before parsing it', () => {
    const huge = `steps:\n${'  - { name: a, capability: x }\n'.repeat(Math.ceil(MAX_PIPELINE_BYTES / 30) + 1)}`;
    expect(invalid(huge).message).toMatch(/is \d+ bytes; pipeline files are at most 131072 bytes/);
  });

  it('refuses deep nesting, custom tags, duplicate keys, complex keys, several documents', () => {
    expect(invalid(`steps:\n  - name: a\n    capability: x\n    input: ${'['.repeat(40)}${']'.repeat(40)}\n`).message).toContain('nests deeper than 32 levels');
    expect(invalid('steps: !!js/function "function () { return 1 }"\n').message).toMatch(/fix\.pipeline\.yml:1:8: invalid YAML: Unresolved tag/);
    expect(invalid('steps: []\nsteps: []\n').message).toMatch(/:2:1: invalid YAML: Map keys must be unique/);
    expect(invalid('? [a, b]\n: 1\nsteps: []\n').message).toContain('keys must be plain strings');
    expect(invalid('steps: []\n---\nsteps: []\n').message).toContain('invalid YAML');
  });

  it('refuses a __proto__ key and leaves Object.prototype alone', () => {
    const error = invalid('__proto__: { polluted: true }\nsteps:\n  - { name: a, capability: x }\n');
    expect(error.message).toContain('unknown key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses text that is not a string', () => {
    expect(() => Pipeline.parse(42 as unknown as string)).toThrow('A pipeline must be YAML text, got number');
  });

  it('any text either parses or is refused with an InvalidInputError, never anything else', () => {
    const yamlish = fc.stringMatching(/^[a-z:\-\s[\]{}&*!$"'|>#,.0-9]{0,120}$/);
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ maxLength: 200 })), (text) => {
        try {
          Pipeline.parse(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Pipeline.from', () => {
  it('validates an already-parsed value, naming the key', () => {
    expect(() => Pipeline.from({ steps: [{ name: 'a', capability: 7 }] })).toThrow('steps[0].capability (step "a"): expected string, received number');
    expect(Pipeline.from({ steps: [{ name: 'a', capability: 'x' }] }).kind).toBe('chain');
  });
});
