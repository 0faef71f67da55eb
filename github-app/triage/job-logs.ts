/**
 * A failed job's log, downloaded in bounded memory. The jobs API answers a log request with a 302 to
 * a short-lived plain-text URL: the app reads the redirect itself (Octokit would buffer the whole body)
 * and streams the text, keeping only its last {@link MAX_LOG_BYTES} (CI errors sit near the end of a
 * log; the setup steps fill its start). When a job's own log cannot be had, the run's zip archive is
 * the fallback, downloaded once per run and capped too; only the job's entry is inflated.
 * Expired logs (GitHub keeps them 90 days by default, less when configured) answer 404 or 410:
 * that is a result ("logs unavailable"), never an exception.
 */
import { unzipSync } from 'fflate';
import { statusOf, type Octokit, type RepoRef } from '../github/octokit.js';

/** Bytes of a job's log kept (its tail). */
export const MAX_LOG_BYTES = 8 * 1024 * 1024;
/** Largest run archive downloaded, and largest entry inflated from it. */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;
/** Time allowed for one download. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** A job's log text, or why there is none. */
export type JobLog =
  | { ok: true; text: string; truncated: boolean; source: 'job' | 'archive' }
  | { ok: false; reason: 'unavailable' | 'too-large' | 'failed'; detail: string };

/** Where a logs endpoint sent the app: a URL to fetch, text the server answered directly, or a status. */
type Located = { url: string } | { text: string } | { status: number };

async function locate(octokit: Octokit, route: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<Located> {
  try {
    const res = await octokit.request(route, { ...params, request: { redirect: 'manual', ...(signal ? { signal } : {}) } });
    const location = (res.headers as Record<string, unknown>).location;
    if (res.status >= 300 && res.status < 400 && typeof location === 'string') return { url: new URL(location, res.url).href };
    if (typeof res.data === 'string') return { text: res.data };
    if (res.data instanceof ArrayBuffer) return { text: Buffer.from(res.data).toString('utf8') };
    return { status: res.status };
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 410) return { status };
    throw error;
  }
}

