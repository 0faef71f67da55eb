/**
 * One review job, as a worker runs it: a pull request (or a push to the default branch) from the
 * GitHub API to a completed check run, the summary comment and one inline review. Every step is safe
 * to repeat (a job re-run after a worker died finds its check run by external id, its summary
 * comment by marker and its inline comments by fingerprint), so a retried job never doubles output.
 */
import type { FilterMode } from '../../agents/review/diff/diff-filter.js';
import type { DiffMap } from '../../agents/review/diff/parse-unified-diff.js';
import { reviewFromConfig } from '../../agents/review/swarm/review-settings.js';
import type { ReviewSwarm } from '../../agents/review/swarm/review-swarm.js';
import type { OrchestraConfig } from '../../shared/config/index.js';
import type { Finding } from '../../shared/findings/finding.js';
import { annotationBatches, checkRunOutput, conclusionFor } from '../report/check-run-output.js';
import { draftInlineComments } from '../report/inline-comments.js';
import { emptyState, isIgnored, storeFinding, type PrState, type StoredFinding } from '../report/pr-state.js';
import { renderSummary } from '../report/summary-comment.js';
import { completeCheckRun, findOrCreateCheckRun, startCheckRun } from '../github/check-run.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { APP_CONFIG_PATH, loadRepoConfig, readFileAt } from '../github/repo-config.js';
import { postedFingerprints, resolveGoneThreads } from '../github/review-threads.js';
import { findSummaryComment, upsertSummaryComment, type FoundSummary } from '../github/summary-comment.js';
import { validateConfig } from '../../shared/config/index.js';
import { allLinesChanged, pullRequestDiff, type PullRequestFile } from './pull-request-diff.js';
import { fetchWorkspace } from './workspace.js';

/** What a review job carries (plain JSON: it may cross Redis). */
export interface ReviewJobData {
  kind: 'pull_request' | 'push';
  installationId: number;
  owner: string;
  repo: string;
  headSha: string;
  /** Pull request number (kind `pull_request`). */
  pullNumber?: number;
  /** Start of the pushed range (kind `push`). */
  before?: string;
  /** `https://github.com/owner/repo`, for links. */
  repoHtmlUrl: string;
  /** Review every changed file, ignoring what the last run reviewed (re-requests, `/orchestra review`). */
  full: boolean;
  /** What caused it, e.g. `pull_request.synchronize`. */
  reason: string;
  /** The job's identity; the check run's `external_id`. */
  key: string;
}

/** What a finished job reports. */
export interface ReviewJobResult {
  checkRunId: number;
  conclusion: string;
  findings: number;
  inlineComments: number;
  threadsResolved: number;
  filesReviewed: number;
}

/** What a job needs besides its data. */
export interface ReviewJobDeps {
  octokit: Octokit;
  swarm: ReviewSwarm;
  /** The app's bot login, `slug[bot]`: only its comments are trusted as the app's. */
  botLogin: string;
  signal?: AbortSignal;
  /** Set by the job: an earlier attempt completed the check run. */
  checkRunDone?: boolean;
}

/** Completes the job's check run unless an earlier attempt already did. */
async function finishCheckRun(deps: ReviewJobDeps, repo: RepoRef, checkRunId: number, completion: Parameters<typeof completeCheckRun>[3]): Promise<void> {
  if (!deps.checkRunDone) await completeCheckRun(deps.octokit, repo, checkRunId, completion);
}

/** Thrown when a newer push made this job's head stale; the check run says so. */
class Superseded extends Error {}

