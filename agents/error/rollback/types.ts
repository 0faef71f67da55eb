/** What `proposeRevert` takes and answers. */
import type { PolicyEngine } from '../../../shared/governance/policy-engine.js';

/** Options of `proposeRevert`. */
export interface ProposeRevertOptions {
  /** A folder inside the repository. */
  repo: string;
  /** The commit to revert (sha or ref); it must be in HEAD's history. */
  culprit: string;
  /** Asks for approval (`git.revert`, level `critical`) and audits the action. */
  engine: PolicyEngine;
  /** The agent asking. Default `error-rollback`; the policy must grant it `critical`. */
  agentId?: string;
  /** The person on whose behalf it asks, for the audit trail. */
  user?: string;
  /** `branch` (default): a new branch `orchestra/revert-<short>` holding the revert commit. `patch`: a patch file instead, no branch. */
  mode?: 'branch' | 'patch';
  /** Reverts allowed per UTC day in this repository. Default 3; 0 allows none. */
  maxPerDay?: number;
  /** Where the daily counter lives. Default `<git common dir>/orchestra/revert-cap.json`. */
  statePath?: string;
  /** Cancels, also while waiting for the approval. */
  signal?: AbortSignal;
}

/** How a proposal ended. */
export type RevertOutcome =
  /** Approved: `branch` points at `commit`, the revert on top of HEAD. Nothing was pushed. */
  | { status: 'reverted'; branch: string; commit: string }
  /** Approved in patch mode: the patch (`git format-patch` mbox text), also written to `file`. */
  | { status: 'patch'; patch: string; file: string }
  /** Refused by policy, denied by a person, or no answer in time. */
  | { status: 'denied'; reason: string }
  /** The culprit's message carries `Orchestra-No-Revert: true`. */
  | { status: 'opted-out' }
  /** `limit` reverts were already made today. */
  | { status: 'capped'; limit: number }
  /** The revert does not apply cleanly on HEAD; nothing was asked or created. */
  | { status: 'conflict'; files: string[] };
