/**
 * `npm run bench -- app`: the GitHub App as deployed, against the strict fake GitHub of the tests.
 * - Webhook acknowledgement under a steady, open-loop 100 signed `pull_request` deliveries/s for 30 s
 *   (real @octokit/webhooks-examples payload, a new PR each): `orchestra serve --no-worker` with Redis,
 *   so each acknowledgement includes the BullMQ enqueue. Peer: a bare node:http server verifying the
 *   same X-Hub-Signature-256 with @octokit/webhooks-methods `verify` (Probot's own check) and answering
 *   200, same load, same run. Target p99 ≤ 50 ms.
 * - A 50-file pull request from delivery to completed check run, `orchestra serve` without Redis:
 *   cold (first PR of a fresh process: ESLint, tree-sitter and the worker thread load) ≤ 10 s and
 *   warm (later PRs, new content each) ≤ 3 s.
 * - The BullMQ path: reviews/s for bursts of 20 one-file PRs with one and then two `orchestra worker`
 *   processes, each warmed by a review first.
 * Every app process is a child running this file's compiled self in a role (ORCHESTRA_BENCH_APP_ROLE)
 * with the real startAppServer/startAppWorker; like the tests, its Octokit has throttling and retries
 * off: against github.com Probot's throttle spaces writes ≥ 1 s apart, which would be all we measured.
 * The fake GitHub is test/helpers/fake-github itself (not a copy, not in the build): transpiled with
 * @swc/core (as jest does) into bench/.cache/fake-github at run time. Redis: a throw-away redis-server
 * on a free loopback port, stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProbotOctokit } from 'probot';
import { orchestraVersion, packageRoot, workerModuleUrl } from '../cli/paths.js';
import { reviewKey } from '../github-app/app.js';
import type { AppSettings } from '../github-app/app-settings.js';
import { startAppServer, startAppWorker } from '../github-app/server.js';
import type { ReviewJobData } from '../github-app/review/review-job.js';
import { compare, median, percentile, type BenchLine, type BenchSuite } from './harness.js';

const ROLE_VARIABLE = 'ORCHESTRA_BENCH_APP_ROLE';
const CONFIG_VARIABLE = 'ORCHESTRA_BENCH_APP_CONFIG';
const OWNER = 'octo-org';
const REPO = 'hello';
const APP_ID = 777;
const INSTALLATION_ID = 4242;
const SECRET = 'a-webhook-secret-for-the-bench-0123456789';
const WEBHOOK_PATH = '/api/github/webhooks';
const ACK_RATE = 100;
const ACK_SECONDS = 30;
const ACK_BLOCK_SECONDS = 5;
const PR_PROCESSES = 3;
const WARM_PER_PROCESS = 2;
const BURST = 20;
const BURSTS = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const shaOf = (word: string) => createHmac('sha1', 'sha').update(word).digest('hex');
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

// ---------------------------------------------------------------- child processes (the app's roles)

interface ChildConfig {
  settings: AppSettings;
  worker?: boolean;
}

/** Probot's Octokit with throttling and retries off, as in the tests. */
const UnthrottledOctokit = ProbotOctokit.defaults((options: { throttle?: object }) => ({ ...options, throttle: { ...options.throttle, enabled: false }, retry: { enabled: false } }));

async function runRole(role: string): Promise<void> {
  const config = JSON.parse(process.env[CONFIG_VARIABLE] ?? '{}') as ChildConfig;
  const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const common = { settings: config.settings, version: orchestraVersion(), workerModule: workerModuleUrl(), Octokit: UnthrottledOctokit, logDestination: { write: (line: string) => void process.stderr.write(line) } };
  let close: () => Promise<void>;
  if (role === 'peer') {
    const { verify, name } = await peerVerifier();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        verify(SECRET, Buffer.concat(chunks).toString('utf8'), String(req.headers['x-hub-signature-256'] ?? '')).then(
          (ok) => res.writeHead(ok ? 200 : 401).end(ok ? 'ok' : 'bad signature'),
          () => res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    send({ ready: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, peer: name } });
    close = () => new Promise((resolve) => server.close(() => resolve()));
  } else if (role === 'serve') {
    const server = await startAppServer({ ...common, worker: config.worker ?? true });
    send({ ready: { url: server.url } });
    close = () => server.close();
  } else {
    const runtime = await startAppWorker(common);
    runtime.queue.onDidComplete((e) => send({ done: (e.job.data as ReviewJobData).key, pid: process.pid }));
    send({ ready: {} });
    close = () => runtime.close();
  }
  process.once('SIGTERM', () => void close().then(() => process.exit(0), () => process.exit(1)));
}

