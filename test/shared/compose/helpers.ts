/**
 * Test helpers for composition: a real AgentHost on a real in-process bus, small agents, and leak
 * checks (timers, abort listeners).
 */
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import type { Agent, AgentContext, AgentTask } from '../../../shared/runtime/agent.js';
import { AgentHost } from '../../../shared/runtime/agent-host.js';

/** A handler for a test agent. */
export type Handle = (task: AgentTask, context: AgentContext, agentId: string) => Promise<unknown>;

/** An agent spec for {@link startHost}. */
export interface TestAgent {
  id: string;
  capabilities: string[];
  handle: Handle;
}

/** A started host with its bus; `close()` stops both. */
export interface TestHost {
  host: AgentHost;
  bus: InProcessEventBus;
  close(): Promise<void>;
}

/** Starts a real AgentHost with the given agents (a high failure threshold so circuits stay closed). */
export async function startHost(agents: TestAgent[], settings: { defaultDeadlineMs?: number } = {}): Promise<TestHost> {
  const bus = new InProcessEventBus();
  const host = new AgentHost({ bus, settings: { failureThreshold: 1000, healthCheckIntervalMs: 0, ...settings } });
  for (const a of agents) {
    const agent: Agent = {
      id: a.id,
      kind: 'review',
      capabilities: a.capabilities,
      permission: 'read_only',
      handle: (task, context) => a.handle(task, context, a.id),
    };
    await host.spawn(agent);
  }
  return {
    host,
    bus,
    async close() {
      await host.close();
      bus.dispose();
    },
  };
}

/** Waits `ms`, rejecting (AbortError) as soon as `signal` fires: a cooperative agent. */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}

/** Resolves when `signal` fires (never rejects): an agent that waits to be cancelled. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A promise that never settles: an agent that ignores its signal. */
export function forever(): Promise<never> {
  return new Promise<never>(() => undefined);
}

/** Counts timers made with the global setTimeout that have neither fired nor been cleared. */
export interface TimerTracker {
  /** Timers pending now. */
  live(): number;
  /** Puts the real setTimeout / clearTimeout back. */
  restore(): void;
}

/**
 * Wraps the global setTimeout / clearTimeout to count pending timers, unref'd ones included
 * (`process.getActiveResourcesInfo()` does not list those, and a leaked unref'd timer is still a leak).
 */
export function trackTimers(): TimerTracker {
  const live = new Set<unknown>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const tracked = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = realSet(() => {
      live.delete(timer);
      fn(...args);
    }, ms);
    live.add(timer);
    return timer;
  };
  globalThis.setTimeout = tracked as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((timer: NodeJS.Timeout | undefined) => {
    live.delete(timer);
    realClear(timer);
  }) as typeof clearTimeout;
  return {
    live: () => live.size,
    restore() {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}

/** Abort listeners currently on a signal. */
export function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** Lets pending callbacks (promise jobs, immediates) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
