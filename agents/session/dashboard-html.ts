/**
 * The dashboard's HTML, shared by the VS Code webview and `orchestra serve`'s page: a strict content
 * security policy with a per-load nonce; the script and styles come from the extension's bundle.
 */

/** Options of {@link dashboardHtml}. */
export interface DashboardHtmlOptions {
  /** URL of dashboard.js. */
  scriptUri: string;
  /** The origin allowed for scripts and styles besides the nonce (a webview's `cspSource`, or `'self'`). */
  cspSource: string;
  nonce: string;
  /** Extra `connect-src` (the served page fetches /api/*). */
  connectSrc?: string;
}

/** The page. */
export function dashboardHtml(o: DashboardHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource} 'unsafe-inline'`,
    `img-src ${o.cspSource} data:`,
    `connect-src ${o.connectSrc ?? "'none'"}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Orchestra</title>
<style>
  body { font-family: var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-foreground, #ddd); background: var(--vscode-sideBar-background, #1e1e1e); margin: 0; padding: 8px; font-size: 12px; }
  h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; margin: 12px 0 4px; opacity: .8; }
  #summary { margin-bottom: 6px; }
  #agents { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 6px; }
  .agent { border: 1px solid var(--vscode-panel-border, #444); border-radius: 4px; padding: 6px; }
  .agent-id { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .agent-kind, .agent-stats { opacity: .75; }
  .agent-running .agent-status { color: var(--vscode-testing-iconPassed, #73c991); }
  .agent-crashed .agent-status, .agent-failed .agent-status { color: var(--vscode-errorForeground, #f48771); }
  #mesh { height: 220px; } #heatmap { height: 180px; } #timeline { height: 170px; }
  .note { opacity: .7; font-style: italic; }
  button { background: var(--vscode-button-background, #0e639c); color: var(--vscode-button-foreground, #fff); border: 0; padding: 4px 8px; margin-right: 4px; cursor: pointer; }
</style>
</head>
<body>
<div><button id="review-workspace">Review workspace</button><button id="review-changes">Review changes</button><button id="low-power">Low-power</button></div>
<h2>Agents</h2><div id="summary">Waiting for the agents…</div><div id="agents"></div>
<h2>Agent mesh</h2><div id="mesh"></div>
<h2>Tasks by category</h2><div id="timeline"></div><div id="timeline-note" class="note"></div>
<h2>Swarm activity (5-minute buckets)</h2><div id="heatmap"></div>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}
