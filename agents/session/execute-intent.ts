/**
 * Runs a typed intent (from the core's command parser, or a language model's tool call validated by
 * the same schema) against a workspace session, and answers in markdown. Every answer comes from
 * the session's real state; kinds of agent that do not exist yet are said to be absent.
 * Intents at the `execute` or `critical` level run only after `confirm` says yes.
 */
import type { Intent } from '../../shared/intents/intent-schema.js';
import { renderTriageMarkdown } from '../error/triage.js';
import type { TriageItem } from '../error/types.js';
import type { Finding } from '../../shared/findings/finding.js';
import { FILE_AGENTS, type FileAgent } from '../review/swarm/analyze-batch.js';
import { AGENT_IDS, type ReviewSettings, type WorkspaceSession } from './workspace-session.js';

/** What the executor needs from its host. */
export interface IntentHost {
  session: WorkspaceSession;
  /** The host's review settings (agents, new-code-only). */
  settings(): ReviewSettings;
  /** Turns low-power mode on or off (the host also updates its UI and settings). */
  setLowPower(on: boolean): void;
  /** Asks the person before an `execute` or `critical` intent; false cancels it. */
  confirm(intent: Intent, summary: string): Promise<boolean>;
  /** Pending approvals and how to answer them, when the host has an inbox. */
  approvals?: { list(): { requestId: string; action: string; agentId: string; level: string }[]; decide(requestId: string, approved: boolean): Promise<void> };
}

const STEP_AGENT: Partial<Record<string, FileAgent>> = { syntax: 'syntax', security: 'security', lint: 'style', complexity: 'complexity' };
const KIND_AGENT: Partial<Record<string, FileAgent>> = { 'syntax-checker': 'syntax', 'style-validator': 'style', 'security-scanner': 'security', 'complexity-analyzer': 'complexity' };

function fmtBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

function topFindings(list: Finding[], n = 10): string[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...list].sort((a, b) => rank[a.severity] - rank[b.severity] || a.file.localeCompare(b.file)).slice(0, n).map((f) => `- **${f.severity}** \`${f.file}:${f.range.start.line}\` ${f.ruleId}: ${f.message} (\`${f.fingerprint}\`)`);
}

