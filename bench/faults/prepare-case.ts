/**
 * Everything a case needs before it is scored: its releases fetched (cached), its check written
 * outside the repository, its premise verified at every release and at the fix, its ground truth
 * derived from the fix's diff, the release repository built, and the real failing output at HEAD.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchPackage } from '../quality/fetch-package.js';
import { caseName, type FaultCase } from './corpus.js';
import { changedLines, diffHunks } from './fix-lines.js';
import { publishedVersions, versionRange } from './published-versions.js';
import { buildReleaseRepo, type ReleaseRepo } from './release-repo.js';
import { runCheck, writeCheck, type CheckRun } from './run-check.js';
import { premiseProblem, type ReleaseRun } from './verify-premise.js';

/** A case ready to score. */
export interface PreparedCase {
  c: FaultCase;
  name: string;
  versions: string[];
  repo: ReleaseRepo;
  /** The check script, outside the repository. */
  checkPath: string;
  /** The fix's lines in the broken release. */
  truth: { file: string; lines: number[] };
  /** The check's run at HEAD inside the repository: the failing output triage reads. */
  head: CheckRun;
}

/** A case prepared, or why it is invalid (and not scored). */
export type Preparation = { ok: true; prepared: PreparedCase } | { ok: false; name: string; reason: string };

/** Folders the preparation uses: the tarball cache, and a scratch folder for checks and repositories. */
export interface PrepareFolders {
  cache: string;
  work: string;
}

/** Check runs at once while verifying a premise. */
const PREMISE_CONCURRENCY = 4;

/** `fn` over `items` with at most `limit` running at once; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function slug(name: string): string {
  return name.replace(/[^\w.@-]+/g, '_');
}

/** Fetches, verifies and builds one case. Throws PackageFetchError when the registry is unreachable. */
export async function prepareCase(c: FaultCase, folders: PrepareFolders, signal?: AbortSignal): Promise<Preparation> {
  const name = caseName(c);
  const invalid = (reason: string): Preparation => ({ ok: false, name, reason });
  let versions: string[];
  try {
    const all = await publishedVersions(c.pkg, folders.cache, signal);
    versions = versionRange(all, c.from, c.broken);
    if (!versions.includes(c.culprit)) return invalid(`the culprit ${c.culprit} is not between ${c.from} and ${c.broken}`);
    if (all[all.indexOf(c.broken) + 1] !== c.fixed) return invalid(`${c.fixed} is not the release right after ${c.broken}`);
  } catch (error) {
    if (error instanceof RangeError) return invalid(error.message);
    throw error;
  }
  const dirs = new Map<string, string>();
  for (const version of [...versions, c.fixed]) dirs.set(version, await fetchPackage(c.pkg, version, folders.cache, signal));

  await mkdir(join(folders.work, 'checks'), { recursive: true });
  const checkPath = join(folders.work, 'checks', `${slug(name)}.cjs`);
  await writeCheck(c, checkPath);

  // Each release runs in its own unpacked folder, so the runs are independent: a few at a time.
  const runs = await mapLimit([...versions, c.fixed], PREMISE_CONCURRENCY, async (version): Promise<ReleaseRun> => {
    const dir = dirs.get(version)!;
    return { version, dir, run: await runCheck(checkPath, dir) };
  });
  const fixedDir = dirs.get(c.fixed)!;
  const problem = premiseProblem(c, runs.slice(0, -1), runs.at(-1)!);
  if (problem) return invalid(problem);

  const brokenFile = join(dirs.get(c.broken)!, c.fix.file);
  const fixedFile = join(fixedDir, c.fix.file);
  if (!existsSync(brokenFile)) return invalid(`${c.fix.file} is not in ${c.pkg}@${c.broken}`);
  if (!existsSync(fixedFile)) return invalid(`${c.fix.file} is not in ${c.pkg}@${c.fixed}`);
  const lines = changedLines(await diffHunks(brokenFile, fixedFile), c.fix.hunk, [c.broken, c.fixed]);
  if (lines.length === 0) return invalid(`the fix label selects no changed line of ${c.fix.file} between ${c.broken} and ${c.fixed}`);

  const repo = await buildReleaseRepo(join(folders.work, 'repos', slug(name)), versions.map((version) => ({ version, dir: dirs.get(version)! })));
  const head = await runCheck(checkPath, repo.path);
  if (head.exitCode === 0 || head.timedOut) return invalid(`the check does not fail at HEAD of the release repository`);
  return { ok: true, prepared: { c, name, versions, repo, checkPath, truth: { file: c.fix.file, lines }, head } };
}
