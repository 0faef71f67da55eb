import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH, hashAuditEntry } from '../../../shared/audit/audit-entry.js';
import { auditHeadPath } from '../../../shared/audit/audit-head.js';
import { AuditTrail } from '../../../shared/audit/audit-trail.js';
import { readAudit } from '../../../shared/audit/read-audit.js';
import { verifyAuditLog } from '../../../shared/audit/verify-audit-log.js';
import { BugIndicatingError, InvalidInputError } from '../../../shared/errors/errors.js';
import { secrets } from '../governance/secret-arbitraries.js';
import { openFdsUnder, readLines, tempDir, writeLines, writeLog } from './audit-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let log: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  log = join(dir, 'nested', 'audit.jsonl');
});
afterEach(async () => cleanup());

describe('AuditTrail', () => {
  it('records every field, chained from the genesis hash, fsynced by default', async () => {
    const fdsBefore = await openFdsUnder(dir);
    const trail = await AuditTrail.open(log, { now: () => Date.UTC(2024, 0, 2) });
    const first = await trail.record({
      agentId: 'test-runner',
      action: 'tests.run',
      user: 'octocat',
      level: 'execute',
      status: 'error',
      durationMs: 1234,
      input: { command: 'npm test' },
      output: { exitCode: 1 },
      error: new Error('2 tests failed'),
      traceId: 't-1',
    });
    const second = await trail.record({ agentId: 'linter', action: 'lint', level: 'read_only', status: 'ok' });
    await trail.close();
    expect(await openFdsUnder(dir)).toBe(fdsBefore);

    expect(first).toMatchObject({
      v: 1,
      seq: 1,
      ts: '2024-01-02T00:00:00.000Z',
      agentId: 'test-runner',
      action: 'tests.run',
      user: 'octocat',
      level: 'execute',
      status: 'error',
      durationMs: 1234,
      input: { command: 'npm test' },
      output: { exitCode: 1 },
      error: '2 tests failed',
      traceId: 't-1',
      prev: GENESIS_HASH,
    });
    expect(first.hash).toBe(hashAuditEntry(first));
    expect(second).toMatchObject({ seq: 2, prev: first.hash, user: null, error: null, durationMs: 0 });
    expect(await readAudit(log)).toEqual([first, second]);
    expect(JSON.parse(await readFile(auditHeadPath(log), 'utf8'))).toEqual({ v: 1, seq: 2, hash: second.hash });
  });

  it('serialises concurrent records: seqs follow call order with no gaps, and the log verifies', async () => {
    const trail = await AuditTrail.open(log, { durability: 'none' });
    const entries = await Promise.all(
      Array.from({ length: 200 }, (_, i) => trail.record({ agentId: `agent-${i % 7}`, action: `act-${i}`, level: 'read_write', status: 'ok' })),
    );
    await trail.close();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(entries.map((e) => e.action)).toEqual(Array.from({ length: 200 }, (_, i) => `act-${i}`));
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, entries: 200 });
  });

  it('continues the chain after reopening', async () => {
    await writeLog(log, 3);
    const trail = await AuditTrail.open(log, { durability: 'none' });
    expect(trail.lastSeq).toBe(3);
    const next = await trail.record({ agentId: 'a', action: 'b', level: 'read_only', status: 'ok' });
    await trail.close();
    expect(next.seq).toBe(4);
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, entries: 4 });
  });

  it('continues after a crash between an append and the head write (head lags a batch)', async () => {
    const written = await writeLog(log, 4);
    await writeFile(auditHeadPath(log), JSON.stringify({ v: 1, seq: 2, hash: written[1]!.hash }));
    const trail = await AuditTrail.open(log, { durability: 'none' });
    await trail.record({ agentId: 'a', action: 'b', level: 'read_only', status: 'ok' });
    await trail.close();
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, entries: 5, head: { seq: 5 } });
  });

  it('refuses to continue a log whose end was cut off, or whose head was removed, saying how to recover', async () => {
    await writeLog(log, 4);
    await writeLines(log, (await readLines(log)).slice(0, 2));
    await expect(AuditTrail.open(log)).rejects.toThrow(/head says seq 4.*cut off.*verifyAuditLog/);
    await rm(auditHeadPath(log));
    await expect(AuditTrail.open(log)).rejects.toThrow(/head file is missing/);
    await expect(AuditTrail.open(log)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('refuses a torn tail when asked not to repair it', async () => {
    await writeLog(log, 2);
    await writeFile(log, `${await readFile(log, 'utf8')}{"v":1`);
    await expect(AuditTrail.open(log, { repairTornTail: false })).rejects.toThrow(/torn line/);
  });

  it('rejects a malformed entry without writing anything', async () => {
    const trail = await AuditTrail.open(log, { durability: 'none' });
    const bad = { agentId: '', action: 'x', level: 'root', status: 'ok' } as unknown as Parameters<AuditTrail['record']>[0];
    await expect(trail.record(bad)).rejects.toThrow(/agentId.*non-empty.*level/s);
    await expect(trail.record(bad)).rejects.toBeInstanceOf(InvalidInputError);
    const ok = await trail.record({ agentId: 'a', action: 'b', level: 'read_only', status: 'ok' });
    await trail.close();
    expect(ok.seq).toBe(1);
    await expect(trail.record({ agentId: 'a', action: 'b', level: 'read_only', status: 'ok' })).rejects.toBeInstanceOf(BugIndicatingError);
  });

  it('redacts before writing: no secret ever reaches the file (property)', async () => {
    const trail = await AuditTrail.open(log, { durability: 'none' });
    const planted: string[] = [];
    await fc.assert(
      fc.asyncProperty(secrets, secrets, secrets, async (a, b, c) => {
        planted.push(a.secret, b.secret, c.secret);
        const entry = await trail.record({
          agentId: 'leaky',
          action: 'deploy',
          user: c.text,
          level: 'critical',
          status: 'error',
          input: { note: `using ${a.text} now`, password: b.secret, headers: [`x ${b.text}`] },
          output: `printed ${c.text}`,
          error: new Error(`failed with ${a.text}`),
          approval: { requestId: 'r', by: `reviewer ${b.text}`, reason: `ok ${c.text}` },
        });
        const line = JSON.stringify(entry);
        for (const s of [a.secret, b.secret, c.secret]) expect(line).not.toContain(s);
      }),
      { numRuns: 150 },
    );
    await trail.close();
    const text = await readFile(log, 'utf8');
    for (const secret of planted) expect(text).not.toContain(secret);
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, entries: 150 });
  });
});

