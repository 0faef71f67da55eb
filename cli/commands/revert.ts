/**
 * `orchestra revert SHA`: proposes `git revert SHA` on a new branch (or as a patch) — a `critical`
 * action: the governance engine asks for approval (here: the person at the terminal), records the
 * decision and the outcome in the audit trail, honours the commit's `Orchestra-No-Revert: true`
 * trailer and the daily cap, and never pushes. The working tree, index and HEAD stay as they are.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { proposeRevert, type RevertOutcome } from '../../agents/error/rollback/index.js';
import { AuditTrail } from '../../shared/audit/index.js';
import { InProcessEventBus } from '../../shared/bus/in-process-bus.js';
import { loadConfig } from '../../shared/config/index.js';
import { ApprovalService } from '../../shared/governance/approval-service.js';
import { PolicyEngine } from '../../shared/governance/policy-engine.js';
import { ExitCode, UsageError, type Command, type CommandIO } from '../command.js';

const usage = `Usage: orchestra revert SHA [--patch] [--yes] [--root DIR]

Proposes reverting SHA (usually the culprit \`orchestra bisect\` named): a new branch
orchestra/revert-<sha> with the revert commit on top of HEAD, or with --patch a patch file. Your
working tree, index and HEAD are not touched, and nothing is pushed. This is a critical action: it
asks for approval first (answer at the terminal, or --yes to approve in advance), and the decision
is recorded in the audit trail (config audit.path). A commit whose message has the trailer
"Orchestra-No-Revert: true" is never reverted, and at most --max-per-day reverts are made a day.

  --patch        write a patch file instead of creating a branch
  --yes          approve without asking (for scripts); without a terminal it is required
  --max-per-day N  reverts allowed per day in this repository (default 3)
  --root DIR     the repository (default: the current folder)

Exit codes: 0 reverted (or patch written), 1 denied, opted out, capped or conflicting, 2 usage error.`;

function describe(outcome: RevertOutcome, sha: string): string {
  switch (outcome.status) {
    case 'reverted':
      return `Created branch ${outcome.branch} with the revert of ${sha} (${outcome.commit.slice(0, 10)}). Nothing was pushed; your working tree is as it was.\nCheck it out with: git switch ${outcome.branch}\n`;
    case 'patch':
      return `Wrote the revert of ${sha} as a patch: ${outcome.file}\nApply it with: git am ${outcome.file}\n`;
    case 'denied':
      return `Not reverted: ${outcome.reason}\n`;
    case 'opted-out':
      return `Not reverted: ${sha}'s message says "Orchestra-No-Revert: true".\n`;
    case 'capped':
      return `Not reverted: ${outcome.limit} revert(s) were already made today in this repository (the daily cap).\n`;
    case 'conflict':
      return `Not reverted: the revert of ${sha} does not apply cleanly on HEAD (conflicts in ${outcome.files.join(', ')}). Nothing was changed.\n`;
  }
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { patch: { type: 'boolean' }, yes: { type: 'boolean' }, root: { type: 'string' }, 'max-per-day': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('Give the commit to revert: orchestra revert SHA');
  const sha = positionals[0]!;
  if (!/^[\w./~^@{}-]{1,200}$/.test(sha) || sha.startsWith('-')) throw new UsageError(`"${sha}" is not a commit name.`);
  const maxPerDay = values['max-per-day'] === undefined ? 3 : Number(values['max-per-day']);
  if (!Number.isInteger(maxPerDay) || maxPerDay < 0 || maxPerDay > 100) throw new UsageError(`--max-per-day must be a whole number from 0 to 100; got "${values['max-per-day']}".`);
  const interactive = Boolean(io.stdin?.isTTY && io.stdout.isTTY);
  if (!values.yes && !interactive) throw new UsageError('Reverting needs approval: run it in a terminal to be asked, or add --yes.');

  const repo = resolve(io.cwd, values.root ?? '.');
  const { config, rootDir } = await loadConfig({ cwd: repo });
  const audit = await AuditTrail.open(resolve(rootDir, config.audit.path));
  const bus = new InProcessEventBus();
  const agentId = 'error-rollback';
  const engine = new PolicyEngine({ policy: { grants: { [agentId]: 'critical' }, approvalTimeoutMs: 10 * 60_000 }, bus, audit, source: 'cli' });
  const approvals = new ApprovalService(bus);
  const user = io.env.USER ?? io.env.USERNAME ?? 'terminal user';
  const answer = async (request: { requestId: string; summary: string }): Promise<void> => {
    let approved = Boolean(values.yes);
    if (!approved) {
      const rl = createInterface({ input: io.stdin!, output: io.stdout });
      try {
        const answer = await rl.question(`${request.summary}\nApprove? [y/N] `);
        approved = /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    }
    await approvals.decide(request.requestId, approved, user, approved ? (values.yes ? 'approved with --yes' : 'approved at the terminal') : 'declined at the terminal');
  };
  // An answer that fails to be delivered leaves the request to time out, which denies it.
  const answering = approvals.onDidRequest((request) => void answer(request).catch((error: unknown) => io.stderr.write(`orchestra revert: ${String(error)}\n`)));
  try {
    const outcome = await proposeRevert({ repo, culprit: sha, engine, agentId, user, mode: values.patch ? 'patch' : 'branch', maxPerDay });
    io.stdout.write(describe(outcome, sha));
    return outcome.status === 'reverted' || outcome.status === 'patch' ? ExitCode.Ok : ExitCode.Findings;
  } finally {
    answering.dispose();
    approvals.dispose();
    engine.dispose();
    bus.dispose();
    await audit.close();
  }
}

/** The `revert` command. */
export const revertCommand: Command = { name: 'revert', summary: 'Propose reverting a commit on a new branch (asks for approval; audited)', usage, run };
