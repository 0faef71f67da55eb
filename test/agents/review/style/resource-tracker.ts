/**
 * Leak check for tests: records the timers, immediates, sockets, child processes and workers created
 * while tracking is on, and reports those still alive at the end. Resources made by jest itself (its
 * reporter's status timer) are left out, and so are resources caused by something older than the
 * tracking (a connection another test file left open in this jest worker fires timers of its own):
 * a resource counts only when its async ancestry leads back to the context that started tracking.
 */
import { createHook, executionAsyncId } from 'node:async_hooks';

const TRACKED = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'PIPEWRAP', 'PROCESSWRAP', 'WORKER', 'FSEVENTWRAP', 'SIGNALWRAP', 'STATWATCHER']);

/** True when the first frame outside Node's internals (the code that made the resource) is jest's. */
function madeByJest(stack: string): boolean {
  const origin = stack
    .split('\n')
    .slice(1)
    .find((line) => !line.includes('node:') && !line.includes('resource-tracker'));
  return origin !== undefined && /[/\\](@jest|jest-[a-z-]+)[/\\]/.test(origin);
}

/** Starts tracking; `stop()` resolves with a description of each resource still alive. */
export function trackResources(): { stop(): Promise<string[]> } {
  const live = new Map<number, { type: string; stack: string }>();
  // Every async resource (of any type) made since tracking began, descended from the starting context.
  const ours = new Set<number>([executionAsyncId()]);
  const hook = createHook({
    init(id, type, triggerAsyncId) {
      if (!ours.has(triggerAsyncId) && !ours.has(executionAsyncId())) return;
      ours.add(id);
      if (!TRACKED.has(type)) return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 30;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      live.set(id, { type, stack });
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return {
    async stop() {
      // Let timers that already fired report their destruction; this immediate is ours, not a leak.
      const own = await new Promise<number>((resolve) => setImmediate(() => resolve(executionAsyncId())));
      hook.disable();
      live.delete(own);
      return [...live.values()].filter((r) => !madeByJest(r.stack)).map((r) => `${r.type}\n${r.stack}`);
    },
  };
}
