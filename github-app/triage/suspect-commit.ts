/**
 * The suspect of a failure among a pull request's commits: the most recent one whose diff touched
 * the failing line (or a line of the stack in the repository's code). Lines are followed backwards
 * through each newer commit's patch, so a line that later commits moved is still recognised where
 * it was. Nothing is checked out or run: patches come from `GET /repos/{owner}/{repo}/commits/{sha}`.
 * A suspect is a lead for a person, not a verdict, and is worded so.
 */
import { statusOf, type Octokit, type RepoRef } from '../github/octokit.js';

/** A line at the head commit to follow back through the pull request's commits. */
export interface TrackedLine {
  file: string;
  line: number;
  /** The failing line itself, or a caller's line further up the stack. */
  role: 'fault' | 'caller';
}

/** What a commit's patch did to one line of its new side. */
export type LineFate =
  | { kind: 'changed' }
  | { kind: 'removed-next-to'; removed: number }
  | { kind: 'kept'; before: number };

/**
 * Follows `line` (1-based, on the new side) back through a file's patch (GitHub's `patch` field:
 * hunks only). Added or modified → `changed`; lines deleted right above or below it (not replaced)
 * → `removed-next-to`; otherwise its number on the old side.
 */
export function lineThroughPatch(patch: string, line: number): LineFate {
  let offset = 0;
  let removedNextTo = 0;
  let keptAt: number | undefined;
  const lines = patch.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(lines[i] as string);
    if (!hunk) continue;
    let oldLine = Number(hunk[1]);
    let newLine = Number(hunk[2]);
    // A hunk of pure additions counts from the line before it (`@@ -3,0 +4,2 @@`).
    if (/^@@ -\d+,0 /.test(lines[i] as string)) oldLine++;
    if (/^@@ -\d+(?:,\d+)? \+\d+,0 /.test(lines[i] as string)) newLine++;
    if (line < newLine) break; // the line comes before this hunk: only earlier hunks moved it
    let removedRun = 0;
    for (i++; i < lines.length && !(lines[i] as string).startsWith('@@'); i++) {
      const marker = (lines[i] as string)[0];
      if (marker === '-') {
        removedRun++;
        oldLine++;
        continue;
      }
      if (removedRun > 0 && marker !== '+' && (newLine === line || newLine === line + 1)) removedNextTo += removedRun;
      if (marker === '+' || marker === ' ') removedRun = 0;
      if (marker === '+') {
        if (newLine === line) return { kind: 'changed' };
        newLine++;
      } else if (marker === ' ') {
        if (newLine === line) keptAt = oldLine;
        oldLine++;
        newLine++;
      }
    }
    if (removedRun > 0 && (newLine === line || newLine === line + 1)) removedNextTo += removedRun;
    i--;
    offset = newLine - oldLine;
    if (keptAt !== undefined || line < newLine) break;
  }
  if (removedNextTo > 0) return { kind: 'removed-next-to', removed: removedNextTo };
  return { kind: 'kept', before: keptAt ?? line - offset };
}

/** One commit as the suspect search sees it. */
export interface CommitInfo {
  sha: string;
  htmlUrl: string;
  /** First line of the message. */
  title: string;
  /** GitHub login, else the git author name. */
  author?: string;
  merge: boolean;
  files: { filename: string; status: string; patch?: string; previous_filename?: string }[];
}

/** The suspect commit and why. */
export interface Suspect {
  commit: Omit<CommitInfo, 'files'>;
  /** The file and line as they were in that commit. */
  file: string;
  lineThen: number;
  /** The line at the run's head commit. */
  lineNow: number;
  fileNow: string;
  role: TrackedLine['role'];
  how: 'changed' | 'added-file' | 'removed-next-to' | 'file-without-patch';
  removed?: number;
}

/** Outcome of a search. */
export interface SuspectSearch {
  suspect?: Suspect;
  /** Commits whose diff was read. */
  examined: number;
  /** Commits of the pull request (GitHub lists at most 250). */
  commits: number;
  /** Why the search stopped early, if it did. */
  note?: string;
}

/** Newest commits read per search at most. */
export const MAX_COMMITS_EXAMINED = 30;

