/** Small agents and helpers shared by the runtime tests. */
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import type { AnyEvent } from '../../../shared/bus/topics.js';
import type { Disposable } from '../../../shared/lifecycle/disposable.js';
import type { Agent, AgentContext, AgentTask } from '../../../shared/runtime/agent.js';

/** A bus plus every `agent.*` event it carried, in order. */
export interface Recorded {
  bus: InProcessEventBus;
  events: AnyEvent[];
  topics(): string[];
  of(topic: string): AnyEvent[];
  subscription: Disposable;
}

/** A real in-process bus with a recorder on `agent.**`. */
export function recordingBus(): Recorded {
  const bus = new InProcessEventBus();
  const events: AnyEvent[] = [];
  const subscription = bus.subscribe('agent.**', (event) => {
    events.push(event);
  }, { queueLimit: 100_000 });
  return {
    bus,
    events,
    subscription,
    topics: () => events.map((e) => e.topic),
    of: (topic) => events.filter((e) => e.topic === topic),
  };
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Input understood by {@link scriptedAgent}. */
export interface ScriptInput {
  fail?: string;
  hang?: boolean;
  wait?: Promise<unknown>;
  value?: unknown;
}

/**
 * An agent driven by its task input: `{fail}` rejects, `{hang}` never settles (ignores the signal),
 * `{wait}` resolves when the promise does, otherwise it echoes `value`. Records the contexts it got.
 */
export function scriptedAgent(id: string, overrides: Partial<Agent> = {}): Agent<ScriptInput> & { contexts: AgentContext[] } {
  const contexts: AgentContext[] = [];
  return {
    id,
    kind: 'review',
    capabilities: ['code_review'],
    permission: 'read_only',
    contexts,
    async handle(task: AgentTask<ScriptInput>, context: AgentContext) {
      contexts.push(context);
      const input = task.input ?? {};
      if (input.fail !== undefined) throw new Error(input.fail);
      if (input.hang) return new Promise<never>(() => undefined);
      if (input.wait) await input.wait;
      return input.value;
    },
    ...overrides,
  } as Agent<ScriptInput> & { contexts: AgentContext[] };
}

/** Number of active timers (Timeout resources) in this process. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
