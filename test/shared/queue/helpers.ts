/** Test helpers for the task queue tests. */
import { createHook } from 'node:async_hooks';

/** A promise opened from outside. */
export function gate<T = void>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves when `signal` aborts, rejecting with its reason (what a well-behaved handler does). */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Lets pending promise callbacks run (several microtask turns and one macrotask turn). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Counts the timers created by project code (not by the test runner, whose reporter has timers of its
 * own that come and go) since the tracker started and still alive: not fired, not cleared.
 * Process-wide counts (`process.getActiveResourcesInfo()`) cannot tell those apart.
 */
export function trackTimers(): { live(): Promise<number>; dispose(): void } {
  const alive = new Set<number>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      if (createdByProjectCode()) alive.add(asyncId);
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  }).enable();
  return {
    async live() {
      await flush(); // destroy hooks run on a later turn of the event loop
      return alive.size;
    },
    dispose: () => void hook.disable(),
  };
}

/** Called inside an async-hooks `init`: true unless a library (the test runner) created the resource. */
function createdByProjectCode(): boolean {
  // Below this function and the hook, the first frame outside Node's own code is whoever called setTimeout.
  const frames = (new Error().stack ?? '').split('\n').slice(3);
  const caller = frames.find((frame) => !frame.includes('node:'));
  return !caller?.includes('/node_modules/');
}

/** The timers project code created while `fn` ran, as Node's Timeout objects. */
export async function timersCreatedBy(fn: () => Promise<unknown>): Promise<NodeJS.Timeout[]> {
  const created: NodeJS.Timeout[] = [];
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout' && createdByProjectCode()) created.push(resource as NodeJS.Timeout);
    },
  }).enable();
  try {
    await fn();
  } finally {
    hook.disable();
  }
  return created;
}
