/**
 * In-memory state of the fake GitHub: what tests seed (pull requests with their diffs and commits,
 * file contents, collaborator permissions, comparisons, commits, workflow runs with their jobs and
 * logs) and what the app writes (check runs, issue
 * comments, reviews, review comments, resolved threads). Tests read it to assert what a user would see.
 */

/** A changed file of a pull request or comparison, as GitHub lists it. */
export interface FakeFile {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  /** Unified diff hunks (`@@ -a,b +c,d @@` …), as GitHub's `patch` field. */
  patch?: string;
  previous_filename?: string;
}

/** A pull request as a test seeds it. */
export interface FakePullRequest {
  number: number;
  title?: string;
  body?: string;
  user?: string;
  state?: 'open' | 'closed';
  draft?: boolean;
  head: { sha: string; ref?: string };
  base: { sha: string; ref?: string };
  files?: FakeFile[];
  /** Shas of the pull request's commits, oldest first (`GET …/pulls/{n}/commits`); each seeded with `setCommit`. */
  commits?: string[];
}

/** A commit as `GET /repos/{owner}/{repo}/commits/{ref}` shows it: message, author and changed files with patches. */
export interface FakeCommit {
  sha: string;
  message?: string;
  /** Login of the author (and committer). Default `octocat`. */
  author?: string;
  parents?: string[];
  files?: FakeFile[];
}

/** A step of a workflow job, as the jobs API lists it. */
export interface FakeWorkflowStep {
  name: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | null;
}

/** A job of a workflow run attempt, with the log its logs endpoint serves. */
export interface FakeWorkflowJob {
  id: number;
  name: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'neutral' | 'action_required' | null;
  steps: FakeWorkflowStep[];
  /** The plain-text log served through the logs endpoint's redirect; none answers 404. */
  log?: string;
  /** Answer the logs endpoint with this status instead (GitHub answers 410 Gone for expired logs). */
  logStatus?: 404 | 410;
}

/** One attempt of a workflow run and its jobs. */
export interface FakeWorkflowRun {
  id: number;
  /** `run_attempt`, from 1. */
  attempt: number;
  head_sha: string;
  jobs: FakeWorkflowJob[];
}

/** Repository permission levels, from GitHub's role names. */
export type FakePermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** A check run as stored; `annotations` accumulates across updates, as on GitHub. */
export interface FakeCheckRun {
  repo: string;
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Record<string, unknown>[];
  actions: Record<string, unknown>[];
}

/** An issue (or pull request conversation) comment. */
export interface FakeIssueComment {
  repo: string;
  issue_number: number;
  id: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

/** A pull request review. */
export interface FakeReview {
  repo: string;
  pull_number: number;
  id: number;
  body: string;
  event: string;
  state: string;
  commit_id: string;
  user: string;
  submitted_at: string;
}

/** An inline review comment; a top-level one opens a thread that GraphQL can resolve. */
export interface FakeReviewComment {
  repo: string;
  pull_number: number;
  id: number;
  review_id: number | null;
  in_reply_to_id?: number;
  path: string;
  line: number | null;
  start_line: number | null;
  side: 'LEFT' | 'RIGHT';
  body: string;
  commit_id: string;
  user: string;
  created_at: string;
}

/** A comparison between two commits (`base...head`). */
export interface FakeComparison {
  status?: 'ahead' | 'behind' | 'identical' | 'diverged';
  commits?: { sha: string; message?: string }[];
  files: FakeFile[];
}

const repoKey = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

/** Lines of a file's diff that a review comment may target, per side, from its `patch`. */
export function diffLines(patch: string | undefined): { LEFT: Set<number>; RIGHT: Set<number>; positions: number } {
  const result = { LEFT: new Set<number>(), RIGHT: new Set<number>(), positions: 0 };
  if (!patch) return result;
  let left = 0;
  let right = 0;
  let started = false;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      if (started) result.positions++;
      started = true;
      left = Number(hunk[1]);
      right = Number(hunk[2]);
      continue;
    }
    if (!started || line.startsWith('\\')) continue;
    result.positions++;
    if (line.startsWith('+')) result.RIGHT.add(right++);
    else if (line.startsWith('-')) result.LEFT.add(left++);
    else {
      result.LEFT.add(left++);
      result.RIGHT.add(right++);
    }
  }
  return result;
}

