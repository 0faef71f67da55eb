/**
 * The Probot app: webhook handlers that check what arrived and enqueue a job, answering at once.
 * Workers (worker.ts) do the reviewing, in this process or in `orchestra worker` processes over Redis.
 * Nothing in a pull request's title, body or code can trigger an action: only PR comments from
 * people (not bots) that hold an `/orchestra` command become command jobs, and those check access.
 */
import type { ApplicationFunction, Context, Probot } from 'probot';
import type { JobHandle, TaskQueue } from '../shared/queue/task-queue.js';
import { parsePrCommands } from './commands/parse-pr-command.js';
import type { CommandJobData, CommandJobResult } from './commands/run-command.js';
import { CHECK_NAME } from './github/check-run.js';
import type { ReviewJobData, ReviewJobResult } from './review/review-job.js';
import type { TriageJobResult } from './triage/triage-job.js';
import { parseWorkflowRunEvent, type TriageJobData } from './triage/workflow-run-event.js';

/** Job names and types of the app's queue. */
export const REVIEW_JOB = 'github.review';
export const COMMAND_JOB = 'github.command';
export const TRIAGE_JOB = 'github.triage';
export type AppJobs = {
  [REVIEW_JOB]: { data: ReviewJobData; result: ReviewJobResult };
  [COMMAND_JOB]: { data: CommandJobData; result: CommandJobResult };
  [TRIAGE_JOB]: { data: TriageJobData; result: TriageJobResult };
};

/** Options of {@link orchestraApp}. */
export interface OrchestraAppOptions {
  queue: TaskQueue<AppJobs>;
  /** Called with every job enqueued (metrics, tests). */
  onEnqueued?: (handle: JobHandle, name: keyof AppJobs) => void;
}

const PR_ACTIONS = ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'] as const;

/** Queues a review job; a job for the same key (repository, pull request, head) is not queued twice. */
export async function enqueueReview(queue: TaskQueue<AppJobs>, data: ReviewJobData): Promise<JobHandle<ReviewJobResult>> {
  return queue.add(REVIEW_JOB, data, { idempotencyKey: data.key, attempts: 3, backoff: { type: 'exponential', delayMs: 2_000 }, priority: data.kind === 'pull_request' ? 'high' : 'normal' });
}

/** The key that makes a review job unique: repository, pull request (or push) and head commit. */
export function reviewKey(owner: string, repo: string, headSha: string, pullNumber?: number, rerun?: string): string {
  const base = pullNumber === undefined ? `push:${owner}/${repo}@${headSha}` : `pr:${owner}/${repo}#${pullNumber}@${headSha}`;
  return rerun ? `${base}:rerun:${rerun}` : base;
}

