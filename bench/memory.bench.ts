/**
 * Memory store benchmarks.
 * - Durable puts with 64 in flight (group commit) vs the obvious durable log without it: append one
 *   JSON line and fdatasync per record, 64 writers sharing one file handle in turn.
 * - Durable puts one at a time (one fsync each): the floor set by the disk.
 * - Opening (replaying) 20,000 records vs reading the same records as NDJSON with JSON.parse per line
 *   (no checksums, no index): the cost of verified recovery.
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../shared/memory/memory-store.js';
import { compare, interleave, median, secondsSince, type BenchSuite } from './harness.js';

const RUNS = 5;
const WRITES = 2000;
const IN_FLIGHT = 64;
const REPLAY_RECORDS = 20_000;

const finding = (i: number): Record<string, unknown> => ({
  ruleId: 'security/command-injection',
  file: `src/module-${i % 97}.ts`,
  range: { start: { line: i % 500, column: 3 }, end: { line: i % 500, column: 40 } },
  message: `Untrusted input reaches exec() (#${i})`,
  fingerprint: `fp-${i.toString(16).padStart(8, '0')}`,
});

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-bench-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `count` calls of `op` with `inFlight` at a time; returns ops/s. */
async function drive(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await op(next++);
    }),
  );
  return count / secondsSince(start);
}

const oursPuts = (inFlight: number) => (): Promise<number> =>
  withDir(async (dir) => {
    const store = await MemoryStore.open(dir, { autoCompact: false });
    try {
      return await drive(WRITES, inFlight, (i) => store.put('findings', `f${i}`, finding(i)));
    } finally {
      await store.close();
    }
  });

const peerAppendFsync = (): Promise<number> =>
  withDir(async (dir) => {
    const file = await open(join(dir, 'log.ndjson'), 'a');
    let tail: Promise<unknown> = Promise.resolve();
    try {
      return await drive(WRITES, IN_FLIGHT, (i) => {
        const line = `${JSON.stringify({ ns: 'findings', key: `f${i}`, value: finding(i) })}\n`;
        // One write+sync at a time on the shared handle, as a log must (no interleaved records).
        tail = tail.then(async () => {
          await file.write(line);
          await file.datasync();
        });
        return tail;
      });
    } finally {
      await file.close();
    }
  });

const suite: BenchSuite = {
  name: 'memory',
  async run(report) {
    const concurrent = await interleave(RUNS, { ours: oursPuts(IN_FLIGHT), peer: peerAppendFsync });
    report(compare({ bench: 'memory', case: `durable put, ${IN_FLIGHT} in flight`, metric: 'ops/s', runs: RUNS, stat: 'median', unit: 'ops/s' }, median(concurrent.ours!), 'append+fdatasync per record', median(concurrent.peer!)));

    const serial = await interleave(3, { ours: oursPuts(1) });
    report(compare({ bench: 'memory', case: 'durable put, 1 in flight', metric: 'ops/s', runs: 3, stat: 'median', unit: 'ops/s' }, median(serial.ours!), null, null));

    await withDir(async (dir) => {
      const storeDir = join(dir, 'store');
      const store = await MemoryStore.open(storeDir, { autoCompact: false });
      await Promise.all(Array.from({ length: REPLAY_RECORDS }, (_, i) => store.put('findings', `f${i}`, finding(i))));
      await store.close();
      const ndjson = join(dir, 'peer.ndjson');
      await writeFile(ndjson, Array.from({ length: REPLAY_RECORDS }, (_, i) => `${JSON.stringify({ ns: 'findings', key: `f${i}`, value: finding(i) })}\n`).join(''));
      const samples = await interleave(RUNS, {
        ours: async () => {
          const start = process.hrtime.bigint();
          const reopened = await MemoryStore.open(storeDir);
          const ms = secondsSince(start) * 1000;
          await reopened.close();
          return ms;
        },
        peer: async () => {
          const start = process.hrtime.bigint();
          const index = new Map<string, unknown>();
          for (const line of (await readFile(ndjson, 'utf8')).split('\n')) {
            if (!line) continue;
            const record = JSON.parse(line) as { key: string; value: unknown };
            index.set(record.key, record.value);
          }
          return secondsSince(start) * 1000;
        },
      });
      report(compare({ bench: 'memory', case: `open ${REPLAY_RECORDS} records`, metric: 'ms', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' }, median(samples.ours!), 'NDJSON read+JSON.parse', median(samples.peer!)));
    });
  },
};

export default suite;
