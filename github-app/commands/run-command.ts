/**
 * Runs `/orchestra …` commands from a pull-request comment. Only users with write access (admin,
 * maintain, write) may act; others get one polite refusal. Each command answers in a reply comment.
 * `ignore`, `pause` and `resume` change the pull request's state, kept in the summary comment.
 */
import { SECURITY_RULES } from '../../agents/review/security/rules.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { findSummaryComment, upsertSummaryComment } from '../github/summary-comment.js';
import { mdInline } from '../report/check-run-output.js';
import { emptyState, encodeState, type PrState, type StoredFinding } from '../report/pr-state.js';
import { renderSummary } from '../report/summary-comment.js';
import { parsePrCommands, PR_COMMAND_HELP, type PrCommand } from './parse-pr-command.js';

/** A comment to act on (plain JSON: it may cross Redis). */
export interface CommandJobData {
  installationId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  commentId: number;
  /** Login of the comment's author. */
  user: string;
  body: string;
  headSha: string;
  repoHtmlUrl: string;
  key: string;
}

/** What the command run did. */
export interface CommandJobResult {
  commands: PrCommand['kind'][];
  refused: boolean;
  /** The caller enqueues a full review when set. */
  reviewRequested: boolean;
  replies: number;
}

/** What a command needs besides its data. */
export interface CommandDeps {
  octokit: Octokit;
  botLogin: string;
  /** Queues a full review of the pull request's current head. */
  requestReview(reason: string): Promise<void>;
}

const WRITE = new Set(['admin', 'maintain', 'write']);

/** Whether `user` may run commands: write access or more. */
export async function hasWriteAccess(octokit: Octokit, repo: RepoRef, user: string): Promise<boolean> {
  try {
    const res = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: user });
    return WRITE.has(res.data.permission) || WRITE.has(res.data.role_name ?? '');
  } catch {
    return false; // not a collaborator (404) or unknown: no access
  }
}

function findFinding(state: PrState, target: string): StoredFinding[] {
  return state.findings.filter((f) => f.fp === target || f.rule === target || f.rule === `eslint/${target}`);
}

