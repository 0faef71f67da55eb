/**
 * `orchestra bisect --good REF [--bad REF] -- <test command>`: finds the commit that made a command
 * fail, by bisection in a temporary worktree (the working tree, index and HEAD are never touched).
 * Flaky commands are reported as flaky, commits that cannot be built are skipped, a time budget is
 * kept. When bisection is impossible, the failing output is triaged and the faulting lines' blame
 * ranks suspect commits. The revert is only proposed: `orchestra revert SHA` makes it, after approval.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findCulprit, rankSuspects, type BisectStep, type CulpritReport, type SuspectCommit } from '../../agents/error/bisect/index.js';
import { triage } from '../../agents/error/triage.js';
import { ExitCode, UsageError, type Command, type CommandIO } from '../command.js';
import { parseDuration } from '../duration.js';

const usage = `Usage: orchestra bisect [--good REF] [--bad REF] [options] -- <test command> [args…]

Finds the commit that made <test command> fail. It runs in a temporary git worktree: your working
tree, index, HEAD and stash stay exactly as they are. The command is run without a shell: exit 0
passes, 125 means "cannot test this commit" (skipped), anything else fails.

  --good REF       a commit where the command passes (a tag, the last green CI commit). Without it,
                   one is searched by stepping back: BAD~1, ~2, ~4, …
  --bad REF        where it fails (default HEAD)
  --build CMD      run before the command at each commit (split on spaces); a failing build skips it
  --budget TIME    stop after this long and report the range left (default 30m; e.g. 90s, 10m, 1h)
  --timeout TIME   per run of the command or build (default 10m)
  --retries N      re-runs that tell a flaky command from a failing one (default 2)
  --root DIR       the repository (default: the current folder)
  --format FORMAT  text (default) or json

Example:
  orchestra bisect --good v1.4.0 -- npm test -- --testNamePattern "parses dates"

Exit codes: 0 a culprit was found, 1 none (flaky, impossible, or out of budget), 2 usage error.`;

function splitCommand(args: string[]): { own: string[]; command: string[] } {
  const at = args.indexOf('--');
  if (at < 0) return { own: args, command: [] };
  return { own: args.slice(0, at), command: args.slice(at + 1) };
}

function describeCommit(c: { short: string; subject: string; author: { name: string }; date: string }): string {
  return `${c.short} ${c.subject} (${c.author.name}, ${c.date.slice(0, 10)})`;
}

function indent(text: string, by = '    '): string {
  return text.replace(/\s+$/, '').replace(/^/gm, by);
}

function renderText(report: CulpritReport, suspects: SuspectCommit[] | undefined): string {
  const out: string[] = [report.summary, ''];
  if (report.culprit) {
    out.push(`Culprit: ${describeCommit(report.culprit)}`);
    out.push(`Confidence: ${Math.round(report.confidence.value * 100)}% — ${report.confidence.reason}`);
  }
  if (report.status === 'ambiguous') for (const c of report.candidates) out.push(`  maybe ${describeCommit(c)}`);
  if (report.flaky) out.push(`Flaky: passed ${report.flaky.passes}, failed ${report.flaky.failures} time(s) on the same commit(s).`);
  out.push(`Range: ${report.range.text}`);
  if (report.skipped.length > 0) out.push(`Skipped (could not be tested): ${report.skipped.map((c) => c.short).join(', ')}`);
  out.push(`Runs: ${report.runs.total} (${report.runs.bounded} counted toward the ⌈log2 N⌉ + 2 = ${report.runs.target} bound for N = ${report.range.commits}; ${report.runs.flake} re-run(s), ${report.runs.discovery} while looking for a good commit)`);
  out.push(`Time: ${(report.timing.totalMs / 1000).toFixed(1)} s, of which the command ${(report.timing.testMs / 1000).toFixed(1)} s`);
  for (const [label, evidence] of [['at the culprit', report.evidence.culprit], ['at its parent', report.evidence.parent], ['at the bad commit', report.evidence.bad]] as const) {
    if (!evidence) continue;
    const tail = `${evidence.stdoutTail}\n${evidence.stderrTail}`.trim();
    out.push('', `Output ${label} (${evidence.sha.slice(0, 10)}, exit ${evidence.exitCode ?? (evidence.timedOut ? 'timed out' : 'none')}):`);
    if (tail) out.push(indent(tail.split('\n').slice(-15).join('\n')));
  }
  if (suspects && suspects.length > 0) {
    out.push('', 'Suspects by blame of the faulting lines:');
    for (const s of suspects.slice(0, 5)) out.push(`  ${Math.round(s.score * 100)}%  ${describeCommit(s)}  — ${s.lines.filter((l) => l.exact).map((l) => `${l.file}:${l.line}`).join(', ') || 'nearby lines'}`);
  }
  if (report.status === 'found' && report.culprit) out.push('', `To revert it on a new branch (asks for approval): orchestra revert ${report.culprit.short}`);
  return `${out.join('\n')}\n`;
}

/** When bisection cannot run: triage the failing output at bad and blame its faulting lines. */
async function suspectsByBlame(report: CulpritReport, repo: string, signal?: AbortSignal): Promise<SuspectCommit[] | undefined> {
  const bad = report.evidence.bad;
  if (!bad) return undefined;
  const triaged = await triage(`${bad.stdoutTail}\n${bad.stderrTail}`, { root: repo, maxItems: 3, signal });
  const locations = triaged.items.flatMap((item) => item.candidates.slice(0, 3)).map((c) => ({ file: c.file, line: c.line }));
  if (locations.length === 0) return undefined;
  return rankSuspects({ repo, locations, rev: 'HEAD', signal });
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const { own, command } = splitCommand(args);
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: {
      good: { type: 'string' },
      bad: { type: 'string' },
      build: { type: 'string' },
      budget: { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      root: { type: 'string' },
      format: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`Put the test command after "--": orchestra bisect --good REF -- ${positionals.join(' ')}`);
  if (command.length === 0) throw new UsageError('Give the failing test command after "--", e.g. orchestra bisect --good v1.0.0 -- npm test');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json; got "${format}".`);
  const retries = values.retries === undefined ? 2 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new UsageError(`--retries must be a whole number from 0 to 10; got "${values.retries}".`);
  const budgetMs = parseDuration(values.budget ?? '30m', '--budget');
  const runTimeoutMs = parseDuration(values.timeout ?? '10m', '--timeout');
  const repo = resolve(io.cwd, values.root ?? '.');
  if (!(await stat(repo).catch(() => undefined))?.isDirectory()) throw new UsageError(`--root "${values.root}" is not a folder.`);
  const build = values.build?.split(/\s+/).filter(Boolean);

  const controller = new AbortController();
  const onInt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onInt);
  try {
    const onStep = (step: BisectStep) => {
      if (format === 'text') io.stderr.write(`  ${String(step.index).padStart(3)} ${step.phase.padEnd(15)} ${step.sha.slice(0, 10)} ${step.verdict.padEnd(4)} ${(step.testMs / 1000).toFixed(1)} s${step.remaining !== undefined ? `  (${step.remaining} left)` : ''}  ${step.subject.slice(0, 60)}\n`);
    };
    const report = await findCulprit({ repo, command, good: values.good, bad: values.bad, build, budgetMs, runTimeoutMs, flakeRetries: retries, signal: controller.signal, onStep });
    const suspects = report.status === 'impossible' || report.status === 'partial' ? await suspectsByBlame(report, repo, controller.signal).catch(() => undefined) : undefined;
    if (format === 'json') io.stdout.write(`${JSON.stringify({ ...report, suspects }, null, 2)}\n`);
    else io.stdout.write(renderText(report, suspects));
    return report.status === 'found' ? ExitCode.Ok : ExitCode.Findings;
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

/** The `bisect` command. */
export const bisectCommand: Command = { name: 'bisect', summary: 'Find the commit that made a command fail (in a separate worktree)', usage, run };
