/**
 * The GitHub App scaled out over Redis, as deployed: an `orchestra serve` ingress (worker: false)
 * in this process queues review jobs in BullMQ on a real redis-server, and two `orchestra worker`
 * processes (test/github-app/fixtures/app-worker.mjs, the compiled app from dist/) review them
 * against the strict fake GitHub. A worker SIGKILLed mid-review leaves a stalled job that the other
 * worker re-runs; what is asserted is what a user sees on the pull request: one completed check run,
 * one summary comment, no inline comment or annotation twice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reviewKey } from '../../github-app/app.js';
import { SUMMARY_MARKER } from '../../github-app/report/summary-comment.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { addedFilePatch, OWNER, pullRequestPayload, REPO, shaOf, startHarness, type Harness } from './helpers/app-harness.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'app-worker.mjs');
const BOT = 'orchestra[bot]';
const base = shaOf('redis-base');

/** One line a worker fixture printed. */
interface FixtureEvent {
  fixture: 'ready' | 'listing' | 'held' | 'completed';
  pid: number;
  /** Date.now() in the worker, for reading a failure's event log. */
  t: number;
  pull?: number;
  point?: string;
  key?: string;
  conclusion?: string;
}

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  stderr: () => string;
}

let redis: RedisServer;
let h: Harness;
const workers = new Set<WorkerProcess>();
/** Workers this test killed on purpose: their exit is not a failure. */
const killed = new Set<number>();
const events: FixtureEvent[] = [];
const waiters = new Set<{ match: (e: FixtureEvent) => boolean; resolve: (e: FixtureEvent) => void; reject: (error: Error) => void }>();

/** Resolves with the first event (past or future) that matches; rejects if a worker dies unexpectedly. */
function eventWhere(match: (e: FixtureEvent) => boolean): Promise<FixtureEvent> {
  const seen = events.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const waiter = { match, resolve: (e: FixtureEvent) => (waiters.delete(waiter), resolve(e)), reject: (error: Error) => (waiters.delete(waiter), reject(error)) };
    waiters.add(waiter);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns a worker process and resolves once its processors are registered. */
async function startWorker(knobs: Record<string, string>): Promise<WorkerProcess> {
  const settings = { ...h.settings, logLevel: 'warn' };
  const child = spawn(process.execPath, [fixture], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ORCHESTRA_FIXTURE_SETTINGS: JSON.stringify(settings), ...knobs },
  });
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as FixtureEvent;
      events.push(event);
      for (const waiter of [...waiters]) if (waiter.match(event)) waiter.resolve(event);
    }
  });
  child.once('exit', (code, signal) => {
    if (killed.has(child.pid!)) return;
    const error = new Error(`worker ${child.pid} exited (${code ?? signal}) unexpectedly: ${stderr.slice(-4_000)}`);
    for (const waiter of [...waiters]) waiter.reject(error);
  });
  const worker: WorkerProcess = { child, pid: child.pid!, stderr: () => stderr };
  workers.add(worker);
  await eventWhere((e) => e.fixture === 'ready' && e.pid === child.pid);
  return worker;
}

async function kill(worker: WorkerProcess): Promise<void> {
  killed.add(worker.pid);
  worker.child.kill('SIGKILL');
  await exited(worker.child);
  workers.delete(worker);
}

const KNOBS = {
  ORCHESTRA_FIXTURE_BARRIER: '2',
  ORCHESTRA_FIXTURE_HOLDS: '20:list-files,21:review-posted',
  ORCHESTRA_FIXTURE_HOLD_MS: '20000',
};

/** A file with a command injection (security) and a redundant boolean cast (ESLint): two inline comments. */
function vulnerable(n: number): string {
  return `const { exec } = require('child_process');

function run${n}(req, res) {
  const name = req.query.name;
  exec('ls ' + name, (err, out) => res.send(out));
  if (!!name) {
    let count = ${n};
    return count;
  }
}

module.exports = { run${n} };
`;
}

function seedPull(number: number): { head: string; key: string } {
  const head = shaOf(`redis-head-${number}`);
  const filename = `src/handler-${number}.js`;
  const text = vulnerable(number);
  h.fake.state.setPullRequest(OWNER, REPO, { number, head: { sha: head, ref: `feature-${number}` }, base: { sha: base, ref: 'main' }, files: [{ filename, status: 'added', patch: addedFilePatch(text) }] });
  h.fake.state.setFile(OWNER, REPO, filename, text, head);
  return { head, key: reviewKey(OWNER, REPO, head, number) };
}

async function open(number: number): Promise<{ head: string; key: string }> {
  const seeded = seedPull(number);
  const res = await h.deliver('pull_request', pullRequestPayload('opened', number, seeded.head, base));
  expect(res.status).toBe(200);
  return seeded;
}

