/**
 * The chat panel (a webview, for editors without VS Code's Chat view, and the served page): plain
 * language in, the agents' answers out. Replies are shown as text (never as HTML).
 */
import { toWebviewSchema, type FromWebview } from '../../../agents/session/dashboard-protocol.js';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

const log = document.getElementById('log')!;
const form = document.getElementById('ask') as HTMLFormElement;
const input = document.getElementById('text') as HTMLInputElement;
const history: { who: string; text: string }[] = ((api?.getState() as { history?: { who: string; text: string }[] } | undefined)?.history ?? []).slice(-100);

function show(who: string, text: string): void {
  const item = document.createElement('div');
  item.className = `msg msg-${who}`;
  item.textContent = text;
  log.append(item);
  log.scrollTop = log.scrollHeight;
}
for (const h of history) show(h.who, h.text);

async function ask(text: string): Promise<void> {
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  show('you', text);
  history.push({ who: 'you', text });
  if (api) api.postMessage({ type: 'chat.ask', id, text });
  else {
    const res = await fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'chat.ask', id, text }) });
    receive(await res.json());
  }
}

function receive(data: unknown): void {
  const message = toWebviewSchema.safeParse(data);
  if (!message.success || message.data.type !== 'chat.reply') return;
  if (message.data.question !== undefined) {
    show('you', message.data.question);
    history.push({ who: 'you', text: message.data.question });
  }
  show('orchestra', message.data.markdown);
  history.push({ who: 'orchestra', text: message.data.markdown });
  api?.setState({ history: history.slice(-100) });
}

window.addEventListener('message', (event: MessageEvent) => receive(event.data));
// The host waits for this before it posts an answer it asked for itself (an Explain button).
api?.postMessage({ type: 'ready' });
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void ask(text);
});
