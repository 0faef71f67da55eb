/**
 * Reads the newest audit entries for viewers (a dashboard, `orchestra audit`), reading the log
 * backwards so a long log costs only what is shown. It does not verify the chain: show the result
 * of `verifyAuditLog` next to it. Lines that are not valid entries, and a torn last line, are skipped.
 */
import { open } from 'node:fs/promises';
import { InvalidInputError, throwIfAborted } from '../errors/errors.js';
import { auditEntrySchema } from './audit-entry.js';
import type { AuditEntry, AuditStatus } from './audit-entry.js';
import { readLinesBackward } from './read-lines-backward.js';

/** Options for {@link readAudit}. */
export interface ReadAuditOptions {
  /** Newest entries to return. Default 100. */
  limit?: number;
  /** Only entries of this agent. */
  agentId?: string;
  /** Only entries with this status. */
  status?: AuditStatus;
  signal?: AbortSignal;
}

/** The newest matching entries of the log at `path`, oldest first. A missing log reads as empty. */
export async function readAudit(path: string, options: ReadAuditOptions = {}): Promise<AuditEntry[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 0) throw new InvalidInputError(`readAudit: limit must be a non-negative integer, got ${limit}`, { key: 'limit' });
  if (limit === 0) return [];
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const newestFirst: AuditEntry[] = [];
    for await (const line of readLinesBackward(handle, size)) {
      throwIfAborted(options.signal);
      if (!line.terminated || line.bytes.length === 0) continue;
      const entry = parse(line.bytes.toString('utf8'));
      if (!entry) continue;
      if (options.agentId !== undefined && entry.agentId !== options.agentId) continue;
      if (options.status !== undefined && entry.status !== options.status) continue;
      newestFirst.push(entry);
      if (newestFirst.length >= limit) break;
    }
    return newestFirst.reverse();
  } finally {
    await handle.close();
  }
}

function parse(text: string): AuditEntry | undefined {
  try {
    const result = auditEntrySchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
