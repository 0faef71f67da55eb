/**
 * The permission level each intent needs, derived from the intent alone (never from what a
 * producer claims). Hosts ask a person to confirm `execute` and `critical` intents before they act
 * (governance's `needsApproval`), exactly as the policy engine would for an agent.
 *
 * No command the parser understands is `critical`: destructive requests (revert, rollback,
 * delete, …) are refused before any grammar runs, so the highest level it produces is `execute`.
 */
import type { PermissionLevel } from '../bus/topics.js';
import { maxLevel } from '../governance/permissions.js';
import type { AgentKind, IntentBody, StepName } from './intent-schema.js';

/** What an agent of each kind may do: only the test runner executes repository code. */
export const AGENT_KIND_PERMISSION: Readonly<Record<AgentKind, PermissionLevel>> = {
  'security-scanner': 'read_only',
  'syntax-checker': 'read_only',
  'style-validator': 'read_only',
  'complexity-analyzer': 'read_only',
  'test-runner': 'execute',
  'log-watcher': 'read_only',
  // The swarm runs the test runner only when asked for it explicitly (see agents/review/swarm).
  'review-swarm': 'read_only',
};

/** What each step does: `test` runs repository code, `fix` writes files, the rest read. */
export const STEP_PERMISSION: Readonly<Record<StepName, PermissionLevel>> = {
  syntax: 'read_only',
  security: 'read_only',
  lint: 'read_only',
  complexity: 'read_only',
  test: 'execute',
  review: 'read_only',
  triage: 'read_only',
  debug: 'read_only',
  fix: 'read_write',
  summary: 'read_only',
  report: 'read_only',
};

/** The least permission level a host must hold (and have confirmed, from `execute` up) to carry out `body`. */
export function requiredPermission(body: IntentBody): PermissionLevel {
  switch (body.type) {
    case 'spawn':
      return AGENT_KIND_PERMISSION[body.agentKind];
    case 'configure': {
      // Switching agents on may switch on the test runner; other settings change how agents run.
      const target = body.target.agents;
      const enablesTests = 'enabled' in body.setting && body.setting.enabled && (target === 'all' || target === 'background' || target === 'test-runner');
      return enablesTests ? 'execute' : 'read_write';
    }
    case 'orchestrate':
      return body.steps.reduce<PermissionLevel>((level, step) => maxLevel(level, STEP_PERMISSION[step]), 'read_only');
    case 'stop':
      // Stopping every agent at once is a bulk action: confirm it.
      return body.agent === undefined ? 'execute' : 'read_write';
    case 'approve':
      // Approving lets a waiting execute/critical action run; hosts raise this to the request's own level.
      return 'execute';
    case 'deny':
      return 'read_write';
    case 'monitor':
    case 'explain':
    case 'help':
      return 'read_only';
  }
}
