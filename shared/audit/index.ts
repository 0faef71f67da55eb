/** The audit trail: append-only, hash-chained JSON lines with a head file; verification and reading. */
export { AuditTrail } from './audit-trail.js';
export type { AuditTrailOptions } from './audit-trail.js';
export { AUDIT_DECISIONS, AUDIT_STATUSES, GENESIS_HASH, auditEntrySchema, hashAuditEntry, sealAuditEntry } from './audit-entry.js';
export type { AuditDecision, AuditEntry, AuditInput, AuditRecorder, AuditStatus } from './audit-entry.js';
export { auditHeadPath } from './audit-head.js';
export { canonicalJson } from './canonical-json.js';
export { verifyAuditLog } from './verify-audit-log.js';
export type { VerifyProblem, VerifyProblemKind, VerifyResult } from './verify-audit-log.js';
export { readAudit } from './read-audit.js';
export type { ReadAuditOptions } from './read-audit.js';