/** Executes an intent; returns the answer (markdown). */
export async function executeIntent(intent: Intent, host: IntentHost): Promise<string> {
  const { session } = host;
  if ((intent.permission === 'execute' || intent.permission === 'critical') && !(await host.confirm(intent, describe(intent)))) {
    return `Cancelled: "${describe(intent)}" needs the **${intent.permission}** level and was not confirmed.`;
  }
  switch (intent.type) {
    case 'monitor': {
      const snap = session.snapshot();
      if (intent.question === 'status') {
        const lines = snap.agents.map((a) => `- \`${a.id}\` (${a.kind}, ${a.group}): **${a.health.status}**, ${a.health.tasksProcessed} task(s), ${a.health.tasksFailed} failed, p50 ${Math.round(a.health.latencyP50Ms)} ms`);
        return [`${snap.agents.length} agent(s) running${snap.lowPower ? ' in **low-power** mode' : ''}; ${snap.reviews.total} review(s) so far, ${snap.reviews.running} running.`, '', ...lines, '', `Findings now: ${snap.findings.error} error(s), ${snap.findings.warning} warning(s), ${snap.findings.info} note(s).`].join('\n');
      }
      if (intent.question === 'resources') {
        const sorted = [...snap.agents].sort((a, b) => b.health.cpuMs - a.health.cpuMs || b.health.memoryBytes - a.health.memoryBytes);
        return ['Agents by CPU time, then memory:', ...sorted.map((a) => `- \`${a.id}\`: ${Math.round(a.health.cpuMs)} ms CPU, ${fmtBytes(a.health.memoryBytes)}, ${a.health.tasksProcessed} task(s)`)].join('\n');
      }
      if (intent.question === 'findings' || intent.question === 'discoveries') {
        const all = [...session.findings.values()].flat();
        if (all.length === 0) return `No findings in the reviewed files (${snap.reviews.total} review(s) this session). Save a file or run "Review Workspace".`;
        return [`${all.length} finding(s) in ${snap.filesWithFindings} file(s) this session${intent.period ? ` (${intent.period}: findings are kept for the running session)` : ''}:`, ...topFindings(all)].join('\n');
      }
      return 'No learner agents exist yet, so no patterns have been learned. (Learners are background agents, not built in this version.)';
    }
    case 'spawn': {
      if (intent.agentKind === 'security-scanner') {
        const ids = await session.spawnSecurityScanners(intent.count);
        const scan = await session.scanWithSpawned(intent.scope.paths);
        return `Spawned ${ids.map((i) => `\`${i}\``).join(', ')}. They scanned ${scan.files} file(s)${intent.scope.paths ? ` under ${intent.scope.paths.join(', ')}` : ''}: ${scan.findings.length} finding(s).${scan.findings.length ? `\n${topFindings(scan.findings).join('\n')}` : ''}`;
      }
      if (intent.agentKind === 'review-swarm') {
        const result = await session.review(undefined, { ...host.settings(), newCodeOnly: intent.scope.changed ?? host.settings().newCodeOnly });
        const shown = result.findings.filter((f) => f.shouldReport !== false && !f.suppressed);
        return `The review swarm (${host.settings().agents.join(', ')}) reviewed ${intent.scope.changed ? 'your current changes' : 'the workspace'}: ${result.filesReviewed} file(s), ${shown.length} finding(s).${shown.length ? `\n${topFindings(shown).join('\n')}` : ''}`;
      }
      const agent = KIND_AGENT[intent.agentKind];
      if (agent) {
        const result = await session.review(undefined, { ...host.settings(), agents: [agent], newCodeOnly: intent.scope.changed ?? false });
        const shown = result.findings.filter((f) => f.shouldReport !== false && !f.suppressed && (!intent.scope.paths || intent.scope.paths.some((p) => f.file.startsWith(p.replace(/\/?$/, '/')) || f.file === p)));
        return `Ran the ${intent.agentKind} over ${result.filesReviewed} file(s): ${shown.length} finding(s). (Review agents are part of the swarm: they run on demand rather than as separate long-lived copies.)${shown.length ? `\n${topFindings(shown).join('\n')}` : ''}`;
      }
      if (intent.agentKind === 'log-watcher') {
        if (!intent.scope.file) return 'Which log file? For example: "Start a log watcher on logs/app.log".';
        const id = await session.watchLog(intent.scope.file);
        return `\`${id}\` is following ${intent.scope.file}: each error it appends (ERROR/FATAL lines, exceptions with their stack traces, tracebacks, panics) goes to the error swarm, which traces it to your code.`;
      }
      return `The ${intent.agentKind} runs only from \`orchestra review --agents tests\` in this version (it executes project code).`;
    }
    case 'configure': {
      const { setting, target } = intent;
      if ('powerMode' in setting) {
        if (target.agents !== 'all' && target.agents !== 'background') return `Power modes apply to all or background agents, not to ${target.agents}.`;
        host.setLowPower(setting.powerMode === 'low');
        return setting.powerMode === 'low'
          ? 'Low-power mode is on: reviews run only on save, files changed outside the editor are not reviewed. (No background agents exist yet to slow down.)'
          : 'Low-power mode is off.';
      }
      if ('enabled' in setting) {
        const agents = target.agents === 'all' || target.agents === 'background' ? [...FILE_AGENTS] : KIND_AGENT[target.agents] ? [KIND_AGENT[target.agents]!] : [];
        if (agents.length === 0) return `There is no running ${target.agents} to turn ${setting.enabled ? 'on' : 'off'}.`;
        for (const agent of agents) {
          const existing = session.disabled.findIndex((d) => d.agent === agent && JSON.stringify(d.paths) === JSON.stringify(target.paths));
          if (setting.enabled) {
            for (let i = session.disabled.length - 1; i >= 0; i--) if (session.disabled[i]!.agent === agent && (!target.paths || JSON.stringify(session.disabled[i]!.paths) === JSON.stringify(target.paths))) session.disabled.splice(i, 1);
          } else if (existing < 0) {
            session.disabled.push({ agent, ...(target.paths ? { paths: target.paths } : {}) });
          }
        }
        // Drop the findings it no longer reports.
        const touched: string[] = [];
        for (const [file, list] of session.findings) {
          const kept = list.filter((f) => !session.isDisabled(f));
          if (kept.length !== list.length) {
            session.findings.set(file, kept);
            touched.push(file);
          }
        }
        session.notifyFindingsChanged(touched);
        return `${agents.map((a) => AGENT_IDS[a]).join(', ')} turned ${setting.enabled ? 'on' : 'off'}${target.paths ? ` for ${target.paths.join(', ')}` : ''}.`;
      }
      const agent = ({ security: 'security', syntax: 'syntax', style: 'style', complexity: 'complexity' } as Partial<Record<string, FileAgent>>)[setting.area];
      if (!agent) {
        if (setting.area === 'error-monitoring' || setting.area === 'logs') {
          session.errors.sensitivity = setting.sensitivity === 'critical' ? 'critical' : setting.sensitivity === 'error' ? 'error' : 'warning';
          const what = { critical: 'only crashes (errors with a stack trace)', error: 'errors', warning: 'errors and warnings' }[session.errors.sensitivity];
          return `The error swarm now reacts to ${what} from log watchers and other failure sources.`;
        }
        return `${setting.area} has no sensitivity to set in this version; nothing was changed.`;
      }
      session.minSeverity[agent] = setting.sensitivity === 'critical' ? 'error' : setting.sensitivity;
      return `${AGENT_IDS[agent]} now reports findings at ${session.minSeverity[agent]} and above.`;
    }
    case 'orchestrate': {
      if (intent.kind === 'cascade') return cascadeOnLatestFailure(intent.condition ?? 'error', intent.steps, session);
      const runnable = intent.steps.filter((s) => STEP_AGENT[s]);
      const missing = intent.steps.filter((s) => !STEP_AGENT[s]);
      const lines: string[] = [];
      const changed = intent.scope?.changed ?? true;
      for (const step of runnable) {
        const result = await session.review(undefined, { ...host.settings(), agents: [STEP_AGENT[step]!], newCodeOnly: changed });
        const shown = result.findings.filter((f) => f.shouldReport !== false && !f.suppressed);
        lines.push(`${lines.length + 1}. **${step}** (${AGENT_IDS[STEP_AGENT[step]!]}): ${shown.length} finding(s) in ${result.filesReviewed} file(s)`);
      }
      if (missing.length) lines.push(`Not run: ${missing.join(', ')} — ${missing.includes('summary') ? 'a summary needs a language model (none configured); ' : ''}steps other than syntax, security, lint and complexity are not available in this version.`);
      return [`${intent.kind === 'pipeline' ? 'Pipeline' : 'Chain'} over ${changed ? 'the changed files' : 'the workspace'}:`, ...lines].join('\n');
    }
    case 'stop': {
      const targets = session.spawned.list().filter((a) => !intent.agent || a.id === intent.agent || a.kind === intent.agent || a.id.startsWith(`${intent.agent}-`)).sort((a, b) => a.id.localeCompare(b.id));
      for (const a of targets) await session.stopAgent(a.id);
      return targets.length ? `Stopped ${targets.map((a) => `\`${a.id}\``).join(', ')}.` : 'No spawned agent matches; the review swarm runs for as long as the session.';
    }
    case 'approve':
    case 'deny': {
      const pending = host.approvals?.list() ?? [];
      const chosen = intent.requestId ? pending.find((p) => p.requestId === intent.requestId) : pending.length === 1 ? pending[0] : undefined;
      if (!chosen) return pending.length === 0 ? 'No action is waiting for approval.' : `Several actions are waiting; say which: ${pending.map((p) => `\`${p.requestId}\` (${p.action})`).join(', ')}.`;
      await host.approvals!.decide(chosen.requestId, intent.type === 'approve');
      return `${intent.type === 'approve' ? 'Approved' : 'Denied'} ${chosen.action} for ${chosen.agentId}.`;
    }
    case 'explain': {
      const failures = session.errors.recent();
      if (intent.target === undefined) return failures[0] ? explainFailure(failures[0]) : NO_FAILURE;
      const target = intent.target;
      const all = [...session.findings.values()].flat();
      const f = all.find((x) => x.fingerprint === target) ?? all.find((x) => x.ruleId === target || x.ruleId.endsWith(`/${target}`));
      const failure = f ? undefined : failures.find((x) => x.group.fingerprint === target);
      if (failure) return explainFailure(failure);
      if (!f) return `No current finding or traced failure matches \`${target}\`.`;
      return [`**${f.ruleId}** (${f.severity}, ${f.agent}) at \`${f.file}:${f.range.start.line}\``, '', f.message, f.help ? `\n${f.help}` : '', f.cwe?.length ? `\nCWE: ${f.cwe.map((c) => `CWE-${c}`).join(', ')}` : '', f.helpUrl ? `\nMore: ${f.helpUrl}` : '', f.evidence?.length ? `\nPath: ${f.evidence.map((e) => `${e.message} (line ${e.range.start.line})`).join(' → ')}` : ''].join('\n');
    }
    case 'help':
      return HELP;
  }
}

