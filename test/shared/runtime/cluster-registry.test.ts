import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import type { Agent } from '../../../shared/runtime/agent.js';
import { AgentHost, ClusterRegistry, type ClusterAgent, type ClusterRegistryOptions } from '../../../shared/runtime/index.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { compileForChild, type ChildModule } from '../memory/child-module.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'cluster-agents-child.mjs');

let redis: RedisServer;
let admin: Redis;
let modules: ChildModule[] = [];
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
  await Promise.all(modules.map((m) => m.dispose()));
});

/** Polls (no timing is asserted) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

function agent(id: string, capabilities = ['code_review']): Agent {
  return { id, kind: 'review', capabilities, permission: 'read_only', handle: async () => 'done' };
}

/** A bus and a host holding `ids`, disposed after the test. */
async function hostWith(...ids: string[]): Promise<{ bus: InProcessEventBus; host: AgentHost }> {
  const bus = new InProcessEventBus();
  const host = new AgentHost({ bus });
  cleanups.push(() => bus.dispose());
  cleanups.push(() => host.close());
  await host.spawnAll(ids.map((id) => agent(id)));
  return { bus, host };
}

/** A registry with short intervals whose reported errors are collected; closed after the test. */
async function registryOf(options: Omit<ClusterRegistryOptions, 'redisUrl'>) {
  const errors: Error[] = [];
  const registry = new ClusterRegistry({ redisUrl: redis.url, heartbeatIntervalMs: 50, ttlMs: 400, onUnexpectedError: (e) => void errors.push(e as Error), ...options });
  cleanups.push(() => registry.close());
  await registry.ready();
  return { registry, errors };
}

const ids = (agents: ClusterAgent[]) => agents.map((a) => a.id);

