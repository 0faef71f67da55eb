/**
 * The `workflow_run` webhook, parsed at the edge: which completed runs are triaged, and the plain
 * JSON job that a worker runs for one (it may cross Redis). A run that did not fail is ignored; a
 * failed run whose payload lacks what triage needs is refused with a 400 that names the field, so
 * the delivery shows as failed in the app's "Recent deliveries" with the reason.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../shared/errors/errors.js';

/**
 * Run conclusions that are triaged. `timed_out` too: its log usually ends in the step that hung,
 * often after a first error worth showing. Not `cancelled` (someone or a newer push stopped it),
 * `startup_failure` (no job ran, so there is no log) or `action_required`.
 */
export const TRIAGED_CONCLUSIONS = ['failure', 'timed_out'] as const;
export type TriagedConclusion = (typeof TRIAGED_CONCLUSIONS)[number];

function isTriaged(conclusion: string): conclusion is TriagedConclusion {
  return (TRIAGED_CONCLUSIONS as readonly string[]).includes(conclusion);
}

/** A triage job: one attempt of one failed workflow run (plain JSON). */
export interface TriageJobData {
  installationId: number;
  owner: string;
  repo: string;
  /** `https://github.com/owner/repo`, for links. */
  repoHtmlUrl: string;
  runId: number;
  runAttempt: number;
  runNumber: number;
  runHtmlUrl: string;
  workflowId: number;
  workflowName: string;
  workflowPath?: string;
  conclusion: TriagedConclusion;
  headSha: string;
  headBranch?: string;
  /** What triggered the run: `pull_request`, `push`, … */
  event: string;
  /** Pull requests of this repository that the payload names (empty for forks: found by head sha instead). */
  pullNumbers: number[];
  /** The job's identity: repository, run and attempt. */
  key: string;
}

/** A webhook payload the app cannot act on although it should: answered 400 with the reason. */
export class WebhookPayloadError extends InvalidInputError {
  /** Read by @octokit/webhooks' middleware as the HTTP status of the answer. */
  readonly status = 400;
}

/** The key that makes a triage job unique: one per repository, run and attempt. */
export function triageKey(owner: string, repo: string, runId: number, attempt: number): string {
  return `triage:${owner}/${repo}:run-${runId}:attempt-${attempt}`;
}

const id = z.number().int().positive();
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-character hexadecimal commit sha');

const payloadSchema = z.object({
  repository: z.object({
    id,
    name: z.string().min(1),
    owner: z.object({ login: z.string().min(1) }),
    html_url: z.string().url(),
  }),
  workflow: z.object({ name: z.string().optional(), path: z.string().optional() }).nullish(),
  workflow_run: z.object({
    id,
    name: z.string().nullish(),
    workflow_id: id,
    run_attempt: id,
    run_number: z.number().int().nonnegative(),
    html_url: z.string().url(),
    head_sha: sha,
    head_branch: z.string().nullish(),
    event: z.string().min(1),
    path: z.string().optional(),
    pull_requests: z
      .array(z.object({ number: id, base: z.object({ repo: z.object({ id }) }).optional() }))
      .nullish(),
  }),
});

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}

/** What became of a `workflow_run.completed` delivery. */
export type WorkflowRunDecision = { triage: true; data: TriageJobData } | { triage: false; reason: string };

/**
 * Decides whether a `workflow_run.completed` delivery is triaged. Throws {@link WebhookPayloadError}
 * when it concerns a failed run (or cannot say) but lacks what triage needs.
 */
export function parseWorkflowRunEvent(payload: unknown, installationId: number | undefined): WorkflowRunDecision {
  const run = (payload as { workflow_run?: unknown } | null)?.workflow_run;
  if (run === null || typeof run !== 'object') throw new WebhookPayloadError('workflow_run payload without a workflow_run object: nothing to triage', { key: 'workflow_run' });
  const conclusion = (run as { conclusion?: unknown }).conclusion;
  // GitHub's own examples include completed runs with a null conclusion: nothing failed that can be named.
  if (conclusion === null) return { triage: false, reason: 'no conclusion' };
  if (typeof conclusion !== 'string') throw new WebhookPayloadError(`workflow_run.conclusion: expected one of success, failure, timed_out, …; found ${JSON.stringify(conclusion)}`, { key: 'workflow_run.conclusion' });
  if (!isTriaged(conclusion)) return { triage: false, reason: `conclusion ${conclusion}` };
  if (installationId === undefined) return { triage: false, reason: 'no installation: the app cannot act on it' };
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new WebhookPayloadError(`workflow_run payload of a failed run is missing what triage needs: ${describeIssues(parsed.error)}`, { key: String(parsed.error.issues[0]?.path.join('.') ?? '') });
  const { repository, workflow, workflow_run: wr } = parsed.data;
  const owner = repository.owner.login;
  const repo = repository.name;
  // A run in a fork can list the upstream's pull requests: only this repository's are commented on.
  const pullNumbers = [...new Set((wr.pull_requests ?? []).filter((p) => p.base === undefined || p.base.repo.id === repository.id).map((p) => p.number))].slice(0, 10);
  const workflowPath = workflow?.path ?? wr.path;
  const data: TriageJobData = {
    installationId,
    owner,
    repo,
    repoHtmlUrl: repository.html_url,
    runId: wr.id,
    runAttempt: wr.run_attempt,
    runNumber: wr.run_number,
    runHtmlUrl: wr.html_url,
    workflowId: wr.workflow_id,
    workflowName: (workflow?.name || wr.name || workflowPath || `workflow ${wr.workflow_id}`).slice(0, 200),
    ...(workflowPath ? { workflowPath } : {}),
    conclusion,
    headSha: wr.head_sha,
    ...(wr.head_branch ? { headBranch: wr.head_branch } : {}),
    event: wr.event,
    pullNumbers,
    key: triageKey(owner, repo, wr.id, wr.run_attempt),
  };
  return { triage: true, data };
}
