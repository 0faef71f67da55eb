import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import { RedisBusBridge, type RedisBusBridgeOptions } from '../../../shared/bus/redis-bus-bridge.js';
import type { AnyEvent, OrchestraEvent } from '../../../shared/bus/topics.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { compileForChild, type ChildModule } from '../memory/child-module.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bus-bridge-child.mjs');

let redis: RedisServer;
let admin: Redis;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url, { maxRetriesPerRequest: null });
  await admin.ping(); // connected now, so leak checks compare like with like
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await admin?.quit();
  await redis?.stop();
});

/** Polls (no timing is asserted) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A bus that records every event it carries. */
function recordingBus(): { bus: InProcessEventBus; events: AnyEvent[] } {
  const bus = new InProcessEventBus();
  const events: AnyEvent[] = [];
  bus.subscribe('*', (event) => void events.push(event), { queueLimit: 100_000 });
  cleanups.push(() => bus.dispose());
  return { bus, events };
}

/** A bridge whose reported errors are collected; closed after the test. */
async function bridgeOf(bus: InProcessEventBus, options: Partial<RedisBusBridgeOptions> & { channel: string }) {
  const errors: Error[] = [];
  const bridge = new RedisBusBridge({ bus, redisUrl: redis.url, topics: ['*'], onUnexpectedError: (error) => void errors.push(error as Error), ...options });
  cleanups.push(() => bridge.close());
  await bridge.ready();
  return { bridge, errors };
}

/** A raw subscriber on the channel: every message, parsed, in Redis order. */
async function tap(channel: string): Promise<{ node: string; events: { id: string; topic: string }[] }[]> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const messages: { node: string; events: { id: string; topic: string }[] }[] = [];
  client.on('message', (_channel: string, message: string) => void messages.push(JSON.parse(message)));
  await client.subscribe(channel);
  cleanups.push(() => client.quit());
  return messages;
}

const eventsIn = (messages: { events: { id: string; topic: string }[] }[]) => messages.flatMap((m) => m.events);