describe('readAudit', () => {
  it('returns the newest entries, oldest first, filtered, and skips a torn tail', async () => {
    await writeLog(log, 30);
    await writeFile(log, `${await readFile(log, 'utf8')}{"torn":`);
    const last5 = await readAudit(log, { limit: 5 });
    expect(last5.map((e) => e.seq)).toEqual([26, 27, 28, 29, 30]);
    const even = await readAudit(log, { limit: 3, agentId: 'even' });
    expect(even.map((e) => e.seq)).toEqual([26, 28, 30]);
    expect(await readAudit(log, { limit: 100 })).toHaveLength(30);
    expect(await readAudit(join(dir, 'missing.jsonl'))).toEqual([]);
    await expect(readAudit(log, { limit: -1 })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('reads entries larger than its read chunk', async () => {
    const trail = await AuditTrail.open(log, { durability: 'none' });
    const big = 'x'.repeat(200_000);
    await trail.record({ agentId: 'a', action: 'big', level: 'read_only', status: 'ok', input: big });
    await trail.record({ agentId: 'a', action: 'small', level: 'read_only', status: 'ok' });
    await trail.close();
    const entries = await readAudit(log, { limit: 2 });
    expect(entries.map((e) => e.action)).toEqual(['big', 'small']);
    expect(entries[0]!.input).toBe(big);
    // And a reopen finds the chain end across chunk boundaries.
    const again = await AuditTrail.open(log, { durability: 'none' });
    expect(again.lastSeq).toBe(2);
    await again.close();
  });
});