function installationOf(context: Context): number | undefined {
  const id = (context.payload as { installation?: { id?: unknown } }).installation?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** Builds the Probot application function. */
export function orchestraApp(options: OrchestraAppOptions): ApplicationFunction {
  const { queue } = options;
  // The newest job per pull request, so a push cancels the review of the commit it replaced.
  const latest = new Map<string, { id: string; sha: string }>();

  const reviewPull = async (context: Context, pull: { number: number; head: { sha: string } }, repository: { owner: { login: string }; name: string; html_url: string }, reason: string, rerun?: string) => {
    const installationId = installationOf(context);
    if (installationId === undefined) {
      context.log.warn({ event: context.name }, 'Delivery without an installation: the app cannot act on it.');
      return;
    }
    const owner = repository.owner.login;
    const repo = repository.name;
    const data: ReviewJobData = {
      kind: 'pull_request',
      installationId,
      owner,
      repo,
      pullNumber: pull.number,
      headSha: pull.head.sha,
      repoHtmlUrl: repository.html_url,
      full: rerun !== undefined,
      reason,
      key: reviewKey(owner, repo, pull.head.sha, pull.number, rerun),
    };
    const handle = await enqueueReview(queue, data);
    options.onEnqueued?.(handle, REVIEW_JOB);
    const prKey = `${owner}/${repo}#${pull.number}`;
    const before = latest.get(prKey);
    if (before && before.sha !== pull.head.sha && before.id !== handle.id) await queue.cancel(before.id, `superseded by ${pull.head.sha.slice(0, 7)}`).catch(() => false);
    latest.set(prKey, { id: handle.id, sha: pull.head.sha });
    if (latest.size > 10_000) latest.delete(latest.keys().next().value!);
  };

  return (app: Probot) => {
    app.on([...PR_ACTIONS], async (context) => {
      const { pull_request: pull, repository } = context.payload;
      if (pull.state !== 'open') return;
      await reviewPull(context, pull, repository, `${context.name}.${context.payload.action}`);
    });

    app.on('push', async (context) => {
      const { payload } = context;
      const installationId = installationOf(context);
      const defaultBranch = payload.repository.default_branch ?? payload.repository.master_branch;
      if (installationId === undefined || payload.deleted || !payload.after || payload.ref !== `refs/heads/${defaultBranch}`) return;
      const owner = payload.repository.owner?.login ?? payload.repository.owner?.name ?? '';
      const repo = payload.repository.name;
      const handle = await enqueueReview(queue, {
        kind: 'push',
        installationId,
        owner,
        repo,
        headSha: payload.after,
        before: payload.before,
        repoHtmlUrl: payload.repository.html_url,
        full: true,
        reason: 'push',
        key: reviewKey(owner, repo, payload.after),
      });
      options.onEnqueued?.(handle, REVIEW_JOB);
    });

    app.on(['check_run.rerequested', 'check_suite.rerequested'], async (context) => {
      const payload = context.payload;
      const suite = 'check_run' in payload ? payload.check_run.check_suite : payload.check_suite;
      if ('check_run' in payload && payload.check_run.name !== CHECK_NAME) return;
      const installationId = installationOf(context);
      if (installationId === undefined) return;
      const owner = payload.repository.owner.login;
      const repo = payload.repository.name;
      const headSha = suite.head_sha ?? '';
      const delivery = context.id;
      if (!/^[0-9a-f]{40}$/.test(headSha)) return;
      const pull = suite.pull_requests?.[0];
      if (pull) {
        await reviewPull(context, { number: pull.number, head: { sha: headSha } }, payload.repository, `${context.name}.rerequested`, delivery);
        return;
      }
      const handle = await enqueueReview(queue, {
        kind: 'push',
        installationId,
        owner,
        repo,
        headSha,
        ...(suite.before ? { before: suite.before } : {}),
        repoHtmlUrl: payload.repository.html_url,
        full: true,
        reason: `${context.name}.rerequested`,
        key: reviewKey(owner, repo, headSha, undefined, delivery),
      });
      options.onEnqueued?.(handle, REVIEW_JOB);
    });

    // A failed (or timed-out) CI run: triage its failed jobs' logs and comment on its pull requests.
    app.on('workflow_run.completed', async (context) => {
      const decision = parseWorkflowRunEvent(context.payload, installationOf(context));
      if (!decision.triage) return;
      const handle = await queue.add(TRIAGE_JOB, decision.data, { idempotencyKey: decision.data.key, attempts: 3, backoff: { type: 'exponential', delayMs: 2_000 }, priority: 'normal' });
      options.onEnqueued?.(handle, TRIAGE_JOB);
    });

    app.on('issue_comment.created', async (context) => {
      const { comment, issue, repository, sender } = context.payload;
      if (!issue.pull_request || sender.type === 'Bot' || comment.user?.type === 'Bot') return;
      if (parsePrCommands(comment.body).length === 0) return;
      const installationId = installationOf(context);
      if (installationId === undefined) return;
      const owner = repository.owner.login;
      const repo = repository.name;
      const handle = await queue.add(
        COMMAND_JOB,
        {
          installationId,
          owner,
          repo,
          pullNumber: issue.number,
          commentId: comment.id,
          user: comment.user?.login ?? sender.login,
          body: comment.body.slice(0, 65_536),
          headSha: '',
          repoHtmlUrl: repository.html_url,
          key: `cmd:${owner}/${repo}#${issue.number}:${comment.id}`,
        },
        { idempotencyKey: `cmd:${owner}/${repo}:${comment.id}`, attempts: 3, backoff: { type: 'exponential', delayMs: 1_000 }, priority: 'critical' },
      );
      options.onEnqueued?.(handle, COMMAND_JOB);
    });
  };
}