describe('RedisBusBridge', () => {
  it('carries events between two buses with id, trace id, causation id, timestamp and source kept, marked with their origin, never echoed', async () => {
    const channel = `bus-${randomUUID()}`;
    const a = recordingBus();
    const b = recordingBus();
    const wire = await tap(channel);
    const { bridge: bridgeA, errors: errorsA } = await bridgeOf(a.bus, { channel, topics: ['user.command', 'error.*'] });
    const { bridge: bridgeB, errors: errorsB } = await bridgeOf(b.bus, { channel, topics: ['user.command', 'error.*'] });
    // An agent in "process" B answers each command with a finding caused by it.
    b.bus.subscribe('user.command', async (event) => {
      await b.bus.publish('error.detected', { source: 'b', message: `answer to ${event.payload.text}` }, { causedBy: event, source: 'b-agent' });
    });

    const command = await a.bus.publish('user.command', { text: 'review', origin: 'cli' }, { source: 'cli', traceId: 'trace-1' });
    await until(() => eventsIn(wire).some((e) => e.topic === 'error.detected'));
    await until(() => a.events.some((e) => e.topic === 'error.detected'));

    const seenByB = b.events.find((e) => e.topic === 'user.command')!;
    expect(seenByB).toEqual({ ...command, origin: bridgeA.nodeId });
    expect(seenByB.traceId).toBe('trace-1');
    const answer = a.events.find((e) => e.topic === 'error.detected') as OrchestraEvent<'error.detected'>;
    expect(answer).toMatchObject({ traceId: 'trace-1', causationId: command.id, source: 'b-agent', origin: bridgeB.nodeId });
    expect(answer.payload).toEqual({ source: 'b', message: 'answer to review' });
    expect(b.events.find((e) => e.topic === 'error.detected')).toEqual({ ...answer, origin: undefined });

    // No echo: each event crossed Redis once, sent by the bridge of the bus it was published on,
    // and each bus carried each event once. (The tap sees messages in Redis order, so an echo sent
    // before the answer would be in `wire` by now.)
    expect(wire.map((m) => [m.node, m.events.map((e) => e.id)])).toEqual([
      [bridgeA.nodeId, [command.id]],
      [bridgeB.nodeId, [answer.id]],
    ]);
    expect(a.events.map((e) => e.id)).toEqual([command.id, answer.id]);
    expect(b.events.map((e) => e.id)).toEqual([command.id, answer.id]);
    expect(bridgeA.stats()).toMatchObject({ forwarded: 1, batches: 1, relayed: 1, rejectedIncoming: 0 });
    expect(bridgeB.stats()).toMatchObject({ forwarded: 1, batches: 1, relayed: 1, rejectedIncoming: 0 });
    expect([...errorsA, ...errorsB]).toEqual([]);
  });

  it('forwards only the chosen topics, several events per message, in order', async () => {
    const channel = `bus-${randomUUID()}`;
    const a = recordingBus();
    const b = recordingBus();
    const wire = await tap(channel);
    const { bridge: bridgeA } = await bridgeOf(a.bus, { channel, topics: ['file.*'] });
    const { bridge: bridgeB } = await bridgeOf(b.bus, { channel, topics: ['file.*', 'user.command'] });

    const published: Promise<AnyEvent>[] = [];
    for (let n = 0; n < 1200; n++) {
      published.push(a.bus.publish('file.saved', { path: `f${n}.ts` }));
      if (n % 100 === 0) published.push(a.bus.publish('user.command', { text: `not carried ${n}`, origin: 'test' }));
    }
    const sent = (await Promise.all(published)).filter((e) => e.topic === 'file.saved');
    await until(() => b.events.length === 1200);
    // The tap is a connection of its own: on a loaded machine its messages may still be on the way.
    await until(() => eventsIn(wire).length === 1200);

    expect(b.events.map((e) => e.id)).toEqual(sent.map((e) => e.id));
    expect(b.events.map((e) => (e as OrchestraEvent<'file.saved'>).payload.path)).toEqual(sent.map((_, n) => `f${n}.ts`));
    expect(eventsIn(wire).every((e) => e.topic === 'file.saved')).toBe(true);
    // Published in one synchronous loop: full batches of 500, then the rest on the next turn.
    expect(wire.map((m) => m.events.length)).toEqual([500, 500, 200]);
    expect(bridgeA.stats()).toMatchObject({ forwarded: 1200, batches: 3 });

    // B carries user.command, A does not: A ignores it quietly.
    await b.bus.publish('user.command', { text: 'only for those who carry it', origin: 'test' });
    await until(() => bridgeA.stats().ignoredIncoming === 1);
    expect(a.events.filter((e) => e.origin !== undefined)).toEqual([]);
    expect(bridgeB.stats().forwarded).toBe(1);
  });

  it('drops malformed and hostile messages, reports each, and keeps relaying valid events', async () => {
    const channel = `bus-${randomUUID()}`;
    const b = recordingBus();
    const { bridge, errors } = await bridgeOf(b.bus, { channel, topics: ['file.*', 'user.command'], maxMessageBytes: 64 * 1024 });
    const event = (over: Record<string, unknown>) => ({ id: `e-${randomUUID()}`, topic: 'file.saved', traceId: 't', timestamp: 1, source: 's', payload: { path: 'ok.ts' }, ...over });
    const batch = (events: unknown[], node = 'intruder') => JSON.stringify({ v: 1, node, events });

    await admin.publish(channel, 'not json {');
    await admin.publish(channel, JSON.stringify({ v: 2, node: 'future', events: [] }));
    await admin.publish(channel, JSON.stringify({ v: 1, node: 'x', events: 'none' }));
    await admin.publish(channel, JSON.stringify([1, 2, 3]));
    await admin.publish(channel, 'null');
    await admin.publish(channel, '['.repeat(30_000) + ']'.repeat(30_000)); // deep nesting, under the size limit
    await admin.publish(channel, batch([event({ payload: { path: 'x'.repeat(70 * 1024) } })])); // over maxMessageBytes
    const good = event({ payload: { path: 'good.ts', extra: 'stripped' } });
    await admin.publish(
      channel,
      batch([
        event({ id: '' }), // empty id
        event({ timestamp: 'yesterday' }),
        event({ topic: 'shell.exec' }), // not a topic of TopicMap
        event({ topic: 'constructor' }),
        event({ payload: { path: 42 } }), // wrong payload shape
        event({ topic: 'user.command', payload: { text: 'x' } }), // missing origin
        event({ id: 'x'.repeat(1000) }),
        'not an object',
        good,
      ]),
    );
    // Raw JSON so the "__proto__" key really is in the message (an object literal would set the prototype).
    const polluting = `{"v":1,"node":"intruder","events":[{"id":"p1","topic":"file.saved","traceId":"t","timestamp":2,"source":"s","payload":{"path":"p.ts","__proto__":{"polluted":true}}}]}`;
    await admin.publish(channel, polluting);
    await until(() => b.events.length === 2);

    expect(b.events.map((e) => [e.id, e.payload, e.origin])).toEqual([
      [good.id, { path: 'good.ts' }, 'intruder'],
      ['p1', { path: 'p.ts' }, 'intruder'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(b.events[1]!.payload)).toBe(Object.prototype);
    expect(bridge.stats()).toMatchObject({ relayed: 2, rejectedIncoming: 7 + 8 });
    expect(errors).toHaveLength(15);
    expect(errors.every((e) => e.name === 'InvalidInputError')).toBe(true);
    const messages = errors.map((e) => e.message).join('\n');
    expect(messages).toContain('dropped a message: the message is not JSON');
    expect(messages).toContain('is not a version 1 event batch');
    expect(messages).toMatch(/the message has \d+ bytes, more than maxMessageBytes \(65536\)/);
    expect(messages).toContain('"shell.exec" is not a topic');
    expect(messages).toContain('"constructor" is not a topic');
    expect(messages).toMatch(/event 4 \(topic "file.saved"\): payload path: .*expected string/);
    expect(messages).toMatch(/event 5 \(topic "user.command"\): payload origin:/);

    // Still working: a real bridge's event arrives.
    const a = recordingBus();
    await bridgeOf(a.bus, { channel, topics: ['file.*'] });
    const later = await a.bus.publish('file.saved', { path: 'after.ts' });
    await until(() => b.events.some((e) => e.id === later.id));
  });

  it('does not send what cannot cross processes, reports it, and still delivers it locally', async () => {
    const channel = `bus-${randomUUID()}`;
    const a = recordingBus();
    const wire = await tap(channel);
    const { bridge, errors } = await bridgeOf(a.bus, { channel, topics: ['telemetry.*', 'file.*'], maxMessageBytes: 4096 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await a.bus.publish('telemetry.metric', { name: 'n', value: 1, labels: circular as Record<string, string> });
    await a.bus.publish('telemetry.metric', { name: 'big', value: 2n as unknown as number });
    await a.bus.publish('file.saved', { path: 'p', content: 'x'.repeat(5000) });
    const fine = await a.bus.publish('file.saved', { path: 'fine.ts' });
    await until(() => eventsIn(wire).length === 1);

    expect(eventsIn(wire).map((e) => e.id)).toEqual([fine.id]);
    expect(a.events).toHaveLength(4);
    expect(bridge.stats()).toMatchObject({ forwarded: 1, droppedOutgoing: 3 });
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/on "telemetry.metric" cannot cross processes: its payload is not JSON .*publish plain JSON data/),
      expect.stringMatching(/on "telemetry.metric" cannot cross processes: its payload is not JSON/),
      expect.stringMatching(/on "file.saved" was not sent to other processes: it encodes to \d+ bytes, more than maxMessageBytes \(4096\)/),
    ]);
  });

  it('runs across two real processes: the trace crosses there and back', async () => {
    const channel = `bus-${randomUUID()}`;
    const busModule = await compileForChild('shared/bus/in-process-bus.ts');
    cleanups.push(() => busModule.dispose());
    const bridgeModule = await compileForChild('shared/bus/redis-bus-bridge.ts');
    cleanups.push(() => bridgeModule.dispose());
    const child = startChild([busModule, bridgeModule], channel);
    const lines = await child.ready;

    const a = recordingBus();
    const { bridge, errors } = await bridgeOf(a.bus, { channel, topics: ['user.command', 'error.detected'] });
    const command = await a.bus.publish('user.command', { text: 'scan', origin: 'cli' }, { source: 'cli' });
    await until(() => a.events.some((e) => e.topic === 'error.detected') && lines.some((l) => l.kind === 'event'));

    const received = lines.find((l) => l.kind === 'event')!.event as AnyEvent;
    expect(received).toEqual({ ...command, origin: bridge.nodeId });
    const answer = a.events.find((e) => e.topic === 'error.detected')!;
    expect(answer).toMatchObject({ traceId: command.traceId, causationId: command.id, source: 'child-agent', origin: lines[0]!.nodeId });
    expect(a.events.map((e) => e.topic)).toEqual(['user.command', 'error.detected']);

    child.process.kill('SIGTERM');
    await exited(child.process);
    expect(child.process.exitCode).toBe(0);
    expect(lines.at(-1)).toMatchObject({ kind: 'closed', stats: { forwarded: 1, relayed: 1, rejectedIncoming: 0 } });
    expect(child.stderr()).toBe('');
    expect(errors).toEqual([]);
  });

  it('refuses bad options with a message saying what to fix, before connecting', async () => {
    const bus = recordingBus().bus;
    const base = { bus, redisUrl: redis.url, topics: ['file.*'] };
    expect(() => new RedisBusBridge({ ...base, topics: [] })).toThrow(/option topics: .*>=1/);
    expect(() => new RedisBusBridge({ ...base, topics: ['file.sav*'] })).toThrow(/Invalid topic pattern "file.sav\*"/);
    expect(() => new RedisBusBridge({ ...base, redisUrl: 'localhost:6379' })).toThrow(/redisUrl must use redis: or rediss:/);
    expect(() => new RedisBusBridge({ ...base, maxBatchEvents: 0 })).toThrow(/option maxBatchEvents/);
    expect(() => new RedisBusBridge({ ...base, bogus: 1 } as RedisBusBridgeOptions)).toThrow(/Unrecognized key.*bogus/);
    expect(() => new RedisBusBridge({ ...base, bus: undefined } as unknown as RedisBusBridgeOptions)).toThrow(/needs the local bus/);
    expect(() => RedisBusBridge.fromEnv({ bus, topics: ['*'] }, { REDIS_URL: redis.url })).toThrow(/ORCHESTRA_REDIS_URL is not set/);
    expect(bus.stats().subscriptions).toBe(1); // only the recorder: no bridge subscribed
    const disposed = new InProcessEventBus();
    disposed.dispose();
    expect(() => new RedisBusBridge({ ...base, bus: disposed })).toThrow(/disposed/);
    expect(await connectionNames()).toEqual([]);
  });

  it('close() sends the batch in progress and leaves no connection, timer or listener behind', async () => {
    const channel = `bus-${randomUUID()}`;
    const wire = await tap(channel);
    const bus = new InProcessEventBus();
    cleanups.push(() => bus.dispose());
    const before = resources();
    const bridge = RedisBusBridge.fromEnv(
      { bus, channel, topics: ['file.*'], flushDelayMs: 60_000 },
      { ORCHESTRA_REDIS_URL: redis.url },
    );
    await bridge.ready();
    expect(await connectionNames()).toEqual(['orchestra-bus-bridge-pub', 'orchestra-bus-bridge-sub']);
    const last = await bus.publish('file.saved', { path: 'last.ts' });
    expect(resources()).toContain('Timeout'); // the batch waits for flushDelayMs

    await bridge.close();
    await until(() => wire.length === 1);
    expect(eventsIn(wire).map((e) => e.id)).toEqual([last.id]);
    // A socket's timers may take a tick or two to clear after close on a loaded machine: a leak stays.
    for (let i = 0; i < 100 && leftovers(before).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(leftovers(before)).toEqual([]);
    expect(bus.stats().subscriptions).toBe(0);
    expect(await connectionNames()).toEqual([]);
    await bridge.close(); // idempotent
    bridge.dispose();
    await bus.publish('file.saved', { path: 'after-close.ts' });
    expect(bridge.stats().forwarded).toBe(1);
  });
});

/** Names of the bridge's connections Redis currently holds. */
async function connectionNames(): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return [...list.matchAll(/ name=(orchestra-bus-bridge-\S+)/g)].map((m) => m[1]!).sort();
}

/** Handles and timers alive in this process, by type. */
function resources(): string[] {
  return process.getActiveResourcesInfo().sort();
}

/** What is alive now and was not in `before` (a multiset difference: other timers may have ended meanwhile). */
function leftovers(before: readonly string[]): string[] {
  const left = [...before];
  return resources().filter((type) => {
    const index = left.indexOf(type);
    if (index < 0) return true;
    left.splice(index, 1);
    return false;
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

interface ChildLine {
  kind: string;
  nodeId?: string;
  event?: unknown;
  stats?: unknown;
}

/** Starts the child bridge process; `ready` resolves with its output lines once it is subscribed. */
function startChild(modules: ChildModule[], channel: string) {
  const child = spawn(process.execPath, [fixture, ...modules.map((m) => m.url), redis.url, channel], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  });
  const lines: ChildLine[] = [];
  let stderr = '';
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<ChildLine[]>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const complete = partial.split('\n');
      partial = complete.pop()!;
      for (const line of complete) {
        lines.push(JSON.parse(line) as ChildLine);
        if (lines.at(-1)!.kind === 'ready') resolve(lines);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before it was ready: ${stderr}`)));
  });
  return { process: child, ready, stderr: () => stderr };
}
