/**
 * The error swarm's culprit finder: `findCulprit` bisects a failing command between a good and a bad
 * ref in a temporary worktree (flaky tests are reported as flaky, unbuildable commits skipped, a time
 * budget respected); `rankSuspects` ranks commits by blame of the faulting lines when bisection is
 * impossible.
 */
export { findCulprit } from './find-culprit.js';
export { rankSuspects } from './rank-suspects.js';
export type {
  BisectPhase,
  BisectStep,
  BlameLocation,
  CommitInfo,
  CulpritReport,
  FindCulpritOptions,
  FlakyCommit,
  ImpossibleReason,
  RankSuspectsOptions,
  RunEvidence,
  SuspectCommit,
} from './types.js';
