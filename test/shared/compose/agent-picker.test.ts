import { describe, expect, it } from '@jest/globals';
import type { AgentStatus } from '../../../shared/bus/topics.js';
import { AgentPicker } from '../../../shared/compose/agent-picker.js';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import type { AgentDispatcher, AgentInfo } from '../../../shared/runtime/agent.js';

/** A registry-only dispatcher: the picker never dispatches, it only discovers. */
function registry(agents: Record<string, AgentStatus>) {
  const state = { finds: 0, agents };
  const info = (id: string, status: AgentStatus): AgentInfo => ({
    id,
    kind: 'review',
    capabilities: ['x'],
    permission: 'read_only',
    health: { status, tasksProcessed: 0, tasksFailed: 0, errorRate: 0, latencyP50Ms: 0, latencyP99Ms: 0, restarts: 0, memoryBytes: 0, cpuMs: 0 },
  });
  const dispatcher: AgentDispatcher = {
    find(capability) {
      state.finds++;
      return capability === 'x' ? Object.entries(state.agents).map(([id, status]) => info(id, status)) : [];
    },
    dispatch: () => Promise.reject(new Error('not used')),
  };
  return { dispatcher, state };
}

describe('AgentPicker', () => {
  it('skips agents that cannot take a task while others remain', () => {
    const { dispatcher } = registry({ a: 'circuit_open', b: 'idle', c: 'crashed', d: 'busy' });
    const picker = new AgentPicker(dispatcher);
    expect(picker.candidates('x').map((a) => a.id)).toEqual(['b', 'd']);
  });

  it('keeps every agent when none is available, so the dispatcher can explain the refusal', () => {
    const { dispatcher } = registry({ a: 'circuit_open', b: 'stopped' });
    expect(new AgentPicker(dispatcher).candidates('x').map((a) => a.id)).toEqual(['a', 'b']);
  });

  it('names the capability nobody offers', () => {
    const { dispatcher } = registry({ a: 'idle' });
    let error: unknown;
    try {
      new AgentPicker(dispatcher).candidates('y', { key: 'steps[2].capability' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ where: { key: 'steps[2].capability' }, message: expect.stringContaining('No agent offers the capability "y"') });
  });

  it('rotates round-robin in a stable order, whatever order discovery returns', () => {
    const { dispatcher, state } = registry({ b: 'idle', a: 'idle', c: 'idle' });
    const picker = new AgentPicker(dispatcher, 'round-robin', 0);
    const picks = [picker.pick('x').id, picker.pick('x').id];
    state.agents = { c: 'idle', b: 'idle', a: 'idle' };
    picks.push(picker.pick('x').id, picker.pick('x').id);
    expect(picks).toEqual(['a', 'b', 'c', 'a']);
  });

  it('least-busy picks the agent with the fewest tasks in flight', () => {
    const { dispatcher } = registry({ a: 'idle', b: 'idle' });
    const picker = new AgentPicker(dispatcher, 'least-busy');
    const first = picker.pick('x');
    picker.acquire(first.id);
    const second = picker.pick('x');
    expect(second.id).not.toBe(first.id);
    picker.acquire(second.id);
    picker.acquire(second.id);
    expect(picker.pick('x').id).toBe(first.id);
    picker.release(second.id);
    picker.release(second.id);
    picker.release(first.id);
    expect(picker.load(first.id) + picker.load(second.id)).toBe(0);
  });

  it('excludes agents already given a task while others remain', () => {
    const { dispatcher } = registry({ a: 'idle', b: 'idle' });
    const picker = new AgentPicker(dispatcher);
    const list = picker.candidates('x');
    expect(picker.pickFrom(list, 'x', new Set(['a'])).id).toBe('b');
    expect(picker.pickFrom(list, 'x', new Set(['a', 'b'])).id).toMatch(/^[ab]$/);
  });

  it('reuses discovery within its time to live, and asks again after invalidate()', () => {
    const { dispatcher, state } = registry({ a: 'idle' });
    const picker = new AgentPicker(dispatcher, 'round-robin', 60_000);
    picker.candidates('x');
    picker.candidates('x');
    expect(state.finds).toBe(1);
    picker.invalidate('x');
    picker.candidates('x');
    expect(state.finds).toBe(2);
    const uncached = new AgentPicker(dispatcher, 'round-robin', 0);
    uncached.candidates('x');
    uncached.candidates('x');
    expect(state.finds).toBe(4);
  });
});