/** Everything the fake knows. Ids are unique across kinds, like GitHub's. */
export class FakeGithubState {
  private lastId = 1000;
  readonly installations = new Map<number, { account: string }>();
  readonly tokens = new Map<string, { installationId: number; expiresAt: number }>();
  readonly pulls = new Map<string, FakePullRequest>();
  readonly files = new Map<string, string>();
  readonly permissions = new Map<string, FakePermission>();
  readonly comparisons = new Map<string, FakeComparison>();
  readonly runLogs = new Map<string, Buffer>();
  readonly commits = new Map<string, FakeCommit>();
  /** Attempts of each workflow run, by `repo:runId`, then by attempt number. */
  readonly workflowRuns = new Map<string, Map<number, FakeWorkflowRun>>();
  readonly checkRuns: FakeCheckRun[] = [];
  readonly issueComments: FakeIssueComment[] = [];
  readonly reviews: FakeReview[] = [];
  readonly reviewComments: FakeReviewComment[] = [];
  /** Thread ids (`PRRT_<first comment id>`) resolved through GraphQL. */
  readonly resolvedThreads = new Set<string>();

  /** A fresh id. */
  nextId(): number {
    return ++this.lastId;
  }

  /** Seeds or replaces a pull request (and its changed files). */
  setPullRequest(owner: string, repo: string, pull: FakePullRequest): void {
    this.pulls.set(`${repoKey(owner, repo)}#${pull.number}`, structuredClone(pull));
  }

  /** The seeded pull request, if any. */
  getPullRequest(owner: string, repo: string, number: number): FakePullRequest | undefined {
    return this.pulls.get(`${repoKey(owner, repo)}#${number}`);
  }

  /** Seeds a file's content; without `ref` it is served for every ref that has no own version. */
  setFile(owner: string, repo: string, path: string, content: string, ref?: string): void {
    this.files.set(`${repoKey(owner, repo)}:${ref ?? '*'}:${path}`, content);
  }

  /** A file's content at a ref, falling back to the ref-less version. */
  getFile(owner: string, repo: string, path: string, ref: string | undefined): string | undefined {
    const key = repoKey(owner, repo);
    return (ref !== undefined ? this.files.get(`${key}:${ref}:${path}`) : undefined) ?? this.files.get(`${key}:*:${path}`);
  }

  /** Sets a user's role on a repository (unset users are `read`, as on a public repository). */
  setPermission(owner: string, repo: string, username: string, permission: FakePermission): void {
    this.permissions.set(`${repoKey(owner, repo)}:${username.toLowerCase()}`, permission);
  }

  /** A user's role on a repository. */
  getPermission(owner: string, repo: string, username: string): FakePermission {
    return this.permissions.get(`${repoKey(owner, repo)}:${username.toLowerCase()}`) ?? 'read';
  }

  /** Seeds the answer to `GET /repos/{owner}/{repo}/compare/{base}...{head}`. */
  setComparison(owner: string, repo: string, basehead: string, comparison: FakeComparison): void {
    this.comparisons.set(`${repoKey(owner, repo)}:${basehead}`, structuredClone(comparison));
  }

  /** A seeded comparison. */
  getComparison(owner: string, repo: string, basehead: string): FakeComparison | undefined {
    return this.comparisons.get(`${repoKey(owner, repo)}:${basehead}`);
  }

  /** Seeds the zip archive served for a workflow run's logs. */
  setRunLogs(owner: string, repo: string, runId: number, zip: Buffer): void {
    this.runLogs.set(`${repoKey(owner, repo)}:${runId}`, zip);
  }

  /** A seeded log archive. */
  getRunLogs(owner: string, repo: string, runId: number): Buffer | undefined {
    return this.runLogs.get(`${repoKey(owner, repo)}:${runId}`);
  }

