/**
 * Options of the memory store. The data options are a zod schema, so a host that reads them from
 * settings gets the same validation and can publish the JSON schema (`z.toJSONSchema`).
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors/errors.js';

const MiB = 1024 * 1024;

/** Largest value a put accepts, ever: also the bound recovery uses to spot a damaged length field. */
export const MAX_VALUE_BYTES_LIMIT = 64 * MiB;

/** The serialisable options (what a settings file may hold). */
export const memoryOptionsSchema = z
  .object({
    /** Size the store's file is brought under by `gc()` (bytes). Least-recently-written entries go first. */
    maxBytes: z.number().int().min(4096).default(64 * MiB),
    /** Time to live of entries put without `ttlMs` (ms). Omitted: they never expire. */
    defaultTtlMs: z.number().int().positive().optional(),
    /** Run `gc()` this often (ms) on an unref'd timer. Omitted: only when called. */
    gcIntervalMs: z.number().int().min(100).optional(),
    /** Compact in the background once dead records make up `compactRatio` of a file over `compactMinBytes`. */
    autoCompact: z.boolean().default(true),
    /** Dead share of the file (0..1) that triggers an automatic compaction. */
    compactRatio: z.number().gt(0).lt(1).default(0.5),
    /** Smallest file (bytes) worth compacting automatically. */
    compactMinBytes: z.number().int().nonnegative().default(MiB),
    /** Largest JSON text of one value (bytes); bigger puts are refused with a clear error. */
    maxValueBytes: z.number().int().positive().max(MAX_VALUE_BYTES_LIMIT).default(16 * MiB),
  })
  .strict();

/** The serialisable options as written by a caller. */
export type MemoryOptionsInput = z.input<typeof memoryOptionsSchema>;

/** The serialisable options after defaults. */
export type MemoryOptions = z.output<typeof memoryOptionsSchema>;

/** Everything `MemoryStore.open` accepts: the data options plus run-time hooks. */
export interface MemoryStoreOptions extends MemoryOptionsInput {
  /** Milliseconds since the epoch; tests inject a fake. Default `Date.now`. */
  clock?: () => number;
  /** Cancels opening (the replay of a large log). */
  signal?: AbortSignal;
  /** Receives failures of background work (timer GC, automatic compaction). Default: kept in `stats()`. */
  onBackgroundError?: (error: unknown) => void;
}

/** Validates the data options, naming the bad key (`memory.maxBytes`) and what is expected. */
export function memoryOptions(input: MemoryOptionsInput, source = 'memory'): MemoryOptions {
  const parsed = memoryOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = [source, ...issue.path.map(String)].join('.');
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new InvalidInputError(`Invalid memory store option ${key}: ${issue.message}${keys}`, { key }, { cause: parsed.error });
}
