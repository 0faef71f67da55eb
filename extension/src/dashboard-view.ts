/**
 * The sidebar dashboard (a webview view): snapshots of the workspace session pushed on bus events —
 * at once when idle (well within 50 ms of the event), then at most every 200 ms while events keep
 * coming; the page itself redraws each widget at most once a second. Messages in both directions
 * are validated with the schema in webview/protocol.ts.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WorkspaceSession } from '../../agents/session/workspace-session.js';
import type { Disposable } from '../../shared/lifecycle/disposable.js';
import { dashboardHtml } from '../../agents/session/dashboard-html.js';
import { parseFromWebview, type FromWebview, type ToWebview } from '../../agents/session/dashboard-protocol.js';

const MIN_INTERVAL_MS = 200;

export class DashboardView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly id = 'orchestra.dashboard';
  private view: vscode.WebviewView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastPush = 0;
  private readonly subscription: Disposable;
  /** Event-to-pixels latencies reported by the page (ms), newest last; the editor bench reads them. */
  readonly renderLatencies: number[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: () => WorkspaceSession | undefined,
    private readonly onCommand: (command: Extract<FromWebview, { type: 'command' }>['command']) => void,
    private readonly log: vscode.LogOutputChannel,
    bus: { subscribe: WorkspaceSession['bus']['subscribe'] } | undefined,
  ) {
    this.subscription = bus ? bus.subscribe('*', () => this.schedule(), { name: 'dashboard-view', overflow: 'drop-oldest', queueLimit: 64 }) : { dispose() {} };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    const nonce = randomBytes(16).toString('base64');
    view.webview.html = dashboardHtml({ scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dashboard.js')).toString(), cspSource: view.webview.cspSource, nonce });
    view.webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseFromWebview(raw);
      if (!message) {
        this.log.warn(`dashboard: ignored a malformed message from the webview`);
        return;
      }
      if (message.type === 'ready') this.push();
      else if (message.type === 'command') this.onCommand(message.command);
      else if (message.type === 'rendered') {
        this.renderLatencies.push(message.at - message.sentAt);
        if (this.renderLatencies.length > 1000) this.renderLatencies.shift();
      }
    });
    view.onDidChangeVisibility(() => view.visible && this.push());
    view.onDidDispose(() => (this.view = undefined));
  }

  /** Pushes soon: at once when idle, otherwise at the next allowed time. */
  schedule(): void {
    if (!this.view?.visible || this.timer) return;
    const wait = Math.max(0, this.lastPush + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.push();
    }, wait);
  }

  private push(): void {
    const session = this.session();
    if (!this.view || !session) return;
    this.lastPush = Date.now();
    const message: ToWebview = { type: 'snapshot', snapshot: session.snapshot(), sentAt: Date.now() };
    void this.view.webview.postMessage(message);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
  }
}
