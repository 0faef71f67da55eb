/**
 * The policy engine ("governor"): decides whether an agent may perform an action, and audits every
 * decision.
 *
 * 1. The agent's granted level (policy `grants`, else `defaultLevel`) must be at least the action's
 *    level; otherwise the action is `refused`.
 * 2. `execute` and `critical` actions need a person's approval: the engine publishes
 *    `approval.requested` and waits for `approval.decided` with the same `requestId` (an
 *    {@link ApprovalService} in a host answers). No answer within `approvalTimeoutMs` → `timed_out`
 *    (a denial); the caller's signal firing, or the engine being disposed → `cancelled`.
 * 3. Every outcome (`allowed`, `refused`, `approved`, `denied`, `timed_out`, `cancelled`) is recorded
 *    in the audit trail before the caller learns it; if the audit cannot be written the call rejects
 *    (an action that cannot be audited does not run).
 */
import { randomUUID } from 'node:crypto';
import type { AuditDecision, AuditRecorder, AuditStatus } from '../audit/audit-entry.js';
import { canonicalJson } from '../audit/canonical-json.js';
import type { EventBus } from '../bus/event-bus.js';
import type { PermissionLevel, TopicMap } from '../bus/topics.js';
import { CancelledError, InvalidInputError, PermissionDeniedError, errorMessage, isCancellation } from '../errors/errors.js';
import type { Disposable } from '../lifecycle/disposable.js';
import { atLeast, isPermissionLevel, needsApproval } from './permissions.js';
import { definePolicy, grantedLevelFor, limitsFor } from './policy.js';
import type { Policy, PolicyInput, ResourceLimits } from './policy.js';
import { redact, redactString } from './redact.js';

/** What an agent asks to do. */
export interface AuthorizationRequest {
  agentId: string;
  /** What it wants to do, e.g. `git.revert`, `tests.run`, `pr.comment`. */
  action: string;
  /** The level the action needs. */
  level: PermissionLevel;
  /** The action's input (redacted before it is audited or shown to an approver). */
  input?: unknown;
  /** The person on whose behalf the agent acts, if any. */
  user?: string;
  /** One line for the approver; default: "<agent> wants to <action> (<level>): <input preview>". */
  summary?: string;
  /** Cancels a pending approval (the decision is then `cancelled`). */
  signal?: AbortSignal;
  /** Trace id to carry on the approval events and audit entry. */
  traceId?: string;
}

/** The engine's answer. */
export interface Decision {
  readonly allowed: boolean;
  readonly outcome: AuditDecision;
  readonly agentId: string;
  readonly action: string;
  readonly level: PermissionLevel;
  /** What the policy grants the agent. */
  readonly granted: PermissionLevel;
  /** Why, in a sentence. */
  readonly reason: string;
  /** Set when an approval was requested. */
  readonly requestId?: string;
  /** Who answered the approval. */
  readonly decidedBy?: string;
  /** Time from request to decision (mostly the wait for an approval). */
  readonly durationMs: number;
}

/** Options for {@link PolicyEngine}. */
export interface PolicyEngineOptions {
  /** The policy, validated with {@link definePolicy} if not already. */
  policy: Policy | PolicyInput;
  bus: EventBus;
  /** Where decisions and performed actions are recorded (normally an AuditTrail). */
  audit: AuditRecorder;
  /** `source` of the events it publishes. Default `"governance"`. */
  source?: string;
  /** Clock (ms since epoch). Default `Date.now`. */
  now?: () => number;
}

interface ApprovalResult {
  outcome: 'approved' | 'denied' | 'timed_out' | 'cancelled';
  reason: string;
  by?: string;
}

const STATUS_OF: Record<AuditDecision, AuditStatus> = {
  allowed: 'ok',
  approved: 'ok',
  refused: 'denied',
  denied: 'denied',
  timed_out: 'denied',
  cancelled: 'cancelled',
};

/** Authorizes agent actions against a {@link Policy}, with approvals over the bus and an audit of everything. */
export class PolicyEngine implements Disposable {
  private policyValue: Policy;
  private readonly bus: EventBus;
  private readonly audit: AuditRecorder;
  private readonly source: string;
  private readonly now: () => number;
  private readonly waiters = new Map<string, (result: ApprovalResult) => void>();
  private decidedSubscription: Disposable | undefined;
  private disposed = false;

