/** Durations on the command line ("90s", "10m", "1.5h", "250ms"), parsed with `ms`. */
import ms from 'ms';
import { UsageError } from './command.js';

/** Milliseconds of a duration option; a usage error naming the flag when it is not one (or is ≤ 0 or over a week). */
export function parseDuration(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number.NaN : ms(text as ms.StringValue);
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 7 * 24 * 3_600_000) {
    throw new UsageError(`${flag} must be a duration with a unit, such as 90s, 10m or 1h; got "${text}".`);
  }
  return value;
}
