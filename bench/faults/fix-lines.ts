/**
 * The ground truth of a case, derived from the releases themselves: the lines of the broken
 * release's file that the fixing release changed (`git diff --no-index -U0 broken fixed`). A hunk
 * that only inserts lines marks the two broken lines around the insertion point. `hunk`, when given,
 * keeps only the hunks whose removed or added text matches it (the fix among unrelated edits); a hunk
 * that only bumps the version number never counts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One hunk of the diff: the broken file's lines it covers and its changed text. */
export interface FixHunk {
  /** 1-based lines of the broken file. */
  lines: number[];
  text: string;
}

/** Parses `-U0` unified diff text into hunks located in the old (broken) file. */
export function parseHunks(diff: string): FixHunk[] {
  const hunks: FixHunk[] = [];
  let current: FixHunk | undefined;
  for (const line of diff.split('\n')) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
    if (header) {
      const start = Number(header[1]);
      const count = header[2] === undefined ? 1 : Number(header[2]);
      // count 0: lines were inserted after `start`; the nearest broken lines are start and start + 1.
      const lines = count === 0 ? [start, start + 1].filter((n) => n >= 1) : Array.from({ length: count }, (_, i) => start + i);
      current = { lines, text: '' };
      hunks.push(current);
    } else if (current && (line.startsWith('-') || line.startsWith('+'))) {
      // The `---`/`+++` file headers come before the first hunk, when `current` is still unset.
      current.text += `${line.slice(1)}\n`;
    }
  }
  return hunks;
}

/** The hunks of `fixedFile` against `brokenFile` (absolute paths). */
export async function diffHunks(brokenFile: string, fixedFile: string): Promise<FixHunk[]> {
  try {
    await run('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', '-U0', '--', brokenFile, fixedFile], { maxBuffer: 64 << 20, timeout: 120_000 });
    return [];
  } catch (error) {
    const e = error as { code?: unknown; stdout?: unknown };
    // Exit code 1 means "the files differ"; the diff is on stdout.
    if (e.code === 1 && typeof e.stdout === 'string') return parseHunks(e.stdout);
    throw error;
  }
}

/** True when every changed line of the hunk names one of `versions`: a version bump, not the fix. */
function bumpsVersionOnly(h: FixHunk, versions: readonly string[]): boolean {
  const changed = h.text.split('\n').filter((line) => line.trim() !== '');
  return changed.length > 0 && changed.every((line) => versions.some((v) => line.includes(v)));
}

/**
 * The broken file's changed lines, sorted, from the hunks that match `hunk` (all when absent),
 * leaving out hunks that only bump the version (`versions`: the broken and fixed releases).
 */
export function changedLines(hunks: readonly FixHunk[], hunk: RegExp | undefined, versions: readonly string[]): number[] {
  const chosen = hunks.filter((h) => !bumpsVersionOnly(h, versions) && (!hunk || hunk.test(h.text)));
  return [...new Set(chosen.flatMap((h) => h.lines))].sort((a, b) => a - b);
}