type Verify = (secret: string, payload: string, signature: string) => Promise<boolean>;

/** @octokit/webhooks-methods `verify` (Probot's check) when installed, else a timingSafeEqual of the HMAC. */
async function peerVerifier(): Promise<{ verify: Verify; name: string }> {
  try {
    // A transitive dependency (Probot → @octokit/webhooks): imported by name only, so the build does not need it.
    const specifier = '@octokit/webhooks-methods';
    const methods = (await import(specifier)) as { verify: Verify };
    return { verify: methods.verify, name: 'node:http + @octokit/webhooks-methods verify' };
  } catch {
    const { timingSafeEqual } = await import('node:crypto');
    const verify: Verify = async (secret, payload, signature) => {
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`);
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    return { verify, name: 'node:http + crypto.timingSafeEqual' };
  }
}

/** A role running in a child process; `onMessage` gets every JSON message it prints after `ready`. */
class Child {
  private stopping = false;
  private constructor(readonly child: ChildProcess, readonly info: { url?: string; peer?: string }) {}

  get pid(): number {
    return this.child.pid!;
  }

  static start(role: string, config: ChildConfig, onMessage: (message: { done?: string; pid?: number }) => void = () => undefined): Promise<Child> {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [ROLE_VARIABLE]: role, [CONFIG_VARIABLE]: JSON.stringify(config) } });
    return new Promise((resolve, reject) => {
      let handle: Child | undefined;
      let stderr = '';
      let buffered = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
      child.stdout!.on('data', (chunk: Buffer) => {
        const lines = (buffered + chunk.toString()).split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const message = JSON.parse(line) as { ready?: Child['info']; done?: string; pid?: number };
          if (message.ready && !handle) resolve((handle = new Child(child, message.ready)));
          else onMessage(message);
        }
      });
      child.once('exit', (code, signal) => {
        if (!handle) reject(new Error(`bench ${role} process exited (${code ?? signal}) before it was ready: ${stderr}`));
        else if (!handle.stopping) process.stderr.write(`app bench: the ${role} process ${child.pid} died (${code ?? signal}): ${stderr}\n`);
      });
    });
  }

  /** SIGTERM (a graceful close), SIGKILL after 15 s; resolves once it exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- services: Redis and the fake GitHub

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1_000);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
  });
}

/** A throw-away redis-server (as test/helpers/redis-server.ts starts it). */
async function startRedis(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => child.once('error', () => reject(new Error('redis-server is not installed: run scripts/ensure-redis.sh'))));
  failed.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  for (let tries = 0; tries < 200; tries++) {
    if (await Promise.race([ping(port), failed])) return { port, stop };
    await sleep(25);
  }
  await stop();
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

/** What the bench uses of test/helpers/fake-github (its types stay out of the build). */
interface FakeGithub {
  url: string;
  violations: unknown[];
  state: {
    setPullRequest(owner: string, repo: string, pull: { number: number; head: { sha: string; ref: string }; base: { sha: string; ref: string }; files: { filename: string; status: string; patch: string }[] }): void;
    setFile(owner: string, repo: string, path: string, content: string, ref?: string): void;
    checkRunsOf(owner: string, repo: string): { head_sha: string; status: string }[];
    issueCommentsOf(owner: string, repo: string, issue: number): unknown[];
  };
  stop(): Promise<void>;
}

/** Transpiles test/helpers/fake-github with @swc/core into bench/.cache/fake-github and starts it. */
async function startFake(privateKey: string): Promise<FakeGithub> {
  const { transformFile } = await import('@swc/core');
  const source = join(packageRoot(), 'test', 'helpers', 'fake-github');
  const out = join(packageRoot(), 'bench', '.cache', 'fake-github');
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(source)) {
    if (file.endsWith('.json')) copyFileSync(join(source, file), join(out, file));
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const { code } = await transformFile(join(source, file), { swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), code);
  }
  const fake = (await import(pathToFileURL(join(out, 'index.js')).href)) as { startFakeGithub(options: { privateKey: string; appId: number; installationIds: number[] }): Promise<FakeGithub> };
  return fake.startFakeGithub({ privateKey, appId: APP_ID, installationIds: [INSTALLATION_ID] });
}

// ---------------------------------------------------------------- pull requests and deliveries

let openedExample: Record<string, unknown> | undefined;

/** A real `pull_request.opened` payload (with an installation) re-targeted at the fake's repository. */
function deliveryBody(number: number, head: string, base: string): string {
  if (!openedExample) {
    const groups = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Record<string, unknown>[] }[];
    openedExample = groups.find((g) => g.name === 'pull_request')?.examples.find((e) => e.action === 'opened' && e.installation);
    if (!openedExample) throw new Error('app bench: @octokit/webhooks-examples has no pull_request.opened example with an installation');
  }
  const payload = structuredClone(openedExample) as { number: number; installation: object; repository: Record<string, unknown> & { owner: Record<string, unknown> }; pull_request: Record<string, unknown> & { head: { sha: string }; base: { sha: string } } };
  payload.number = number;
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  Object.assign(payload.repository, { name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}` });
  payload.repository.owner.login = OWNER;
  Object.assign(payload.pull_request, { number, state: 'open' });
  payload.pull_request.head.sha = head;
  payload.pull_request.base.sha = base;
  return JSON.stringify(payload);
}

