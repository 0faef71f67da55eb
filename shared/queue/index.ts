/** The task queue: the {@link TaskQueue} contract and its in-process implementation. */
export * from './task-queue.js';
export { InProcessTaskQueue, type InProcessTaskQueueOptions } from './in-process-task-queue.js';
export { backoffDelay } from './backoff-delay.js';
export { Emitter, type Event } from './emitter.js';
export { toJsonValue, type JsonValue } from './to-json-value.js';
