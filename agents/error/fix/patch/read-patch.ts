/**
 * A tolerant first reading of a unified diff, before jsdiff parses it. Model-written diffs often
 * have wrong hunk line counts, blank context lines without their leading space, or prose between
 * files; jsdiff trusts the counts and would silently drop lines. Here each hunk's body is taken as
 * written (until the next header or a line that cannot be part of a hunk) and its header is
 * recounted, so what gets applied is exactly what the diff shows.
 */

/** One hunk as written: its start lines and its body (`' '`, `'-'`, `'+'`, `'\'` lines). */
export interface LooseHunk {
  oldStart: number;
  newStart: number;
  lines: string[];
}

/** One file's part of the patch. Paths are as written (prefixes not yet stripped); `null` is /dev/null. */
export interface LooseFilePatch {
  oldName: string | null;
  newName: string | null;
  hunks: LooseHunk[];
  /** Git extended headers that this checker refuses or needs: binary, rename/copy, mode changes. */
  binary: boolean;
  renameOrCopy: boolean;
  oldMode?: string;
  newMode?: string;
}

/** The reading's answer. */
export type LoosePatch = { ok: true; files: LooseFilePatch[] } | { ok: false; reason: string };

const HUNK_HEADER = /^@@ -(?<oldStart>\d{1,9})(?:,\d{1,9})? \+(?<newStart>\d{1,9})(?:,\d{1,9})? @@/;

/** `a/x` as written after `--- `: the name up to a tab (timestamps follow one), unquoted. */
function headerName(rest: string): string | null | undefined {
  let name = rest.split('\t', 1)[0]?.trim() ?? '';
  if (name.startsWith('"')) {
    if (!name.endsWith('"') || name.length < 2 || name.slice(1, -1).includes('\\')) return undefined;
    name = name.slice(1, -1);
  }
  if (name === '/dev/null') return null;
  return name;
}

function isFileHeaderPair(lines: readonly string[], i: number): boolean {
  return (lines[i] ?? '').startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ');
}

/** Reads a patch into files and hunks, or says what is wrong with it. */
export function readPatch(patch: string): LoosePatch {
  const lines = patch.replace(/\r\n/g, '\n').split('\n');
  const files: LooseFilePatch[] = [];
  let current: LooseFilePatch | undefined;
  let headed = false; // the current file has its ---/+++ pair
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.startsWith('diff --git ')) {
      current = { oldName: null, newName: null, hunks: [], binary: false, renameOrCopy: false };
      files.push(current);
      headed = false;
      i++;
      continue;
    }
    if (current !== undefined && !headed && current.hunks.length === 0) {
      if (/^(?:rename|copy) (?:from|to) /.test(line)) current.renameOrCopy = true;
      if (/^Binary files |^GIT binary patch/.test(line)) current.binary = true;
      const mode = /^(?<kind>old mode|new mode|new file mode|deleted file mode) (?<mode>\d{6})$/.exec(line)?.groups;
      if (mode?.kind === 'old mode' || mode?.kind === 'deleted file mode') current.oldMode = mode.mode;
      if (mode?.kind === 'new mode' || mode?.kind === 'new file mode') current.newMode = mode.mode;
    }
    if (isFileHeaderPair(lines, i)) {
      const oldName = headerName(line.slice(4));
      const newName = headerName((lines[i + 1] as string).slice(4));
      if (oldName === undefined || newName === undefined) return { ok: false, reason: 'the patch names a file with an unsupported quoted name' };
      if (current === undefined || headed || current.hunks.length > 0) {
        current = { oldName, newName, hunks: [], binary: false, renameOrCopy: false };
        files.push(current);
      } else {
        current.oldName = oldName;
        current.newName = newName;
      }
      headed = true;
      i += 2;
      continue;
    }
    const header = HUNK_HEADER.exec(line)?.groups;
    if (header !== undefined) {
      if (current === undefined || !headed) return { ok: false, reason: 'the patch has a hunk before any ---/+++ file header' };
      const body: string[] = [];
      i++;
      while (i < lines.length) {
        const l = lines[i] as string;
        if (l.startsWith('@@ ') || l.startsWith('diff --git ') || isFileHeaderPair(lines, i)) break;
        if (l === '') body.push(' '); // a blank context line whose space was trimmed
        else if (l[0] === ' ' || l[0] === '+' || l[0] === '-' || l[0] === '\\') body.push(l);
        else break; // prose after the hunk
        i++;
      }
      while (body.length > 0 && body[body.length - 1] === ' ' && lines[i - 1] === '') {
        body.pop(); // trailing blank lines belong to the text around the diff, not to the hunk
        i--;
      }
      if (!body.some((l) => l[0] === '+' || l[0] === '-')) return { ok: false, reason: `a hunk of ${(current.newName ?? current.oldName ?? 'the patch').replace(/^[ab]\//, '')} changes no line` };
      current.hunks.push({ oldStart: Number(header.oldStart), newStart: Number(header.newStart), lines: body });
      continue;
    }
    i++;
  }
  if (files.length === 0) return { ok: false, reason: 'the patch names no file (no ---/+++ headers)' };
  return { ok: true, files };
}

/** One file's hunks as unified-diff text with recounted headers, under the given names. */
export function formatHunks(oldName: string, newName: string, hunks: readonly LooseHunk[]): string {
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  for (const hunk of hunks) {
    let oldCount = 0;
    let newCount = 0;
    for (const l of hunk.lines) {
      if (l[0] === ' ' || l[0] === '-') oldCount++;
      if (l[0] === ' ' || l[0] === '+') newCount++;
    }
    // Unified diff quirk: an empty side's start is the line before it (0 for the start of the file).
    const oldStart = oldCount === 0 ? hunk.oldStart : Math.max(1, hunk.oldStart);
    const newStart = newCount === 0 ? hunk.newStart : Math.max(1, hunk.newStart);
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...hunk.lines);
  }
  return `${out.join('\n')}\n`;
}
