/** Governance: permission levels, policy, redaction, the policy engine and approvals. */
export { PERMISSION_LEVELS, atLeast, compareLevels, isPermissionLevel, maxLevel, minLevel, needsApproval, permissionRank } from './permissions.js';
export type { PermissionLevel } from './permissions.js';
export { definePolicy, grantedLevelFor, limitsFor, policySchema, resourceLimitsSchema } from './policy.js';
export type { Policy, PolicyInput, ResourceLimits } from './policy.js';
export { redact, redactString, redactedMarker, secretKindForKey } from './redact.js';
export type { JsonValue, RedactOptions } from './redact.js';
export { PolicyEngine } from './policy-engine.js';
export type { AuthorizationRequest, Decision, PolicyEngineOptions } from './policy-engine.js';
export { ApprovalService } from './approval-service.js';
export type { ApprovalAnswer, ApprovalServiceOptions, PendingApproval } from './approval-service.js';
