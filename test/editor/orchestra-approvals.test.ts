/**
 * The approvals inbox in a real VS Code (code-server 4.100.3) driven by Chromium: actions at the
 * `execute` and `critical` level wait in the Orchestra sidebar's Approvals view; a person approves one
 * (clicking its row, then Approve in the dialog) and denies the other (its inline Deny button); both
 * leave the view, each decision is published on the bus and recorded in the hash-chained audit log.
 * The requests come from fixtures/orchestra-approvals-helper, a test-only extension that publishes
 * them through Orchestra's public API as a governance service would. Screenshots in test-artifacts/editor/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { verifyAuditLog } from '../../shared/audit/index.js';
import {
  HARNESS_DIR,
  eventually,
  modalDialog,
  openWorkbench,
  packageExtension,
  runCommand,
  screenshot,
  startCodeServer,
  waitForNotification,
  type CodeServer,
  type Workbench,
} from './harness.js';

const ROOT = resolve(HARNESS_DIR, '..', '..');
const EXTENSION_DIR = join(ROOT, 'extension');
const HELPER_DIR = join(HARNESS_DIR, 'fixtures', 'orchestra-approvals-helper');
const SLOW = 240_000;

function makeWorkspace(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'grade.js'), "module.exports = (score) => (score > 50 ? 'pass' : 'fail');\n");
  const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...identity } });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
}

/** The Approvals view's pane in the Orchestra sidebar. */
const approvalsPane = (p: Page): Locator => p.locator('.pane', { has: p.locator('.pane-header', { hasText: /^\s*Approvals/ }) }).first();
/** The rows of the Approvals view: their labels ("ACTION (LEVEL)"). */
const approvalRows = (p: Page): Promise<string[]> => approvalsPane(p).locator('.monaco-list-row .label-name').allInnerTexts();
/** The rows' descriptions ("AGENT · expires TIME"). */
const approvalDescriptions = (p: Page): Promise<string[]> => approvalsPane(p).locator('.monaco-list-row .label-description').allInnerTexts();

interface AuditLine {
  action: string;
  level: string;
  decision: string;
  status: string;
  input?: { requestId?: string };
}

describe('the approvals inbox in code-server', () => {
  let scratch = '';
  let workspace = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const page = () => {
    if (!workbench) throw new Error('the editor did not start (see the first failure)');
    return workbench.page;
  };
  const auditFile = () => join(workspace, '.orchestra', 'audit.jsonl');
  const auditLines = (): AuditLine[] =>
    existsSync(auditFile()) ? readFileSync(auditFile(), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditLine) : [];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orchestra-approvals-test-'));
    workspace = join(scratch, 'workspace');
    makeWorkspace(workspace);
    const orchestra = await packageExtension(EXTENSION_DIR, join(scratch, 'orchestra.vsix'));
    const helper = await packageExtension(HELPER_DIR, join(scratch, 'approvals-helper.vsix'));
    server = await startCodeServer({ workspace, extensions: [orchestra, helper] });
    workbench = await openWorkbench(server, { folder: workspace });
  }, SLOW);

  afterAll(async () => {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('lists pending execute and critical actions in the Approvals view', async () => {
    const p = page();
    await runCommand(p, 'Orchestra Test: Request Approvals');
    await waitForNotification(p, 'Orchestra Test: requested 2 approvals.', 90_000);
    await runCommand(p, 'Orchestra: Focus on Approvals View');
    const rows = await eventually(() => approvalRows(p), (labels) => labels.length === 2, 'two pending approvals in the view', 60_000);
    expect(rows).toEqual(['review.run_tests (execute)', 'git.revert (critical)']);
    expect(await approvalDescriptions(p)).toEqual([expect.stringMatching(/^test-runner · expires /), expect.stringMatching(/^rollback-agent · expires /)]);
    await screenshot(p, 'orchestra-approvals-pending');
  }, SLOW);

  it('approves one by clicking its row and confirming; the audit log records it', async () => {
    const p = page();
    await approvalsPane(p).locator('.monaco-list-row', { hasText: 'review.run_tests (execute)' }).click();
    const dialog = await modalDialog(p);
    expect(dialog.message).toBe('test-runner asks to review.run_tests (execute).');
    await screenshot(p, 'orchestra-approvals-dialog');
    await dialog.click('Approve');
    const rows = await eventually(() => approvalRows(p), (labels) => labels.length === 1, 'the approved request to leave the view', 30_000);
    expect(rows).toEqual(['git.revert (critical)']);
    const lines = await eventually(async () => auditLines(), (l) => l.length === 1, 'the approval in the audit log', 30_000);
    expect(lines[0]).toMatchObject({ action: 'approval: review.run_tests', level: 'execute', decision: 'approved', status: 'ok', input: { requestId: 'approve-run-tests' } });
  }, SLOW);

  it('denies the other with its inline Deny button; the audit log records it and stays intact', async () => {
    const p = page();
    const row = approvalsPane(p).locator('.monaco-list-row', { hasText: 'git.revert (critical)' });
    await row.hover();
    await row.locator('.action-label.codicon-close').click();
    await eventually(() => approvalRows(p), (labels) => labels.length === 0, 'the denied request to leave the view', 30_000);
    await approvalsPane(p).getByText('No action is waiting for approval.').waitFor({ timeout: 30_000 });
    const lines = await eventually(async () => auditLines(), (l) => l.length === 2, 'the denial in the audit log', 30_000);
    expect(lines[1]).toMatchObject({ action: 'approval: git.revert', level: 'critical', decision: 'denied', status: 'denied', input: { requestId: 'deny-revert' } });
    expect(await verifyAuditLog(auditFile())).toMatchObject({ ok: true, entries: 2 });
    await runCommand(p, 'Orchestra: Verify Audit Log');
    expect(await waitForNotification(p, /audit log intact/)).toBe('Orchestra: audit log intact, 2 entries.');
    await screenshot(p, 'orchestra-approvals-decided');
  }, SLOW);
});
