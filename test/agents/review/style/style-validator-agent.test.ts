import { afterEach, describe, expect, it } from '@jest/globals';
import { StyleValidatorAgent } from '../../../../agents/review/style/style-validator-agent.js';
import { InProcessEventBus } from '../../../../shared/bus/in-process-bus.js';
import { InvalidInputError } from '../../../../shared/errors/errors.js';
import type { AgentContext } from '../../../../shared/runtime/agent.js';
import { validateAgent } from '../../../../shared/runtime/validate-agent.js';
import { trackResources } from './resource-tracker.js';
import { makeTempRepo, removeTempRepos } from './temp-repo.js';

const buses: InProcessEventBus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) bus.dispose();
  await removeTempRepos();
});

function context(signal = new AbortController().signal): AgentContext {
  const bus = new InProcessEventBus();
  buses.push(bus);
  return { signal, deadline: Date.now() + 30_000, bus };
}

const BROKEN = { path: 'src/broken.js', text: 'const a = (1 + ;\n' };
const UNUSED = { path: 'src/unused.js', text: 'const unused = 1;\n' };


describe('StyleValidatorAgent', () => {
  it('satisfies the Agent contract as a read-only review agent for code_review and style', () => {
    const agent = new StyleValidatorAgent();
    expect(() => validateAgent(agent)).not.toThrow();
    expect(agent).toMatchObject({ id: 'style-validator', kind: 'review', capabilities: ['code_review', 'style'], permission: 'read_only' });
  });

  it('lints a task’s files, reusing one ESLint instance across tasks, and frees it on stop', async () => {
    const root = await makeTempRepo();
    const agent = new StyleValidatorAgent({ id: 'style-1', parseErrors: 'omit' });
    const resources = trackResources();
    const first = await agent.handle({ id: 't1', type: 'review', input: { root, files: [BROKEN, UNUSED] } }, context());
    expect(first.map((f) => [f.agent, f.file, f.ruleId])).toEqual([['style-1', 'src/unused.js', 'eslint/no-unused-vars']]);
    // A task may override the agent's settings for itself only.
    const second = await agent.handle({ id: 't2', type: 'review', input: { root, files: [BROKEN], options: { parseErrors: 'report' } } }, context());
    expect(second.map((f) => f.ruleId)).toEqual(['eslint/parse-error']);
    const third = await agent.handle({ id: 't3', type: 'review', input: { root, files: [BROKEN] } }, context());
    expect(third).toEqual([]);
    expect(agent.cache.created).toBe(1);
    expect(await resources.stop()).toEqual([]);
    agent.stop();
    expect(agent.cache.size).toBe(0);
  });

  it('rejects malformed task input with InvalidInputError naming the task and the key', async () => {
    const agent = new StyleValidatorAgent();
    const run = agent.handle({ id: 't9', type: 'review', input: { root: '/tmp', files: 'a.js' } }, context());
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(/task 't9'.*files: /);
    expect(() => new StyleValidatorAgent({ parseErrors: 'never' as 'omit' })).toThrow(/parseErrors/);
  });

  it('honours the task’s signal', async () => {
    const root = await makeTempRepo();
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    const agent = new StyleValidatorAgent();
    await expect(agent.handle({ id: 't', type: 'review', input: { root, files: [UNUSED] } }, context(controller.signal))).rejects.toMatchObject({
      name: 'CancelledError',
    });
  });
});
