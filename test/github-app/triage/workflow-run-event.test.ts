/* eslint-disable @typescript-eslint/no-explicit-any -- example payloads are untyped JSON */
import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { parseWorkflowRunEvent, triageKey, WebhookPayloadError } from '../../../github-app/triage/workflow-run-event.js';

const require = createRequire(import.meta.url);
const examples = (require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Record<string, any>[] }[]).find((g) => g.name === 'workflow_run')!.examples;
const withPulls = () => structuredClone(examples.find((e) => e.action === 'completed' && e.workflow_run.pull_requests.length > 0)!);

describe('parseWorkflowRunEvent (on @octokit/webhooks-examples payloads)', () => {
  it('ignores runs that did not fail, and a null conclusion', () => {
    for (const example of examples.filter((e) => e.action === 'completed')) {
      expect(parseWorkflowRunEvent(example, 1)).toMatchObject({ triage: false });
    }
  });

  it('turns a failed run into a job keyed by repository, run and attempt', () => {
    const payload = withPulls();
    payload.workflow_run.conclusion = 'failure';
    payload.workflow_run.pull_requests[0].base.repo.id = payload.repository.id;
    const decision = parseWorkflowRunEvent(payload, 42);
    expect(decision).toEqual({
      triage: true,
      data: expect.objectContaining({
        installationId: 42,
        owner: 'octo-org',
        repo: 'octo-repo',
        runId: 289782451,
        runAttempt: 1,
        workflowId: 2823525,
        workflowName: 'test',
        conclusion: 'failure',
        headSha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
        pullNumbers: [2],
        key: triageKey('octo-org', 'octo-repo', 289782451, 1),
      }),
    });
    payload.workflow_run.conclusion = 'timed_out';
    payload.workflow_run.run_attempt = 3;
    expect(parseWorkflowRunEvent(payload, 42)).toMatchObject({ triage: true, data: { conclusion: 'timed_out', key: 'triage:octo-org/octo-repo:run-289782451:attempt-3' } });
  });

  it('keeps only pull requests of this repository (this very example lists another repository’s)', () => {
    const payload = withPulls();
    payload.workflow_run.conclusion = 'failure';
    expect(payload.workflow_run.pull_requests[0].base.repo.id).not.toBe(payload.repository.id);
    expect(parseWorkflowRunEvent(payload, 1)).toMatchObject({ triage: true, data: { pullNumbers: [] } });
  });

  it('refuses a failed run missing what triage needs with an error that names the field (HTTP 400)', () => {
    const payload = withPulls();
    payload.workflow_run.conclusion = 'failure';
    delete payload.workflow_run.head_sha;
    payload.workflow_run.run_attempt = 0;
    let thrown: unknown;
    try {
      parseWorkflowRunEvent(payload, 1);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebhookPayloadError);
    expect((thrown as WebhookPayloadError).status).toBe(400);
    expect((thrown as Error).message).toMatch(/workflow_run\.head_sha/);
    expect((thrown as Error).message).toMatch(/workflow_run\.run_attempt/);
    expect(() => parseWorkflowRunEvent({ action: 'completed' }, 1)).toThrow(/without a workflow_run object/);
    expect(() => parseWorkflowRunEvent(null, 1)).toThrow(WebhookPayloadError);
  });

  it('ignores a failed run without an installation (nothing to authenticate as)', () => {
    const payload = withPulls();
    payload.workflow_run.conclusion = 'failure';
    expect(parseWorkflowRunEvent(payload, undefined)).toMatchObject({ triage: false, reason: expect.stringMatching(/installation/) });
  });
});
