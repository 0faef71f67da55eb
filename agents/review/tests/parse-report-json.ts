/**
 * The edge where a runner's JSON report enters: bounded size, a JSON syntax error reported as a
 * clear "truncated or not JSON" message, and the shape checked by a zod schema. Nothing from a
 * report is trusted before it passes here.
 */
import type { z } from 'zod';
import { InvalidInputError, errorMessage } from '../../../shared/errors/errors.js';

/** Reports larger than this are refused rather than parsed (characters). */
export const MAX_REPORT_LENGTH = 64 * 1024 * 1024;

/**
 * Parses `text` as JSON and validates it with `schema`. `source` names the report in errors
 * (`jest --json output /tmp/x.json`). Throws InvalidInputError saying what is wrong and where.
 */
export function parseReportJson<S extends z.ZodType>(text: string, schema: S, source: string): z.output<S> {
  if (text.length > MAX_REPORT_LENGTH) {
    throw new InvalidInputError(`The ${source} has ${text.length} characters, more than the limit of ${MAX_REPORT_LENGTH}`, { file: source });
  }
  if (text.trim() === '') throw new InvalidInputError(`The ${source} is empty: the runner wrote no results`, { file: source });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`The ${source} is not valid JSON (truncated or mixed with other output?): ${errorMessage(error)}`, { file: source }, { cause: error });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new InvalidInputError(`The ${source} does not have the expected shape at '${key}': ${issue?.message ?? 'unknown problem'}`, { file: source, key });
  }
  return parsed.data;
}
