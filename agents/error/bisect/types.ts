/**
 * What the culprit finder takes and reports. See find-culprit.ts for the search and how runs are
 * counted, rank-suspects.ts for the blame fallback.
 */

/** Options of `findCulprit`. */
export interface FindCulpritOptions {
  /** A folder inside the repository (the command runs in the same sub-folder of the worktree). */
  repo: string;
  /** The failing command, argv style (no shell): exit 0 passes, 125 means "cannot test this commit", anything else fails. */
  command: string[];
  /** A commit where the command passes (tag, branch, sha). Without it, one is searched: bad~1, ~2, ~4, … */
  good?: string;
  /** Where the command fails. Default `HEAD`. */
  bad?: string;
  /** Run before the command after each checkout; when it fails the commit is skipped (`git bisect skip`). */
  build?: string[];
  /** Wall-time budget for the whole search; when it runs out the report is `partial` with the range left. */
  budgetMs?: number;
  /** Per run (build or command). Default 10 minutes. A run that times out counts as a skip, unless the command also timed out at `bad`. */
  runTimeoutMs?: number;
  /** Re-runs that confirm a result: at `bad`, at the culprit and at its parent. Default 2; 0 trusts single runs. */
  flakeRetries?: number;
  signal?: AbortSignal;
  /** Called after every run of the command (or a build that failed). */
  onStep?: (step: BisectStep) => void;
  /** Added to the environment of the command and the build. */
  env?: Record<string, string>;
}

/** A commit as shown in a report. */
export interface CommitInfo {
  sha: string;
  short: string;
  subject: string;
  author: { name: string; email: string };
  /** Author date, ISO 8601 with the author's offset. */
  date: string;
}

/** Which part of the search a run belongs to. */
export type BisectPhase = 'verify-bad' | 'verify-good' | 'probe' | 'bisect' | 'confirm-culprit' | 'confirm-parent';

/** One run of the command (with its build), as reported to `onStep`. */
export interface BisectStep {
  /** 1-based ordinal among all command runs (and failed builds) of this search. */
  index: number;
  phase: BisectPhase;
  sha: string;
  subject: string;
  /** What the run meant: `good` (passed), `bad` (failed), `skip` (125, build failed, or timed out when timeouts are not the symptom). */
  verdict: 'good' | 'bad' | 'skip';
  /** The command's exit code (null when it was killed, timed out, could not start, or the build failed first). */
  exitCode: number | null;
  timedOut: boolean;
  /** `failed` when the build command failed and the command did not run. */
  build?: 'ok' | 'failed';
  /** Whether the run counts toward the ⌈log2 N⌉ + 2 bound (verify and bisection runs do; discovery and re-runs do not). */
  counted: boolean;
  /** Milliseconds the command ran. */
  testMs: number;
  /** Milliseconds the build ran. */
  buildMs: number;
  /** Our own milliseconds since the previous run ended: git bisect marking, checkout, bookkeeping. */
  overheadMs: number;
  /** Commits git says are left to test after this one, when bisecting. */
  remaining?: number;
}

/** The end of a run's output, redacted. */
export interface RunEvidence {
  sha: string;
  exitCode: number | null;
  timedOut: boolean;
  /** Last characters of stdout (at most 2,000), secrets redacted. */
  stdoutTail: string;
  /** Last characters of stderr (at most 2,000), secrets redacted. */
  stderrTail: string;
  /** The output was longer than what is shown. */
  truncated: boolean;
}

/** Why bisection could not run. The caller can then rank suspects by blame (`rankSuspects`). */
export type ImpossibleReason =
  /** The command passes at `bad` (each re-run too). */
  | 'passes-at-bad'
  /** The command could not be tested at `bad` (exit 125, or the build failed). */
  | 'bad-untestable'
  /** The command fails at the given `good` too (each re-run). */
  | 'fails-at-good'
  /** Stepping back reached the first commit without a passing run. */
  | 'no-good-ref'
  /** Stepping back reached the edge of a shallow clone without a passing run. */
  | 'shallow';

/** A commit seen both passing and failing. */
export interface FlakyCommit {
  sha: string;
  passes: number;
  failures: number;
}

/** The result of `findCulprit`. */
export interface CulpritReport {
  /**
   * - `found`: one first-bad commit (`culprit`);
   * - `ambiguous`: the first bad commit is one of `candidates` (their neighbours could not be tested);
   * - `flaky`: the same commit both passed and failed: nothing is blamed (`flaky` has the counts);
   * - `partial`: the budget ran out; `range` is what is left;
   * - `impossible`: see `impossible`.
   */
  status: 'found' | 'ambiguous' | 'flaky' | 'partial' | 'impossible';
  /** One sentence for people. */
  summary: string;
  culprit?: CommitInfo;
  /** `found`: the culprit; `ambiguous`: each commit that may be it. */
  candidates: CommitInfo[];
  /** 0..1 and why. */
  confidence: { value: number; reason: string };
  /** Output tails at the culprit and at its (first) parent; at `bad` when nothing was found. */
  evidence: { culprit?: RunEvidence; parent?: RunEvidence; bad?: RunEvidence };
  flaky?: { passes: number; failures: number; commits: FlakyCommit[] };
  impossible?: { reason: ImpossibleReason; detail: string };
  /**
   * Runs of the command. `bounded` = the verify run at bad + the run at good (or the passing probe) +
   * the bisection runs; for a linear history without skips it stays within `target` = ⌈log2 N⌉ + 2,
   * N = commits in good..bad. `discovery` = the failing probes while stepping back to a good commit;
   * `flake` = confirmation re-runs; `total` = all of them. Builds are counted apart.
   */
  runs: { total: number; bounded: number; discovery: number; flake: number; build: number; target: number };
  /**
   * The range searched, and what is left: `good`/`bad` are the nearest known-good commits and the
   * oldest known-bad one (for `partial`, the answer lies between them); `commits` is N, `remaining`
   * the commits still in question.
   */
  range: { good: string[]; bad: string; commits: number; remaining: number; text: string };
  /** Commits that could not be tested (exit 125, build failed, timed out). */
  skipped: CommitInfo[];
  /** Wall time, time spent in the command and the build, and our own overhead (the rest). */
  timing: { totalMs: number; testMs: number; buildMs: number; overheadMs: number };
}

/** A location to blame, relative to the repository's top folder (or absolute inside it). */
export interface BlameLocation {
  file: string;
  /** 1-based. */
  line: number;
}

/** Options of `rankSuspects`. */
export interface RankSuspectsOptions {
  repo: string;
  locations: BlameLocation[];
  /** Blame this commit instead of the working tree (whose uncommitted lines blame to no commit). */
  rev?: string;
  /** Lines either side of each location that count a little (weight 0.1). Default 2. */
  context?: number;
  signal?: AbortSignal;
}

/** A commit that last touched faulting lines. */
export interface SuspectCommit extends CommitInfo {
  /** Its share of the blamed weight, 0..1 (a faulting line weighs 1, a line near one 0.1). */
  score: number;
  /** The lines it last touched, `exact` for a faulting line itself. */
  lines: { file: string; line: number; exact: boolean }[];
}