/** The text for `/orchestra explain`. */
export function explainText(state: PrState, target: string, repoHtmlUrl: string, headSha: string): string {
  const matches = findFinding(state, target);
  const ruleId = matches[0]?.rule ?? (target.includes('/') ? target : `eslint/${target}`);
  const lines: string[] = [];
  if (matches.length === 0 && !/^[0-9a-f]{16}$/.test(target)) lines.push(`No current finding matches \`${mdInline(target)}\`; here is what the rule checks.`, '');
  if (matches.length === 0 && /^[0-9a-f]{16}$/.test(target)) return `No current finding has the fingerprint \`${target}\`: it may have been fixed by a later push.`;
  const f = matches[0];
  if (f) {
    const path = f.file.split('/').map(encodeURIComponent).join('/');
    lines.push(`**${mdInline(f.rule)}** (${f.sev}, ${mdInline(f.agent)}) at [\`${f.file.replace(/`/g, "'")}:${f.line}\`](${repoHtmlUrl}/blob/${headSha}/${path}#L${f.line}): ${mdInline(f.msg)}`, '');
    if (matches.length > 1) lines.push(`${matches.length - 1} more finding(s) of this rule on the pull request.`, '');
  }
  const security = Object.values(SECURITY_RULES).find((r) => r.id === ruleId);
  if (security) {
    lines.push(`**${security.title}** (${security.cwe.map((c) => `[CWE-${c}](https://cwe.mitre.org/data/definitions/${c}.html)`).join(', ')})`, '', `How to fix: ${security.help}`);
  } else if (ruleId.startsWith('eslint/')) {
    const name = ruleId.slice('eslint/'.length);
    const plugin = name.includes('/') ? name.split('/')[0]! : undefined;
    lines.push(plugin === '@typescript-eslint'
      ? `An ESLint rule from typescript-eslint: https://typescript-eslint.io/rules/${name.split('/')[1] ?? ''}`
      : plugin ? `An ESLint rule from the \`${mdInline(plugin)}\` plugin.` : `An ESLint rule: https://eslint.org/docs/latest/rules/${name}`);
  } else if (ruleId.startsWith('complexity/')) {
    lines.push('A complexity threshold was exceeded: split the function into smaller ones with single purposes, return early instead of nesting, and replace long if/else chains with lookups. Thresholds are set under `review.complexity` in `.github/orchestra.yml`.');
  } else if (ruleId.startsWith('syntax/')) {
    lines.push('The file does not parse: fix the syntax error at the reported position; other agents may miss problems in a file that does not parse.');
  } else {
    lines.push(`Orchestra has no further explanation for \`${mdInline(ruleId)}\`.`);
  }
  lines.push('', `To silence it here: \`/orchestra ignore ${f?.fp ?? ruleId} <reason>\`.`);
  return lines.join('\n');
}

/** Runs the commands of one comment. */
export async function runCommandJob(data: CommandJobData, deps: CommandDeps): Promise<CommandJobResult> {
  const repo: RepoRef = { owner: data.owner, repo: data.repo };
  const commands = parsePrCommands(data.body);
  const result: CommandJobResult = { commands: commands.map((c) => c.kind), refused: false, reviewRequested: false, replies: 0 };
  if (commands.length === 0) return result;
  const reply = async (text: string) => {
    await deps.octokit.rest.issues.createComment({ ...repo, issue_number: data.pullNumber, body: text });
    result.replies++;
  };
  if (!(await hasWriteAccess(deps.octokit, repo, data.user))) {
    result.refused = true;
    await reply(`@${data.user} thanks for trying Orchestra. Only people with write access to this repository can run \`/orchestra\` commands, so this one was not run.`);
    return result;
  }
  const summary = await findSummaryComment(deps.octokit, repo, data.pullNumber, deps.botLogin);
  let state: PrState = summary?.state ?? emptyState();
  let stateChanged = false;
  const out: string[] = [];
  for (const command of commands) {
    switch (command.kind) {
      case 'help':
        out.push(PR_COMMAND_HELP);
        break;
      case 'unknown':
        out.push(`I did not understand that: ${mdInline(command.problem)}.`, '', PR_COMMAND_HELP);
        break;
      case 'review':
        result.reviewRequested = true;
        out.push('A fresh review of this pull request is queued.');
        break;
      case 'pause':
        state = { ...state, paused: { by: data.user } };
        stateChanged = true;
        out.push('Automatic reviews of this pull request are paused. `/orchestra resume` turns them back on; `/orchestra review` still reviews on request.');
        break;
      case 'resume': {
        const { paused: _paused, ...rest } = state;
        state = rest;
        stateChanged = true;
        result.reviewRequested = true;
        out.push('Automatic reviews are back on; reviewing the current head now.');
        break;
      }
      case 'ignore': {
        const matches = findFinding(state, command.target);
        state = { ...state, ignores: [...state.ignores.filter((i) => i.target !== command.target), { target: command.target, by: data.user, ...(command.reason ? { reason: command.reason } : {}) }].slice(-200) };
        stateChanged = true;
        result.reviewRequested = true;
        out.push(`Ignoring \`${mdInline(command.target)}\` on this pull request${command.reason ? ` (${mdInline(command.reason)})` : ''}: ${matches.length} current finding(s) match. The review is updated and their threads resolved. To ignore it everywhere, add it to \`review.rules\` or \`review.ignore\` in \`.github/orchestra.yml\`.`);
        break;
      }
      case 'explain':
        out.push(explainText(state, command.target, data.repoHtmlUrl, data.headSha));
        break;
    }
  }
  if (stateChanged) {
    const body = summary
      ? summary.body.replace(/<!-- orchestra:state [A-Za-z0-9+/=]* -->/, encodeState(state))
      : renderSummary({ state, findings: [], headSha: data.headSha, repoHtmlUrl: data.repoHtmlUrl, timings: [], filesReviewed: 0, conclusion: 'pending' });
    await upsertSummaryComment(deps.octokit, repo, data.pullNumber, summary, body.includes('<!-- orchestra:state ') ? body : `${body}\n${encodeState(state)}`);
  }
  await reply(`> ${data.body.split('\n').find((l) => l.trim().startsWith('/orchestra'))?.trim().slice(0, 200) ?? '/orchestra'}\n\n${out.join('\n\n')}`);
  if (result.reviewRequested) await deps.requestReview(`/orchestra command by ${data.user}`);
  return result;
}

