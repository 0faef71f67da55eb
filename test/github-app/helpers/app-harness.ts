/**
 * Test harness for the GitHub App: a strict fake GitHub on loopback, the real `orchestra serve`
 * server (Probot + node:http) pointed at it, real webhook payloads from `@octokit/webhooks-examples`
 * re-targeted at the fake's repository, and signed deliveries (X-Hub-Signature-256).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- example payloads are untyped JSON, edited in place to target the fake */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { ProbotOctokit } from 'probot';
import type { AppSettings } from '../../../github-app/app-settings.js';
import { startAppServer, type AppServer } from '../../../github-app/server.js';
import { startFakeGithub, type FakeGithub } from '../../helpers/fake-github/index.js';

const require = createRequire(import.meta.url);

/** One example payload collection from @octokit/webhooks-examples. */
interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

/** A real example payload of `event` (with `action`, and an installation), deep-copied. */
export function examplePayload(event: string, action?: string): Record<string, any> {
  const groups = require('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[];
  const group = groups.find((g) => g.name === event);
  const example = group?.examples.find((e) => (action === undefined || e.action === action) && e.installation) ?? group?.examples.find((e) => action === undefined || e.action === action);
  if (!example) throw new Error(`no @octokit/webhooks-examples payload for ${event}.${action ?? ''}`);
  return structuredClone(example) as Record<string, any>;
}

/** An RSA key pair for the app. */
export function appKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
}

/** Probot's Octokit with throttling and retries off (the fake answers at once; a retry would hide a bug). */
export const TestOctokit = ProbotOctokit.defaults((options: any) => ({ ...options, throttle: { ...options.throttle, enabled: false }, retry: { enabled: false } }));

/** The signature header value GitHub sends. */
export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const OWNER = 'octo-org';
export const REPO = 'hello';
export const INSTALLATION_ID = 4242;
export const APP_ID = 777;
export const SECRET = 'a-webhook-secret-for-tests-0123456789';

/** A fake GitHub plus the app server. */
export interface Harness {
  fake: FakeGithub;
  server: AppServer;
  settings: AppSettings;
  logs: string[];
  /** POSTs a signed delivery; returns the HTTP status. */
  deliver(event: string, payload: unknown, options?: { signature?: string | null; body?: string; id?: string }): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

/** Settings for a server on a free loopback port against `baseUrl`. */
export function testSettings(baseUrl: string, privateKey: string, extra: Partial<AppSettings> = {}): AppSettings {
  return { appId: String(APP_ID), privateKey, webhookSecret: SECRET, baseUrl, port: 0, host: '127.0.0.1', webhookPath: '/api/github/webhooks', logLevel: 'info', warnings: [], ...extra };
}

/** Starts the fake and the server. */
export async function startHarness(options: { worker?: boolean; settings?: Partial<AppSettings> } = {}): Promise<Harness> {
  const { privateKey } = appKeys();
  const fake = await startFakeGithub({ privateKey, appId: APP_ID, installationIds: [INSTALLATION_ID] });
  const settings = testSettings(fake.url, privateKey, options.settings);
  const logs: string[] = [];
  const server = await startAppServer({ settings, version: 'test', threads: 0, Octokit: TestOctokit, worker: options.worker ?? true, logDestination: { write: (line: string) => void logs.push(line) } });
  return {
    fake,
    server,
    settings,
    logs,
    async deliver(event, payload, opts = {}) {
      const body = opts.body ?? JSON.stringify(payload);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': opts.id ?? randomUUID(), 'user-agent': 'GitHub-Hookshot/test' };
      const signature = opts.signature === undefined ? sign(SECRET, body) : opts.signature;
      if (signature !== null) headers['x-hub-signature-256'] = signature;
      const res = await fetch(`${server.url}${settings.webhookPath}`, { method: 'POST', headers, body });
      return { status: res.status, text: await res.text() };
    },
    async stop() {
      await server.close();
      await fake.stop();
    },
  };
}

/** A 40-hex sha from a word. */
export function shaOf(word: string): string {
  return createHmac('sha1', 'sha').update(word).digest('hex');
}

/** A `pull_request` payload (a real example) re-targeted at the fake's repository. */
export function pullRequestPayload(action: string, number: number, headSha: string, baseSha: string): Record<string, any> {
  const payload = examplePayload('pull_request', action === 'synchronize' || action === 'opened' || action === 'reopened' ? action : 'opened');
  payload.action = action;
  payload.number = number;
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  payload.repository.name = REPO;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.owner.login = OWNER;
  payload.repository.html_url = `https://github.com/${OWNER}/${REPO}`;
  payload.pull_request.number = number;
  payload.pull_request.state = 'open';
  payload.pull_request.head.sha = headSha;
  payload.pull_request.base.sha = baseSha;
  return payload;
}

/** An `issue_comment.created` payload (a real example) on pull request `number`. */
export function commentPayload(number: number, body: string, user: string, type: 'User' | 'Bot' = 'User'): Record<string, any> {
  const payload = examplePayload('issue_comment', 'created');
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  payload.repository.name = REPO;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.owner.login = OWNER;
  payload.repository.html_url = `https://github.com/${OWNER}/${REPO}`;
  payload.issue.number = number;
  payload.issue.pull_request = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${number}`, html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}`, diff_url: null, patch_url: null };
  payload.comment.body = body;
  payload.comment.id = Math.floor(Math.random() * 1e9);
  payload.comment.user.login = user;
  payload.comment.user.type = type;
  payload.sender.login = user;
  payload.sender.type = type;
  return payload;
}

/** A unified-diff hunk adding every line of `text` (a new file). */
export function addedFilePatch(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}`;
}
