import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { PermissionLevel } from '../../../shared/bus/topics.js';
import { CancelledError, DeadlineExceededError, InvalidInputError, PermissionDeniedError } from '../../../shared/errors/errors.js';
import type { Agent } from '../../../shared/runtime/agent.js';
import { AgentHost } from '../../../shared/runtime/agent-host.js';
import { deferred, recordingBus, scriptedAgent } from './test-agents.js';

function setup(options: Partial<ConstructorParameters<typeof AgentHost>[0]> = {}) {
  const rec = recordingBus();
  const host = new AgentHost({ bus: rec.bus, ...options });
  return { ...rec, host };
}

describe('AgentHost lifecycle', () => {
  it('starts an agent, runs a task and stops it, publishing each step', async () => {
    const { host, bus, topics, of } = setup();
    let startSignal: AbortSignal | undefined;
    let stopped = 0;
    const agent = scriptedAgent('a1', {
      async start(ctx) {
        startSignal = ctx.signal;
        expect(ctx.bus).toBe(bus);
      },
      stop() {
        stopped++;
      },
    });

    await host.spawn(agent);
    expect(host.get('a1')?.health.status).toBe('idle');
    await expect(host.dispatch('a1', { type: 'review', input: { value: 'ok' }, traceId: 'trace-1' })).resolves.toBe('ok');
    await host.stop('a1', 'no longer needed');

    expect(topics()).toEqual(['agent.started', 'agent.task.started', 'agent.task.completed', 'agent.stopped']);
    expect(of('agent.task.started')[0]!.traceId).toBe('trace-1');
    expect(of('agent.stopped')[0]!.payload).toEqual({ agentId: 'a1', kind: 'review', reason: 'no longer needed' });
    expect(stopped).toBe(1);
    expect(startSignal?.aborted).toBe(true);
    expect(host.get('a1')).toBeUndefined();
    expect(host.size).toBe(0);
    await host.close();
  });

  it('gives each task a signal and an absolute deadline, and records health', async () => {
    const { host } = setup({ settings: { defaultDeadlineMs: 5_000 } });
    const agent = scriptedAgent('a1');
    await host.spawn(agent);
    const before = Date.now();
    await host.dispatch('a1', { type: 't', input: { value: 1 } });
    await expect(host.dispatch('a1', { type: 't', input: { fail: 'boom' } })).rejects.toThrow('boom');
    await host.dispatch('a1', { type: 't', input: { value: 2 } }, { deadlineMs: 60_000 });
    await host.dispatch('a1', { type: 't', input: { value: 3 } });

    const [first, , third] = agent.contexts;
    expect(first!.signal.aborted).toBe(false);
    expect(first!.deadline).toBeGreaterThanOrEqual(before + 5_000);
    expect(third!.deadline).toBeGreaterThanOrEqual(before + 60_000);
    const health = host.get('a1')!.health;
    expect(health).toMatchObject({ status: 'idle', tasksProcessed: 4, tasksFailed: 1, errorRate: 0.25, restarts: 0, lastError: 'boom' });
    expect(health.latencyP99Ms).toBeGreaterThanOrEqual(health.latencyP50Ms);
    await host.close();
  });

  it('reports a task as busy while it runs', async () => {
    const { host } = setup();
    await host.spawn(scriptedAgent('a1'));
    const gate = deferred();
    const running = host.dispatch('a1', { type: 't', input: { wait: gate.promise, value: 'done' } });
    expect(host.get('a1')!.health.status).toBe('busy');
    gate.resolve();
    await expect(running).resolves.toBe('done');
    expect(host.get('a1')!.health.status).toBe('idle');
    await host.close();
  });

  it('disposing the handle returned by spawn stops that agent', async () => {
    const { host, of, bus } = setup();
    const handle = await host.spawn(scriptedAgent('a1'));
    handle.dispose();
    await bus.idle();
    expect(host.get('a1')).toBeUndefined();
    expect(of('agent.stopped')[0]!.payload).toMatchObject({ reason: 'disposed' });
    await host.close();
  });
});

