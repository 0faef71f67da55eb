import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CancelledError, DeadlineExceededError, InvalidInputError, ResourceLimitError } from '../../../shared/errors/errors.js';
import { AgentHost } from '../../../shared/runtime/agent-host.js';
import { WorkerAgent } from '../../../shared/runtime/worker-agent.js';
import { WorkerPool } from '../../../shared/runtime/worker-pool.js';
import { recordingBus } from './test-agents.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'worker-tasks.mjs');

// One pool for the suite (threads start in ~40 ms each; the machine is shared): one thread, a small heap.
let pool: WorkerPool;
beforeAll(() => {
  pool = new WorkerPool({ filename: fixture, threads: 1, maxOldGenerationSizeMb: 32 });
});
afterAll(async () => {
  await pool.close();
});

describe('WorkerPool', () => {
  it('pre-starts its threads and runs the default or a named export', async () => {
    expect(pool.threads).toBe(1);
    await expect(pool.run(21)).resolves.toBe(42);
    await expect(pool.run(1, { name: 'spin' })).resolves.toBe('finished');
    await expect(pool.run(4, { filename: pathToFileURL(fixture) })).resolves.toBe(8);
  });

  it('passes on the error a task throws', async () => {
    await expect(pool.run('bad input', { name: 'fail' })).rejects.toThrow('bad input');
  });

  it('fails a task that exceeds the heap limit with a clear error, and recovers', async () => {
    const error = await pool.run(200, { name: 'hog' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceLimitError);
    expect((error as ResourceLimitError).limit).toBe('maxOldGenerationSizeMb=32');
    expect((error as Error).message).toMatch(/ran out of memory: each worker may use 32 MB of heap/);
    expect((error as { cause: { code: string } }).cause.code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    // The pool replaced the worker.
    await expect(pool.run(5)).resolves.toBe(10);
    expect(pool.threads).toBe(1);
    await expect(pool.run(2, { name: 'hog' })).resolves.toBe(40); // within the limit
  });

  it('cancels a running task by terminating its worker, rejecting with the signal reason', async () => {
    const controller = new AbortController();
    const running = pool.run(60_000, { name: 'spin', signal: controller.signal });
    setTimeout(() => controller.abort(new DeadlineExceededError('too slow', 1)), 20);
    await expect(running).rejects.toThrow('too slow');

    const plain = new AbortController();
    plain.abort();
    await expect(pool.run(1, { signal: plain.signal })).rejects.toThrow(CancelledError);
    await expect(pool.run(3)).resolves.toBe(6);
  });

  it('reports a worker heap figure', async () => {
    await expect(pool.heapUsed()).resolves.toBeGreaterThan(100_000);
  });

  it('refuses a relative module path and bad sizes', () => {
    expect(() => new WorkerPool({ filename: 'fixtures/worker-tasks.mjs' })).toThrow(InvalidInputError);
    expect(() => new WorkerPool({ threads: 0 })).toThrow(/'threads' must be an integer/);
  });

  it('rejects queued and new tasks once closed, and leaves no thread behind', async () => {
    const own = new WorkerPool({ filename: fixture, threads: 1, maxOldGenerationSizeMb: 32 });
    const running = own.run(60_000, { name: 'spin' });
    const queued = own.run(1);
    const closed = own.close();
    await expect(running).rejects.toThrow(CancelledError);
    await expect(queued).rejects.toThrow(CancelledError);
    await closed;
    expect(own.threads).toBe(0);
    await expect(own.run(1)).rejects.toThrow(/closed/);
  });
});

describe('WorkerAgent', () => {
  it('runs pooled work as a supervised agent, and a deadline stops a runaway worker', async () => {
    const { bus } = recordingBus();
    const host = new AgentHost({ bus });
    await host.spawn(new WorkerAgent({ id: 'hasher', kind: 'review', capabilities: ['hash'], pool }));
    await host.spawn(new WorkerAgent({ id: 'spinner', kind: 'review', capabilities: ['spin'], pool, name: 'spin' }));

    expect(host.find('hash').map((a) => a.id)).toEqual(['hasher']);
    await expect(host.dispatch('hasher', { type: 'double', input: 8 })).resolves.toBe(16);
    const late = await host.dispatch('spinner', { type: 'spin', input: 60_000 }, { deadlineMs: 50 }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(DeadlineExceededError);
    // The runaway thread was terminated and replaced: the next task runs at once.
    await expect(host.dispatch('hasher', { type: 'double', input: 9 })).resolves.toBe(18);

    const health = host.get('hasher')!.health;
    expect(health.tasksProcessed).toBe(2);
    expect(health.cpuMs).toBeGreaterThan(0);
    // Sampled from a worker after the first task (V8 heap of that thread).
    expect(health.memoryBytes).toBeGreaterThan(100_000);
    await host.close();
  });
});