// A new connection per delivery, as GitHub's deliveries arrive; it also avoids the keep-alive race
// (a server closing an idle socket as the client reuses it) between the alternating blocks below.
const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/** POSTs one signed delivery; resolves with the status (0 on a network error). */
function deliver(url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${url}${WEBHOOK_PATH}`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-github-event': 'pull_request', 'x-github-delivery': shaOf(body).slice(0, 32), 'x-hub-signature-256': sign(body), 'user-agent': 'GitHub-Hookshot/bench' },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** A realistic source file (JS or TS) with an occasional finding; `salt` makes each version unique. */
function sourceFile(i: number, salt: number): { path: string; text: string } {
  const ts = i % 3 === 0;
  const lines = [`// module ${i}, revision ${salt}`, ts ? `export interface Item${i} { id: number; name: string; tags: string[] }` : `'use strict';`];
  for (let f = 0; f < 8; f++) {
    const param = ts ? `items: Item${i}[], limit: number` : 'items, limit';
    lines.push(`export function select${f}(${param}) {`, `  const out = [];`, `  for (const item of items) {`, `    if (item.id % ${f + 2} === 0 && out.length < limit) out.push(item.name.trim());`);
    lines.push(`    else if (item.tags.includes('v${salt}')) out.push(item.name.toUpperCase());`, `  }`);
    if (f === 3 && i % 10 === 0) lines.push(`  if (!!limit) return out.slice(0, limit);`);
    lines.push(`  return out;`, `}`, '');
  }
  return { path: `src/mod-${i}.${ts ? 'ts' : 'js'}`, text: `${lines.join('\n')}\n` };
}

const addedPatch = (text: string) => {
  const lines = text.replace(/\n$/, '').split('\n');
  return `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}`;
};

const BASE_SHA = shaOf('bench-base');

/** Seeds pull request `number` with `files` changed files; returns its head and job key. */
function seedPull(fake: FakeGithub, number: number, files: number): { head: string; key: string } {
  const head = shaOf(`bench-head-${number}`);
  const sources = Array.from({ length: files }, (_, i) => sourceFile(i, number));
  fake.state.setPullRequest(OWNER, REPO, { number, head: { sha: head, ref: `bench-${number}` }, base: { sha: BASE_SHA, ref: 'main' }, files: sources.map((s) => ({ filename: s.path, status: 'added', patch: addedPatch(s.text) })) });
  for (const s of sources) fake.state.setFile(OWNER, REPO, s.path, s.text, head);
  return { head, key: reviewKey(OWNER, REPO, head, number) };
}

