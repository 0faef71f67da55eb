/**
 * `git bisect start` in the temporary worktree, and the parser of what git bisect says. Git picks every
 * commit to test (its midpoint choice handles merges, and skipped commits by testing a neighbour),
 * checks it out, and keeps the state (`BISECT_LOG`, `refs/bisect/*`) in the worktree's own git folder,
 * never the user's. The steps then run through `git bisect run` (bisect-run.ts). We only parse what
 * git says (it runs with LC_ALL=C, so the messages are stable):
 * - `[<sha>] <subject>` after "Bisecting: N revisions left to test": test that commit;
 * - `<sha> is the first bad commit`: done;
 * - "There are only 'skip'ped commits left to test" and the list after "could be any of:": done, ambiguous.
 */
import { BugIndicatingError } from '../../../shared/errors/errors.js';
import { git } from './git-command.js';

/** What git wants next. */
export type BisectState =
  | { kind: 'test'; sha: string; subject?: string; remaining?: number }
  | { kind: 'found'; sha: string }
  | { kind: 'only-skipped'; candidates: string[] };

const SHA = '[0-9a-f]{40}(?:[0-9a-f]{24})?';
const FIRST_BAD = new RegExp(`^(${SHA}) is the first bad commit`, 'm');
const NEXT = new RegExp(`^\\[(${SHA})\\] ?(.*)$`, 'm');
const REMAINING = /Bisecting: (\d+) revisions? left to test/;
const ONLY_SKIPPED = /only 'skip'ped commits left to test/;
const CANDIDATE_LINE = new RegExp(`^(${SHA})$`);

/** Starts bisecting `bad` against `goods` in the worktree at `cwd`; git checks out the first commit to test. */
export async function bisectStart(cwd: string, bad: string, goods: readonly string[], signal?: AbortSignal): Promise<BisectState> {
  const result = await git(['bisect', 'start', bad, ...goods, '--'], { cwd, okCodes: [0, 1, 2], ...(signal && { signal }) });
  return parseBisectOutput(`${result.stdout}\n${result.stderr}`, ['bisect', 'start']);
}

/** Parses git bisect's answer. Throws {@link BugIndicatingError} for output it does not recognise (quoting it). */
export function parseBisectOutput(text: string, what: readonly string[] = ['bisect']): BisectState {
  const found = FIRST_BAD.exec(text);
  if (found) return { kind: 'found', sha: found[1]! };
  if (ONLY_SKIPPED.test(text)) {
    const after = text.slice(text.search(/could be any of:/));
    const candidates = after
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => CANDIDATE_LINE.test(line));
    return { kind: 'only-skipped', candidates };
  }
  const next = NEXT.exec(text);
  if (next) {
    const remaining = REMAINING.exec(text);
    return { kind: 'test', sha: next[1]!, subject: next[2] ?? '', ...(remaining && { remaining: Number(remaining[1]) }) };
  }
  throw new BugIndicatingError(`git ${what.join(' ')} answered something the culprit finder does not understand: ${text.trim().slice(0, 500)}`);
}