/** Runs one review job. */
export async function runReviewJob(data: ReviewJobData, deps: ReviewJobDeps): Promise<ReviewJobResult> {
  const { octokit } = deps;
  const repo: RepoRef = { owner: data.owner, repo: data.repo };
  const checkRun = await findOrCreateCheckRun(octokit, repo, data.headSha, data.key);
  const checkRunId = checkRun.id;
  // A retried job whose check run an earlier attempt completed leaves it as it is (annotations would
  // be appended twice) and finishes the rest: summary, inline comments.
  deps = { ...deps, checkRunDone: checkRun.completed };
  const result: ReviewJobResult = { checkRunId, conclusion: 'neutral', findings: 0, inlineComments: 0, threadsResolved: 0, filesReviewed: 0 };
  try {
    if (!checkRun.completed) await startCheckRun(octokit, repo, checkRunId);
    if (data.kind === 'pull_request') await reviewPullRequest(data, deps, repo, result);
    else await reviewPush(data, deps, repo, result);
    return result;
  } catch (error) {
    if (error instanceof Superseded || deps.signal?.aborted) {
      if (!checkRun.completed) await completeCheckRun(octokit, repo, checkRunId, {
        conclusion: 'cancelled',
        output: { title: 'Superseded', summary: error instanceof Superseded ? error.message : 'This review was cancelled: a newer push or request replaced it.', text: '' },
      });
      return { ...result, conclusion: 'cancelled' };
    }
    throw error;
  }
}

/** The current head of the pull request; throws Superseded when it moved on. */
async function currentPull(octokit: Octokit, repo: RepoRef, data: ReviewJobData) {
  const pull = (await octokit.rest.pulls.get({ ...repo, pull_number: data.pullNumber! })).data;
  if (pull.head.sha !== data.headSha) throw new Superseded(`The pull request moved on to ${pull.head.sha.slice(0, 7)}; that commit is reviewed instead.`);
  return pull;
}

function failOnOf(config: OrchestraConfig): 'error' | 'warning' | 'never' {
  return config.review.failOn;
}