/** Reads commits (and pull requests' commit lists) once per job, whatever number of lines and pull requests ask. */
export class CommitReader {
  private readonly cache = new Map<string, Promise<CommitInfo>>();
  private readonly lists = new Map<number, Promise<string[]>>();

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
  ) {}

  /** Shas of a pull request's commits, oldest first (GitHub lists at most 250). */
  pullCommits(pullNumber: number): Promise<string[]> {
    let list = this.lists.get(pullNumber);
    if (!list) {
      list = this.octokit.paginate(this.octokit.rest.pulls.listCommits, { ...this.repo, pull_number: pullNumber, per_page: 100 }).then((commits) => commits.map((c) => c.sha));
      this.lists.set(pullNumber, list);
    }
    return list;
  }

  /** A commit with its changed files and patches. */
  get(sha: string): Promise<CommitInfo> {
    let found = this.cache.get(sha);
    if (!found) {
      found = this.octokit.rest.repos.getCommit({ ...this.repo, ref: sha, per_page: 100 }).then(({ data }) => ({
        sha: data.sha,
        htmlUrl: data.html_url,
        title: (data.commit.message.split('\n')[0] ?? '').slice(0, 200),
        ...((data.author?.login ?? data.commit.author?.name) ? { author: data.author?.login ?? data.commit.author?.name } : {}),
        merge: data.parents.length > 1,
        files: (data.files ?? []).map((f) => ({ filename: f.filename, status: f.status, ...(f.patch !== undefined ? { patch: f.patch } : {}), ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}) })),
      }));
      this.cache.set(sha, found);
    }
    return found;
  }
}

/** What one commit did to the tracked lines: the lines it touched (no longer followed), the others moved back. */
function examine(commit: CommitInfo, tracked: Tracked[]): Suspect[] {
  const touches: Suspect[] = [];
  for (const t of tracked) {
    if (t.done) continue;
    const file = commit.files.find((f) => f.filename === t.file);
    if (!file) continue;
    const base = { commit: { sha: commit.sha, htmlUrl: commit.htmlUrl, title: commit.title, ...(commit.author ? { author: commit.author } : {}), merge: commit.merge }, file: t.file, lineThen: t.line, lineNow: t.now.line, fileNow: t.now.file, role: t.role };
    let found: Suspect | undefined;
    if (file.status === 'added') found = { ...base, how: 'added-file' };
    else if (file.patch === undefined) found = { ...base, how: 'file-without-patch' };
    else {
      const fate = lineThroughPatch(file.patch, t.line);
      if (fate.kind === 'changed') found = { ...base, how: 'changed' };
      else if (fate.kind === 'removed-next-to') found = { ...base, how: 'removed-next-to', removed: fate.removed };
      else {
        t.line = fate.before;
        if (file.previous_filename) t.file = file.previous_filename;
      }
    }
    if (found) {
      t.done = true;
      touches.push(found);
    }
  }
  return touches;
}

type Tracked = TrackedLine & { now: TrackedLine; done: boolean };

/**
 * The most recent commit of the pull request whose diff touched the failing line, reading at most
 * {@link MAX_COMMITS_EXAMINED} commits newest first. When no commit touched it, the most recent one
 * that touched a caller's line in the repository's code (a new test that exposes an old bug, a changed
 * call), marked as such.
 */
export async function findSuspect(pullNumber: number, lines: readonly TrackedLine[], reader: CommitReader): Promise<SuspectSearch> {
  if (lines.length === 0) return { examined: 0, commits: 0 };
  const list = await reader.pullCommits(pullNumber);
  const newestFirst = [...list].reverse();
  const tracked: Tracked[] = lines.map((l) => ({ ...l, now: { ...l }, done: false }));
  let examined = 0;
  let caller: Suspect | undefined;
  let note: string | undefined;
  for (const sha of newestFirst.slice(0, MAX_COMMITS_EXAMINED)) {
    let commit: CommitInfo;
    try {
      commit = await reader.get(sha);
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 422) throw error;
      note = `commit ${sha.slice(0, 7)} could not be read (${status})`;
      break;
    }
    examined++;
    const touches = examine(commit, tracked);
    const fault = touches.find((t) => t.role === 'fault');
    if (fault) return { suspect: fault, examined, commits: list.length };
    caller ??= touches[0];
    if (tracked.every((t) => t.done)) break;
  }
  if (!note && list.length > MAX_COMMITS_EXAMINED) note = `only the newest ${MAX_COMMITS_EXAMINED} of ${list.length} commits were read`;
  return { ...(caller ? { suspect: caller } : {}), examined, commits: list.length, ...(note ? { note } : {}) };
}
