/**
 * The error swarm's rollback: `proposeRevert` offers `git revert <culprit>` on a new branch or as a
 * patch, only with approval through the governance PolicyEngine (level `critical`, audited), capped
 * per day, honouring an `Orchestra-No-Revert: true` trailer, never pushing, never touching the
 * user's working tree.
 */
export { proposeRevert } from './propose-revert.js';
export type { ProposeRevertOptions, RevertOutcome } from './types.js';