async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`app bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

// ---------------------------------------------------------------- cases

/** A result line with a free-text `note` (what was measured, or why there is no peer). */
const withNote = (line: BenchLine, note: string): BenchLine => Object.assign(line, { note });

/** Open loop: delivery i is sent at start + i/rate whatever the earlier ones do; latency to the response's end. */
async function steadyLoad(url: string, first: number, count: number): Promise<{ latencies: number[]; errors: number[] }> {
  const latencies: number[] = [];
  const errors: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / ACK_RATE - performance.now();
    if (wait >= 1) await sleep(wait);
    const number = first + i;
    const body = deliveryBody(number, shaOf(`ack-${number}`), BASE_SHA);
    const sent = performance.now();
    pending.push(deliver(url, body).then((status) => {
      if (status === 200) latencies.push(performance.now() - sent);
      else errors.push(status);
    }));
  }
  await Promise.all(pending);
  return { latencies, errors };
}

async function ackCase(report: (line: BenchLine) => void, settings: AppSettings): Promise<void> {
  const ours = await Child.start('serve', { settings, worker: false });
  const peer = await Child.start('peer', { settings });
  try {
    const total = ACK_RATE * ACK_SECONDS;
    const block = ACK_RATE * ACK_BLOCK_SECONDS;
    await steadyLoad(ours.info.url!, 1_000_000, ACK_RATE * 2); // warm-up, not counted
    await steadyLoad(peer.info.url!, 2_000_000, ACK_RATE * 2);
    // Alternating blocks, so the noise of this shared machine hits both alike.
    const o = { latencies: [] as number[], errors: [] as number[] };
    const p = { latencies: [] as number[], errors: [] as number[] };
    for (let sent = 0; sent < total; sent += block) {
      for (const [url, into, first] of [[ours.info.url!, o, 3_000_000], [peer.info.url!, p, 4_000_000]] as const) {
        const result = await steadyLoad(url, first + sent, block);
        into.latencies.push(...result.latencies);
        into.errors.push(...result.errors);
      }
    }
    const peerName = peer.info.peer!;
    const base = { bench: 'app', case: `webhook ack at ${ACK_RATE}/s for ${ACK_SECONDS} s` };
    const note = `orchestra serve --no-worker with Redis: each ack includes the BullMQ enqueue; open-loop load, a connection per delivery, ${ACK_BLOCK_SECONDS}-s blocks alternating with the peer`;
    report(withNote(compare({ ...base, metric: 'latency_ms', runs: o.latencies.length, stat: 'p50', better: 'lower', unit: 'ms' }, percentile(o.latencies, 50), peerName, percentile(p.latencies, 50)), note));
    report(withNote(compare({ ...base, metric: 'latency_ms', runs: o.latencies.length, stat: 'p99', better: 'lower', target: 50, unit: 'ms' }, percentile(o.latencies, 99), peerName, percentile(p.latencies, 99)), note));
    const statuses = (errors: number[]) => (errors.length === 0 ? 'none' : [...new Set(errors)].map((status) => `${errors.filter((e) => e === status).length}× ${status === 0 ? 'network error' : status}`).join(', '));
    report(withNote(compare({ ...base, metric: 'errors', runs: total, stat: 'total', better: 'lower', unit: 'deliveries' }, o.errors.length, peerName, p.errors.length), `ours: ${statuses(o.errors)}; peer: ${statuses(p.errors)}`));
  } finally {
    await Promise.all([ours.stop(), peer.stop()]);
  }
}

async function pullRequestCase(report: (line: BenchLine) => void, fake: FakeGithub, settings: AppSettings, next: () => number): Promise<void> {
  const cold: number[] = [];
  const warm: number[] = [];
  const reviewOne = async (url: string): Promise<number> => {
    const number = next();
    const { head } = seedPull(fake, number, 50);
    const start = performance.now();
    if ((await deliver(url, deliveryBody(number, head, BASE_SHA))) !== 200) throw new Error('app bench: delivery refused');
    await until(`the check run of PR ${number}`, () => fake.state.checkRunsOf(OWNER, REPO).some((r) => r.head_sha === head && r.status === 'completed'));
    const seconds = (performance.now() - start) / 1000;
    await until(`the summary of PR ${number}`, () => fake.state.issueCommentsOf(OWNER, REPO, number).length > 0); // the rest of the job, unmeasured
    return seconds;
  };
  for (let p = 0; p < PR_PROCESSES; p++) {
    const server = await Child.start('serve', { settings, worker: true });
    try {
      cold.push(await reviewOne(server.info.url!));
      for (let w = 0; w < WARM_PER_PROCESS; w++) warm.push(await reviewOne(server.info.url!));
    } finally {
      await server.stop();
    }
  }
  const note = 'no peer measured; PR-Agent reports ~30 s per tool';
  const line = (name: string, samples: number[], target: number) =>
    withNote(compare({ bench: 'app', case: name, metric: 'seconds', runs: samples.length, stat: 'median', better: 'lower', target, unit: 's' }, median(samples), null, null), note);
  report(line('50-file PR to check run, cold', cold, 10));
  report(line('50-file PR to check run, warm', warm, 3));
}

async function bullmqCase(report: (line: BenchLine) => void, fake: FakeGithub, settings: AppSettings, next: () => number): Promise<void> {
  const doneBy = new Map<string, number>();
  const onMessage = (message: { done?: string; pid?: number }) => {
    if (message.done && message.pid) doneBy.set(message.done, message.pid);
  };
  const ingress = await Child.start('serve', { settings, worker: false });
  const workers: Child[] = [];
  const addWorker = async () => {
    const child = await Child.start('worker', { settings }, onMessage);
    workers.push(child);
    return child;
  };
  /** Delivers `count` one-file PRs at once; resolves with reviews/s until every job completed. */
  const burst = async (count: number): Promise<number> => {
    const keys = Array.from({ length: count }, () => {
      const number = next();
      return { number, ...seedPull(fake, number, 1) };
    });
    const start = performance.now();
    for (const k of keys) if ((await deliver(ingress.info.url!, deliveryBody(k.number, k.head, BASE_SHA))) !== 200) throw new Error('app bench: delivery refused');
    await until(`${count} reviews`, () => keys.every((k) => doneBy.has(k.key)));
    return count / ((performance.now() - start) / 1000);
  };
  try {
    await addWorker();
    await burst(2); // warm-up: a worker's first review loads ESLint, tree-sitter and its thread
    const one: number[] = [];
    const two: number[] = [];
    const shares: string[] = [];
    // Interleaved: a burst with one worker, then one with a second worker started (and warmed) for it.
    for (let r = 0; r < BURSTS; r++) {
      one.push(await burst(BURST));
      const second = await addWorker();
      for (let tries = 0; tries < 10 && ![...doneBy.values()].includes(second.pid); tries++) await burst(4);
      const before = doneBy.size;
      two.push(await burst(BURST));
      const theirs = [...doneBy.values()].slice(before).filter((pid) => pid === second.pid).length;
      shares.push(`${BURST - theirs}/${theirs}`);
      await second.stop();
      workers.splice(workers.indexOf(second), 1);
    }
    const note = `bursts of ${BURST} one-file PRs through orchestra serve --no-worker; reviews per worker in the 2-worker bursts: ${shares.join(', ')}; both workers share this machine's ${availableParallelism()} cores with serve, Redis and the fake GitHub`;
    const line = (name: string, samples: number[], peer: string | null, peerValue: number | null) =>
      withNote(compare({ bench: 'app', case: name, metric: 'reviews_per_s', runs: samples.length, stat: 'median', better: 'higher', unit: 'reviews/s' }, median(samples), peer, peerValue), note);
    report(line('BullMQ, 1 orchestra worker', one, null, null));
    report(line('BullMQ, 2 orchestra workers', two, '1 orchestra worker', median(one)));
  } finally {
    await Promise.all([ingress.stop(), ...workers.map((w) => w.stop())]);
  }
}

const suite: BenchSuite = {
  name: 'app',
  async run(report) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const fake = await startFake(privateKey);
    let number = 0;
    const next = () => ++number;
    const settings: AppSettings = { appId: String(APP_ID), privateKey, webhookSecret: SECRET, baseUrl: fake.url, port: 0, host: '127.0.0.1', webhookPath: WEBHOOK_PATH, logLevel: 'warn', warnings: [] };
    let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
    try {
      await pullRequestCase(report, fake, settings, next);
      redis = await startRedis();
      await ackCase(report, { ...settings, redisUrl: `redis://127.0.0.1:${redis.port}/1` });
      await bullmqCase(report, fake, { ...settings, redisUrl: `redis://127.0.0.1:${redis.port}/2` }, next);
      if (fake.violations.length > 0) throw new Error(`app bench: the fake GitHub refused requests: ${JSON.stringify(fake.violations.slice(0, 3))}`);
    } finally {
      agent.destroy();
      await redis?.stop();
      await fake.stop();
    }
  },
};

export default suite;

const role = process.env[ROLE_VARIABLE];
if (role) await runRole(role);