describe('AgentHost.spawnAll', () => {
  it('spawns a swarm at once; one handle stops them all', async () => {
    const { host, of, bus } = setup();
    const started: string[] = [];
    const swarm = ['s1', 's2', 's3'].map((id) => scriptedAgent(id, { start: async () => void started.push(id) }));
    const handle = await host.spawnAll(swarm);
    expect(started).toEqual(['s1', 's2', 's3']);
    expect(host.find('code_review').map((a) => a.id).sort()).toEqual(['s1', 's2', 's3']);
    handle.dispose();
    await bus.idle();
    expect(host.size).toBe(0);
    expect(of('agent.stopped')).toHaveLength(3);
    await host.close();
  });

  it('is all or nothing: one refused agent registers none', async () => {
    const { host, events } = setup({ authorize: ({ agentId }) => agentId !== 'bad' });
    await expect(host.spawnAll([scriptedAgent('ok1'), scriptedAgent('x', { permission: 'critical' })])).rejects.toThrow(PermissionDeniedError);
    await expect(host.spawnAll([scriptedAgent('ok1'), scriptedAgent('ok1')])).rejects.toThrow(/two agents with id 'ok1'/);
    await expect(host.spawnAll([scriptedAgent('ok1'), scriptedAgent('bad')])).rejects.toThrow(/authorize policy/);
    expect(host.size).toBe(0);
    expect(events).toHaveLength(0);
    await host.spawnAll([scriptedAgent('ok1'), scriptedAgent('ok2')]);
    expect(host.size).toBe(2);
    await host.close();
  });
});

describe('AgentHost capability discovery', () => {
  it('finds the agents that declare a capability, healthy first', async () => {
    const { host } = setup({ settings: { failureThreshold: 1 } });
    const broken = scriptedAgent('broken');
    const busy = scriptedAgent('busy');
    const fine = scriptedAgent('fine');
    const linter = scriptedAgent('linter', { capabilities: ['lint'] });
    for (const agent of [broken, busy, fine, linter]) await host.spawn(agent);

    await expect(host.dispatch('broken', { type: 't', input: { fail: 'x' } })).rejects.toThrow('x');
    const gate = deferred();
    const running = host.dispatch('busy', { type: 't', input: { wait: gate.promise } });

    const found = host.find('code_review');
    expect(found.map((a) => [a.id, a.health.status])).toEqual([
      ['fine', 'idle'],
      ['busy', 'busy'],
      ['broken', 'circuit_open'],
    ]);
    expect(found[0]).toMatchObject({ kind: 'review', capabilities: ['code_review'], permission: 'read_only' });
    expect(host.find('lint').map((a) => a.id)).toEqual(['linter']);
    expect(host.find('translate')).toEqual([]);

    gate.resolve();
    await running;
    await host.stop('fine');
    expect(host.find('code_review').map((a) => a.id)).toEqual(['busy', 'broken']);
    await host.close();
  });
});

