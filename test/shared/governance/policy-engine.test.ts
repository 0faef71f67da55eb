import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry, AuditInput, AuditRecorder } from '../../../shared/audit/audit-entry.js';
import { AuditTrail } from '../../../shared/audit/audit-trail.js';
import { readAudit } from '../../../shared/audit/read-audit.js';
import { verifyAuditLog } from '../../../shared/audit/verify-audit-log.js';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import { CancelledError, InvalidInputError, PermissionDeniedError } from '../../../shared/errors/errors.js';
import { ApprovalService } from '../../../shared/governance/approval-service.js';
import { PolicyEngine } from '../../../shared/governance/policy-engine.js';
import type { PolicyInput } from '../../../shared/governance/policy.js';
import { tempDir } from '../audit/audit-helpers.js';

const GITHUB_TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

let bus: InProcessEventBus;
let trail: AuditTrail;
let log: string;
let cleanup: () => Promise<void>;
const owned: { dispose(): void }[] = [];

function setup(policy: PolicyInput = {}, audit?: AuditRecorder): { engine: PolicyEngine; approvals: ApprovalService } {
  const engine = new PolicyEngine({ policy, bus, audit: audit ?? trail });
  const approvals = new ApprovalService(bus);
  owned.push(engine, approvals);
  return { engine, approvals };
}

async function audited(): Promise<AuditEntry[]> {
  await trail.flush();
  return readAudit(log);
}

beforeEach(async () => {
  const tmp = await tempDir();
  cleanup = tmp.cleanup;
  log = join(tmp.dir, 'audit.jsonl');
  trail = await AuditTrail.open(log, { durability: 'none' });
  bus = new InProcessEventBus();
});

afterEach(async () => {
  for (const item of owned.splice(0)) item.dispose();
  // Nothing left subscribed once the engine and the service are disposed.
  expect(bus.stats().subscriptions).toBe(0);
  bus.dispose();
  await trail.close();
  expect((await verifyAuditLog(log)).ok).toBe(true);
  await cleanup();
});

