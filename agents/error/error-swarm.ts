/**
 * The error swarm: small agents on an {@link AgentHost}, chained per failure —
 * log-analyzer (group the errors of an output) → stack-tracer (locate each group in the project's
 * own code) → fix-suggester (what to do there). Failures arrive as `error.detected` events (the log
 * watcher, the test runner, the editor's failed tasks and terminal commands) or as direct calls
 * (`triage`); each traced group is published as `error.triaged` and kept in `recent` for hosts to
 * show (diagnostics at the faulting line, the chat's explanation, the dashboard).
 *
 * The culprit finder and the revert execute git and the project's tests: they are `execute` and
 * `critical` actions that go through the governance engine (an approval, audited) every time.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { EventBus } from '../../shared/bus/event-bus.js';
import { errorMessage, isCancellation } from '../../shared/errors/errors.js';
import type { Disposable } from '../../shared/lifecycle/disposable.js';
import { AgentHost } from '../../shared/runtime/agent-host.js';
import type { Agent, AgentInfo, AgentTask } from '../../shared/runtime/agent.js';
import { analyzeLog } from './logs/index.js';
import { confinedReader, orderGroups, suggestForGroup, traceGroup } from './triage.js';
import type { ErrorGroup, FixSuggestion, LogAnalysis, TriageItem, TriageReport } from './types.js';

type Reader = (absolutePath: string) => Promise<string | undefined>;

/** log-analyzer: an output in, its error groups out. */
class LogAnalyzerAgent implements Agent<string, LogAnalysis> {
  readonly id = 'log-analyzer';
  readonly kind = 'error';
  readonly capabilities = ['log_analysis'] as const;
  readonly permission = 'read_only' as const;
  handle(task: AgentTask<string>): Promise<LogAnalysis> {
    return analyzeLog(task.input);
  }
}

/** stack-tracer: a group in, its trace located in the project's own code out. */
class StackTracerAgent implements Agent<ErrorGroup, Pick<TriageItem, 'trace' | 'fault' | 'candidates'>> {
  readonly id = 'stack-tracer';
  readonly kind = 'error';
  readonly capabilities = ['stack_trace'] as const;
  readonly permission = 'read_only' as const;
  constructor(private readonly root: string, private readonly read: Reader) {}
  handle(task: AgentTask<ErrorGroup>): Promise<Pick<TriageItem, 'trace' | 'fault' | 'candidates'>> {
    return traceGroup(task.input, { root: this.root, readFile: this.read });
  }
}

/** fix-suggester: a located group in, suggestions out (a checked patch too with a model). */
class FixSuggesterAgent implements Agent<{ group: ErrorGroup; located: Pick<TriageItem, 'trace' | 'fault'> }, FixSuggestion[]> {
  readonly id = 'fix-suggester';
  readonly kind = 'error';
  readonly capabilities = ['fix_suggestion'] as const;
  readonly permission = 'read_only' as const;
  constructor(private readonly root: string, private readonly read: Reader, private readonly model: () => BaseChatModel | undefined) {}
  handle(task: AgentTask<{ group: ErrorGroup; located: Pick<TriageItem, 'trace' | 'fault'> }>, context: { signal: AbortSignal }): Promise<FixSuggestion[]> {
    return suggestForGroup(task.input.group, task.input.located, { root: this.root, readFile: this.read, model: this.model(), signal: context.signal });
  }
}

export interface ErrorSwarmOptions {
  root: string;
  bus: EventBus;
  readFile?: Reader;
  /** Optional LLM (patches); may change while running (settings). */
  model?: () => BaseChatModel | undefined;
  /** Groups triaged per failure (default 5). */
  maxItems?: number;
}

const MAX_RECENT = 100;

/** What the error swarm reacts to: `warning` also takes warnings from logs, `critical` only crashes (errors with a stack trace). */
export type ErrorSensitivity = 'warning' | 'error' | 'critical';

export class ErrorSwarm implements Disposable {
  readonly host: AgentHost;
  /** Set by "increase error monitoring sensitivity to …"; log watchers read it for each batch. */
  sensitivity: ErrorSensitivity = 'error';
  /** Traced failures by fingerprint, newest last. */
  private readonly traced = new Map<string, TriageItem & { source: string; at: number }>();
  private readonly subscriptions: Disposable[] = [];
  private readonly listeners = new Set<(items: TriageItem[]) => void>();
  private readonly read: Reader;