describe('AgentHost permissions and input checks', () => {
  const needing = (id: string, permission: PermissionLevel): Agent => scriptedAgent(id, { permission });

  it('refuses an agent that needs more than the host grants, and registers nothing', async () => {
    const { host, events } = setup({ settings: { maxPermission: 'read_write' } });
    await expect(host.spawn(needing('exec', 'execute'))).rejects.toThrow(PermissionDeniedError);
    await expect(host.spawn(needing('exec', 'execute'))).rejects.toThrow(/needs permission 'execute'.*at most 'read_write'/);
    await host.spawn(needing('writer', 'read_write'));
    expect(host.find('code_review').map((a) => a.id)).toEqual(['writer']);
    expect(events.map((e) => e.topic)).toEqual(['agent.started']);
    await host.close();
  });

  it('defaults to read_only and asks grantedLevel per agent when given', async () => {
    const strict = setup();
    await expect(strict.host.spawn(needing('w', 'read_write'))).rejects.toThrow(PermissionDeniedError);
    await strict.host.close();

    const { host } = setup({ grantedLevel: (id) => (id.startsWith('trusted-') ? 'critical' : 'read_only') });
    await host.spawn(needing('trusted-fixer', 'critical'));
    await expect(host.spawn(needing('fixer', 'critical'))).rejects.toThrow(PermissionDeniedError);
    await host.close();
  });

  it('lets an authorize hook refuse or approve, with the request and the granted level', async () => {
    const seen: unknown[] = [];
    const { host } = setup({
      settings: { maxPermission: 'execute' },
      authorize: async (request, signal) => {
        seen.push(request);
        expect(signal.aborted).toBe(false);
        if (request.agentId === 'rogue') throw new PermissionDeniedError('policy says no');
        return request.agentId !== 'denied';
      },
    });
    await expect(host.spawn(needing('denied', 'execute'))).rejects.toThrow(/refused by the host's authorize policy/);
    await expect(host.spawn(needing('rogue', 'read_only'))).rejects.toThrow('policy says no');
    await host.spawn(needing('ok', 'execute'));
    expect(seen[0]).toEqual({ agentId: 'denied', kind: 'review', capabilities: ['code_review'], permission: 'execute', granted: 'execute' });
    expect(host.list().map((a) => a.id)).toEqual(['ok']);
    // A refused id is free again.
    await expect(host.spawn(needing('rogue', 'read_only'))).rejects.toThrow('policy says no');
    await host.close();
  });

  it('cancels a pending authorization when the host closes', async () => {
    let sawAbort = false;
    const { host } = setup({
      authorize: (_request, signal) =>
        new Promise<boolean>((resolve) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve(true);
          });
        }),
    });
    const spawning = host.spawn(scriptedAgent('waiting'));
    await host.close();
    await expect(spawning).rejects.toThrow(CancelledError);
    expect(sawAbort).toBe(true);
    expect(host.size).toBe(0);
  });

  it('rejects malformed agents, duplicate ids and bad dispatches with errors naming the key', async () => {
    const { host } = setup();
    const invalid = async (agent: unknown, key: string) => {
      const error = await host.spawn(agent as Agent).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).where.key).toBe(key);
    };
    await invalid({ ...scriptedAgent('x'), id: '' }, 'id');
    await invalid({ ...scriptedAgent('x'), capabilities: 'code_review' }, 'capabilities');
    await invalid({ ...scriptedAgent('x'), capabilities: [''] }, 'capabilities');
    await invalid({ ...scriptedAgent('x'), permission: 'root' }, 'permission');
    await invalid({ ...scriptedAgent('x'), handle: undefined }, 'handle');
    await invalid({ ...scriptedAgent('x'), stop: 'later' }, 'stop');
    await expect(host.spawn(null as unknown as Agent)).rejects.toThrow(InvalidInputError);

    await host.spawn(scriptedAgent('x'));
    await invalid(scriptedAgent('x'), 'id');
    await expect(host.dispatch('nobody', { type: 't', input: {} })).rejects.toThrow(/No agent 'nobody'/);
    await expect(host.dispatch('x', { type: '', input: {} })).rejects.toThrow(/non-empty string 'type'/);
    await expect(host.dispatch('x', { type: 't', input: {} }, { deadlineMs: 0 })).rejects.toThrow(/deadlineMs/);
    expect(() => new AgentHost({ bus: host as never, settings: { failureThreshold: 0 } })).toThrow(/failureThreshold/);
    await host.close();
  });
});

