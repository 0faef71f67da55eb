/**
 * A strict fake GitHub REST API on 127.0.0.1 for tests of the GitHub App. It verifies the app's JWT
 * before issuing installation tokens, requires `Authorization: token <issued token>` everywhere else,
 * validates every request against the committed OpenAPI subset with Ajv (422 + a recorded violation
 * when invalid, 404 + a violation for operations outside the subset), and answers from in-memory state.
 * A leading `/api/v3` (GitHub Enterprise base URL) is stripped, and `/api/graphql` (GitHub Enterprise's
 * GraphQL endpoint, which Octokit derives from an `/api/v3` base URL) is `/graphql`.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyAppJwt } from './app-jwt.js';
import { fakeGithubHandlers } from './fake-github-handlers.js';
import type { Reply } from './fake-github-reply.js';
import { FakeGithubState } from './fake-github-state.js';
import { OpenApiValidator } from './openapi-validator.js';

/** How to start the fake. */
export interface FakeGithubOptions {
  /** PEM public key of the app: JWTs on `/app` endpoints must verify against it. */
  publicKey?: string;
  /** PEM private key of the app, when that is what the test has: the public key is derived from it. */
  privateKey?: string;
  /** The app id the JWT's `iss` must carry. Default 1. */
  appId?: string | number;
  /** The app's slug; comments it writes are by `<slug>[bot]`. Default `orchestra`. */
  appSlug?: string;
  /** Installations tokens can be issued for. Default `[1]`. */
  installationIds?: number[];
  /** Largest accepted request body in bytes (GitHub refuses large payloads too). Default 5 MB. */
  maxBodyBytes?: number;
}

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without query and without a leading `/api/v3`. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
  operationId: string | undefined;
}

/** A request the real GitHub would have refused, or one the subset does not describe. */
export interface Violation {
  kind: 'unknown-operation' | 'invalid-request' | 'invalid-json' | 'unauthenticated' | 'unhandled-operation';
  method: string;
  path: string;
  operationId: string | undefined;
  errors: string[];
}

/** A running fake GitHub. */
export interface FakeGithub {
  /** Base URL for Octokit's `baseUrl`, e.g. `http://127.0.0.1:40123` (append `/api/v3` for GHE style). */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every refused or undescribed request: a test of a correct app asserts this is empty. */
  readonly violations: Violation[];
  /** Seeded and written resources; its setters (`setPullRequest`, `setFile`, …) prepare scenarios. */
  readonly state: FakeGithubState;
  /** Closes the server and every open connection. Idempotent. */
  stop(): Promise<void>;
}

