/**
 * `orchestra serve` as a user starts it: the built CLI in its own process, configured only by
 * Probot's environment variables (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST/GHE_PROTOCOL, PORT,
 * HOST), pointed at the strict fake GitHub on loopback, handling a real signed `pull_request.opened`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github/index.js';
import { addedFilePatch, APP_ID, appKeys, INSTALLATION_ID, OWNER, pullRequestPayload, REPO, SECRET, shaOf, sign } from '../github-app/helpers/app-harness.js';

const BIN = resolve(import.meta.dirname, '../../bin/orchestra.js');
const { privateKey } = appKeys();
let fake: FakeGithub;
let cwd: string;

beforeAll(async () => {
  fake = await startFakeGithub({ privateKey, appId: APP_ID, installationIds: [INSTALLATION_ID] });
  cwd = await mkdtemp(join(tmpdir(), 'orchestra-serve-'));
});

afterAll(async () => {
  await fake?.stop();
  await rm(cwd, { recursive: true, force: true });
});

function baseEnv(): NodeJS.ProcessEnv {
  const host = new URL(fake.url).host;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, APP_ID: String(APP_ID), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: host, GHE_PROTOCOL: 'http', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  return env;
}

/** Starts the CLI; resolves with the URL it prints once listening. */
function startServe(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`orchestra serve did not start:\n${out}`)), 20_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, url: m[1]!, output: () => out });
      }
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`orchestra serve exited with ${code}:\n${out}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => done(code));
    process.kill(child.pid!, 'SIGTERM');
  });
}

describe('orchestra serve', () => {
  it('refuses to start without a webhook secret, saying what to set', async () => {
    const env = baseEnv();
    delete env.WEBHOOK_SECRET;
    const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((done) => child.on('exit', done));
    expect(code).toBe(2);
    expect(err).toMatch(/WEBHOOK_SECRET/);
    expect(err).not.toContain('PRIVATE KEY');
  });

  it('handles a real pull_request.opened delivery end to end, and answers /healthz and /metrics', async () => {
    const head = shaOf('serve-head');
    const base = shaOf('serve-base');
    const text = "const { exec } = require('child_process');\nmodule.exports = (req) => exec('ping ' + req.query.host);\n";
    fake.state.setPullRequest(OWNER, REPO, { number: 3, head: { sha: head }, base: { sha: base, ref: 'main' }, files: [{ filename: 'ping.js', status: 'added', patch: addedFilePatch(text) }] });
    fake.state.setFile(OWNER, REPO, 'ping.js', text, head);
    const { child, url, output } = await startServe(baseEnv());
    try {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', redis: false });

      const body = JSON.stringify(pullRequestPayload('opened', 3, head, base));
      const res = await fetch(`${url}/api/github/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1', 'x-hub-signature-256': sign(SECRET, body) },
        body,
      });
      expect(res.status).toBe(200);
      for (let i = 0; i < 200 && fake.state.checkRunsOf(OWNER, REPO).find((r) => r.head_sha === head)?.status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 100));
      // The summary comment is written after the check run completes.
      for (let i = 0; i < 50 && fake.state.issueCommentsOf(OWNER, REPO, 3).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const run = fake.state.checkRunsOf(OWNER, REPO).find((r) => r.head_sha === head);
      expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
      expect(run!.annotations).toEqual([expect.objectContaining({ path: 'ping.js', start_line: 2 })]);
      expect(fake.state.issueCommentsOf(OWNER, REPO, 3)).toHaveLength(1);
      expect(fake.state.reviewCommentsOf(OWNER, REPO, 3)).toHaveLength(1);
      expect(fake.violations).toEqual([]);

      // The job is counted once it returns, a moment after its last write to GitHub.
      const completed = /orchestra_github_jobs_total\{job="github.review",outcome="completed"\} 1/;
      let metrics = '';
      for (let i = 0; i < 100 && !completed.test(metrics); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        metrics = await (await fetch(`${url}/metrics`)).text();
      }
      expect(metrics).toMatch(/orchestra_github_webhooks_total\{event="pull_request",status="200"\} 1/);
      expect(metrics).toMatch(/orchestra_github_jobs_total\{job="github.review",outcome="completed"\} 1/);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    expect(output()).not.toContain(SECRET);
    expect(output()).not.toContain('BEGIN PRIVATE KEY');
  });
});