describe('AgentHost cancellation and deadlines', () => {
  it('rejects a hung task at its deadline and fires its signal, even if the agent ignores it', async () => {
    const { host, of, bus } = setup();
    const agent = scriptedAgent('slow');
    await host.spawn(agent);
    const error = await host.dispatch('slow', { id: 'task-1', type: 'scan', input: { hang: true } }, { deadlineMs: 20 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).deadlineMs).toBe(20);
    expect((error as Error).message).toMatch(/'slow' did not finish task 'task-1' \(scan\) within its 20 ms deadline/);
    expect(agent.contexts[0]!.signal.aborted).toBe(true);
    expect(agent.contexts[0]!.signal.reason).toBe(error);
    await bus.idle();
    expect(of('agent.task.timed_out')[0]!.payload).toEqual({ agentId: 'slow', taskId: 'task-1', type: 'scan', deadlineMs: 20 });
    expect(host.get('slow')!.health).toMatchObject({ tasksFailed: 1, status: 'idle' });
    await host.close();
  });

  it('fails a task whose handle() throws synchronously', async () => {
    const { host } = setup();
    await host.spawn(
      scriptedAgent('sync', {
        handle: () => {
          throw new TypeError('not even a promise');
        },
      }),
    );
    await expect(host.dispatch('sync', { type: 't', input: {} })).rejects.toThrow(TypeError);
    expect(host.get('sync')!.health).toMatchObject({ tasksFailed: 1, lastError: 'not even a promise' });
    await host.close();
  });

  it('cancels a task when the caller aborts: not a failure, listener removed', async () => {
    const { host, of, bus } = setup();
    const agent = scriptedAgent('a1');
    await host.spawn(agent);
    const caller = new AbortController();
    const running = host.dispatch('a1', { type: 't', input: { hang: true } }, { signal: caller.signal });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort(new Error('user closed the panel'));

    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toEqual(new Error('user closed the panel'));
    expect(agent.contexts[0]!.signal.aborted).toBe(true);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(host.get('a1')!.health).toMatchObject({ tasksProcessed: 0, tasksFailed: 0 });
    await bus.idle();
    expect(of('agent.task.cancelled')).toHaveLength(1);

    await expect(host.dispatch('a1', { type: 't', input: {} }, { signal: caller.signal })).rejects.toThrow(CancelledError);
    await host.close();
  });
});

describe('AgentHost close', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('stops every agent and leaves no timer, listener or subscription behind', async () => {
    // Fake timers count unref'd timers too (a pending restart, the health sweep), which
    // process.getActiveResourcesInfo() would not show.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const timersBefore = jest.getTimerCount();
    const { host, bus, subscription } = setup({ settings: { restartBaseMs: 60_000, healthCheckIntervalMs: 1_000 } });
    const subscriptionsBefore = bus.stats().subscriptions;
    const stops: string[] = [];
    const withSubscription = scriptedAgent('listener', {
      start(ctx) {
        const sub = ctx.bus.subscribe('file.saved', () => undefined);
        ctx.signal.addEventListener('abort', () => sub.dispose(), { once: true });
      },
      async stop() {
        stops.push('listener');
      },
      isHealthy: () => true,
    });
    const crashing = scriptedAgent('crashing', {
      start() {
        throw new Error('cannot start');
      },
      stop: () => void stops.push('crashing'),
    });
    await host.spawn(withSubscription);
    await host.spawn(crashing);
    const hung = host.dispatch('listener', { type: 't', input: { hang: true } }, { deadlineMs: 600_000 });
    expect(host.get('crashing')!.health.status).toBe('crashed');
    expect(bus.stats().subscriptions).toBe(subscriptionsBefore + 1);
    // deadline of the hung task + pending restart + health sweep
    expect(jest.getTimerCount()).toBe(timersBefore + 3);

    await host.close();

    await expect(hung).rejects.toThrow(CancelledError);
    expect(stops.sort()).toEqual(['crashing', 'listener']);
    expect(host.size).toBe(0);
    expect(jest.getTimerCount()).toBe(timersBefore);
    expect(bus.stats().subscriptions).toBe(subscriptionsBefore);
    await expect(host.spawn(scriptedAgent('late'))).rejects.toThrow(CancelledError);
    await expect(host.dispatch('listener', { type: 't', input: {} })).rejects.toThrow(CancelledError);
    await host.close();
    subscription.dispose();
    bus.dispose();
  });
});