  /** Seeds a commit (message, author, changed files with patches). */
  setCommit(owner: string, repo: string, commit: FakeCommit): void {
    this.commits.set(`${repoKey(owner, repo)}@${commit.sha}`, structuredClone(commit));
  }

  /** A seeded commit. */
  getCommit(owner: string, repo: string, sha: string): FakeCommit | undefined {
    return this.commits.get(`${repoKey(owner, repo)}@${sha}`);
  }

  /** Paths of the files served at `ref` (its own versions and the ref-less ones), as a tree listing sees them. */
  filesAt(owner: string, repo: string, ref: string): Map<string, string> {
    const key = repoKey(owner, repo);
    const out = new Map<string, string>();
    // The ref's own versions win over ref-less ones, as in getFile.
    for (const prefix of [`${key}:*:`, `${key}:${ref}:`]) {
      for (const [fileKey, content] of this.files) {
        if (fileKey.startsWith(prefix)) out.set(fileKey.slice(prefix.length), content);
      }
    }
    return out;
  }

  /** Seeds one attempt of a workflow run with its jobs (earlier attempts are kept, as on GitHub). */
  setWorkflowRun(owner: string, repo: string, run: FakeWorkflowRun): void {
    const key = `${repoKey(owner, repo)}:${run.id}`;
    const attempts = this.workflowRuns.get(key) ?? new Map<number, FakeWorkflowRun>();
    attempts.set(run.attempt, structuredClone(run));
    this.workflowRuns.set(key, attempts);
  }

  /** Attempts of a workflow run, oldest first. */
  workflowRunAttempts(owner: string, repo: string, runId: number): FakeWorkflowRun[] {
    return [...(this.workflowRuns.get(`${repoKey(owner, repo)}:${runId}`)?.values() ?? [])].sort((a, b) => a.attempt - b.attempt);
  }

  /** A job of any run of the repository, with its run. */
  findWorkflowJob(owner: string, repo: string, jobId: number): { run: FakeWorkflowRun; job: FakeWorkflowJob } | undefined {
    const prefix = `${repoKey(owner, repo)}:`;
    for (const [key, attempts] of this.workflowRuns) {
      if (!key.startsWith(prefix)) continue;
      for (const run of attempts.values()) {
        const job = run.jobs.find((j) => j.id === jobId);
        if (job) return { run, job };
      }
    }
    return undefined;
  }

  /** Adds a comment written by someone (e.g. a user typing a command) rather than by the app. */
  addIssueComment(owner: string, repo: string, issueNumber: number, body: string, user: string): FakeIssueComment {
    const now = new Date().toISOString();
    const comment = { repo: repoKey(owner, repo), issue_number: issueNumber, id: this.nextId(), body, user, created_at: now, updated_at: now };
    this.issueComments.push(comment);
    return comment;
  }

  /** Check runs of one repository. */
  checkRunsOf(owner: string, repo: string): FakeCheckRun[] {
    return this.checkRuns.filter((c) => c.repo === repoKey(owner, repo));
  }

  /** Issue comments of one issue or pull request, oldest first. */
  issueCommentsOf(owner: string, repo: string, issueNumber: number): FakeIssueComment[] {
    return this.issueComments.filter((c) => c.repo === repoKey(owner, repo) && c.issue_number === issueNumber);
  }

  /** Reviews of one pull request. */
  reviewsOf(owner: string, repo: string, pullNumber: number): FakeReview[] {
    return this.reviews.filter((r) => r.repo === repoKey(owner, repo) && r.pull_number === pullNumber);
  }

  /** Review comments of one pull request. */
  reviewCommentsOf(owner: string, repo: string, pullNumber: number): FakeReviewComment[] {
    return this.reviewComments.filter((c) => c.repo === repoKey(owner, repo) && c.pull_number === pullNumber);
  }
}

/** The state key of a repository (case-insensitive, as GitHub's names are). */
export { repoKey };