  private constructor(private readonly options: ErrorSwarmOptions) {
    this.read = options.readFile ?? confinedReader(options.root);
    this.host = new AgentHost({ bus: options.bus, source: 'error-swarm', grantedLevel: () => 'read_only' });
  }

  static async create(options: ErrorSwarmOptions): Promise<ErrorSwarm> {
    const swarm = new ErrorSwarm(options);
    await swarm.host.spawn(new LogAnalyzerAgent());
    await swarm.host.spawn(new StackTracerAgent(options.root, swarm.read));
    await swarm.host.spawn(new FixSuggesterAgent(options.root, swarm.read, options.model ?? (() => undefined)));
    return swarm;
  }

  /** Follows `error.detected`: each failure is triaged (its stack when it has one, else its message). */
  listen(): Disposable {
    const sub = this.options.bus.subscribe(
      'error.detected',
      async (event) => {
        const { message, stack, source } = event.payload;
        if (this.sensitivity === 'critical' && !stack) return;
        // A stack already carries its message on its first line; otherwise the message is the log.
        const text = stack && stack.includes(message.split('\n')[0]!) ? stack : [message, stack].filter(Boolean).join('\n');
        try {
          await this.triage(text, { source });
        } catch (error) {
          if (!isCancellation(error)) process.emitWarning(`error swarm: triage of a failure from ${source} failed: ${errorMessage(error)}`);
        }
      },
      { name: 'error-swarm', overflow: 'drop-oldest', queueLimit: 256 },
    );
    this.subscriptions.push(sub);
    return sub;
  }

  /** Triage an output through the agents; records and publishes each traced group. */
  async triage(input: string, options: { source: string; signal?: AbortSignal }): Promise<TriageReport> {
    const signal = options.signal;
    const analysis = await this.host.dispatch<LogAnalysis>('log-analyzer', { type: 'analyze', input }, { signal });
    const { groups, ...rest } = analysis;
    const items: TriageItem[] = [];
    for (const group of orderGroups(groups).slice(0, this.options.maxItems ?? 5)) {
      const located = await this.host.dispatch<Pick<TriageItem, 'trace' | 'fault' | 'candidates'>>('stack-tracer', { type: 'locate', input: group }, { signal });
      const suggestions = await this.host.dispatch<FixSuggestion[]>('fix-suggester', { type: 'suggest', input: { group, located } }, { signal });
      const item: TriageItem = { group, ...located, suggestions };
      items.push(item);
      this.remember(item, options.source);
      await this.options.bus.publish(
        'error.triaged',
        {
          source: options.source,
          fingerprint: group.fingerprint,
          message: group.first.message.slice(0, 500),
          count: group.count,
          ...(item.fault ? { file: item.fault.file, line: item.fault.line } : {}),
          ...(suggestions[0] ? { suggestion: suggestions[0].title } : {}),
        },
        { source: 'error-swarm' },
      );
    }
    if (items.length > 0) for (const listener of this.listeners) listener(items);
    return { items, analysis: rest };
  }

  private remember(item: TriageItem, source: string): void {
    const previous = this.traced.get(item.group.fingerprint);
    this.traced.delete(item.group.fingerprint);
    const count = (previous?.group.count ?? 0) + item.group.count;
    this.traced.set(item.group.fingerprint, { ...item, group: { ...item.group, count }, source, at: Date.now() });
    while (this.traced.size > MAX_RECENT) this.traced.delete(this.traced.keys().next().value!);
  }

  /** Traced failures, newest first. */
  recent(): (TriageItem & { source: string; at: number })[] {
    return [...this.traced.values()].reverse();
  }

  /** Forgets one traced failure (or all). */
  clear(fingerprint?: string): void {
    if (fingerprint === undefined) this.traced.clear();
    else this.traced.delete(fingerprint);
    for (const listener of this.listeners) listener([]);
  }

  /** Called with the items of each triage (and with [] when cleared). */
  onDidTriage(listener: (items: TriageItem[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  agents(): AgentInfo[] {
    return this.host.list();
  }

  async close(): Promise<void> {
    for (const sub of this.subscriptions.splice(0)) sub.dispose();
    this.listeners.clear();
    await this.host.close();
  }

  dispose(): void {
    void this.close();
  }
}