async function reviewPullRequest(data: ReviewJobData, deps: ReviewJobDeps, repo: RepoRef, result: ReviewJobResult): Promise<void> {
  const { octokit } = deps;
  const number = data.pullNumber!;
  const pull = await currentPull(octokit, repo, data);
  const summary = await findSummaryComment(octokit, repo, number, deps.botLogin);
  const state: PrState = summary?.state ?? emptyState();

  const files = (await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: number, per_page: 100 })) as PullRequestFile[];

  // Config from the base; an edited config in the pull request is validated too.
  const baseConfig = await loadRepoConfig(octokit, repo, pull.base.sha);
  let configError = baseConfig.ok ? undefined : baseConfig.message;
  if (!configError && files.some((f) => f.filename === APP_CONFIG_PATH && f.status !== 'removed')) {
    const text = await readFileAt(octokit, repo, APP_CONFIG_PATH, data.headSha);
    const checked = text === undefined ? undefined : validateConfig(text, APP_CONFIG_PATH);
    if (checked && !checked.ok) configError = `${checked.message}\n(in this pull request's version of ${APP_CONFIG_PATH})`;
  }
  if (configError || !baseConfig.ok) {
    const message = configError ?? 'invalid configuration';
    await finishCheckRun(deps, repo, result.checkRunId, { conclusion: 'failure', output: checkRunOutput({ findings: [], filesReviewed: 0, omittedAnnotations: 0, notices: [], headSha: data.headSha, configError: message }) });
    result.conclusion = 'failure';
    await writeSummary(deps, repo, number, summary, {
      state,
      findings: [],
      headSha: data.headSha,
      repoHtmlUrl: data.repoHtmlUrl,
      timings: [],
      filesReviewed: 0,
      conclusion: 'failure',
      banner: `> [!CAUTION]\n> \`${APP_CONFIG_PATH}\` is invalid, so this commit was not reviewed:\n\n\`\`\`\n${message.replace(/```/g, "'''").slice(0, 4000)}\n\`\`\``,
    });
    return;
  }
  const config = baseConfig.config;
  if (state.paused && !data.full) {
    await finishCheckRun(deps, repo, result.checkRunId, {
      conclusion: 'skipped',
      output: { title: 'Paused', summary: `Reviews are paused on this pull request by @${state.paused.by}. Comment \`/orchestra resume\` to resume.`, text: '' },
    });
    result.conclusion = 'skipped';
    return;
  }

  // Incremental: only files changed since the last reviewed commit are reviewed again.
  const { diff, withoutPatch, notices } = pullRequestDiff(files);
  let reviewPaths = [...diff.keys()];
  let carried: StoredFinding[] = [];
  const previous = summary?.state?.lastReviewedSha ? summary.state.findings : undefined;
  if (!data.full && state.lastReviewedSha && !state.truncated && state.lastReviewedSha !== data.headSha) {
    const since = await changedSince(octokit, repo, state.lastReviewedSha, data.headSha);
    if (since) {
      reviewPaths = reviewPaths.filter((p) => since.has(p));
      carried = state.findings.filter((f) => diff.has(f.file) && !since.has(f.file) && !isIgnored(state, { ruleId: f.rule, fingerprint: f.fp }));
    }
  }

  const review = await reviewFiles(deps, repo, data.headSha, reviewPaths, diff, withoutPatch, config);
  notices.push(...review.notices);
  const fresh = review.findings.filter((f) => !isIgnored(state, f));
  const all = [...carried, ...fresh.map(storeFinding)];
  result.findings = all.length;
  result.filesReviewed = review.filesReviewed;

  await currentPull(octokit, repo, data); // a newer push arrived meanwhile: do not post stale results
  const conclusion = conclusionFor(all, failOnOf(config));
  result.conclusion = conclusion;
  if (config.github.checkRun) {
    const omitted = annotationBatches(all).omitted;
    await finishCheckRun(deps, repo, result.checkRunId, {
      conclusion,
      findings: all,
      output: checkRunOutput({ findings: all, filesReviewed: diff.size, omittedAnnotations: omitted, notices, headSha: data.headSha }),
    });
  } else {
    await finishCheckRun(deps, repo, result.checkRunId, { conclusion, output: { title: `${all.length} finding(s)`, summary: 'Annotations are turned off (github.checkRun: false).', text: '' } });
  }

  let inlineSkipped = 0;
  if (config.github.inlineComments) {
    const posted = await postedFingerprints(octokit, repo, number, deps.botLogin);
    const commentable: DiffMap = new Map([...diff].filter(([path]) => !withoutPatch.has(path)));
    const { comments, skipped } = draftInlineComments(fresh, commentable, (file) => review.texts.get(file), posted);
    inlineSkipped = skipped;
    if (comments.length > 0) {
      await octokit.rest.pulls.createReview({ ...repo, pull_number: number, commit_id: data.headSha, event: 'COMMENT', body: `Orchestra found ${comments.length} new issue(s) on lines this push changed.`, comments });
    }
    result.inlineComments = comments.length;
    try {
      result.threadsResolved = await resolveGoneThreads(octokit, repo, number, deps.botLogin, new Set(all.map((f) => f.fp)));
    } catch (error) {
      // Resolving threads is a courtesy: a GraphQL failure must not fail (and re-run) the review.
      notices.push(`Could not resolve the threads of fixed findings: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const next: PrState = { ...state, lastReviewedSha: data.headSha, findings: all, truncated: false };
  if (config.github.summaryComment) {
    await writeSummary(deps, repo, number, summary, {
      state: next,
      findings: all,
      ...(previous ? { previous } : {}),
      headSha: data.headSha,
      repoHtmlUrl: data.repoHtmlUrl,
      timings: review.timings,
      filesReviewed: review.filesReviewed,
      conclusion,
      inlineSkipped,
      notices,
    });
  }
}

/**
 * Writes the summary. Ignores and the pause flag are re-read just before, so a command that ran
 * while this review did is not overwritten.
 */
async function writeSummary(deps: ReviewJobDeps, repo: RepoRef, number: number, existing: FoundSummary | undefined, input: Parameters<typeof renderSummary>[0]): Promise<void> {
  const latest = (await findSummaryComment(deps.octokit, repo, number, deps.botLogin)) ?? existing;
  let state = input.state;
  if (latest?.state) {
    const { paused: _paused, ...rest } = state;
    state = { ...rest, ignores: latest.state.ignores, ...(latest.state.paused ? { paused: latest.state.paused } : {}) };
  }
  await upsertSummaryComment(deps.octokit, repo, number, latest, renderSummary({ ...input, state }));
}

/** Paths changed between two commits, or undefined when GitHub cannot say (force-push, >300 files). */
async function changedSince(octokit: Octokit, repo: RepoRef, base: string, head: string): Promise<Set<string> | undefined> {
  try {
    const res = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}`, per_page: 100 });
    const files = res.data.files ?? [];
    if (res.data.status === 'diverged' || res.data.status === 'behind' || files.length >= 300) return undefined;
    return new Set(files.flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename])));
  } catch {
    return undefined;
  }
}

