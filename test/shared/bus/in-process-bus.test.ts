import { afterEach, describe, expect, it } from '@jest/globals';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import type { AnyEvent, OrchestraEvent } from '../../../shared/bus/topics.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

let bus: InProcessEventBus;
afterEach(() => bus?.dispose());

describe('InProcessEventBus', () => {
  it('delivers typed events with id, trace id, causation id and timestamp', async () => {
    bus = new InProcessEventBus();
    const seen: OrchestraEvent<'file.saved'>[] = [];
    bus.subscribe('file.saved', (e) => {
      seen.push(e);
    });
    const root = await bus.publish('file.saved', { path: 'a.ts' }, { source: 'test' });
    const child = await bus.publish('file.saved', { path: 'b.ts' }, { causedBy: root, source: 'test' });
    await bus.idle();
    expect(seen.map((e) => e.payload.path)).toEqual(['a.ts', 'b.ts']);
    expect(root.id).not.toEqual(child.id);
    expect(root.traceId).toBe(root.id);
    expect(child.traceId).toBe(root.traceId);
    expect(child.causationId).toBe(root.id);
    expect(root.causationId).toBeUndefined();
    expect(typeof root.timestamp).toBe('number');
    expect(Math.abs(root.timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('routes exact, single-segment and multi-segment wildcard subscriptions', async () => {
    bus = new InProcessEventBus();
    const got: Record<string, string[]> = { exact: [], errorStar: [], agentStarStar: [], all: [] };
    bus.subscribe('error.detected', (e) => void got.exact!.push(e.topic));
    bus.subscribe('error.*', (e) => void got.errorStar!.push(e.topic));
    bus.subscribe('agent.**', (e) => void got.agentStarStar!.push(e.topic));
    bus.subscribe('*', (e) => void got.all!.push(e.topic));
    await bus.publish('error.detected', { source: 't', message: 'boom' });
    await bus.publish('agent.started', { agentId: 'a', kind: 'review' });
    await bus.publish('agent.task.completed', { agentId: 'a', taskId: 't', type: 'x', durationMs: 1 });
    await bus.publish('file.saved', { path: 'x' });
    await bus.idle();
    expect(got.exact).toEqual(['error.detected']);
    expect(got.errorStar).toEqual(['error.detected']);
    expect(got.agentStarStar).toEqual(['agent.started', 'agent.task.completed']);
    expect(got.all).toEqual(['error.detected', 'agent.started', 'agent.task.completed', 'file.saved']);
  });

  it('routing cache is invalidated when subscriptions change', async () => {
    bus = new InProcessEventBus();
    const a: string[] = [];
    await bus.publish('file.saved', { path: 'before' });
    const sub = bus.subscribe('file.*', (e) => void a.push((e as OrchestraEvent<'file.saved'>).payload.path));
    await bus.publish('file.saved', { path: 'during' });
    sub.dispose();
    await bus.publish('file.saved', { path: 'after' });
    await bus.idle();
    expect(a).toEqual(['during']);
  });

  it('isolates a throwing handler and reports it as bus.handler_failed', async () => {
    bus = new InProcessEventBus();
    const failures: AnyEvent[] = [];
    const okSeen: string[] = [];
    bus.subscribe('bus.handler_failed', (e) => void failures.push(e));
    bus.subscribe('file.saved', () => {
      throw new Error('sync boom');
    }, { name: 'sync-thrower' });
    bus.subscribe('file.saved', async () => {
      await tick();
      throw new Error('async boom');
    }, { name: 'async-thrower' });
    bus.subscribe('file.saved', (e) => void okSeen.push(e.payload.path));
    const event = await bus.publish('file.saved', { path: 'x.ts' });
    await bus.idle();
    await bus.idle();
    expect(okSeen).toEqual(['x.ts']);
    const payloads = failures.map((f) => f.payload as { subscription: string; error: string; eventId: string });
    expect(payloads.map((p) => p.subscription).sort()).toEqual(['async-thrower', 'sync-thrower']);
    expect(payloads.map((p) => p.error).sort()).toEqual(['async boom', 'sync boom']);
    expect(payloads.every((p) => p.eventId === event.id)).toBe(true);
    expect(failures.every((f) => f.causationId === event.id)).toBe(true);
    expect(bus.stats().failed).toBe(2);
  });

  it('a failing failure-handler does not loop', async () => {
    bus = new InProcessEventBus();
    let calls = 0;
    bus.subscribe('bus.**', () => {
      calls++;
      throw new Error('also broken');
    });
    bus.subscribe('file.saved', () => {
      throw new Error('broken');
    });
    await bus.publish('file.saved', { path: 'x' });
    await bus.idle();
    await tick();
    expect(calls).toBe(1);
  });

  it('respects the per-subscription concurrency limit', async () => {
    bus = new InProcessEventBus();
    let running = 0;
    let maxRunning = 0;
    const gates: (() => void)[] = [];
    bus.subscribe(
      'file.saved',
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 10; i++) await bus.publish('file.saved', { path: String(i) });
    await tick();
    expect(running).toBe(3);
    while (gates.length > 0) {
      gates.shift()!();
      await tick();
    }
    await bus.idle();
    expect(maxRunning).toBe(3);
    expect(bus.stats().delivered).toBe(10);
  });

  it('drop-oldest keeps the newest events and reports the drops', async () => {
    bus = new InProcessEventBus({ dropReportIntervalMs: 0 });
    const gate = deferred();
    const seen: string[] = [];
    const drops: number[] = [];
    bus.subscribe('bus.dropped', (e) => void drops.push(e.payload.dropped));
    bus.subscribe(
      'telemetry.metric',
      async (e) => {
        await gate.promise;
        seen.push(e.payload.name);
      },
      { queueLimit: 3, overflow: 'drop-oldest', name: 'dash' },
    );
    // First event goes straight to the handler; the next ones queue (limit 3).
    for (let i = 0; i < 8; i++) await bus.publish('telemetry.metric', { name: `m${i}`, value: i });
    gate.resolve();
    await bus.idle();
    await new Promise((r) => setTimeout(r, 20));
    await bus.idle();
    expect(seen).toEqual(['m0', 'm5', 'm6', 'm7']);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(4);
    expect(bus.stats().dropped).toBe(4);
  });

  it('drop-newest keeps the oldest queued events', async () => {
    bus = new InProcessEventBus({ dropReportIntervalMs: 0 });
    const gate = deferred();
    const seen: string[] = [];
    bus.subscribe(
      'telemetry.metric',
      async (e) => {
        await gate.promise;
        seen.push(e.payload.name);
      },
      { queueLimit: 2, overflow: 'drop-newest' },
    );
    for (let i = 0; i < 6; i++) await bus.publish('telemetry.metric', { name: `m${i}`, value: i });
    gate.resolve();
    await bus.idle();
    expect(seen).toEqual(['m0', 'm1', 'm2']);
    expect(bus.stats().dropped).toBe(3);
  });

  it('block never drops and makes the publisher wait (backpressure)', async () => {
    bus = new InProcessEventBus();
    const seen: number[] = [];
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    bus.subscribe(
      'user.command',
      async (e) => {
        await gate;
        seen.push(Number(e.payload.text));
      },
      { queueLimit: 2, overflow: 'block' },
    );
    let published = 0;
    const publisher = (async () => {
      for (let i = 0; i < 10; i++) {
        await bus.publish('user.command', { text: String(i), origin: 'test' });
        published++;
      }
    })();
    for (let i = 0; i < 5; i++) await tick();
    // 1 running + 2 queued + 1 over the limit whose publisher is now waiting.
    expect(published).toBe(3);
    expect(seen).toEqual([]);
    gate = Promise.resolve();
    release();
    await publisher;
    await bus.idle();
    expect(published).toBe(10);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(bus.stats().dropped).toBe(0);
  });

  it('keeps a bounded ring of recent events for dashboards', async () => {
    bus = new InProcessEventBus({ ringSize: 3 });
    for (let i = 0; i < 5; i++) await bus.publish('telemetry.metric', { name: `m${i}`, value: i });
    expect(bus.recent().map((e) => (e.payload as { name: string }).name)).toEqual(['m2', 'm3', 'm4']);
    expect(bus.recent(2).map((e) => (e.payload as { name: string }).name)).toEqual(['m3', 'm4']);
  });

  it('defers deep synchronous re-publishing instead of overflowing the stack', async () => {
    bus = new InProcessEventBus({ maxSyncDepth: 4 });
    let count = 0;
    bus.subscribe('telemetry.metric', (e) => {
      count++;
      if (e.payload.value < 1000) void bus.publish('telemetry.metric', { name: 'x', value: e.payload.value + 1 }, { causedBy: e });
    }, { queueLimit: 10_000 });
    await bus.publish('telemetry.metric', { name: 'x', value: 0 });
    for (let i = 0; i < 50 && count < 1001; i++) await bus.idle().then(tick);
    expect(count).toBe(1001);
  });

  it('rejects bad subscription options with a message naming the key', () => {
    bus = new InProcessEventBus();
    expect(() => bus.subscribe('file.saved', () => undefined, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => bus.subscribe('file.saved', () => undefined, { queueLimit: -1 })).toThrow(/queueLimit/);
    expect(() => bus.subscribe('file..saved', () => undefined)).toThrow(/Invalid topic pattern/);
  });

  it('after dispose: no subscriptions, no timers, publishing rejects, blocked publishers are released', async () => {
    bus = new InProcessEventBus({ dropReportIntervalMs: 60_000 });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    bus.subscribe('telemetry.metric', () => new Promise<void>(() => undefined), { queueLimit: 1, overflow: 'drop-newest' });
    for (let i = 0; i < 5; i++) await bus.publish('telemetry.metric', { name: 'm', value: i });
    const blocking = bus.subscribe('user.command', () => new Promise<void>(() => undefined), { queueLimit: 1 });
    await bus.publish('user.command', { text: 'a', origin: 't' });
    await bus.publish('user.command', { text: 'b', origin: 't' });
    const stuck = bus.publish('user.command', { text: 'c', origin: 't' });
    expect(blocking).toBeDefined();
    bus.dispose();
    await expect(stuck).resolves.toMatchObject({ topic: 'user.command' });
    expect(bus.stats().subscriptions).toBe(0);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    await expect(bus.publish('file.saved', { path: 'x' })).rejects.toThrow(/disposed/);
  });
});
