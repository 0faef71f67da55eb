/**
 * `npm run bench -- bus`: deliveries per second of the in-process bus against node:events,
 * eventemitter3 and tseep doing the same work (the same handler body per delivery), and
 * publish-to-handler latency at a steady 100,000 events/s.
 *
 * Same work: every contender calls the same handler body once per (event, subscriber). Our
 * publisher awaits every `publish()` (the real API: it carries backpressure); the peers emit
 * synchronously. The peers have no wildcards, so in wildcard cases they subscribe to the exact topic:
 * the ratio then shows what routing a wildcard costs us against an exact-topic emitter.
 */
import { EventEmitter } from 'node:events';
import { EventEmitter as EventEmitter3 } from 'eventemitter3';
import { EventEmitter as TseepEmitter } from 'tseep';
import { InProcessEventBus } from '../shared/bus/in-process-bus.js';
import type { OrchestraEvent } from '../shared/bus/topics.js';
import { compare, interleave, median, percentile, type BenchLine, type BenchSuite } from './harness.js';

const RUNS = 5;
const EVENTS = 200_000;

type Handler = (value: number) => void | Promise<void>;
let sink = 0;
const syncWork: Handler = (v) => {
  sink += v;
};
const asyncWork: Handler = async (v) => {
  sink += v;
};

interface Case {
  name: string;
  subscribers: number;
  async: boolean;
  wildcard: boolean;
}

async function ours(c: Case): Promise<number> {
  const bus = new InProcessEventBus();
  const work = c.async ? asyncWork : syncWork;
  const pattern = c.wildcard ? 'telemetry.*' : 'telemetry.metric';
  for (let s = 0; s < c.subscribers; s++) {
    bus.subscribe(pattern, (e) => work((e as OrchestraEvent<'telemetry.metric'>).payload.value), { queueLimit: 4096 });
  }
  const payload = { name: 'x', value: 1 };
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) await bus.publish('telemetry.metric', payload);
  await bus.idle();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  bus.dispose();
  return (EVENTS * c.subscribers) / seconds;
}

interface Emitter {
  on(event: string, fn: (...args: never[]) => unknown): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

const onRejected = (error: unknown): void => {
  sink -= error === undefined ? 0 : 1;
};

function peer(make: () => Emitter, c: Case, native: boolean): () => Promise<number> {
  return async () => {
    const ee = make();
    const work = c.async ? asyncWork : syncWork;
    // Isolation is part of the work: a rejected async handler must not become an unhandled rejection.
    // node:events does it itself with captureRejections; the others get the same `.then` by hand.
    const listener = c.async && !native ? (p: { value: number }) => (work(p.value) as Promise<void>).then(undefined, onRejected) : (p: { value: number }) => work(p.value);
    for (let s = 0; s < c.subscribers; s++) ee.on('telemetry.metric', listener as (...args: never[]) => unknown);
    const payload = { name: 'x', value: 1 };
    const start = process.hrtime.bigint();
    for (let i = 0; i < EVENTS; i++) ee.emit('telemetry.metric', payload);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return (EVENTS * c.subscribers) / seconds;
  };
}

const peers: Record<string, () => Emitter> = {
  'node:events': () => {
    const ee = new EventEmitter({ captureRejections: true });
    ee.setMaxListeners(100);
    ee.on('error', onRejected);
    return ee as unknown as Emitter;
  },
  eventemitter3: () => new EventEmitter3() as unknown as Emitter,
  tseep: () => new TseepEmitter() as unknown as Emitter,
};

/** Publishes at a steady rate in 1 ms slices and records publish-to-handler latency (ms). */
async function latency(rate: number, seconds: number, useOurs: boolean): Promise<number[]> {
  const samples: number[] = [];
  const perSlice = Math.round(rate / 1000);
  const total = rate * seconds;
  const record = async (sentAt: number) => {
    samples.push(performance.now() - sentAt);
  };
  const bus = new InProcessEventBus();
  const ee = new EventEmitter({ captureRejections: true });
  ee.on('error', onRejected);
  if (useOurs) bus.subscribe('telemetry.metric', (e) => record(e.payload.value), { queueLimit: 100_000 });
  else ee.on('telemetry.metric', (p: { value: number }) => void record(p.value));
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    // Catch up to the schedule: the events due by now, in 1 ms slices.
    const due = Math.min(total, Math.floor((performance.now() - t0) * (rate / 1000)) + perSlice);
    while (sent < due) {
      const payload = { name: 'latency', value: performance.now() };
      if (useOurs) await bus.publish('telemetry.metric', payload);
      else ee.emit('telemetry.metric', payload);
      sent++;
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  await bus.idle();
  bus.dispose();
  return samples;
}

const suite: BenchSuite = {
  name: 'bus',
  async run(report: (line: BenchLine) => void) {
    const cases: Case[] = [
      { name: 'sync-1-subscriber', subscribers: 1, async: false, wildcard: false },
      { name: 'async-1-subscriber', subscribers: 1, async: true, wildcard: false },
      { name: 'sync-10-subscribers', subscribers: 10, async: false, wildcard: false },
      { name: 'async-10-subscribers', subscribers: 10, async: true, wildcard: false },
      { name: 'async-1-subscriber-wildcard', subscribers: 1, async: true, wildcard: true },
      { name: 'async-10-subscribers-wildcard', subscribers: 10, async: true, wildcard: true },
    ];
    for (const c of cases) {
      const contenders: Record<string, () => Promise<number>> = { ours: () => ours(c) };
      for (const [name, make] of Object.entries(peers)) contenders[name] = peer(make, c, name === 'node:events');
      const samples = await interleave(RUNS, contenders);
      const mine = median(samples.ours!);
      for (const name of Object.keys(peers)) {
        const line = compare({ bench: 'bus', case: c.name, metric: 'deliveries_per_s', runs: RUNS, stat: 'median' }, mine, name, median(samples[name]!));
        if (c.name === 'async-1-subscriber') line.target = 1_000_000;
        report(line);
      }
    }
    const ourLat = await latency(100_000, 3, true);
    const peerLat = await latency(100_000, 3, false);
    for (const [stat, p] of [['p50', 50], ['p99', 99]] as const) {
      const line = compare(
        { bench: 'bus', case: 'latency-at-100k-events-per-s', metric: `publish_to_handler_ms_${stat}`, runs: 1, stat, better: 'lower' },
        percentile(ourLat, p),
        'node:events',
        percentile(peerLat, p),
      );
      if (stat === 'p99') line.target = 2;
      report(line);
    }
    if (sink < 0) console.error(sink);
  },
};

export default suite;