  constructor(options: PolicyEngineOptions) {
    this.policyValue = definePolicy(options.policy);
    this.bus = options.bus;
    this.audit = options.audit;
    this.source = options.source ?? 'governance';
    this.now = options.now ?? Date.now;
  }

  /** The policy in force. */
  get policy(): Policy {
    return this.policyValue;
  }

  /** Replaces the policy (config reload). Pending approvals keep their original timeout. */
  setPolicy(policy: Policy | PolicyInput): void {
    this.policyValue = definePolicy(policy);
  }

  /** The level granted to an agent: pass `(id) => engine.grantedLevel(id)` to the AgentHost. */
  grantedLevel(agentId: string): PermissionLevel {
    return grantedLevelFor(this.policyValue, agentId);
  }

  /** Resource limits for an agent (max concurrent tasks, max task duration, max memory). */
  limits(agentId: string): ResourceLimits {
    return limitsFor(this.policyValue, agentId);
  }

  /** Approval requests this engine is waiting on. */
  get pendingApprovals(): number {
    return this.waiters.size;
  }

  /**
   * Decides and audits, and resolves with the {@link Decision} whatever it is (check `allowed`).
   * Rejects only for a malformed request ({@link InvalidInputError}) or an audit write failure.
   */
  async evaluate(request: AuthorizationRequest): Promise<Decision> {
    validate(request);
    const started = this.now();
    const granted = this.grantedLevel(request.agentId);
    let outcome: AuditDecision;
    let reason: string;
    let approval: { requestId: string; by?: string } | undefined;
    if (this.disposed || request.signal?.aborted) {
      outcome = 'cancelled';
      reason = this.disposed ? 'the policy engine was disposed' : 'the request was cancelled';
    } else if (!atLeast(granted, request.level)) {
      outcome = 'refused';
      reason = `agent "${request.agentId}" is granted ${granted} but "${request.action}" needs ${request.level}`;
    } else if (!needsApproval(request.level)) {
      outcome = 'allowed';
      reason = `agent "${request.agentId}" is granted ${granted}, "${request.action}" needs ${request.level}`;
    } else {
      const requestId = randomUUID();
      const result = await this.waitForApproval(requestId, request);
      outcome = result.outcome;
      reason = result.reason;
      approval = { requestId, ...(result.by !== undefined && { by: result.by }) };
    }
    const decision: Decision = {
      allowed: outcome === 'allowed' || outcome === 'approved',
      outcome,
      agentId: request.agentId,
      action: request.action,
      level: request.level,
      granted,
      reason,
      ...(approval && { requestId: approval.requestId }),
      ...(approval?.by !== undefined && { decidedBy: approval.by }),
      durationMs: Math.max(0, this.now() - started),
    };
    await this.audit.record({
      agentId: request.agentId,
      action: request.action,
      level: request.level,
      status: STATUS_OF[outcome],
      decision: outcome,
      durationMs: decision.durationMs,
      input: request.input,
      ...(request.user !== undefined && { user: request.user }),
      ...(!decision.allowed && { error: reason }),
      ...(approval && { approval: { requestId: approval.requestId, ...(approval.by !== undefined && { by: approval.by }), reason } }),
      ...(request.traceId !== undefined && { traceId: request.traceId }),
    });
    return decision;
  }

  /**
   * Like {@link evaluate}, but fails closed: resolves only when the action may run, and rejects
   * with {@link PermissionDeniedError} (refused, denied, timed out) or {@link CancelledError}.
   */
  async authorize(request: AuthorizationRequest): Promise<Decision> {
    const decision = await this.evaluate(request);
    if (decision.allowed) return decision;
    if (decision.outcome === 'cancelled') throw new CancelledError(`Not authorized: ${decision.reason}`);
    throw new PermissionDeniedError(`"${decision.action}" by agent "${decision.agentId}" was ${decision.outcome.replace('_', ' ')}: ${decision.reason}`);
  }