const RAW_LIMIT = 5 * 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`request body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    query[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return query;
}

function appPublicKey(options: FakeGithubOptions): KeyObject {
  try {
    if (options.publicKey) return createPublicKey(options.publicKey);
    if (options.privateKey) return createPublicKey(createPrivateKey(options.privateKey));
  } catch (error) {
    throw new TypeError('startFakeGithub: the app key is not a valid PEM key (-----BEGIN PUBLIC KEY----- or PRIVATE KEY)', { cause: error });
  }
  throw new TypeError('startFakeGithub: pass the app key as options.publicKey or options.privateKey (PEM)');
}

/** Starts a fake GitHub on 127.0.0.1 at a free port. Stop it with `stop()`. */
export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  const publicKey = appPublicKey(options);
  const app = { id: String(options.appId ?? 1), slug: options.appSlug ?? 'orchestra' };
  const validator = new OpenApiValidator();
  const state = new FakeGithubState();
  for (const id of options.installationIds ?? [1]) state.installations.set(id, { account: 'octo-org' });
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  let origin = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const ghe = url.pathname === '/api/v3' || url.pathname.startsWith('/api/v3/');
    const path = ghe ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname === '/api/graphql' ? '/graphql' : url.pathname;
    const query = parseQuery(url.searchParams);
    const record: RecordedRequest = { method, path, query: { ...query }, headers: req.headers, body: undefined, status: 0, operationId: undefined };
    requests.push(record);
    const send = (reply: Reply) => {
      record.status = reply.status;
      const headers: Record<string, string> = { 'x-github-media-type': 'github.v3; format=json', ...reply.headers };
      if (reply.raw) {
        res.writeHead(reply.status, { ...headers, 'content-type': reply.raw.contentType });
        res.end(reply.raw.body);
      } else if (reply.json !== undefined) {
        res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(reply.json));
      } else {
        res.writeHead(reply.status, headers);
        res.end();
      }
    };
    const refuse = (status: number, kind: Violation['kind'], errors: string[], message: string) => {
      violations.push({ kind, method, path, operationId: record.operationId, errors });
      send({ status, json: { message, errors, documentation_url: 'https://docs.github.com/rest' } });
    };

    let raw: Buffer;
    try {
      raw = await readBody(req, options.maxBodyBytes ?? RAW_LIMIT);
    } catch (error) {
      refuse(413, 'invalid-request', [String(error)], 'Payload too large');
      return;
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
        record.body = body;
      } catch {
        record.body = raw.toString('utf8');
        refuse(400, 'invalid-json', ['body is not valid JSON'], 'Problems parsing JSON');
        return;
      }
    }

    // What a logs redirect points at (a run's zip archive, a job's plain text): GitHub serves them from another host, without auth.
    const logs = /^\/_fake\/logs\/([^/]+)\/([^/]+)\/(\d+)$/.exec(path);
    if (method === 'GET' && logs) {
      const zip = state.getRunLogs(logs[1] as string, logs[2] as string, Number(logs[3]));
      send(zip ? { status: 200, raw: { body: zip, contentType: 'application/zip' } } : { status: 404, json: { message: 'Not Found' } });
      return;
    }
    const jobLog = /^\/_fake\/job-logs\/([^/]+)\/([^/]+)\/(\d+)$/.exec(path);
    if (method === 'GET' && jobLog) {
      const log = state.findWorkflowJob(jobLog[1] as string, jobLog[2] as string, Number(jobLog[3]))?.job.log;
      send(log !== undefined ? { status: 200, raw: { body: log, contentType: 'text/plain; charset=utf-8' } } : { status: 404, json: { message: 'Not Found' } });
      return;
    }

    const match = validator.match(method, path);
    if (!match) {
      refuse(404, 'unknown-operation', [`${method} ${path} is not an operation of the OpenAPI subset`], 'Not Found');
      return;
    }
    const { operation } = match;
    record.operationId = operation.operationId;

    const authorization = req.headers.authorization ?? '';
    let installationId: number | undefined;
    if (operation.template.startsWith('/app')) {
      const jwt = /^bearer\s+(\S+)$/i.exec(authorization)?.[1];
      const verdict = jwt ? verifyAppJwt(jwt, publicKey, app.id) : { ok: false as const, reason: 'A JSON web token is required: Authorization: Bearer <app JWT>' };
      if (!verdict.ok) {
        refuse(401, 'unauthenticated', [verdict.reason], verdict.reason);
        return;
      }
    } else {
      const token = /^token\s+(\S+)$/i.exec(authorization)?.[1];
      const entry = token ? state.tokens.get(token) : undefined;
      if (!entry || entry.expiresAt <= Date.now()) {
        const reason = token ? 'Bad credentials: the installation token is unknown or expired' : 'Requires authentication: Authorization: token <installation token>';
        refuse(401, 'unauthenticated', [reason], reason.split(':')[0] as string);
        return;
      }
      installationId = entry.installationId;
    }

    const coercedQuery: Record<string, unknown> = { ...query };
    const errors = validator.validate(match, coercedQuery, body);
    if (errors.length > 0) {
      refuse(422, 'invalid-request', errors, 'Invalid request.');
      return;
    }
    const handler = fakeGithubHandlers[operation.operationId];
    if (!handler) {
      refuse(501, 'unhandled-operation', [`the fake has no handler for ${operation.operationId}`], 'Not Implemented');
      return;
    }
    const accept = String(req.headers.accept ?? 'application/vnd.github+json');
    const base = ghe ? `${origin}/api/v3` : origin;
    send(handler({ params: match.params, query: coercedQuery, body: (body ?? {}) as Record<string, unknown>, state, origin: base, accept, installationId, app }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push({ kind: 'unhandled-operation', method: req.method ?? '', path: req.url ?? '', operationId: undefined, errors: [`fake GitHub bug: ${String(error)}`] });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'fake GitHub internal error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopping: Promise<void> | undefined;
  return {
    url: origin,
    requests,
    violations,
    state,
    stop() {
      stopping ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
