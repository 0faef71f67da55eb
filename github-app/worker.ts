/**
 * The app's job processors: a review job, a command job and a CI triage job, each with an Octokit
 * authenticated as the job's installation. Registered in `orchestra serve` (in-process queue, or
 * Redis with workers on) and in every `orchestra worker` process.
 */
import type { Probot } from 'probot';
import type { ReviewSwarm } from '../agents/review/swarm/review-swarm.js';
import type { Disposable } from '../shared/lifecycle/disposable.js';
import type { TaskQueue } from '../shared/queue/task-queue.js';
import { COMMAND_JOB, enqueueReview, REVIEW_JOB, reviewKey, TRIAGE_JOB, type AppJobs } from './app.js';
import { runCommandJob } from './commands/run-command.js';
import type { Octokit } from './github/octokit.js';
import { runReviewJob } from './review/review-job.js';
import { runTriageJob } from './triage/triage-job.js';

/** Options of {@link registerAppWorkers}. */
export interface AppWorkerOptions {
  queue: TaskQueue<AppJobs>;
  probot: Probot;
  swarm: ReviewSwarm;
  /** Review jobs run at once in this process. Default 2. */
  concurrency?: number;
}

/** Registers the processors; dispose to stop taking jobs. */
export function registerAppWorkers(options: AppWorkerOptions): Disposable {
  const { queue, probot, swarm } = options;
  let botLogin: Promise<string> | undefined;
  const login = (): Promise<string> => {
    botLogin ??= (async () => {
      const appOctokit = (await probot.auth()) as Octokit;
      const { data } = await appOctokit.rest.apps.getAuthenticated();
      if (!data?.slug) throw new Error('GET /app returned no slug: cannot tell the app’s own comments apart');
      return `${data.slug}[bot]`;
    })().catch((error: unknown) => {
      botLogin = undefined;
      throw error;
    });
    return botLogin;
  };

  const reviews = queue.process(
    REVIEW_JOB,
    async (job, signal) => {
      const octokit = (await probot.auth(job.data.installationId)) as Octokit;
      return runReviewJob(job.data, { octokit, swarm, botLogin: await login(), signal });
    },
    { concurrency: options.concurrency ?? 2 },
  );
  const commands = queue.process(
    COMMAND_JOB,
    async (job) => {
      const data = job.data;
      const octokit = (await probot.auth(data.installationId)) as Octokit;
      const repo = { owner: data.owner, repo: data.repo };
      const pull = (await octokit.rest.pulls.get({ ...repo, pull_number: data.pullNumber })).data;
      const withHead = { ...data, headSha: pull.head.sha };
      return runCommandJob(withHead, {
        octokit,
        botLogin: await login(),
        requestReview: async (reason) => {
          if (pull.state !== 'open') return;
          await enqueueReview(queue, {
            kind: 'pull_request',
            installationId: data.installationId,
            owner: data.owner,
            repo: data.repo,
            pullNumber: data.pullNumber,
            headSha: pull.head.sha,
            repoHtmlUrl: data.repoHtmlUrl,
            full: true,
            reason,
            key: reviewKey(data.owner, data.repo, pull.head.sha, data.pullNumber, `comment-${data.commentId}`),
          });
        },
      });
    },
    { concurrency: 4 },
  );
  const triages = queue.process(
    TRIAGE_JOB,
    async (job, signal) => {
      const octokit = (await probot.auth(job.data.installationId)) as Octokit;
      return runTriageJob(job.data, { octokit, botLogin: await login(), signal });
    },
    { concurrency: 2 },
  );
  return { dispose: () => { reviews.dispose(); commands.dispose(); triages.dispose(); } };
}
