/**
 * The governance policy of the editor's error actions. Each runs only when a person asked for it
 * (a button, a command), so the editor grants its agent the level the action needs; every run still
 * waits for an approval (`execute` and `critical` always do) and is audited. The repository's
 * `permissions.grants` override these grants, so a team can lower one (e.g. `error-rollback: read_write`
 * refuses every revert); workspace trust caps everything above (workspace-trust.ts).
 * Pure (no `vscode`); unit-tested in test/extension/error-policy.test.ts.
 */
import type { OrchestraConfig } from '../../shared/config/index.js';
import type { PolicyInput } from '../../shared/governance/policy.js';

/** The agent that runs a failing command at several commits (`findCulprit`). */
export const CULPRIT_AGENT = 'error-bisect';
/** The agent that proposes a revert branch (`proposeRevert`); the id proposeRevert audits by default. */
export const ROLLBACK_AGENT = 'error-rollback';
/** The agent that runs a failed task again to read its output. */
export const RERUN_AGENT = 'task-rerun';

/** The policy for the editor's error actions under the repository's `permissions` config. */
export function errorActionsPolicy(permissions: OrchestraConfig['permissions']): PolicyInput {
  return {
    grants: { [CULPRIT_AGENT]: 'execute', [RERUN_AGENT]: 'execute', [ROLLBACK_AGENT]: 'critical', ...permissions.grants },
    approvalTimeoutMs: permissions.approvalTimeoutMs,
  };
}
