/**
 * The runtime's tunables, as a schema: the host parses them where they enter (code or a settings
 * file), the type is derived from the schema, and `z.toJSONSchema(supervisionSettingsSchema)` gives
 * the JSON schema users see.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors/errors.js';

/** Largest delay `setTimeout` accepts (about 24.8 days); longer values would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const ms = (what: string, fallback: number) =>
  z.number().int().min(1).max(MAX_TIMER_MS).default(fallback).describe(what);

/** Schema of the supervision settings of an `AgentHost`. Every key is optional and has a default. */
export const supervisionSettingsSchema = z.strictObject({
  /** Deadline of a task when the caller gives none. */
  defaultDeadlineMs: ms('Milliseconds a task may run when the caller sets no deadline.', 30_000),
  /** How long an agent's start() may take before it counts as a crash. */
  startTimeoutMs: ms("Milliseconds an agent's start() may take before it counts as a crash.", 30_000),
  /** Consecutive failed tasks that open an agent's circuit. */
  failureThreshold: z.number().int().min(1).max(1_000_000).default(5).describe('Consecutive failed tasks that open the circuit.'),
  /** How long an open circuit refuses tasks before it lets one trial task through (half-open). */
  circuitCooldownMs: ms('Milliseconds an open circuit refuses tasks before it half-opens.', 30_000),
  /** First restart delay after a crash; it doubles with each crash in a row. */
  restartBaseMs: ms('Delay before the first restart after a crash; doubles per crash in a row.', 1_000),
  /** Cap of the restart delay. */
  restartMaxMs: ms('Upper bound of the restart delay.', 60_000),
  /** Crashes in a row after which the host stops restarting the agent and removes it. */
  maxRestarts: z.number().int().min(0).max(1_000_000).default(10).describe('Crashes in a row after which the agent is given up.'),
  /** Recent tasks over which latency percentiles and the error rate are computed. */
  healthWindow: z.number().int().min(1).max(100_000).default(100).describe('Recent tasks kept for latency percentiles and error rate.'),
  /** Period of the self-check sweep of agents that implement isHealthy(); 0 turns the sweep off. */
  healthCheckIntervalMs: z.number().int().min(0).max(MAX_TIMER_MS).default(10_000).describe('Period of the isHealthy() sweep; 0 turns it off.'),
  /** Highest permission level an agent may need, when the host has no `grantedLevel` function. */
  maxPermission: z
    .enum(['read_only', 'read_write', 'execute', 'critical'])
    .default('read_only')
    .describe('Highest permission level an agent may need (when no grantedLevel function is given).'),
});

/** Supervision settings as written by a user (every key optional). */
export type SupervisionSettingsInput = z.input<typeof supervisionSettingsSchema>;
/** Supervision settings after parsing (defaults filled in). */
export type SupervisionSettings = z.output<typeof supervisionSettingsSchema>;

/**
 * Parses supervision settings, filling in defaults. Throws {@link InvalidInputError} naming the first
 * bad key and what it expects; `file` is passed through when the settings came from a file.
 */
export function parseSupervisionSettings(input: unknown = {}, file?: string): SupervisionSettings {
  const result = supervisionSettingsSchema.safeParse(input ?? {});
  if (result.success) {
    if (result.data.restartMaxMs < result.data.restartBaseMs) {
      throw new InvalidInputError(
        `restartMaxMs (${result.data.restartMaxMs}) must be at least restartBaseMs (${result.data.restartBaseMs})`,
        { file, key: 'restartMaxMs' },
      );
    }
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const key = issue.path.map(String).join('.') || undefined;
  throw new InvalidInputError(
    `Invalid supervision setting${key ? ` '${key}'` : ''}: ${issue.message}`,
    { file, key },
    { cause: result.error },
  );
}
