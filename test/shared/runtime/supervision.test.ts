import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CircuitOpenError } from '../../../shared/errors/errors.js';
import { AgentHost } from '../../../shared/runtime/agent-host.js';
import type { SupervisionSettingsInput } from '../../../shared/runtime/supervision-settings.js';
import { deferred, recordingBus, scriptedAgent } from './test-agents.js';

// Supervision is about time (backoff, cool-down): fake timers make it exact and instant. The bus
// delivers with queueMicrotask, which stays real.
beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
});
afterEach(() => {
  jest.useRealTimers();
});

function setup(settings: SupervisionSettingsInput) {
  const rec = recordingBus();
  const host = new AgentHost({ bus: rec.bus, settings });
  return { ...rec, host };
}

/** An agent whose start() throws the first `failures` times. */
function flakyStarter(id: string, failures: number) {
  const calls = { start: 0, stop: 0 };
  const agent = scriptedAgent(id, {
    start() {
      calls.start++;
      if (calls.start <= failures) throw new Error(`start failed #${calls.start}`);
    },
    stop() {
      calls.stop++;
    },
  });
  return { agent, calls };
}

describe('crash and restart', () => {
  it('restarts an agent whose start() throws, with exponential backoff', async () => {
    const { host, of, topics } = setup({ restartBaseMs: 100, restartMaxMs: 10_000 });
    const { agent, calls } = flakyStarter('flaky', 2);

    await host.spawn(agent);
    expect(host.get('flaky')!.health.status).toBe('crashed');
    expect(of('agent.crashed')[0]!.payload).toEqual({ agentId: 'flaky', kind: 'review', error: 'start failed #1', restarts: 0 });
    await expect(host.dispatch('flaky', { type: 't', input: {} })).rejects.toThrow(/restarting after a crash \(start failed #1\)/);

    await jest.advanceTimersByTimeAsync(99);
    expect(calls.start).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.start).toBe(2); // first restart after 100 ms; it crashes again
    expect(of('agent.crashed')[1]!.payload).toMatchObject({ error: 'start failed #2', restarts: 1 });

    await jest.advanceTimersByTimeAsync(199);
    expect(calls.start).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.start).toBe(3); // second restart after 200 ms: succeeds

    expect(topics()).toEqual(['agent.crashed', 'agent.crashed', 'agent.restarted']);
    expect(of('agent.restarted')[0]!.payload).toEqual({ agentId: 'flaky', kind: 'review', attempt: 2 });
    expect(calls.stop).toBe(2); // stop() before each restart
    expect(host.get('flaky')!.health).toMatchObject({ status: 'idle', restarts: 2, lastError: 'start failed #2' });
    await expect(host.dispatch('flaky', { type: 't', input: { value: 'back' } })).resolves.toBe('back');
    await host.close();
  });

  it('caps the backoff, and gives an agent up after maxRestarts crashes in a row', async () => {
    const { host, of } = setup({ restartBaseMs: 100, restartMaxMs: 150, maxRestarts: 2 });
    const { agent, calls } = flakyStarter('doomed', Number.POSITIVE_INFINITY);
    await host.spawn(agent);
    await jest.advanceTimersByTimeAsync(100);
    expect(calls.start).toBe(2);
    await jest.advanceTimersByTimeAsync(149);
    expect(calls.start).toBe(2);
    await jest.advanceTimersByTimeAsync(1); // capped at 150, not 200
    expect(calls.start).toBe(3);

    expect(host.get('doomed')).toBeUndefined();
    expect(of('agent.stopped')[0]!.payload).toEqual({
      agentId: 'doomed',
      kind: 'review',
      reason: 'gave up after 2 restarts in a row; last error: start failed #3',
    });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls.start).toBe(3);
    expect(jest.getTimerCount()).toBe(0);
    await host.close();
  });

  it('treats a start() that outlasts startTimeoutMs as a crash', async () => {
    const { host, of } = setup({ startTimeoutMs: 500, restartBaseMs: 1_000 });
    let starts = 0;
    const agent = scriptedAgent('stuck', {
      start: () => (++starts === 1 ? new Promise<void>(() => undefined) : Promise.resolve()),
    });
    const spawned = host.spawn(agent);
    await jest.advanceTimersByTimeAsync(500);
    await spawned;
    expect(of('agent.crashed')[0]!.payload).toMatchObject({ error: "Agent 'stuck' did not finish start() within 500 ms" });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(host.get('stuck')!.health.status).toBe('idle');
    await host.close();
  });

  it('restarts an agent that reports itself unhealthy after a failed task', async () => {
    const { host, of } = setup({ restartBaseMs: 50, healthCheckIntervalMs: 0 });
    let healthy = true;
    let stops = 0;
    const agent = scriptedAgent('sick', { isHealthy: () => healthy, stop: () => void stops++ });
    await host.spawn(agent);

    await expect(host.dispatch('sick', { type: 't', input: { fail: 'first' } })).rejects.toThrow('first');
    expect(host.get('sick')!.health.status).toBe('idle'); // still healthy: a failure alone is no crash

    healthy = false;
    await expect(host.dispatch('sick', { type: 't', input: { fail: 'second' } })).rejects.toThrow('second');
    expect(host.get('sick')!.health.status).toBe('crashed');
    expect(of('agent.crashed')[0]!.payload).toMatchObject({ error: "Agent 'sick' reported itself unhealthy" });
    expect(stops).toBe(1);

    healthy = true;
    await jest.advanceTimersByTimeAsync(50);
    expect(host.get('sick')!.health).toMatchObject({ status: 'idle', restarts: 1 });
    await host.close();
  });

  it('asks isHealthy() on a periodic sweep and cancels the running tasks of a crashed agent', async () => {
    const { host, of } = setup({ healthCheckIntervalMs: 1_000, restartBaseMs: 5_000 });
    let healthy = true;
    await host.spawn(scriptedAgent('watched', { isHealthy: async () => healthy }));
    await jest.advanceTimersByTimeAsync(3_000);
    expect(of('agent.crashed')).toHaveLength(0);

    const running = host.dispatch('watched', { type: 't', input: { hang: true } }, { deadlineMs: 600_000 });
    const cancelled = expect(running).rejects.toThrow(/Agent 'watched' crashed \(Agent 'watched' reported itself unhealthy\)/);
    healthy = false;
    await jest.advanceTimersByTimeAsync(1_000);
    await cancelled;
    expect(of('agent.crashed')).toHaveLength(1);
    expect(of('agent.task.cancelled')).toHaveLength(1);
    expect(host.get('watched')!.health.status).toBe('crashed');
    await host.close();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('circuit breaker', () => {
  it('opens after N failures in a row, refuses tasks, half-opens after the cool-down, closes on success', async () => {
    const { host, of } = setup({ failureThreshold: 3, circuitCooldownMs: 1_000 });
    await host.spawn(scriptedAgent('shaky'));
    const fail = () => host.dispatch('shaky', { type: 't', input: { fail: 'nope' } });

    await expect(fail()).rejects.toThrow('nope');
    await expect(host.dispatch('shaky', { type: 't', input: { value: 1 } })).resolves.toBe(1); // a success resets the count
    for (let i = 0; i < 2; i++) await expect(fail()).rejects.toThrow('nope');
    expect(of('agent.circuit_opened')).toHaveLength(0);
    await expect(fail()).rejects.toThrow('nope');
    expect(of('agent.circuit_opened')[0]!.payload).toEqual({ agentId: 'shaky', kind: 'review', failures: 3 });
    expect(host.get('shaky')!.health.status).toBe('circuit_open');

    const refused = await host.dispatch('shaky', { type: 't', input: { value: 2 } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as Error).message).toMatch(/circuit open after 3 failures in a row; it accepts a trial task from/);

    await jest.advanceTimersByTimeAsync(1_000);
    const gate = deferred();
    const trial = host.dispatch('shaky', { type: 't', input: { wait: gate.promise, value: 'trial' } });
    // Half-open admits one trial at a time.
    await expect(host.dispatch('shaky', { type: 't', input: { value: 3 } })).rejects.toThrow(CircuitOpenError);
    gate.resolve();
    await expect(trial).resolves.toBe('trial');

    expect(of('agent.circuit_closed')).toHaveLength(1);
    expect(host.get('shaky')!.health.status).toBe('idle');
    await expect(host.dispatch('shaky', { type: 't', input: { value: 4 } })).resolves.toBe(4);
    await host.close();
  });

  it('re-opens when the trial task fails, and frees the trial slot when it is cancelled', async () => {
    const { host, of } = setup({ failureThreshold: 1, circuitCooldownMs: 1_000 });
    await host.spawn(scriptedAgent('shaky'));
    await expect(host.dispatch('shaky', { type: 't', input: { fail: 'a' } })).rejects.toThrow('a');
    await jest.advanceTimersByTimeAsync(1_000);

    const caller = new AbortController();
    const cancelled = host.dispatch('shaky', { type: 't', input: { hang: true } }, { signal: caller.signal });
    caller.abort();
    await expect(cancelled).rejects.toThrow(/cancelled by its caller/);

    await expect(host.dispatch('shaky', { type: 't', input: { fail: 'b' } })).rejects.toThrow('b');
    expect(of('agent.circuit_opened')).toHaveLength(2);
    await expect(host.dispatch('shaky', { type: 't', input: {} })).rejects.toThrow(CircuitOpenError);
    await jest.advanceTimersByTimeAsync(999);
    await expect(host.dispatch('shaky', { type: 't', input: {} })).rejects.toThrow(CircuitOpenError);
    await jest.advanceTimersByTimeAsync(1);
    await expect(host.dispatch('shaky', { type: 't', input: { value: 'ok' } })).resolves.toBe('ok');
    await host.close();
  });

  it('counts a missed deadline as a failure', async () => {
    const { host, of } = setup({ failureThreshold: 2 });
    await host.spawn(scriptedAgent('hangs'));
    for (let i = 0; i < 2; i++) {
      const late = host.dispatch('hangs', { type: 't', input: { hang: true } }, { deadlineMs: 100 });
      const settled = expect(late).rejects.toThrow(/within its 100 ms deadline/);
      await jest.advanceTimersByTimeAsync(100);
      await settled;
    }
    expect(of('agent.task.timed_out')).toHaveLength(2);
    expect(of('agent.circuit_opened')).toHaveLength(1);
    await host.close();
  });
});
