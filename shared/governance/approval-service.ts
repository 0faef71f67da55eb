/**
 * The host side of approvals. The {@link PolicyEngine} publishes `approval.requested` and waits for
 * `approval.decided`; this service keeps the list of requests still waiting so a host (a VS Code
 * dialog, a PR comment, a CLI prompt) can show them and answer with {@link ApprovalService.decide}.
 * It learns everything from the bus, so it also sees requests from engines in other processes when
 * the bus spans processes. It starts no timers: expired requests drop out when next looked at.
 */
import type { EventBus } from '../bus/event-bus.js';
import type { TopicMap } from '../bus/topics.js';
import { InvalidInputError } from '../errors/errors.js';
import { DisposableStore, toDisposable } from '../lifecycle/disposable.js';
import type { Disposable } from '../lifecycle/disposable.js';
import { redactString } from './redact.js';

/** A request waiting for a person's answer. */
export interface PendingApproval extends Readonly<TopicMap['approval.requested']> {
  /** When the request was seen (ms since epoch). */
  readonly requestedAt: number;
  /** Trace of the event that carried the request. */
  readonly traceId: string;
}

/** An answer, as published on `approval.decided`. */
export type ApprovalAnswer = Readonly<TopicMap['approval.decided']>;

/** Options for {@link ApprovalService}. */
export interface ApprovalServiceOptions {
  /** Clock (ms since epoch), for expiry. Default `Date.now`. */
  now?: () => number;
  /** `source` of the `approval.decided` events it publishes. Default `"approvals"`. */
  source?: string;
}

/** Tracks pending approval requests and publishes answers. Dispose to unsubscribe. */
export class ApprovalService implements Disposable {
  private readonly pending = new Map<string, PendingApproval>();
  private readonly store = new DisposableStore();
  private readonly requestListeners = new Set<(request: PendingApproval) => void>();
  private readonly decideListeners = new Set<(answer: ApprovalAnswer) => void>();
  private readonly now: () => number;
  private readonly source: string;

  constructor(
    private readonly bus: EventBus,
    options: ApprovalServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.source = options.source ?? 'approvals';
    this.store.add(
      bus.subscribe(
        'approval.requested',
        (event) => {
          const request: PendingApproval = { ...event.payload, requestedAt: event.timestamp, traceId: event.traceId };
          this.pending.set(request.requestId, request);
          notify(this.requestListeners, request);
        },
        { name: 'approval-service:requested' },
      ),
    );
    this.store.add(
      bus.subscribe(
        'approval.decided',
        (event) => {
          if (this.pending.delete(event.payload.requestId)) notify(this.decideListeners, event.payload);
        },
        { name: 'approval-service:decided' },
      ),
    );
  }

  /** Requests still waiting (not answered, not expired), oldest first. */
  list(): PendingApproval[] {
    this.prune();
    return [...this.pending.values()];
  }

  /** One waiting request, or undefined if unknown, answered or expired. */
  get(requestId: string): PendingApproval | undefined {
    this.prune();
    return this.pending.get(requestId);
  }

  /**
   * Answers a request: publishes `approval.decided`. `by` names who answered (a login, "cli:alice");
   * `reason` is shown in the audit trail (both are redacted there). Throws {@link InvalidInputError}
   * when the request is unknown, already answered or expired, or when `by` is empty.
   */
  async decide(requestId: string, approved: boolean, by: string, reason?: string): Promise<void> {
    if (typeof approved !== 'boolean') throw new InvalidInputError(`approved must be true or false, got ${String(approved)}`, { key: 'approved' });
    if (typeof by !== 'string' || by.trim() === '') throw new InvalidInputError('by must name who decides (a user login or host name)', { key: 'by' });
    const request = this.get(requestId);
    if (!request) {
      const waiting = [...this.pending.keys()];
      throw new InvalidInputError(
        `No pending approval request "${requestId}": it was answered, expired or never made. ${waiting.length > 0 ? `Pending: ${waiting.join(', ')}` : 'Nothing is pending.'}`,
        { key: 'requestId' },
      );
    }
    const answer: TopicMap['approval.decided'] = { requestId, approved, by: redactString(by), ...(reason !== undefined && { reason: redactString(reason) }) };
    await this.bus.publish('approval.decided', answer, { source: this.source, traceId: request.traceId });
  }

  /** Fires for each new request (show a dialog, post a comment). */
  onDidRequest(listener: (request: PendingApproval) => void): Disposable {
    this.requestListeners.add(listener);
    return toDisposable(() => this.requestListeners.delete(listener));
  }

  /** Fires when a pending request is answered, here or by another host (close the dialog). */
  onDidDecide(listener: (answer: ApprovalAnswer) => void): Disposable {
    this.decideListeners.add(listener);
    return toDisposable(() => this.decideListeners.delete(listener));
  }

  /** Unsubscribes from the bus and drops listeners. */
  dispose(): void {
    this.store.dispose();
    this.requestListeners.clear();
    this.decideListeners.clear();
    this.pending.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const [id, request] of this.pending) if (request.expiresAt <= now) this.pending.delete(id);
  }
}

/** Calls every listener even if one throws; rethrows the first error so the bus reports it. */
function notify<T>(listeners: Set<(value: T) => void>, value: T): void {
  let failure: { error: unknown } | undefined;
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
