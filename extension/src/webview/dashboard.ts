/**
 * The dashboard (runs in a VS Code webview, and as the page `orchestra serve` serves): the agents
 * grid, the agent mesh (force-graph, messages animated along its edges as events flow), a timeline
 * of tasks by category, and the swarm activity heatmap in 5-minute buckets (ECharts). Snapshots
 * arrive from the host (postMessage in VS Code, Server-Sent Events in the browser); each widget
 * redraws at most once a second, and the last snapshot is kept across reloads.
 */
import * as echarts from 'echarts/core';
import { HeatmapChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import ForceGraph from 'force-graph';
import { snapshotSchema, toWebviewSchema, type FromWebview, type Snapshot } from '../../../agents/session/dashboard-protocol.js';

echarts.use([HeatmapChart, ScatterChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscodeApi: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
const post = (message: FromWebview) => {
  if (vscodeApi) vscodeApi.postMessage(message);
  else void fetch('/api/message', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
};

const $ = (id: string) => document.getElementById(id)!;

/** Runs `draw` at most once per second, the first time at once. */
function throttled<T>(draw: (value: T) => void): (value: T) => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: T | undefined;
  return (value) => {
    pending = value;
    const wait = last + 1000 - Date.now();
    if (wait <= 0) {
      last = Date.now();
      draw(value);
    } else {
      timer ??= setTimeout(() => {
        timer = undefined;
        last = Date.now();
        draw(pending as T);
      }, wait);
    }
  };
}

function fmtBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KB` : `${n} B`;
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const drawAgents = throttled((s: Snapshot) => {
  const grid = $('agents');
  grid.replaceChildren(
    ...s.agents.map((a) => {
      const card = el('div', `agent agent-${a.health.status}`);
      card.dataset.agentId = a.id;
      card.append(el('div', 'agent-id', a.id), el('div', 'agent-kind', `${a.kind} · ${a.group}`), el('div', 'agent-status', a.health.status));
      card.append(el('div', 'agent-stats', `tasks ${a.health.tasksProcessed} · cpu ${Math.round(a.health.cpuMs)} ms · mem ${fmtBytes(a.health.memoryBytes)}`));
      return card;
    }),
  );
  if (s.agents.length === 0) grid.append(el('div', 'empty', 'No agents running.'));
  $('summary').textContent = `${s.agents.length} agent(s) · ${s.findings.error} error(s), ${s.findings.warning} warning(s), ${s.findings.info} note(s) in ${s.filesWithFindings} file(s) · ${s.reviews.total} review(s)${s.reviews.lastMs !== undefined ? `, last ${Math.round(s.reviews.lastMs)} ms` : ''}${s.lowPower ? ' · low-power' : ''}`;
});

interface MeshNode { id: string; group: string }
interface MeshLink { source: string; target: string }
let mesh: ForceGraph<MeshNode, MeshLink> | undefined;
let meshKey = '';
const seenEvents = new Set<string>();
const drawMesh = throttled((s: Snapshot) => {
  const container = $('mesh');
  if (!mesh) {
    mesh = new ForceGraph<MeshNode, MeshLink>(container)
      .width(container.clientWidth || 300)
      .height(220)
      .nodeLabel((n) => n.id)
      .nodeAutoColorBy('group')
      .linkDirectionalParticleSpeed(0.02)
      .linkDirectionalParticleWidth(3);
  }
  const key = s.agents.map((a) => a.id).join('|');
  if (key !== meshKey) {
    meshKey = key;
    const nodes: MeshNode[] = [{ id: 'bus', group: 'core' }, ...s.agents.map((a) => ({ id: a.id, group: a.group }))];
    mesh.graphData({ nodes, links: s.agents.map((a) => ({ source: a.id, target: 'bus' })) });
  }
  // Messages along the edges: one particle per new event from an agent.
  const links = mesh.graphData().links as unknown as { source: MeshNode; target: MeshNode }[];
  for (const e of s.events) {
    if (seenEvents.has(e.id)) continue;
    seenEvents.add(e.id);
    const agentId = /agentId=([^\s]+)/.exec(e.summary)?.[1] ?? e.source;
    const link = links.find((l) => l.source.id === agentId);
    if (link) mesh.emitParticle(link as never);
  }
  if (seenEvents.size > 5000) seenEvents.clear();
});

let heatmap: echarts.ECharts | undefined;
const drawHeatmap = throttled((s: Snapshot) => {
  heatmap ??= echarts.init($('heatmap'));
  const families = [...new Set(s.activity.flatMap((b) => Object.keys(b.counts)))].sort();
  const times = s.activity.map((b) => new Date(b.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const data = s.activity.flatMap((b, x) => families.map((f, y) => [x, y, b.counts[f] ?? 0]));
  heatmap.setOption({
    tooltip: { position: 'top' },
    grid: { top: 10, bottom: 40, left: 70, right: 10 },
    xAxis: { type: 'category', data: times },
    yAxis: { type: 'category', data: families },
    visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d[2]!)), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 80 },
    series: [{ type: 'heatmap', data, label: { show: false } }],
  });
});

let timeline: echarts.ECharts | undefined;
const CATEGORIES = ['watchers', 'learners', 'maintainers', 'predictors', 'review'];
const drawTimeline = throttled((s: Snapshot) => {
  timeline ??= echarts.init($('timeline'));
  const category = (e: Snapshot['events'][number]) => (e.source.startsWith('log-watcher') || e.topic === 'error.detected' ? 'watchers' : 'review');
  const points = s.events.filter((e) => e.topic.startsWith('task.') || e.topic.startsWith('agent.task.') || e.topic === 'finding.reported' || e.topic === 'error.detected').map((e) => [e.timestamp, category(e), e.topic]);
  timeline.setOption({
    tooltip: { formatter: (p: { value: [number, string, string] }) => `${new Date(p.value[0]).toLocaleTimeString()} ${p.value[2]}` },
    grid: { top: 10, bottom: 30, left: 90, right: 10 },
    xAxis: { type: 'time' },
    yAxis: { type: 'category', data: CATEGORIES },
    series: [{ type: 'scatter', symbolSize: 8, data: points }],
  });
  $('timeline-note').textContent = 'Watchers: log watchers. Learners, maintainers and predictors are not built yet; their rows stay empty.';
});

function render(snapshot: Snapshot, sentAt?: number): void {
  drawAgents(snapshot);
  drawMesh(snapshot);
  drawHeatmap(snapshot);
  drawTimeline(snapshot);
  vscodeApi?.setState({ snapshot });
  if (sentAt !== undefined) requestAnimationFrame(() => post({ type: 'rendered', sentAt, at: Date.now() }));
}

function receive(data: unknown): void {
  const message = toWebviewSchema.safeParse(data);
  if (!message.success || message.data.type !== 'snapshot') return;
  render(message.data.snapshot, message.data.sentAt);
}

for (const [id, command] of [['review-workspace', 'reviewWorkspace'], ['review-changes', 'reviewChanges'], ['low-power', 'toggleLowPower']] as const) {
  document.getElementById(id)?.addEventListener('click', () => post({ type: 'command', command }));
}

const saved = snapshotSchema.safeParse((vscodeApi?.getState() as { snapshot?: unknown } | undefined)?.snapshot);
if (saved.success) render(saved.data);
if (vscodeApi) {
  window.addEventListener('message', (event: MessageEvent) => receive(event.data));
  post({ type: 'ready' });
} else {
  const source = new EventSource('/api/events');
  source.onmessage = (event) => receive(JSON.parse(event.data as string));
}
