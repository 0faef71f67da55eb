import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { BullMqTaskQueue } from '../../../shared/queue/bullmq-task-queue.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { compileForChild, type ChildModule } from '../memory/child-module.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bullmq-worker.mjs');

let redis: RedisServer;
let admin: Redis;
let compiled: ChildModule;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url, { maxRetriesPerRequest: null });
  compiled = await compileForChild('shared/queue/bullmq-task-queue.ts');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([...children].map(exited));
  await admin?.quit();
  await redis?.stop();
  await compiled?.dispose();
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a worker process and resolves once it has registered its processor. */
function startWorker(prefix: string, mode: 'work' | 'hang'): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fixture, compiled.url, redis.url, prefix, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready: ${stderr}`)));
  });
}

/** Polls Redis (no timing is asserted) until `check` holds. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

// Worker processes start slowly on a loaded 2-core machine; nothing here asserts timing.
jest.setTimeout(120_000);

describe('BullMqTaskQueue across worker processes', () => {
  it('shares jobs between two workers; after one is SIGKILLed mid-job every job completes, its result recorded once', async () => {
    const prefix = `w-${randomUUID()}`;
    const producer = new BullMqTaskQueue({ redisUrl: redis.url, prefix });
    try {
      const hanging = await startWorker(prefix, 'hang');
      const handles = [];
      for (let n = 0; n < 4; n++) handles.push(await producer.add('work', { n }));
      // The hanging worker takes jobs (up to its concurrency) and never finishes them.
      await until(async () => (await admin.llen(`${prefix}:test:starts`)) >= 2);
      const working = await startWorker(prefix, 'work');
      for (let n = 4; n < 20; n++) handles.push(await producer.add('work', { n }));
      hanging.kill('SIGKILL');
      await exited(hanging);
      const results = await Promise.all(handles.map((h) => h.finished()));
      expect(results).toEqual(handles.map((_, n) => `${n * 2}`));

      const starts = (await admin.lrange(`${prefix}:test:starts`, 0, -1)).map((line) => line.split(' '));
      const pids = new Set(starts.map(([, pid]) => Number(pid)));
      expect(pids).toEqual(new Set([hanging.pid, working.pid]));
      const killedJobs = starts.filter(([, pid]) => Number(pid) === hanging.pid).map(([id]) => id);
      expect(killedJobs.length).toBeGreaterThanOrEqual(1);
      // Each job killed mid-run was re-run by the surviving worker.
      for (const id of killedJobs) expect(starts.some(([jobId, pid]) => jobId === id && Number(pid) === working.pid)).toBe(true);

      const recorded = await admin.hgetall(`${prefix}:test:recorded`);
      expect(Object.keys(recorded).sort()).toEqual(handles.map((h) => h.id).sort());
      expect(Object.values(recorded).every((count) => count === '1')).toBe(true);
      const stored = await admin.hgetall(`${prefix}:test:results`);
      expect(handles.map((h) => stored[h.id])).toEqual(results);
      expect((await producer.counts()).active).toBe(0);

      working.kill('SIGTERM');
      await exited(working);
      expect(working.exitCode).toBe(0);
    } finally {
      await producer.close();
    }
  });

  it('cancels a job running in another process: its handler’s signal aborts and it ends cancelled', async () => {
    const prefix = `c-${randomUUID()}`;
    const producer = new BullMqTaskQueue({ redisUrl: redis.url, prefix });
    try {
      const worker = await startWorker(prefix, 'work');
      const handle = await producer.add('work', { n: 1, untilCancelled: true }, { attempts: 3 });
      await until(async () => (await producer.getJob(handle.id))?.state === 'active');
      expect(await producer.cancel(handle.id, 'superseded by a newer push')).toBe(true);
      await expect(handle.finished()).rejects.toMatchObject({ name: 'CancelledError', message: expect.stringContaining('superseded by a newer push') });
      expect(await admin.llen(`${prefix}:test:starts`)).toBe(1); // not retried
      expect(await admin.hlen(`${prefix}:test:results`)).toBe(0);
      const next = await producer.add('work', { n: 5 });
      await expect(next.finished()).resolves.toBe('10');
      worker.kill('SIGTERM');
      await exited(worker);
    } finally {
      await producer.close();
    }
  });
});
