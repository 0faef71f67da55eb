/**
 * Temporary repositories for the style-validator tests: real folders (fs.mkdtemp) with real config
 * files, so ESLint's own config lookup runs. Every folder made is removed by {@link removeTempRepos}.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];

/** Creates a temporary folder holding `files` (relative path → content) and returns its path. */
export async function makeTempRepo(files: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'orchestra-style-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) await writeRepoFile(root, path, text);
  return root;
}

/**
 * Writes a file in a temp repo. The mtime is moved one second past the previous write, so a
 * rewrite within the file system's timestamp granularity still counts as a change.
 */
export async function writeRepoFile(root: string, path: string, text: string): Promise<void> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  const when = new Date(Date.now() + 1000 * ++writes);
  await utimes(file, when, when);
}
let writes = 0;

/** Removes every temp repo made so far. */
export async function removeTempRepos(): Promise<void> {
  while (made.length > 0) await rm(made.pop()!, { recursive: true, force: true });
}

/** Applies non-overlapping text edits (offsets into the original `text`). */
export function applyEdits(text: string, edits: readonly { start: number; end: number; text: string }[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
