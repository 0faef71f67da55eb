/**
 * The dashboard as a web page, for `orchestra serve`: the same dashboard and chat panel the VS Code
 * extension shows (the same bundle, extension/dist/webview), fed by Server-Sent Events from a
 * workspace session. Routes: GET / (dashboard), GET /chat, GET /assets/{dashboard,chat}.js,
 * GET /api/events (SSE snapshots), POST /api/message (dashboard buttons), POST /api/chat.
 * Requests are validated with the dashboard protocol's schema; bodies are bounded.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { executeIntent } from '../agents/session/execute-intent.js';
import { dashboardHtml } from '../agents/session/dashboard-html.js';
import { parseFromWebview, type ToWebview } from '../agents/session/dashboard-protocol.js';
import type { ReviewSettings, WorkspaceSession } from '../agents/session/workspace-session.js';
import { errorMessage } from '../shared/errors/errors.js';
import { parseCommand } from '../shared/intents/index.js';

const MAX_BODY = 64 * 1024;
const PUSH_INTERVAL_MS = 200;

/** Options of {@link dashboardRoutes}. */
export interface DashboardRoutesOptions {
  session: WorkspaceSession;
  /** Folder of dashboard.js and chat.js. */
  webviewDir: string;
  settings(): ReviewSettings;
  log(line: string): void;
}

/** A route handler: true when it answered. */
export type Routes = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & { close(): void };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

function chatPage(nonce: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'"><title>Orchestra Chat</title>
<style>body{font-family:system-ui,sans-serif;background:#1e1e1e;color:#ddd;margin:0;display:flex;flex-direction:column;height:100vh}#log{flex:1;overflow:auto;padding:8px}.msg{white-space:pre-wrap;margin:6px 0;padding:6px;border-radius:4px}.msg-you{background:#333}form{display:flex;padding:8px;gap:6px}input{flex:1;padding:4px}</style></head>
<body><div id="log"></div><form id="ask"><input id="text" placeholder="Ask the agents, e.g. How are the agents?" maxlength="10000"><button>Send</button></form><script nonce="${nonce}" src="/assets/chat.js"></script></body></html>`;
}

/** Builds the routes; `close()` ends the event streams. */
export function dashboardRoutes(o: DashboardRoutesOptions): Routes {
  const streams = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const push = () => {
    timer = undefined;
    last = Date.now();
    const message: ToWebview = { type: 'snapshot', snapshot: o.session.snapshot(), sentAt: Date.now() };
    const data = `data: ${JSON.stringify(message)}\n\n`;
    for (const s of streams) s.write(data);
  };
  const subscription = o.session.bus.subscribe('*', () => {
    if (streams.size === 0 || timer) return;
    timer = setTimeout(push, Math.max(0, last + PUSH_INTERVAL_MS - Date.now()));
  }, { name: 'dashboard-sse', overflow: 'drop-oldest', queueLimit: 64 });

  const answer = async (text: string): Promise<string> => {
    const parsed = parseCommand(text);
    if (!parsed.ok) return `${parsed.reason}${parsed.suggestions.length ? `\n${parsed.suggestions.map((s) => `- ${s}`).join('\n')}` : ''}`;
    return executeIntent(parsed.intent, {
      session: o.session,
      settings: o.settings,
      setLowPower: (on) => (o.session.lowPower = on),
      // A web page cannot show a trustworthy confirmation: execute and critical intents are refused here.
      confirm: async () => false,
    });
  };

  const routes = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/dashboard')) {
      const nonce = randomBytes(16).toString('base64');
      send(res, 200, 'text/html; charset=utf-8', dashboardHtml({ scriptUri: '/assets/dashboard.js', cspSource: "'self'", nonce, connectSrc: "'self'" }));
      return true;
    }
    if (req.method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204, { 'cache-control': 'max-age=86400' }).end();
      return true;
    }
    if (req.method === 'GET' && path === '/chat') {
      send(res, 200, 'text/html; charset=utf-8', chatPage(randomBytes(16).toString('base64')));
      return true;
    }
    if (req.method === 'GET' && (path === '/assets/dashboard.js' || path === '/assets/chat.js')) {
      const file = join(o.webviewDir, path.slice('/assets/'.length));
      const js = await readFile(file, 'utf8').catch(() => undefined);
      if (js === undefined) send(res, 503, 'text/plain', `The dashboard bundle is missing (${file}): run npm run build.`);
      else send(res, 200, 'text/javascript; charset=utf-8', js);
      return true;
    }
    if (req.method === 'GET' && path === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': orchestra\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      push();
      return true;
    }
    if (req.method === 'POST' && (path === '/api/message' || path === '/api/chat')) {
      let message;
      try {
        message = parseFromWebview(JSON.parse(await readBody(req)));
      } catch (error) {
        send(res, 400, 'application/json', JSON.stringify({ error: `Expected a JSON message of the dashboard protocol: ${errorMessage(error)}` }));
        return true;
      }
      if (!message) {
        send(res, 400, 'application/json', JSON.stringify({ error: 'Not a message of the dashboard protocol (type ready | command | chat.ask | rendered).' }));
        return true;
      }
      if (message.type === 'chat.ask') {
        const reply: ToWebview = { type: 'chat.reply', id: message.id, markdown: await answer(message.text).catch((e: unknown) => `Failed: ${errorMessage(e)}`) };
        send(res, 200, 'application/json', JSON.stringify(reply));
        return true;
      }
      if (message.type === 'command') {
        if (message.command === 'toggleLowPower') o.session.lowPower = !o.session.lowPower;
        else void o.session.review(undefined, { ...o.settings(), newCodeOnly: message.command === 'reviewChanges' }).catch((e: unknown) => o.log(`review failed: ${errorMessage(e)}`));
      }
      send(res, 202, 'application/json', '{"ok":true}');
      return true;
    }
    return false;
  };
  return Object.assign(routes, {
    close: () => {
      subscription.dispose();
      if (timer) clearTimeout(timer);
      for (const s of streams) s.end();
      streams.clear();
    },
  });
}
