/**
 * Shared pieces of the fake GitHub's answers: what a handler sees and returns, and the JSON shapes and
 * pagination GitHub uses. Requests reach handlers only after auth and Ajv validation.
 */
import { createHash } from 'node:crypto';
import { diffLines, repoKey, type FakeFile, type FakeGithubState } from './fake-github-state.js';

/** What a handler sees of a validated request. */
export interface HandlerContext {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Validated JSON body, or `{}` when none was sent. */
  body: Record<string, unknown>;
  state: FakeGithubState;
  /** Base URL the request used, e.g. `http://127.0.0.1:1234` (with `/api/v3` when it came that way). */
  origin: string;
  accept: string;
  /** Installation whose token authorised the call (undefined on `/app` calls). */
  installationId: number | undefined;
  app: { id: string; slug: string };
}

/** A handler's answer. */
export interface Reply {
  status: number;
  json?: unknown;
  raw?: { body: Buffer | string; contentType: string };
  headers?: Record<string, string>;
}

/** Answers one operation of the subset. */
export type Handler = (ctx: HandlerContext) => Reply;

/** Part of every handler's vocabulary. */
export const now = () => new Date().toISOString();
/** Part of every handler's vocabulary. */
export const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
/** Part of every handler's vocabulary. */
export const notFound = (): Reply => ({ status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
/** Part of every handler's vocabulary. */
export const unprocessable = (message: string, errors: unknown[] = []): Reply => ({
  status: 422,
  json: { message, errors, documentation_url: 'https://docs.github.com/rest' },
});

/** A user or bot as GitHub embeds it in resources. */
export function user(login: string) {
  const bot = login.endsWith('[bot]');
  return { login, id: Number.parseInt(sha1(login).slice(0, 7), 16), node_id: `U_${login}`, type: bot ? 'Bot' : 'User', site_admin: false };
}

/** Owner, name, state key and URLs of the request's repository. */
export function repoOf(ctx: HandlerContext) {
  const owner = String(ctx.params.owner);
  const repo = String(ctx.params.repo);
  return { owner, repo, key: repoKey(owner, repo), api: `${ctx.origin}/repos/${owner}/${repo}`, html: `https://github.com/${owner}/${repo}` };
}

/** Slices `items` by `page`/`per_page` and adds GitHub's `Link` header so Octokit's paginate follows it. */
export function paginate<T>(ctx: HandlerContext, path: string, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(ctx.query.per_page ?? 30), 100);
  const page = Math.max(Number(ctx.query.page ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (p: number, rel: string) => `<${ctx.origin}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
}

/** A changed file as GitHub lists it for pull requests and comparisons. */
export function fileJson(file: FakeFile) {
  const lines = diffLines(file.patch);
  return {
    sha: sha1(file.filename + (file.patch ?? '')),
    filename: file.filename,
    status: file.status ?? 'modified',
    additions: (file.patch ?? '').split('\n').filter((l) => l.startsWith('+')).length,
    deletions: (file.patch ?? '').split('\n').filter((l) => l.startsWith('-')).length,
    changes: lines.positions,
    blob_url: `https://github.com/blob/${file.filename}`,
    raw_url: `https://github.com/raw/${file.filename}`,
    contents_url: `https://api.github.com/contents/${file.filename}`,
    ...(file.patch !== undefined ? { patch: file.patch } : {}),
    ...(file.previous_filename ? { previous_filename: file.previous_filename } : {}),
  };
}