describe('ClusterRegistry', () => {
  it('lists the agents of two processes; a SIGKILLed process’s agents vanish once their TTL passes', async () => {
    const prefix = `k-${randomUUID()}`;
    const { host } = await hostWith('parent-1', 'parent-2');
    const { registry, errors } = await registryOf({ host, prefix });
    const child = await startChild(prefix, ['child-1', 'child-2', 'child-3']);

    await until(async () => (await registry.list()).length === 5);
    const all = await registry.list();
    expect(all.map((a) => [a.nodeId, a.id])).toEqual(
      [
        [registry.nodeId, 'parent-1'],
        [registry.nodeId, 'parent-2'],
        [child.nodeId, 'child-1'],
        [child.nodeId, 'child-2'],
        [child.nodeId, 'child-3'],
      ].sort((a, b) => (a[0] === b[0] ? 0 : a[0]! < b[0]! ? -1 : 1)),
    );
    const fromChild = all.filter((a) => a.nodeId === child.nodeId);
    expect(fromChild[0]).toMatchObject({ kind: 'watcher', capabilities: ['log_analysis'], permission: 'read_only', status: 'idle', pid: child.process.pid, hostname: hostname() });
    expect(all.find((a) => a.id === 'parent-1')).toMatchObject({ kind: 'review', capabilities: ['code_review'], pid: process.pid });
    for (const entry of all) expect(entry.expiresAt - entry.lastHeartbeat).toBe(400);

    // Heartbeats keep coming.
    const first = fromChild[0]!.lastHeartbeat;
    await until(async () => ((await registry.list()).find((a) => a.id === 'child-1')?.lastHeartbeat ?? 0) > first);

    child.process.kill('SIGKILL');
    await exited(child.process);
    // Nobody removed them: they leave the list when their TTL passes, and Redis at a later heartbeat.
    await until(async () => (await registry.list()).every((a) => a.nodeId !== child.nodeId));
    expect(ids(await registry.list())).toEqual(['parent-1', 'parent-2']);
    await until(async () => (await admin.hkeys(`${prefix}:cluster:agent-info`)).every((member) => !member.startsWith(`${child.nodeId}|`)));
    expect(await admin.zcard(`${prefix}:cluster:agents`)).toBe(2);
    expect(errors).toEqual([]);
  });

  it('removes a process’s agents at once when it stops cleanly', async () => {
    const prefix = `s-${randomUUID()}`;
    const { host } = await hostWith('stays');
    const { registry } = await registryOf({ host, prefix });
    const child = await startChild(prefix, ['leaves']);
    const other = await registryOf({ host: (await hostWith('also-leaves')).host, prefix, heartbeatIntervalMs: 1_000, ttlMs: 60_000 });
    await until(async () => (await registry.list()).length === 3);

    await other.registry.close();
    expect(ids(await registry.list())).toEqual(expect.not.arrayContaining(['also-leaves']));
    child.process.kill('SIGTERM');
    await exited(child.process);
    expect(child.process.exitCode).toBe(0);
    expect(ids(await registry.list())).toEqual(['stays']);
  });

  it('follows the host: a stopped agent leaves, a spawned one joins, with status and capabilities', async () => {
    const prefix = `h-${randomUUID()}`;
    const { bus, host } = await hostWith('a', 'b');
    // A long interval: only the bus's lifecycle events make these changes visible this soon.
    const { registry } = await registryOf({ host, bus, prefix, heartbeatIntervalMs: 60_000, ttlMs: 120_000 });
    expect(ids(await registry.list())).toEqual(['a', 'b']);

    await host.stop('b');
    await until(async () => ids(await registry.list()).join() === 'a');
    await host.spawn(agent('c', ['security_scan', 'code_review']));
    await until(async () => ids(await registry.list()).join() === 'a,c');
    expect((await registry.list())[1]).toMatchObject({ id: 'c', capabilities: ['security_scan', 'code_review'], status: 'idle' });

    // Without a bus, heartbeat() shows a change on demand.
    const quiet = await registryOf({ host, prefix: `${prefix}-quiet`, heartbeatIntervalMs: 60_000, ttlMs: 120_000 });
    await host.stop('a');
    await quiet.registry.heartbeat();
    expect(ids(await quiet.registry.list())).toEqual(['c']);
  });

  it('skips and reports entries it did not write', async () => {
    const prefix = `m-${randomUUID()}`;
    const { host } = await hostWith('real');
    const { registry, errors } = await registryOf({ host, prefix });
    const far = Date.now() + 3_600_000;
    await admin.zadd(`${prefix}:cluster:agents`, far, 'forged|no-info', far, 'forged|bad-json', far, 'forged|wrong-shape');
    await admin.hset(`${prefix}:cluster:agent-info`, 'forged|bad-json', '{not json', 'forged|wrong-shape', JSON.stringify({ id: 'x', permission: 'root' }));

    expect(ids(await registry.list())).toEqual(['real']);
    expect(errors.map((e) => e.message)).toEqual(
      ['forged|bad-json', 'forged|no-info', 'forged|wrong-shape'].map((member) => expect.stringContaining(`entry "${member}" under ${prefix}:cluster:agent-info is missing or malformed`)),
    );
  });

  it('refuses bad options with a message saying what to fix, before connecting', async () => {
    const { host } = await hostWith();
    const base = { host, redisUrl: redis.url };
    expect(() => new ClusterRegistry({ ...base, heartbeatIntervalMs: 1_000, ttlMs: 1_000 })).toThrow(
      /ttlMs \(1000\) must be greater than heartbeatIntervalMs \(1000\)/,
    );
    expect(() => new ClusterRegistry({ ...base, nodeId: 'a|b' })).toThrow(/option nodeId: must not contain "\|"/);
    expect(() => new ClusterRegistry({ ...base, heartbeatIntervalMs: 0 })).toThrow(/option heartbeatIntervalMs/);
    expect(() => new ClusterRegistry({ ...base, redisUrl: 'http://x' })).toThrow(/redisUrl must use redis: or rediss:/);
    expect(() => new ClusterRegistry({ redisUrl: redis.url } as ClusterRegistryOptions)).toThrow(/needs the agent host/);
    expect(() => ClusterRegistry.fromEnv({ host }, {})).toThrow(/ORCHESTRA_REDIS_URL is not set/);
    expect(await connectionNames()).toEqual([]);
  });

  it('close() leaves no connection, timer or listener behind, and a cluster that is gone leaves no keys', async () => {
    const prefix = `c-${randomUUID()}`;
    const { bus, host } = await hostWith('x', 'y');
    const subscriptionsBefore = bus.stats().subscriptions;
    const before = resources();
    const registry = ClusterRegistry.fromEnv({ host, bus, prefix, heartbeatIntervalMs: 50, ttlMs: 200 }, { ORCHESTRA_REDIS_URL: redis.url });
    await registry.ready();
    expect(bus.stats().subscriptions).toBe(subscriptionsBefore + 2);
    expect(await connectionNames()).toEqual(['orchestra-cluster-registry']);
    // close() while a heartbeat is in flight and a lifecycle event has asked for another.
    const inFlight = registry.heartbeat();
    await host.stop('y');
    await registry.close();
    await inFlight;

    // A socket's timers may take a tick or two to clear after close on a loaded machine: a leak stays.
    for (let i = 0; i < 100 && leftovers(before).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(leftovers(before)).toEqual([]);
    expect(bus.stats().subscriptions).toBe(subscriptionsBefore);
    expect(await connectionNames()).toEqual([]);
    expect(await admin.exists(`${prefix}:cluster:agents`, `${prefix}:cluster:agent-info`)).toBe(0);
    await registry.close(); // idempotent
    registry.dispose();
    await registry.heartbeat(); // a no-op once closed
    await expect(registry.list()).rejects.toThrow(/cluster registry is closed/);
    expect(await admin.exists(`${prefix}:cluster:agents`, `${prefix}:cluster:agent-info`)).toBe(0);
  });
});

/** Names of the registry connections Redis currently holds. */
async function connectionNames(): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return [...list.matchAll(/ name=(orchestra-cluster-registry\S*)/g)].map((m) => m[1]!).sort();
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

/** Starts a child process with its own host and registry; resolves once its first heartbeat is written. */
async function startChild(prefix: string, agentIds: string[]): Promise<{ process: ChildProcess; nodeId: string }> {
  if (modules.length === 0) {
    modules = [await compileForChild('shared/bus/in-process-bus.ts'), await compileForChild('shared/runtime/index.ts')];
  }
  const child = spawn(process.execPath, [fixture, ...modules.map((m) => m.url), redis.url, prefix, ...agentIds], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const nodeId = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"kind":"ready","nodeId":"([^"]+)"/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before it was ready: ${stderr}`)));
  });
  return { process: child, nodeId };
}