function downloadSignal(signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Streams `url`, keeping the last `maxBytes`. Pre-signed URLs carry their own credentials: no token is sent. */
export async function fetchTail(url: string, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Buffer; truncated: boolean } | { status: number }> {
  const res = await fetch(url, { signal: downloadSignal(signal), redirect: 'follow' });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return { status: res.status };
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  for await (const chunk of res.body) {
    const buffer = Buffer.from(chunk);
    chunks.push(buffer);
    kept += buffer.length;
    while (chunks.length > 1 && kept - chunks[0]!.length >= maxBytes) {
      kept -= chunks.shift()!.length;
      truncated = true;
    }
  }
  let bytes = Buffer.concat(chunks);
  if (bytes.length > maxBytes) {
    bytes = bytes.subarray(bytes.length - maxBytes);
    truncated = true;
  }
  return { bytes, truncated };
}

/** Downloads `url` whole, or gives up past `maxBytes`. */
async function fetchWhole(url: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer | { status: number } | 'too-large'> {
  const res = await fetch(url, { signal: downloadSignal(signal), redirect: 'follow' });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return { status: res.status };
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await res.body.cancel();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > maxBytes) return 'too-large';
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Text of a log, without the BOM GitHub starts it with; a cut log starts at its first whole line. */
export function decodeLog(bytes: Uint8Array, truncated: boolean): string {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (truncated) {
    const newline = text.indexOf('\n');
    text = newline >= 0 ? text.slice(newline + 1) : text;
  }
  return text;
}

/** How GitHub names a job in a run's archive: characters that cannot be in a file name are dropped. */
function archiveName(name: string): string {
  return name.replace(/[\\/:*?"<>|\r\n]/g, '').trim().toLowerCase();
}

/**
 * Picks a job's log out of a run archive: the top-level `N_<job>.txt` (the whole job log), else the
 * job folder's step files `<job>/N_<step>.txt` in step order, each as a `##[group]` of its step.
 */
export function jobLogFromArchive(zip: Uint8Array, jobName: string, maxEntryBytes = MAX_ARCHIVE_BYTES): JobLog {
  const wanted = archiveName(jobName);
  const names: { name: string; size: number }[] = [];
  try {
    unzipSync(zip, { filter: (file) => (names.push({ name: file.name, size: file.originalSize }), false) });
  } catch (error) {
    return { ok: false, reason: 'failed', detail: `the run's log archive is not a readable zip (${error instanceof Error ? error.message : String(error)})` };
  }
  const whole = names.find((n) => !n.name.includes('/') && /^\d+_/.test(n.name) && archiveName(n.name.replace(/^\d+_/, '').replace(/\.txt$/, '')) === wanted);
  const steps = names
    .filter((n) => n.name.includes('/') && archiveName(n.name.slice(0, n.name.indexOf('/'))) === wanted && /\/\d+_.*\.txt$/.test(n.name))
    .sort((a, b) => Number(/\/(\d+)_/.exec(a.name)?.[1]) - Number(/\/(\d+)_/.exec(b.name)?.[1]));
  const chosen = whole ? [whole] : steps;
  if (chosen.length === 0) return { ok: false, reason: 'unavailable', detail: `the run's log archive has no log for job "${jobName}"` };
  const total = chosen.reduce((n, e) => n + e.size, 0);
  if (total > maxEntryBytes) return { ok: false, reason: 'too-large', detail: `the job's log in the run archive is ${total} bytes, more than the ${maxEntryBytes} read` };
  const wantedNames = new Set(chosen.map((e) => e.name));
  const files = unzipSync(zip, { filter: (file) => wantedNames.has(file.name) && file.originalSize <= maxEntryBytes });
  const parts = chosen.map((entry) => {
    const text = decodeLog(files[entry.name] ?? new Uint8Array(), false);
    if (whole) return text;
    const step = /\/\d+_(.*)\.txt$/.exec(entry.name)?.[1] ?? entry.name;
    return `##[group]${step}\n${text.endsWith('\n') ? text : `${text}\n`}##[endgroup]\n`;
  });
  let text = parts.join('');
  let truncated = false;
  if (Buffer.byteLength(text) > MAX_LOG_BYTES) {
    text = decodeLog(Buffer.from(text).subarray(-MAX_LOG_BYTES), true);
    truncated = true;
  }
  return { ok: true, text, truncated, source: 'archive' };
}

/** Downloads a run's log archive once, for every job that needs it. */
export class RunLogArchive {
  private zip: Promise<Buffer | JobLog> | undefined;

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    private readonly runId: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** The job's log from the archive, or why it cannot be had. */
  async jobLog(jobName: string): Promise<JobLog> {
    this.zip ??= this.download();
    const zip = await this.zip;
    return Buffer.isBuffer(zip) ? jobLogFromArchive(zip, jobName) : zip;
  }

  private async download(): Promise<Buffer | JobLog> {
    const located = await locate(this.octokit, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/logs', { ...this.repo, run_id: this.runId }, this.signal);
    if ('status' in located) return { ok: false, reason: 'unavailable', detail: `the run's log archive answered ${located.status}` };
    if ('text' in located) return { ok: false, reason: 'failed', detail: 'the run log archive came back as text, not a zip' };
    const zip = await fetchWhole(located.url, MAX_ARCHIVE_BYTES, this.signal);
    if (zip === 'too-large') return { ok: false, reason: 'too-large', detail: `the run's log archive is larger than ${MAX_ARCHIVE_BYTES} bytes` };
    if (!Buffer.isBuffer(zip)) return { ok: false, reason: 'unavailable', detail: `the run's log archive download answered ${zip.status}` };
    return zip;
  }
}

/** A job's log: its own log endpoint first, the run's archive when that has nothing. */
export async function downloadJobLog(octokit: Octokit, repo: RepoRef, job: { id: number; name: string }, archive: RunLogArchive, signal?: AbortSignal): Promise<JobLog> {
  const located = await locate(octokit, 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { ...repo, job_id: job.id }, signal);
  if ('text' in located) {
    const bytes = Buffer.from(located.text);
    const truncated = bytes.length > MAX_LOG_BYTES;
    return { ok: true, text: decodeLog(truncated ? bytes.subarray(-MAX_LOG_BYTES) : bytes, truncated), truncated, source: 'job' };
  }
  if ('url' in located) {
    const tail = await fetchTail(located.url, MAX_LOG_BYTES, signal);
    if ('bytes' in tail) return { ok: true, text: decodeLog(tail.bytes, tail.truncated), truncated: tail.truncated, source: 'job' };
  }
  const fallback = await archive.jobLog(job.name);
  if (fallback.ok) return fallback;
  const first = 'status' in located ? `the job's log answered ${located.status}` : "the job's log URL could not be read";
  return { ok: false, reason: fallback.reason, detail: `${first}; ${fallback.detail}` };
}
