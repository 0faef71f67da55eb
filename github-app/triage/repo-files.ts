/**
 * The repository at the run's head commit, as triage reads it: one tree listing (so paths that do not
 * exist, like `node_modules/…` or a runner's tool cache, cost no API call), then the contents API for
 * the few files the stack tracer asks for, each fetched once. And where the repository was on the
 * runner: CI logs name files by absolute path (`/home/runner/work/REPO/REPO/src/x.ts`, `/__w/REPO/REPO/…`
 * in containers), so the workspace root is recovered from the log itself.
 */
import { posix } from 'node:path';
import { readFileAt } from '../github/repo-config.js';
import { statusOf, type Octokit, type RepoRef } from '../github/octokit.js';

/** Files larger than this are not read (a stack frame in a minified bundle needs its source map, not the bundle). */
export const MAX_SOURCE_BYTES = 1_000_000;
/** Files fetched per triage at most (5,000 requests an hour per installation). */
export const MAX_FILES_READ = 40;
/** Reads of paths the tree cannot vouch for (a truncated or missing tree) allowed per triage. */
const MAX_BLIND_READS = 10;

/** The blobs of the head commit's tree. */
export interface RepoTree {
  /** Path (relative, forward slashes) to size in bytes. */
  readonly files: ReadonlyMap<string, number>;
  /** The listing is complete: a path not in it does not exist. */
  readonly complete: boolean;
}

/** Lists every file at `sha` in one request (`git/trees?recursive=1`). */
export async function fetchTree(octokit: Octokit, repo: RepoRef, sha: string): Promise<RepoTree> {
  try {
    const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: sha, recursive: '1' });
    const files = new Map<string, number>();
    for (const entry of data.tree) {
      if (entry.type === 'blob' && typeof entry.path === 'string') files.set(entry.path, entry.size ?? 0);
    }
    return { files, complete: !data.truncated };
  } catch (error) {
    // An empty repository (409) or a sha GitHub no longer has (404, 422): read blindly, within a budget.
    const status = statusOf(error);
    if (status === 404 || status === 409 || status === 422) return { files: new Map(), complete: false };
    throw error;
  }
}

const PATH_TOKEN = /(?:file:\/\/)?(\/[^\s:()'"`<>,;[\]{}]+)/g;
const MAX_TOKENS = 100_000;
const MAX_PATH_CHARS = 4_096;
const MAX_TAIL_SEGMENTS = 24;

/**
 * Where the repository was checked out on the runner, from the absolute paths in the log: for each
 * path whose tail is a file of the tree, the part before that tail is a vote. Paths under
 * `node_modules` do not vote (their tails are files of packages). A root ending in `/REPO/REPO`
 * (GitHub's `$GITHUB_WORKSPACE` layout) wins ties. Without votes: that layout as seen in the log, else
 * GitHub-hosted Linux runners' `/home/runner/work/REPO/REPO`.
 */
export function detectWorkspaceRoot(log: string, tree: RepoTree, repoName: string): string {
  const layout = `/${repoName}/${repoName}`;
  const votes = new Map<string, number>();
  let layoutSeen: string | undefined;
  let tokens = 0;
  for (const match of log.matchAll(PATH_TOKEN)) {
    if (++tokens > MAX_TOKENS) break;
    const path = (match[1] as string).replace(/[.]+$/, '');
    if (path.startsWith('//') || path.length > MAX_PATH_CHARS) continue; // the rest of a URL (`https://host/…`), or not a path
    const at = path.indexOf(`${layout}/`);
    if (at >= 0) layoutSeen ??= path.slice(0, at + layout.length);
    if (path.includes('/node_modules/')) continue;
    const segments = path.split('/');
    // segments[0] is '' (the path is absolute); try the longest tail first, as deep as a repository goes.
    for (let i = Math.max(1, segments.length - MAX_TAIL_SEGMENTS); i < segments.length; i++) {
      const tail = segments.slice(i).join('/');
      if (tail && tree.files.has(tail)) {
        const root = segments.slice(0, i).join('/') || '/';
        votes.set(root, (votes.get(root) ?? 0) + (root.endsWith(layout) ? 1.5 : 1));
        break;
      }
    }
  }
  let best: string | undefined;
  let bestVotes = 0;
  for (const [root, count] of votes) {
    if (count > bestVotes) {
      best = root;
      bestVotes = count;
    }
  }
  return best ?? layoutSeen ?? `/home/runner/work${layout}`;
}

/** How much a reader read: shown in tests and logs, and a check on the API budget. */
export interface RepoReaderStats {
  fetched: number;
  /** Paths answered from the tree listing alone (they do not exist). */
  skipped: number;
  refused: number;
}

/** A `readFile` for triage: absolute paths under `root` map to repository paths read at `sha`. */
export function createRepoReader(octokit: Octokit, repo: RepoRef, sha: string, root: string, tree: RepoTree): { readFile: (absolutePath: string) => Promise<string | undefined>; stats: RepoReaderStats } {
  const stats: RepoReaderStats = { fetched: 0, skipped: 0, refused: 0 };
  const cache = new Map<string, Promise<string | undefined>>();
  let blind = 0;
  const readFile = (absolutePath: string): Promise<string | undefined> => {
    const rel = posix.relative(root, posix.resolve(root, absolutePath.replace(/^file:\/\//, '')));
    if (rel === '' || rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel)) return Promise.resolve(undefined);
    const cached = cache.get(rel);
    if (cached) return cached;
    const size = tree.files.get(rel);
    let read: Promise<string | undefined>;
    if (size === undefined && tree.complete) {
      stats.skipped++;
      read = Promise.resolve(undefined);
    } else if ((size ?? 0) > MAX_SOURCE_BYTES || stats.fetched >= MAX_FILES_READ || (size === undefined && blind >= MAX_BLIND_READS)) {
      stats.refused++;
      read = Promise.resolve(undefined);
    } else {
      if (size === undefined) blind++;
      stats.fetched++;
      read = readFileAt(octokit, repo, rel, sha).then(
        (text) => (text !== undefined && Buffer.byteLength(text) <= MAX_SOURCE_BYTES ? text : undefined),
        // A file GitHub will not serve (403, 5xx) is left out of the triage; only a cancellation stops it.
        (error: unknown) => {
          if (statusOf(error) !== undefined && !(error instanceof Error && error.name === 'AbortError')) return undefined;
          throw error;
        },
      );
    }
    cache.set(rel, read);
    return read;
  };
  return { readFile, stats };
}
