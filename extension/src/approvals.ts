/**
 * The approvals inbox: actions at the `execute` or `critical` level wait for a person. Requests
 * arrive as `approval.requested` events; approving or denying publishes `approval.decided` (which the
 * governance service acts on) and is recorded in the audit trail. Expired requests disappear (they
 * were denied by timeout).
 */
import * as vscode from 'vscode';
import type { EventBus } from '../../shared/bus/event-bus.js';
import type { TopicMap } from '../../shared/bus/topics.js';
import type { Disposable } from '../../shared/lifecycle/disposable.js';

type Request = TopicMap['approval.requested'];

export class ApprovalsInbox implements vscode.TreeDataProvider<Request>, vscode.Disposable {
  private readonly pending = new Map<string, Request>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: Disposable[];

  constructor(private readonly bus: EventBus, private readonly audit: (entry: { action: string; requestId: string; approved: boolean; by: string }) => Promise<void>) {
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
    const approved = answer === 'Approve';
    const by = process.env.USER ?? 'vscode-user';
    await this.bus.publish('approval.decided', { requestId: chosen.requestId, approved, by }, { source: 'vscode' });
    await this.audit({ action: chosen.action, requestId: chosen.requestId, approved, by });
    this.pending.delete(chosen.requestId);
    this.changed.fire();
  }

  /** Decides without asking (the person already said so, e.g. "/approve" in chat); audited the same way. */
  async decideDirect(requestId: string, approved: boolean): Promise<void> {
    const chosen = this.pending.get(requestId);
    if (!chosen) return;
    const by = process.env.USER ?? 'vscode-user';
    await this.bus.publish('approval.decided', { requestId, approved, by }, { source: 'vscode' });
    await this.audit({ action: chosen.action, requestId, approved, by });
    this.pending.delete(requestId);
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
