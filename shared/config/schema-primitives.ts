/**
 * Small schemas shared by the sections of the Orchestra config. Their error texts are phrased as
 * "expected …" because config errors print them after the key path.
 */
import { z } from 'zod';

/** Severity of a finding, as in findings/finding.ts. */
export const severitySchema = z.enum(['error', 'warning', 'info']);

/** A path or glob, relative to the repository root unless absolute; `what` names it in errors. */
export function repoPathSchema(what: string) {
  return z
    .string()
    .min(1, { error: `expected a non-empty ${what}` })
    .max(1024, { error: `expected a ${what} of at most 1024 characters` })
    .refine((value) => !value.includes('\0'), { error: `expected a ${what} without NUL characters` });
}