const checkRunsFor = (head: string) => h.fake.state.checkRunsOf(OWNER, REPO).filter((r) => r.head_sha === head);
const summariesOf = (number: number) => h.fake.state.issueCommentsOf(OWNER, REPO, number).filter((c) => c.user === BOT && c.body.includes(SUMMARY_MARKER));
const inlineOf = (number: number) => h.fake.state.reviewCommentsOf(OWNER, REPO, number).map((c) => `${c.path}:${c.line}:${c.body}`);
const annotationsOf = (head: string) => checkRunsFor(head).flatMap((r) => r.annotations.map((a) => JSON.stringify(a)));
const completionsOf = (key: string) => events.filter((e) => e.fixture === 'completed' && e.key === key);

/** What the user sees once the review of `number` is done: exactly one of everything. */
function expectReviewedOnce(number: number, head: string): void {
  const runs = checkRunsFor(head);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ name: 'Orchestra review', status: 'completed', conclusion: 'failure' });
  const annotations = annotationsOf(head);
  expect(annotations.length).toBeGreaterThanOrEqual(2);
  expect(new Set(annotations).size).toBe(annotations.length);
  expect(summariesOf(number)).toHaveLength(1);
  expect(h.fake.state.reviewsOf(OWNER, REPO, number)).toHaveLength(1);
  const inline = inlineOf(number);
  expect(inline.length).toBeGreaterThanOrEqual(2);
  expect(new Set(inline).size).toBe(inline.length);
}

beforeAll(async () => {
  redis = await startRedisServer();
  h = await startHarness({ worker: false, settings: { redisUrl: redis.url } });
  await Promise.all([startWorker(KNOBS), startWorker(KNOBS)]);
}, 60_000);

afterAll(async () => {
  for (const worker of workers) {
    killed.add(worker.pid);
    worker.child.kill('SIGTERM');
  }
  await Promise.all(
    [...workers].map(async (worker) => {
      const timer = setTimeout(() => worker.child.kill('SIGKILL'), 10_000);
      await exited(worker.child);
      clearTimeout(timer);
    }),
  );
  await h?.stop();
  await redis?.stop();
}, 30_000);

describe('orchestra serve (ingress only) with two orchestra worker processes over Redis', () => {
  it('shares the reviews of several pull requests between both workers; each PR gets one check run and one summary', async () => {
    const numbers = [1, 2, 3, 4, 5, 6];
    const pulls = new Map<number, { head: string; key: string }>();
    for (const n of numbers) pulls.set(n, await open(n));
    await Promise.all(numbers.map((n) => eventWhere((e) => e.fixture === 'completed' && e.key === pulls.get(n)!.key)));

    const ranBy = new Map(numbers.map((n) => [n, completionsOf(pulls.get(n)!.key).map((e) => e.pid)]));
    for (const n of numbers) expect(ranBy.get(n)).toHaveLength(1); // completed once in the cluster
    const pids = new Set([...ranBy.values()].flat());
    expect(pids).toEqual(new Set([...workers].map((w) => w.pid)));

    for (const n of numbers) expectReviewedOnce(n, pulls.get(n)!.head);
    expect(h.fake.violations).toEqual([]);
  }, 60_000);

  it('a worker SIGKILLed mid-review (check run in progress, nothing posted): the other re-runs the stalled job; the PR is reviewed once', async () => {
    const { head, key } = await open(20);
    const held = await eventWhere((e) => e.fixture === 'held' && e.pull === 20);
    const victim = [...workers].find((w) => w.pid === held.pid)!;
    // Caught mid-review: the check run exists and is in progress; nothing else was posted yet.
    expect(checkRunsFor(head)).toEqual([expect.objectContaining({ status: 'in_progress' })]);
    expect(summariesOf(20)).toHaveLength(0);

    await kill(victim);
    const done = await eventWhere((e) => e.fixture === 'completed' && e.key === key);
    expect(done.pid).not.toBe(victim.pid);
    expect(completionsOf(key)).toHaveLength(1);
    expectReviewedOnce(20, head);
    expect(h.fake.violations).toEqual([]);
    await startWorker(KNOBS); // two workers again for the next case
  }, 60_000);

  it('a worker SIGKILLed after posting its inline review, before the summary: the re-run posts no inline comment or annotation twice', async () => {
    const { head, key } = await open(21);
    const held = await eventWhere((e) => e.fixture === 'held' && e.pull === 21);
    const victim = [...workers].find((w) => w.pid === held.pid)!;
    // Caught after the check run completed and the inline review went out, before the summary comment.
    expect(checkRunsFor(head)).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(h.fake.state.reviewsOf(OWNER, REPO, 21)).toHaveLength(1);
    const inlineBefore = inlineOf(21);
    expect(summariesOf(21)).toHaveLength(0);

    await kill(victim);
    const done = await eventWhere((e) => e.fixture === 'completed' && e.key === key);
    expect(done.pid).not.toBe(victim.pid);
    expect(completionsOf(key)).toHaveLength(1);
    expect(inlineOf(21)).toEqual(inlineBefore);
    expectReviewedOnce(21, head);
    expect(h.fake.violations).toEqual([]);
  }, 60_000);
});
