import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH, hashAuditEntry } from '../../../shared/audit/audit-entry.js';
import type { AuditEntry } from '../../../shared/audit/audit-entry.js';
import { auditHeadPath } from '../../../shared/audit/audit-head.js';
import { AuditTrail } from '../../../shared/audit/audit-trail.js';
import { canonicalJson } from '../../../shared/audit/canonical-json.js';
import { verifyAuditLog } from '../../../shared/audit/verify-audit-log.js';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { readLines, tempDir, writeLines, writeLog } from './audit-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let log: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  log = join(dir, 'audit.jsonl');
  await writeLog(log, 5);
});
afterEach(async () => cleanup());

/** Re-chains entries from `from` on, as an attacker who knows the format would after an edit. */
function rechain(entries: AuditEntry[]): string[] {
  let prev = GENESIS_HASH;
  return entries.map((entry, i) => {
    const body = { ...entry, seq: i + 1, prev };
    const hash = hashAuditEntry(body);
    prev = hash;
    return canonicalJson({ ...body, hash });
  });
}

describe('verifyAuditLog', () => {
  it('accepts an untouched log and reports its end', async () => {
    const result = await verifyAuditLog(log);
    expect(result).toMatchObject({ ok: true, entries: 5, lastSeq: 5, head: { seq: 5 } });
    expect(result.problem).toBeUndefined();
    expect(result.lastHash).toBe(result.head?.hash);
  });

  it('detects an edited entry and names it', async () => {
    const lines = await readLines(log);
    lines[2] = lines[2]!.replace('"action":"a3"', '"action":"aX"');
    await writeLines(log, lines);
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'edited', line: 3, seq: 3 });
  });

  it('detects an edit that keeps the JSON equal but changes the text', async () => {
    const lines = await readLines(log);
    lines[1] = lines[1]!.replace('{', '{ ');
    await writeLines(log, lines);
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'edited', line: 2, seq: 2 });
  });

  it('detects an edited entry whose own hash was recomputed (the next entry no longer chains)', async () => {
    const lines = await readLines(log);
    const entry = JSON.parse(lines[2]!) as AuditEntry;
    const forged = { ...entry, status: 'denied' as const };
    lines[2] = canonicalJson({ ...forged, hash: hashAuditEntry(forged) });
    await writeLines(log, lines);
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'broken-chain', line: 4, seq: 4 });
  });

  it('detects a deleted entry', async () => {
    const lines = await readLines(log);
    lines.splice(2, 1);
    await writeLines(log, lines);
    const { problem, entries } = await verifyAuditLog(log);
    expect(problem).toMatchObject({ kind: 'sequence', line: 3, seq: 4 });
    expect(problem?.message).toMatch(/expected seq 3, found 4/);
    expect(entries).toBe(2);
  });

  it('detects an inserted entry, even one forged to chain correctly', async () => {
    const lines = await readLines(log);
    const second = JSON.parse(lines[1]!) as AuditEntry;
    const forgedBody = { ...second, seq: 3, action: 'forged', prev: second.hash };
    lines.splice(2, 0, canonicalJson({ ...forgedBody, hash: hashAuditEntry(forgedBody) }));
    await writeLines(log, lines);
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'sequence', line: 4, seq: 3 });
  });

  it('detects a duplicated line', async () => {
    const lines = await readLines(log);
    lines.splice(1, 0, lines[1]!);
    await writeLines(log, lines);
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'sequence', line: 3, seq: 2 });
  });

  it('detects reordered entries', async () => {
    const lines = await readLines(log);
    [lines[2], lines[3]] = [lines[3]!, lines[2]!];
    await writeLines(log, lines);
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'sequence', line: 3, seq: 4 });
  });

  it('detects entries cut off the end (truncation) through the head file', async () => {
    const lines = await readLines(log);
    await writeLines(log, lines.slice(0, 3));
    const { problem, entries } = await verifyAuditLog(log);
    expect(problem).toMatchObject({ kind: 'truncated', line: 4, seq: 4 });
    expect(problem?.message).toMatch(/entries 4\.\.5 were cut off/);
    expect(entries).toBe(3);
  });

  it('detects a log emptied completely', async () => {
    await writeFile(log, '');
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'truncated', line: 1, seq: 1 });
  });

  it('detects removal of the head file', async () => {
    await rm(auditHeadPath(log));
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'head-missing', line: 6, seq: 6 });
  });

  it('detects a damaged head file', async () => {
    await writeFile(auditHeadPath(log), '{"seq": "five"}');
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'head-invalid' });
  });

  it('detects a rewritten history whose chain was recomputed, because the head still names the old last hash', async () => {
    const entries = (await readLines(log)).map((l) => JSON.parse(l) as AuditEntry);
    entries.splice(1, 1); // drop an embarrassing entry and re-chain everything after it
    await writeLines(log, rechain(entries));
    // The head says seq 5; the rewritten log has 4 entries.
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'truncated' });
    // Appending a filler entry to reach seq 5 again still fails: the hash at seq 5 differs.
    const filler = { ...entries[3]!, action: 'filler' };
    await writeLines(log, rechain([...entries, filler]));
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'head-mismatch', line: 5, seq: 5 });
  });

  it('reports a torn last line (crash mid-append) distinctly', async () => {
    await appendFile(log, '{"v":1,"seq":6,"ts":"2024');
    const result = await verifyAuditLog(log);
    expect(result.problem).toMatchObject({ kind: 'torn-tail', line: 6, seq: 6 });
    expect(result.entries).toBe(5);
  });

  it('reports truncation, not a torn line, when entries were cut mid-line', async () => {
    const text = await readFile(log, 'utf8');
    await writeFile(log, text.slice(0, text.length - 40));
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'truncated', seq: 5 });
  });

  it('detects garbage lines', async () => {
    const lines = await readLines(log);
    lines.splice(4, 0, 'not json');
    await writeLines(log, lines);
    expect((await verifyAuditLog(log)).problem).toMatchObject({ kind: 'malformed', line: 5, seq: 5 });
  });

  it('accepts a head that lags behind the log (crash between append and head write)', async () => {
    const lines = await readLines(log);
    const third = JSON.parse(lines[2]!) as AuditEntry;
    await writeFile(auditHeadPath(log), JSON.stringify({ v: 1, seq: 3, hash: third.hash }));
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, entries: 5 });
  });

  it('rejects a path where there is no log at all', async () => {
    await expect(verifyAuditLog(join(dir, 'nope.jsonl'))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('after AuditTrail.open repairs a torn line, the log verifies and records the repair', async () => {
    await appendFile(log, '{"v":1,"seq":6,"ts":"2024');
    const trail = await AuditTrail.open(log, { durability: 'none' });
    await trail.close();
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, entries: 6 });
    const last = JSON.parse((await readLines(log))[5]!) as AuditEntry;
    expect(last).toMatchObject({ seq: 6, action: 'audit.torn_tail_repaired', input: { droppedBytes: 25 } });
  });
});
