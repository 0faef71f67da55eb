/**
 * The approvals inbox: actions at the `execute` or `critical` level wait for a person. Requests
 * arrive as `approval.requested` events; approving or denying publishes `approval.decided` (which the
 * governance service acts on) and is recorded in the audit trail. Expired requests disappear (they
 * were denied by timeout). Each row has inline Approve and Deny buttons; clicking the row asks in a
 * dialog. In an untrusted workspace an approval is refused (see workspace-trust.ts); denying is not.
 */
import * as vscode from 'vscode';
import type { EventBus } from '../../shared/bus/event-bus.js';
import type { TopicMap } from '../../shared/bus/topics.js';
import type { Disposable } from '../../shared/lifecycle/disposable.js';
import type { PermissionLevel } from '../../shared/governance/permissions.js';
import type { TrustGate } from './workspace-trust.js';

type Request = TopicMap['approval.requested'];

/** What the audit trail records of a decision. */
export interface ApprovalDecision {
  action: string;
  requestId: string;
  level: PermissionLevel;
  approved: boolean;
  by: string;
}

export class ApprovalsInbox implements vscode.TreeDataProvider<Request>, vscode.Disposable {
  private readonly pending = new Map<string, Request>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly bus: EventBus,
    private readonly audit: (entry: ApprovalDecision) => Promise<void>,
    private readonly gate?: Pick<TrustGate, 'allows' | 'refuse'>,
  ) {
    this.subscriptions = [
      bus.subscribe('approval.requested', (e) => {
        this.pending.set(e.payload.requestId, e.payload);
        this.changed.fire();
      }, { name: 'approvals-inbox' }),
      bus.subscribe('approval.decided', (e) => {
        if (this.pending.delete(e.payload.requestId)) this.changed.fire();
      }, { name: 'approvals-inbox-decided' }),
    ];
  }

  /** Pending requests, expired ones removed. */
  list(): Request[] {
    const now = Date.now();
    for (const [id, r] of this.pending) if (r.expiresAt <= now) this.pending.delete(id);
    return [...this.pending.values()];
  }

  getChildren(): Request[] {
    return this.list();
  }

  getTreeItem(r: Request): vscode.TreeItem {
    const item = new vscode.TreeItem(`${r.action} (${r.level})`);
    item.description = `${r.agentId} · expires ${new Date(r.expiresAt).toLocaleTimeString()}`;
    item.tooltip = r.summary;
    item.id = r.requestId;
    item.contextValue = 'orchestra.approval';
    item.command = { command: 'orchestra.approvePending', title: 'Decide', arguments: [r.requestId] };
    return item;
  }

  /** Asks the person, then publishes the decision and audits it. */
  async decide(requestId?: string): Promise<void> {
    const list = this.list();
    const chosen = requestId ? list.find((r) => r.requestId === requestId) : list.length === 1 ? list[0] : (await vscode.window.showQuickPick(list.map((r) => ({ label: r.action, description: `${r.agentId} · ${r.level}`, detail: r.summary, r })), { title: 'Pending actions' }))?.r;
    if (!chosen) {
      if (list.length === 0) void vscode.window.showInformationMessage('Orchestra: no action is waiting for approval.');
      return;
    }
    const answer = await vscode.window.showWarningMessage(`${chosen.agentId} asks to ${chosen.action} (${chosen.level}).`, { modal: true, detail: chosen.summary }, 'Approve', 'Deny');
    if (!answer) return;
    await this.settle(chosen, answer === 'Approve');
  }

  /**
   * Decides without asking (the person already said so: "/approve" in chat, the row's Approve or Deny
   * button); audited the same way. Returns false when nothing was decided (no such request, or an
   * approval the workspace's trust does not allow).
   */
  async decideDirect(requestId: string, approved: boolean): Promise<boolean> {
    const chosen = this.pending.get(requestId);
    return chosen ? this.settle(chosen, approved) : false;
  }

  private async settle(chosen: Request, approved: boolean): Promise<boolean> {
    if (approved && this.gate && !this.gate.allows(chosen.level)) {
      this.gate.refuse(`approve ${chosen.action} for ${chosen.agentId}`, chosen.level);
      return false;
    }
    const by = process.env.USER ?? 'vscode-user';
    await this.bus.publish('approval.decided', { requestId: chosen.requestId, approved, by }, { source: 'vscode' });
    await this.audit({ action: chosen.action, requestId: chosen.requestId, level: chosen.level, approved, by });
    this.pending.delete(chosen.requestId);
    this.changed.fire();
    return true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
