/**
 * The head file: a tiny sidecar (`<log>.head`) holding the last entry's seq and hash, replaced
 * atomically (write a temp file, then rename) after every append. Chopping entries off the end of
 * the log leaves a head that points past the end, so truncation is detected; the head alone cannot
 * be rolled back without leaving its old value unmatched.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError } from '../errors/errors.js';

const headSchema = z.strictObject({
  v: z.literal(1),
  seq: z.int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Contents of the head file. */
export type AuditHead = z.output<typeof headSchema>;

/** Where the head of the log at `logPath` lives. */
export function auditHeadPath(logPath: string): string {
  return `${logPath}.head`;
}

/** Reads a head file: undefined when it does not exist, {@link InvalidInputError} when it is not a valid head. */
export async function readAuditHead(headPath: string): Promise<AuditHead | undefined> {
  let text: string;
  try {
    text = await readFile(headPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`Audit head file ${headPath} is not JSON: it was damaged or edited`, { file: headPath }, { cause: error });
  }
  const result = headSchema.safeParse(parsed);
  if (!result.success) {
    throw new InvalidInputError(`Audit head file ${headPath} is not a valid head ({v:1, seq, hash}): it was damaged or edited`, {
      file: headPath,
    });
  }
  return result.data;
}

/**
 * Replaces the head file atomically: the temp file is written (and fsynced when `durable`), then
 * renamed over the head, so a reader sees the old head or the new one, never a torn one.
 */
export async function writeAuditHead(headPath: string, head: Omit<AuditHead, 'v'>, durable: boolean): Promise<void> {
  const temp = `${headPath}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify({ v: 1, seq: head.seq, hash: head.hash }));
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, headPath);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
