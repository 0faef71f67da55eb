/**
 * Finding the unified diff in a model's answer: fenced blocks first (```diff, ```patch, or an
 * unlabelled fence whose content is a diff), else a raw diff starting at its first file header.
 * Anything else is no patch. The prose around the diff is kept as the suggestion's explanation.
 */

/** A model answer is read up to this size; a longer one is cut (a patch for one fault is small). */
export const MAX_ANSWER = 200_000;

/** What was found in a model's answer. */
export type ExtractedDiff = { ok: true; diff: string; explanation: string } | { ok: false; reason: string };

const FENCE = /^(?<indent>[ \t]{0,3})(?<fence>`{3,10}|~{3,10})[ \t]{0,4}(?<lang>[\w+-]{0,20})[^\n]{0,80}$/;

/** True when the text has the bones of a unified diff: a `---`/`+++` header pair and a hunk header. */
export function looksLikeDiff(text: string): boolean {
  return /^--- [^\n]{1,1000}\n\+\+\+ [^\n]{1,1000}$/m.test(text) && /^@@ -\d{1,9}(?:,\d{1,9})? \+\d{1,9}(?:,\d{1,9})? @@/m.test(text);
}

/** Extracts the diff from a model's answer, or says why there is none. */
export function extractDiff(answer: string): ExtractedDiff {
  const text = (answer.length > MAX_ANSWER ? answer.slice(0, MAX_ANSWER) : answer).replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const diffs: string[] = [];
  const prose: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = FENCE.exec(lines[i] as string);
    if (open?.groups === undefined) {
      prose.push(lines[i] as string);
      i++;
      continue;
    }
    const fence = open.groups.fence as string;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] as string).trimStart().startsWith(fence)) body.push(lines[j++] as string);
    const content = body.join('\n');
    if (looksLikeDiff(content)) diffs.push(content);
    else prose.push(...body);
    i = j + 1;
  }
  if (diffs.length > 0) return { ok: true, diff: `${diffs.join('\n')}\n`, explanation: tidy(prose.join('\n')) };
  // No fenced diff: a raw one starts at `diff --git` or at a `---` line followed by `+++`.
  const start = lines.findIndex((line, index) => line.startsWith('diff --git ') || (line.startsWith('--- ') && (lines[index + 1] ?? '').startsWith('+++ ')));
  if (start >= 0) {
    const raw = lines.slice(start).join('\n');
    if (looksLikeDiff(raw)) return { ok: true, diff: `${raw}\n`, explanation: tidy(lines.slice(0, start).join('\n')) };
  }
  if (/```|~~~/.test(text)) return { ok: false, reason: 'the answer has code blocks but none is a unified diff (--- / +++ headers and @@ hunks)' };
  return { ok: false, reason: 'the answer holds no unified diff' };
}

/** Prose around the diff, as one short paragraph. */
function tidy(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > 600 ? `${s.slice(0, 599)}…` : s;
}
