/**
 * Which files a review looks at. In a git repository, `--all` means every tracked file plus
 * untracked files that are not ignored (`git ls-files -co --exclude-standard`); outside one, a walk
 * of the folder that skips dependency, build and hidden folders. Only files a review agent
 * understands are kept, minus the config's ignored paths and minified bundles.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { simpleGit } from 'simple-git';
import { detectLanguage } from '../parsing/index.js';
import { ignoredPaths } from '../suppress/config-rules.js';

/** Folders never walked outside git (inside git, .gitignore decides). */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage', '.next', '.nuxt', '.cache', '__pycache__', '.venv', 'venv', 'bower_components', 'jspm_packages']);
/** Bundled or generated files: reviewing them reports on code nobody edits. */
const GENERATED = /(\.min\.(js|mjs|cjs)|[.-]bundle\.js|\.map|\.d\.ts\.map)$/i;

/** Options for {@link collectFiles}. */
export interface CollectOptions {
  /** Globs (relative to root) to leave out. */
  ignore?: readonly string[];
  /** Stop after this many files (a clear notice is given by the caller). Default 100,000. */
  limit?: number;
  signal?: AbortSignal;
}

/** True when a review agent understands the file by its name. */
export function isReviewable(path: string): boolean {
  return detectLanguage(path) !== undefined && !GENERATED.test(path);
}

/** Lists reviewable files under `root` (paths relative to root, forward slashes, sorted). */
export async function collectFiles(root: string, options: CollectOptions = {}): Promise<string[]> {
  const isIgnored = ignoredPaths(options.ignore);
  const limit = options.limit ?? 100_000;
  const keep = (path: string) => isReviewable(path) && !isIgnored(path);
  const fromGit = await gitFiles(root);
  const files = fromGit ?? (await walk(root, limit, options.signal));
  return files.filter(keep).sort().slice(0, limit);
}

async function gitFiles(root: string): Promise<string[] | undefined> {
  const git = simpleGit({ baseDir: root });
  const inside = await git.raw(['rev-parse', '--is-inside-work-tree']).catch(() => '');
  if (inside.trim() !== 'true') return undefined;
  // Relative to `root` (git prints paths relative to the current directory with --full-name off).
  const out = await git.raw(['ls-files', '-co', '--exclude-standard', '-z', '--', '.']);
  return out.split('\0').filter(Boolean);
}

async function walk(root: string, limit: number, signal: AbortSignal | undefined): Promise<string[]> {
  const out: string[] = [];
  const queue = [root];
  while (queue.length > 0 && out.length < limit) {
    if (signal?.aborted) break;
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folder: skipped, as git would
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) queue.push(join(dir, entry.name));
      } else if (entry.isFile()) {
        out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
      }
    }
  }
  return out;
}