  /**
   * Authorizes, runs `fn`, and audits the action itself: status ok / error / cancelled, duration,
   * redacted input and output, error message. Resolves with `fn`'s result, rejects with its error.
   */
  async perform<O>(request: AuthorizationRequest, fn: (decision: Decision) => Promise<O>): Promise<O> {
    const decision = await this.authorize(request);
    const started = this.now();
    const base = {
      agentId: request.agentId,
      action: request.action,
      level: request.level,
      input: request.input,
      ...(request.user !== undefined && { user: request.user }),
      ...(request.traceId !== undefined && { traceId: request.traceId }),
    };
    let output: O;
    try {
      output = await fn(decision);
    } catch (error) {
      const status: AuditStatus = isCancellation(error) ? 'cancelled' : 'error';
      await this.audit.record({ ...base, status, durationMs: Math.max(0, this.now() - started), error: errorMessage(error) });
      throw error;
    }
    await this.audit.record({ ...base, status: 'ok', durationMs: Math.max(0, this.now() - started), output });
    return output;
  }

  /** Cancels pending approvals (they are audited as `cancelled`) and unsubscribes. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const settle of [...this.waiters.values()]) settle({ outcome: 'cancelled', reason: 'the policy engine was disposed' });
    this.decidedSubscription?.dispose();
    this.decidedSubscription = undefined;
  }

  private waitForApproval(requestId: string, request: AuthorizationRequest): Promise<ApprovalResult> {
    const timeoutMs = this.policyValue.approvalTimeoutMs;
    const { signal } = request;
    // Expiry is fixed before the timer starts, so when the timer fires the request has expired for every host too.
    const expiresAt = this.now() + timeoutMs;
    return new Promise<ApprovalResult>((resolve) => {
      const timer = setTimeout(() => settle({ outcome: 'timed_out', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
      timer.unref();
      const settle = (result: ApprovalResult): void => {
        if (!this.waiters.delete(requestId)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiters.size === 0) {
          this.decidedSubscription?.dispose();
          this.decidedSubscription = undefined;
        }
        resolve(result);
      };
      const onAbort = (): void => settle({ outcome: 'cancelled', reason: 'the request was cancelled while waiting for approval' });
      this.waiters.set(requestId, settle);
      try {
        this.decidedSubscription ??= this.bus.subscribe('approval.decided', (event) => this.onDecided(event.payload), {
          name: `${this.source}:approval.decided`,
        });
      } catch (error) {
        settle(unreachable(error, 'answers cannot be received'));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      const payload: TopicMap['approval.requested'] = {
        requestId,
        agentId: request.agentId,
        action: request.action,
        level: request.level,
        summary: this.summarize(request),
        expiresAt,
      };
      this.bus
        .publish('approval.requested', payload, { source: this.source, ...(request.traceId !== undefined && { traceId: request.traceId }) })
        .catch((error: unknown) => settle(unreachable(error, 'the request could not be published')));
    });
  }

  private onDecided(answer: TopicMap['approval.decided']): void {
    const settle = this.waiters.get(answer.requestId);
    if (!settle) return; // another engine's request, or one that already timed out
    const who = answer.by;
    const because = answer.reason ? `: ${answer.reason}` : '';
    settle(
      answer.approved === true
        ? { outcome: 'approved', reason: `approved by ${who}${because}`, by: who }
        : { outcome: 'denied', reason: `denied by ${who}${because}`, by: who },
    );
  }

  private summarize(request: AuthorizationRequest): string {
    const head = request.summary ?? `${request.agentId} wants to ${request.action} (${request.level})`;
    const preview = request.input === undefined || request.summary !== undefined ? '' : `: ${canonicalJson(redact(request.input))}`;
    const text = `${head}${preview}`;
    // Redacting the summary too: a caller-written summary may quote a secret.
    const safe = redactString(text);
    return safe.length > 300 ? `${safe.slice(0, 297)}...` : safe;
  }
}

/** The result when the bus cannot carry an approval: cancelled if the bus shut down, else denied (fail closed). */
function unreachable(error: unknown, what: string): ApprovalResult {
  return { outcome: isCancellation(error) ? 'cancelled' : 'denied', reason: `approval ${what}: ${errorMessage(error)}` };
}

function validate(request: AuthorizationRequest): void {
  if (typeof request !== 'object' || request === null) throw new InvalidInputError('authorize() needs a request object');
  if (typeof request.agentId !== 'string' || request.agentId === '') throw new InvalidInputError('agentId must be a non-empty string', { key: 'agentId' });
  if (typeof request.action !== 'string' || request.action === '') throw new InvalidInputError('action must be a non-empty string', { key: 'action' });
  if (!isPermissionLevel(request.level)) {
    throw new InvalidInputError(`level must be one of read_only, read_write, execute, critical, got ${JSON.stringify(request.level)}`, { key: 'level' });
  }
}
