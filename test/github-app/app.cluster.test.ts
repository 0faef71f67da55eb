/**
 * With ORCHESTRA_REDIS_URL, the app's processes form a cluster: `GET /agents` on `orchestra serve`
 * lists the live agents of every process (serve's own and each worker's), and a worker that stops
 * leaves the list. Real redis-server; the worker runtime runs in this process with its own Redis
 * connections (the SIGKILL case with separate processes is in app.redis.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppServer, startAppWorker, type AppServer } from '../../github-app/server.js';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { APP_ID, appKeys, INSTALLATION_ID, TestOctokit, testSettings } from './helpers/app-harness.js';

let redis: RedisServer;
let fake: FakeGithub;
let server: AppServer;
const { privateKey } = appKeys();

beforeAll(async () => {
  redis = await startRedisServer();
  fake = await startFakeGithub({ privateKey, appId: APP_ID, installationIds: [INSTALLATION_ID] });
  server = await startAppServer({ settings: testSettings(fake.url, privateKey, { redisUrl: redis.url, logLevel: 'warn' }), version: 'test', threads: 0, Octokit: TestOctokit, logDestination: { write: () => undefined } });
});

afterAll(async () => {
  await server?.close();
  await fake?.stop();
  await redis?.stop();
});

interface Listed {
  id: string;
  nodeId: string;
}

async function listed(): Promise<Listed[]> {
  const res = await fetch(`${server.url}/agents`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { agents: Listed[] }).agents;
}

describe('the app cluster over Redis', () => {
  it('lists the agents of serve and of a worker, and forgets the worker when it stops', async () => {
    const worker = await startAppWorker({ settings: testSettings(fake.url, privateKey, { redisUrl: redis.url, logLevel: 'warn' }), version: 'test', threads: 0, Octokit: TestOctokit, logDestination: { write: () => undefined } });
    let nodes = new Set<string>();
    for (let i = 0; i < 100 && nodes.size < 2; i++) {
      nodes = new Set((await listed()).map((a) => a.nodeId));
      if (nodes.size < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(nodes.size).toBe(2);
    expect((await listed()).some((a) => a.id.length > 0)).toBe(true);
    await worker.close();
    expect(new Set((await listed()).map((a) => a.nodeId)).size).toBe(1);
  });

  it('/healthz reports the shared queue', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toMatchObject({ status: 'ok', redis: true });
  });
});