const NO_FAILURE = 'No failure has been traced yet. When a command fails in the terminal, a failed task is re-run, or a watched log shows an error, the error swarm traces it to your code, and `/explain` tells you where and what to do.';

/** A traced failure in markdown: where it came from, then the error swarm's triage of it. */
function explainFailure(failure: TriageItem & { source: string; at: number }): string {
  const report = { items: [failure], analysis: { formats: [], spikes: [], stats: { bytes: 0, lines: 0, truncatedLines: 0, binaryLines: 0 } } };
  const when = new Date(failure.at).toLocaleTimeString();
  return [`**Failure from ${failure.source}** (traced at ${when}, fingerprint \`${failure.group.fingerprint}\`)`, '', renderTriageMarkdown(report, { maxItems: 1 }).trimEnd(), '', 'To find the commit that introduced it, use **Find Culprit Commit** on the notification or the quick fix at the line.'].join('\n');
}

/**
 * "If error then debug then fix then test", run once on the latest traced failure: debug = where the
 * stack tracer located it, fix = the fix suggester's advice; steps that would execute project code
 * (test) or that no agent does are named, not faked.
 */
function cascadeOnLatestFailure(condition: string, steps: readonly string[], session: WorkspaceSession): string {
  const failure = session.errors.recent()[0];
  if (!/error|fail/i.test(condition)) return `Cascades run on a failure ("if error then …"); "${condition}" is not a condition Orchestra can watch for in this version.`;
  if (!failure) return `The cascade runs on a failure, and none has been traced yet: ${NO_FAILURE}`;
  const lines = [`Ran the cascade on the latest failure (${failure.source}): **${failure.group.first.message.slice(0, 200)}**`];
  steps.forEach((step, index) => {
    const n = `${index + 1}. **${step}**`;
    if (/^(debug|trace|locate)$/i.test(step)) {
      lines.push(failure.fault ? `${n} (stack-tracer): at \`${failure.fault.file}:${failure.fault.line}\`${failure.fault.function ? ` in \`${failure.fault.function}\`` : ''}` : `${n} (stack-tracer): no frame in your own code`);
    } else if (/^(fix|suggest)$/i.test(step)) {
      lines.push(failure.suggestions[0] ? `${n} (fix-suggester): ${failure.suggestions[0].title} — ${failure.suggestions[0].detail}` : `${n} (fix-suggester): no rule matches this failure`);
    } else if (/^test/i.test(step)) {
      lines.push(`${n}: not run — running the tests executes project code; use "Find Culprit Commit" or \`orchestra review --agents tests\`.`);
    } else {
      lines.push(`${n}: no agent does "${step}" in this version.`);
    }
  });
  return lines.join('\n');
}

/** One line saying what an intent would do (for confirmations). */
export function describe(intent: Intent): string {
  switch (intent.type) {
    case 'spawn':
      return `spawn ${intent.count} ${intent.agentKind}${intent.scope.paths ? ` for ${intent.scope.paths.join(', ')}` : ''}`;
    case 'configure':
      return `configure ${intent.target.agents}: ${JSON.stringify(intent.setting)}`;
    case 'orchestrate':
      return `${intent.kind} ${intent.steps.join(' -> ')}`;
    default:
      return intent.type;
  }
}

export const HELP = [
  'Ask in plain language, for example:',
  '- "How are the agents?", "Which agents are using the most resources?", "Show me what the agents found today"',
  '- "Spawn 3 security scanner agents for src/", "Create a code review swarm for my current changes"',
  '- "Set all background agents to low-power mode", "Turn off the complexity agent for tests/"',
  '- "Chain syntax -> security -> complexity for all changed files"',
  '- "/explain <fingerprint or rule>", "/approve", "stop security-scanner-1"',
  '- "/explain" alone or "what broke the build?": the latest failure the error swarm traced',
].join('\n');