describe('PolicyEngine', () => {
  it('allows an action within the granted level without asking anyone, and audits it', async () => {
    const { engine } = setup();
    const decision = await engine.authorize({ agentId: 'linter', action: 'pr.comment', level: 'read_write', input: { body: 'nit' }, user: 'octocat' });
    expect(decision).toMatchObject({ allowed: true, outcome: 'allowed', granted: 'read_write' });
    expect(bus.recent().filter((e) => e.topic === 'approval.requested')).toHaveLength(0);
    expect(await audited()).toEqual([
      expect.objectContaining({ agentId: 'linter', action: 'pr.comment', user: 'octocat', level: 'read_write', status: 'ok', decision: 'allowed', input: { body: 'nit' } }),
    ]);
  });

  it('refuses an under-privileged action with PermissionDeniedError, asks no one, and audits the refusal', async () => {
    const { engine } = setup({ grants: { runner: 'execute' } });
    await expect(engine.authorize({ agentId: 'linter', action: 'git.revert', level: 'execute' })).rejects.toThrow(PermissionDeniedError);
    await expect(engine.authorize({ agentId: 'runner', action: 'repo.delete', level: 'critical' })).rejects.toThrow(
      /"repo.delete" by agent "runner" was refused: agent "runner" is granted execute but "repo.delete" needs critical/,
    );
    expect(bus.recent().filter((e) => e.topic === 'approval.requested')).toHaveLength(0);
    const entries = await audited();
    expect(entries.map((e) => [e.agentId, e.status, e.decision])).toEqual([
      ['linter', 'denied', 'refused'],
      ['runner', 'denied', 'refused'],
    ]);
    expect(entries[0]!.error).toMatch(/granted read_write but "git.revert" needs execute/);
  });

  it('asks for approval over the bus; an approval from the ApprovalService lets the action run and is audited', async () => {
    const { engine, approvals } = setup({ grants: { runner: 'execute' } });
    const seen: string[] = [];
    owned.push(approvals.onDidRequest((request) => {
      seen.push(request.summary);
      expect(approvals.list().map((r) => r.requestId)).toEqual([request.requestId]);
      void approvals.decide(request.requestId, true, 'alice', 'tests only');
    }));
    const decision = await engine.authorize({ agentId: 'runner', action: 'tests.run', level: 'execute', input: { cmd: 'npm test' }, traceId: 'tr-1' });
    expect(decision).toMatchObject({ allowed: true, outcome: 'approved', decidedBy: 'alice', requestId: expect.any(String) });
    expect(seen).toEqual(['runner wants to tests.run (execute): {"cmd":"npm test"}']);
    expect(approvals.list()).toEqual([]);
    expect(engine.pendingApprovals).toBe(0);
    const requested = bus.recent().find((e) => e.topic === 'approval.requested');
    expect(requested?.traceId).toBe('tr-1');
    const [entry] = await audited();
    expect(entry).toMatchObject({
      status: 'ok',
      decision: 'approved',
      traceId: 'tr-1',
      approval: { requestId: decision.requestId, by: 'alice', reason: 'approved by alice: tests only' },
    });
  });

  it('a denial from the ApprovalService refuses the action and is audited', async () => {
    const { engine, approvals } = setup({ grants: { reverter: 'critical' } });
    owned.push(approvals.onDidRequest((r) => void approvals.decide(r.requestId, false, 'bob', 'not on a Friday')));
    await expect(engine.authorize({ agentId: 'reverter', action: 'git.revert', level: 'critical' })).rejects.toThrow(
      /was denied: denied by bob: not on a Friday/,
    );
    const [entry] = await audited();
    expect(entry).toMatchObject({ status: 'denied', decision: 'denied', approval: { by: 'bob' } });
  });

  it('denies an approval nobody answers once it times out, and audits the timeout', async () => {
    const { engine, approvals } = setup({ grants: { runner: 'execute' }, approvalTimeoutMs: 40 });
    const pending = engine.evaluate({ agentId: 'runner', action: 'tests.run', level: 'execute' });
    await bus.idle();
    expect(approvals.list()).toHaveLength(1);
    const decision = await pending;
    expect(decision).toMatchObject({ allowed: false, outcome: 'timed_out', reason: 'no answer within 40 ms' });
    expect(approvals.list()).toEqual([]); // expired
    await expect(approvals.decide(decision.requestId!, true, 'late')).rejects.toThrow(InvalidInputError);
    const [entry] = await audited();
    expect(entry).toMatchObject({ status: 'denied', decision: 'timed_out', error: 'no answer within 40 ms' });
  });

  it('clears its timer and abort listener once answered (fake timers)', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    try {
      const { engine, approvals } = setup({ grants: { runner: 'execute' } });
      const controller = new AbortController();
      owned.push(approvals.onDidRequest((r) => void approvals.decide(r.requestId, true, 'alice')));
      const decision = await engine.authorize({ agentId: 'runner', action: 'x', level: 'execute', signal: controller.signal });
      expect(decision.outcome).toBe('approved');
      expect(jest.getTimerCount()).toBe(0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a cancelled signal denies a pending approval (CancelledError) and is audited as cancelled', async () => {
    const { engine, approvals } = setup({ grants: { runner: 'execute' } });
    const controller = new AbortController();
    const pending = engine.authorize({ agentId: 'runner', action: 'tests.run', level: 'execute', signal: controller.signal });
    await bus.idle();
    expect(approvals.list()).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // An already-aborted signal is refused at once.
    await expect(engine.authorize({ agentId: 'runner', action: 'tests.run', level: 'execute', signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect((await audited()).map((e) => [e.status, e.decision])).toEqual([
      ['cancelled', 'cancelled'],
      ['cancelled', 'cancelled'],
    ]);
  });

  it('disposing the engine cancels pending approvals', async () => {
    const { engine } = setup({ grants: { runner: 'execute' } });
    const pending = engine.evaluate({ agentId: 'runner', action: 'tests.run', level: 'execute' });
    await bus.idle();
    engine.dispose();
    expect(await pending).toMatchObject({ allowed: false, outcome: 'cancelled', reason: 'the policy engine was disposed' });
    expect(engine.pendingApprovals).toBe(0);
  });

  it('ignores answers to other requests', async () => {
    const { engine, approvals } = setup({ grants: { runner: 'execute' }, approvalTimeoutMs: 40 });
    const pending = engine.evaluate({ agentId: 'runner', action: 'tests.run', level: 'execute' });
    await bus.idle();
    await bus.publish('approval.decided', { requestId: 'someone-elses', approved: true, by: 'mallory' });
    expect(approvals.list()).toHaveLength(1);
    expect((await pending).outcome).toBe('timed_out');
  });

  it('never shows a secret to the approver or writes it to the audit', async () => {
    const { engine, approvals } = setup({ grants: { deployer: 'critical' } });
    owned.push(approvals.onDidRequest((r) => void approvals.decide(r.requestId, true, 'alice')));
    await engine.authorize({
      agentId: 'deployer',
      action: 'deploy',
      level: 'critical',
      input: { env: `GITHUB_TOKEN=${GITHUB_TOKEN}`, password: 'hunter2-hunter2' },
    });
    const summary = bus.recent().find((e) => e.topic === 'approval.requested')?.payload as { summary: string };
    expect(summary.summary).not.toContain(GITHUB_TOKEN);
    expect(summary.summary).not.toContain('hunter2');
    await trail.flush();
    const text = await readFile(log, 'utf8');
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain('hunter2');
  });

  it('perform() runs an authorized action and audits its outcome, output and duration', async () => {
    let now = 1_000;
    const engine = new PolicyEngine({ policy: {}, bus, audit: trail, now: () => now });
    owned.push(engine);
    const result = await engine.perform({ agentId: 'fixer', action: 'file.write', level: 'read_write', input: { path: 'a.ts' } }, async () => {
      now += 25;
      return { written: 3 };
    });
    expect(result).toEqual({ written: 3 });
    await expect(
      engine.perform({ agentId: 'fixer', action: 'file.write', level: 'read_write' }, async () => {
        throw new Error(`disk full, token=${GITHUB_TOKEN}`);
      }),
    ).rejects.toThrow('disk full');
    const ran = jest.fn(async () => 'should not run');
    await expect(engine.perform({ agentId: 'fixer', action: 'shell', level: 'execute' }, ran)).rejects.toThrow(PermissionDeniedError);
    expect(ran).not.toHaveBeenCalled();
    expect((await audited()).map((e) => [e.status, e.decision ?? '-', e.durationMs, e.output, e.error])).toEqual([
      ['ok', 'allowed', 0, null, null],
      ['ok', '-', 25, { written: 3 }, null],
      ['ok', 'allowed', 0, null, null],
      ['error', '-', 0, null, 'disk full, token=[REDACTED:github-token]'],
      ['denied', 'refused', 0, null, expect.stringContaining('needs execute')],
    ]);
  });

  it('fails closed: when the audit cannot be written, the action is not authorized', async () => {
    const broken: AuditRecorder = { record: (_: AuditInput) => Promise.reject(new Error('disk full')) };
    const { engine } = setup({}, broken);
    const ran = jest.fn(async () => 1);
    await expect(engine.perform({ agentId: 'a', action: 'b', level: 'read_only' }, ran)).rejects.toThrow('disk full');
    expect(ran).not.toHaveBeenCalled();
  });

  it('rejects malformed requests and exposes grants and limits for the runtime', async () => {
    const { engine } = setup({ grants: { runner: 'execute' }, agentLimits: { runner: { maxConcurrentTasks: 1 } } });
    await expect(engine.authorize({ agentId: 'a', action: 'b', level: 'root' as never })).rejects.toThrow(/level must be one of/);
    await expect(engine.authorize({ agentId: '', action: 'b', level: 'read_only' })).rejects.toBeInstanceOf(InvalidInputError);
    expect(engine.grantedLevel('runner')).toBe('execute');
    expect(engine.grantedLevel('other')).toBe('read_write');
    expect(engine.limits('runner').maxConcurrentTasks).toBe(1);
    engine.setPolicy({ defaultLevel: 'read_only' });
    expect(engine.grantedLevel('other')).toBe('read_only');
    expect(await audited()).toEqual([]);
  });
});

describe('ApprovalService', () => {
  it('validates answers and tells hosts when another host answered', async () => {
    const { engine, approvals } = setup({ grants: { runner: 'execute' } });
    const other = new ApprovalService(bus);
    owned.push(other);
    const decided: string[] = [];
    owned.push(approvals.onDidDecide((a) => decided.push(`${a.requestId}:${a.approved}:${a.by}`)));
    const pending = engine.authorize({ agentId: 'runner', action: 'tests.run', level: 'execute' });
    await bus.idle();
    const [request] = approvals.list();
    expect(request).toMatchObject({ agentId: 'runner', action: 'tests.run', level: 'execute', expiresAt: expect.any(Number) });
    await expect(approvals.decide('nope', true, 'alice')).rejects.toThrow(/No pending approval request "nope".*Pending: /);
    await expect(approvals.decide(request!.requestId, true, '  ')).rejects.toThrow(/by must name who decides/);
    await other.decide(request!.requestId, true, 'carol');
    await pending;
    expect(decided).toEqual([`${request!.requestId}:true:carol`]);
    expect(approvals.list()).toEqual([]);
  });
});