interface FilesReview {
  findings: Finding[];
  texts: Map<string, string>;
  timings: { agent: string; ms: number; files: number }[];
  notices: string[];
  filesReviewed: number;
}

/** Fetches `paths` at the head and runs the review swarm on them with the diff filter. */
async function reviewFiles(deps: ReviewJobDeps, repo: RepoRef, headSha: string, paths: string[], diff: DiffMap, withoutPatch: Set<string>, config: OrchestraConfig): Promise<FilesReview> {
  if (paths.length === 0) return { findings: [], texts: new Map(), timings: [], notices: [], filesReviewed: 0 };
  const workspace = await fetchWorkspace(deps.octokit, repo, headSha, paths, deps.signal);
  try {
    for (const path of withoutPatch) {
      const text = workspace.texts.get(path);
      const change = diff.get(path);
      if (text !== undefined && change) allLinesChanged(change, text);
    }
    // The repository's ESLint config is code (eslint.config.js): loaded only for trusted repositories.
    const configured = reviewFromConfig(config, { repoEslintConfig: config.permissions.trustedRepository });
    const filter: FilterMode = configured.filter;
    const result = await deps.swarm.review({
      root: workspace.root,
      scope: { kind: 'given', diff },
      files: workspace.files,
      filter,
      agents: configured.agents,
      ...(configured.rules ? { rules: configured.rules } : {}),
      ...(configured.thresholds ? { thresholds: configured.thresholds } : {}),
      ...(configured.style ? { style: configured.style } : {}),
      hotspots: false,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const findings = result.findings.filter((f) => f.shouldReport !== false && f.suppressed === undefined);
    return { findings, texts: workspace.texts, timings: result.timings, notices: [...workspace.notices, ...result.notices], filesReviewed: result.filesReviewed };
  } finally {
    await workspace.dispose();
  }
}

/** A push to the default branch: the pushed range, reported as a check run on the head. */
async function reviewPush(data: ReviewJobData, deps: ReviewJobDeps, repo: RepoRef, result: ReviewJobResult): Promise<void> {
  const { octokit } = deps;
  const config = await loadRepoConfig(octokit, repo, data.headSha);
  if (!config.ok) {
    await finishCheckRun(deps, repo, result.checkRunId, { conclusion: 'failure', output: checkRunOutput({ findings: [], filesReviewed: 0, omittedAnnotations: 0, notices: [], headSha: data.headSha, configError: config.message }) });
    result.conclusion = 'failure';
    return;
  }
  const before = data.before && !/^0+$/.test(data.before) ? data.before : undefined;
  let files: PullRequestFile[] = [];
  const notices: string[] = [];
  if (before) {
    const res = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${before}...${data.headSha}`, per_page: 100 });
    files = (res.data.files ?? []) as PullRequestFile[];
    if (files.length >= 300) notices.push('GitHub lists at most 300 files of a comparison; files beyond them were not reviewed.');
  } else {
    notices.push('A new branch or a force-push: there is no previous commit to compare with, so nothing was reviewed.');
  }
  const { diff, withoutPatch, notices: diffNotices } = pullRequestDiff(files);
  notices.push(...diffNotices);
  const review = await reviewFiles(deps, repo, data.headSha, [...diff.keys()], diff, withoutPatch, config.config);
  notices.push(...review.notices);
  const all = review.findings.map(storeFinding);
  const conclusion = conclusionFor(all, failOnOf(config.config));
  await finishCheckRun(deps, repo, result.checkRunId, {
    conclusion,
    findings: all,
    output: checkRunOutput({ findings: all, filesReviewed: diff.size, omittedAnnotations: annotationBatches(all).omitted, notices, headSha: data.headSha }),
  });
  Object.assign(result, { conclusion, findings: all.length, filesReviewed: review.filesReviewed });
}
