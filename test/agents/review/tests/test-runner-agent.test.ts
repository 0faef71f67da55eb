import { afterEach, describe, expect, it } from '@jest/globals';
import { InProcessEventBus } from '../../../../shared/bus/in-process-bus.js';
import type { AnyEvent } from '../../../../shared/bus/topics.js';
import { isErrorNamed } from '../../../../shared/errors/errors.js';
import type { AgentContext } from '../../../../shared/runtime/agent.js';
import { TestRunnerAgent } from '../../../../agents/review/tests/test-runner-agent.js';
import { runProcess } from '../../../../agents/review/tests/run-process.js';
import { tempProject } from './temp-project.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0).reverse()) await d();
});

function context(): AgentContext & { events: AnyEvent[] } {
  const bus = new InProcessEventBus();
  const events: AnyEvent[] = [];
  const sub = bus.subscribe('**', (e) => {
    events.push(e);
  });
  cleanups.push(() => {
    sub.dispose();
    bus.dispose();
  });
  return { signal: new AbortController().signal, deadline: Date.now() + 60_000, bus, events };
}

describe('TestRunnerAgent', () => {
  it('declares the execute permission and the test_run capability', () => {
    const agent = new TestRunnerAgent();
    expect(agent).toMatchObject({ id: 'test-runner', kind: 'review', permission: 'execute', capabilities: ['test_run'] });
  });

  it('runs a task: findings back, error.detected and finding.reported on the bus', async () => {
    const p = await tempProject({
      'package.json': JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }),
      'lib/double.js': 'export const double = (x) => x * 3;\n',
      'test/double.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { double } from '../lib/double.js';\ntest('doubles', () => {\n  assert.equal(double(2), 4);\n});\n",
    });
    cleanups.push(p.dispose);
    const ctx = context();
    const result = await new TestRunnerAgent().handle({ id: 't1', type: 'test_run', input: { root: p.root, changedFiles: ['lib/double.js'] }, traceId: 'trace-1' }, ctx);
    await ctx.bus.idle();
    expect(result.findings).toEqual([expect.objectContaining({ file: 'test/double.test.js', range: expect.objectContaining({ start: { line: 5, column: 10 } }), message: 'doubles: Expected values to be strictly equal:' })]);
    expect(ctx.events.map((e) => e.topic)).toEqual(['error.detected', 'finding.reported']);
    expect(ctx.events[1]).toMatchObject({ traceId: 'trace-1', payload: { agentId: 'test-runner', count: 1 } });
  });

  it.each([
    [{ changedFiles: ['a.js'] }, /at 'root'/],
    [{ root: '/x', changedFiles: 'a.js' }, /at 'changedFiles'/],
    [{ root: '/x', changedFiles: [''] }, /at 'changedFiles\.0': a changed file path must not be empty/],
    [{ root: '/x', changedFiles: [], timeoutMs: -5 }, /at 'timeoutMs'/],
  ])('refuses bad input %j with InvalidInputError naming the key', async (input, message) => {
    const error = await new TestRunnerAgent().handle({ id: 't', type: 'test_run', input }, context()).catch((e: unknown) => e);
    expect(isErrorNamed(error, 'InvalidInputError')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('runProcess', () => {
  it('caps captured output and reports the cut', async () => {
    const run = await runProcess({ command: process.execPath, args: ['-e', "process.stdout.write('x'.repeat(100000))"], cwd: process.cwd(), env: process.env, timeoutMs: 60_000, maxOutputBytes: 1000 });
    expect(run).toMatchObject({ exitCode: 0, truncated: true, timedOut: false });
    expect(run.stdout).toHaveLength(1000);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const run = await runProcess({ command: '/nonexistent/orchestra-runner', args: [], cwd: process.cwd(), env: process.env, timeoutMs: 60_000 });
    expect(run.spawnError?.message).toMatch(/ENOENT/);
  });

  it('rejects at once when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runProcess({ command: process.execPath, args: ['-e', ''], cwd: process.cwd(), env: process.env, timeoutMs: 60_000, signal: controller.signal })).rejects.toThrow(/Cancelled/);
  });
});
