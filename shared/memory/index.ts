/**
 * The memory service: a durable local store for findings, discoveries and learned patterns.
 * Start at {@link MemoryStore.open}; see memory-store.ts for the design.
 */
export { MemoryStore, type GcResult, type ListOptions, type MemoryEntry, type MemoryNamespace, type MemoryStats, type PutOptions } from './memory-store.js';
export { memoryOptions, memoryOptionsSchema, type MemoryOptions, type MemoryOptionsInput, type MemoryStoreOptions } from './memory-options.js';
export type { JsonValue } from './json-value.js';
export type { RecoveryReport } from './append-log.js';
