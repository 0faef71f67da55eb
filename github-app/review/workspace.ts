/**
 * A throw-away folder holding the files of one review at the head commit, fetched through the
 * contents API (no clone: a pull request of 50 files costs 50 small requests, not a repository).
 * Paths come from GitHub, but are still checked to stay inside the folder.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { isReviewable } from '../../agents/review/swarm/collect-files.js';
import { readFileAt } from '../github/repo-config.js';
import type { Octokit, RepoRef } from '../github/octokit.js';

/** Files larger than this are not fetched (the review swarm skips minified bundles this big anyway). */
export const MAX_FETCH_BYTES = 1_000_000;
const CONCURRENCY = 8;

/** A folder with the fetched files; `dispose()` deletes it. */
export interface Workspace {
  root: string;
  /** Relative paths written. */
  files: string[];
  texts: Map<string, string>;
  notices: string[];
  dispose(): Promise<void>;
}

/** Fetches the reviewable files among `paths` at `ref` into a new temporary folder. */
export async function fetchWorkspace(octokit: Octokit, repo: RepoRef, ref: string, paths: readonly string[], signal?: AbortSignal): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'orchestra-pr-'));
  const workspace: Workspace = { root, files: [], texts: new Map(), notices: [], dispose: () => rm(root, { recursive: true, force: true }) };
  try {
    const wanted = paths.filter((p) => isReviewable(p));
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        signal?.throwIfAborted();
        const path = wanted[next++]!;
        const target = resolve(root, path);
        if (!target.startsWith(root + sep)) {
          workspace.notices.push(`Skipped ${path}: the path leaves the repository.`);
          continue;
        }
        const text = await readFileAt(octokit, repo, path, ref);
        if (text === undefined) continue; // deleted since, or a submodule
        if (Buffer.byteLength(text) > MAX_FETCH_BYTES) {
          workspace.notices.push(`Skipped ${path}: larger than ${MAX_FETCH_BYTES} bytes.`);
          continue;
        }
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, text);
        workspace.files.push(path);
        workspace.texts.set(path, text);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, wanted.length) }, worker));
    workspace.files.sort();
    return workspace;
  } catch (error) {
    await workspace.dispose();
    throw error;
  }
}
