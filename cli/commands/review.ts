/**
 * `orchestra review`: runs the review swarm on a folder and reports. Parses arguments, loads the
 * config, and hands over to the core (ReviewSwarm) and the reporters; nothing else.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FILE_AGENTS, type FileAgent } from '../../agents/review/swarm/analyze-batch.js';
import { defaultCacheDir } from '../../agents/review/swarm/review-cache.js';
import { ReviewSwarm, type ReviewRequest, type ReviewResult } from '../../agents/review/swarm/review-swarm.js';
import { reviewFromConfig } from '../../agents/review/swarm/review-settings.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../agents/review/report/index.js';
import { readBaseline, writeBaseline } from '../../agents/review/suppress/baseline.js';
import { reportable } from '../../agents/review/report/report-input.js';
import type { FilterMode } from '../../agents/review/diff/diff-filter.js';
import { AuditTrail } from '../../shared/audit/index.js';
import { loadConfig, type OrchestraConfig } from '../../shared/config/index.js';
import type { Severity } from '../../shared/findings/finding.js';
import { ExitCode, UsageError, type Command, type CommandIO } from '../command.js';
import { orchestraVersion, workerModuleUrl } from '../paths.js';
import { watchAndReview } from './review-watch.js';

const usage = `Usage: orchestra review [PATH] [options]

Reviews PATH (default: the current folder) with the review swarm: syntax, style (ESLint with the
repository's own config), security and complexity agents.

What to review (default: uncommitted changes against HEAD, plus untracked files):
  --all                  every file
  --base REF             changes since the branch left REF (merge base), working tree included
  --base A --head B      the commits A...B (as a pull request shows them)
  --filter MODE          which findings count: added (default), diff_context, file, nofilter

Output:
  --format FORMAT        text (default), json, sarif, github (Actions annotations)
  --output FILE          write the report to FILE instead of standard output
  --fail-on LEVEL        error (default), warning or never: exit 1 when a reported finding is at least LEVEL

Agents and settings:
  --agents LIST          comma-separated subset of: ${FILE_AGENTS.join(', ')}, tests
                         (tests runs the project's tests related to the reviewed files: it executes
                         repository code, so it runs only when named here or when the config sets
                         review.agents.tests.run with permissions.trustedRepository)
  --config FILE          config file (default: orchestra.config.{json,yaml,yml} or .github/orchestra.yml)
  --baseline FILE        report only findings not in this baseline file
  --write-baseline FILE  write every current finding to FILE as the new baseline, then exit 0
  --no-cache             analyse every file (default: unchanged files come from the cache)
  --workers N            worker threads (default: cores - 1, at least 1; 0 = in the main thread)
  --watch                re-review changed files until interrupted

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or config error.`;

const SEVERITY_RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };
/** Names `--agents` accepts: the per-file agents and the test runner. */
const REVIEW_AGENT_NAMES = [...FILE_AGENTS, 'tests'] as const;

/** Parsed options. */
export interface ReviewCliOptions {
  root: string;
  request: Omit<ReviewRequest, 'root'>;
  format: ReportFormat;
  output: string | undefined;
  failOn: 'error' | 'warning' | 'never';
  cache: boolean;
  workers: number | undefined;
  watch: boolean;
  writeBaseline: string | undefined;
  configFile: string | undefined;
  /** The audit log executed actions (the test runner) are recorded in. */
  auditPath: string;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}".`);
  return value as T;
}

/** Parses argv and the config into a review request. Throws UsageError / InvalidInputError. */
export async function parseReviewArgs(args: string[], io: CommandIO): Promise<ReviewCliOptions> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      all: { type: 'boolean' },
      base: { type: 'string' },
      head: { type: 'string' },
      filter: { type: 'string' },
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string' },
      agents: { type: 'string' },
      config: { type: 'string', short: 'c' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      'no-cache': { type: 'boolean' },
      workers: { type: 'string' },
      watch: { type: 'boolean', short: 'w' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`Review one folder at a time; got ${positionals.length}: ${positionals.join(' ')}.`);
  const root = resolve(io.cwd, positionals[0] ?? '.');
  if (values.all && (values.base || values.head)) throw new UsageError('--all reviews every file; it cannot be combined with --base or --head.');
  if (values.head && !values.base) throw new UsageError('--head needs --base (the commits base...head are reviewed).');

  const loaded = await loadConfig({ cwd: root, ...(values.config ? { file: values.config } : {}) });
  const review: OrchestraConfig['review'] = loaded.config.review;

  let scope: ReviewRequest['scope'];
  if (values.all) scope = { kind: 'all' };
  else if (values.base && values.head) scope = { kind: 'range', base: values.base, head: values.head };
  else if (values.base?.includes('...') || values.base?.includes('..')) {
    const [base, head] = values.base.split(/\.{2,3}/);
    if (!base || !head) throw new UsageError(`--base ${values.base}: write a range as A...B.`);
    scope = { kind: 'range', base, head };
  } else if (values.base) scope = { kind: 'base', base: values.base };
  else scope = { kind: 'worktree' };

  const configured = reviewFromConfig(loaded.config);
  let agents: FileAgent[] = configured.agents;
  // The test runner executes repository code: it runs when asked for by name (the person at the
  // terminal grants it) or when the config enables it in a repository marked trusted.
  let tests: ReviewRequest['tests'];
  const trusted = loaded.config.permissions.trustedRepository;
  if (review.agents.tests.run) tests = { granted: trusted, timeoutMs: review.agents.tests.timeoutMs, grantedBy: 'permissions.trustedRepository in the config' };
  if (values.agents !== undefined) {
    const list = values.agents.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new UsageError(`--agents needs at least one of: ${REVIEW_AGENT_NAMES.join(', ')}.`);
    const chosen = list.map((a) => oneOf(a, REVIEW_AGENT_NAMES, '--agents'));
    agents = FILE_AGENTS.filter((a) => chosen.includes(a));
    tests = chosen.includes('tests') ? { granted: true, timeoutMs: review.agents.tests.timeoutMs, grantedBy: `${io.env.USER ?? 'the user'} with --agents tests` } : undefined;
  }

  const request: Omit<ReviewRequest, 'root'> = {
    scope,
    filter: oneOf(values.filter ?? configured.filter, ['added', 'diff_context', 'file', 'nofilter'] as const satisfies readonly FilterMode[], '--filter'),
    agents,
    rules: configured.rules,
    thresholds: configured.thresholds,
    ...(tests ? { tests } : {}),
    style: configured.style,
  };
  const baselineFile = values.baseline ?? review.baseline;
  if (baselineFile && !values['write-baseline']) request.baseline = await readBaseline(resolve(root, baselineFile));

  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new UsageError(`--workers must be a whole number from 0 to 64; got "${values.workers}".`);
  }
  return {
    root,
    request,
    format: oneOf(values.format ?? 'text', REPORT_FORMATS, '--format'),
    output: values.output,
    failOn: oneOf(values['fail-on'] ?? review.failOn, ['error', 'warning', 'never'] as const, '--fail-on'),
    cache: !values['no-cache'],
    workers,
    watch: values.watch ?? false,
    writeBaseline: values['write-baseline'],
    configFile: loaded.file,
    auditPath: resolve(loaded.rootDir, loaded.config.audit.path),
  };
}

/** Exit code for a result: 1 when a reported finding reaches the threshold. */
export function exitCodeFor(result: ReviewResult, failOn: ReviewCliOptions['failOn']): number {
  if (failOn === 'never') return ExitCode.Ok;
  const threshold = SEVERITY_RANK[failOn];
  return reportable(result.findings).some((f) => SEVERITY_RANK[f.severity] >= threshold) ? ExitCode.Findings : ExitCode.Ok;
}

/** Renders and writes the report of one review. */
export async function emitReport(result: ReviewResult, options: ReviewCliOptions, io: CommandIO): Promise<void> {
  const color = options.output === undefined && options.format === 'text' && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const text = renderReport(
    options.format,
    {
      root: result.root,
      findings: result.findings,
      source: (file) => result.sources.get(file),
      version: orchestraVersion(),
      filesReviewed: result.filesReviewed,
      timings: result.timings,
      notices: result.notices,
    },
    { color },
  );
  if (options.output) {
    const file = resolve(io.cwd, options.output);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    io.stderr.write(`orchestra review: wrote ${options.format} report to ${options.output}\n`);
  } else {
    io.stdout.write(text);
  }
  if (options.format !== 'text') for (const notice of result.notices) io.stderr.write(`orchestra review: ${notice}\n`);
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const options = await parseReviewArgs(args, io);
  const swarm = await ReviewSwarm.create({
    version: orchestraVersion(),
    cacheDir: options.cache ? defaultCacheDir(options.root, io.env) : false,
    workerModule: workerModuleUrl(),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  // Actions that execute repository code are audited (hash-chained log; `orchestra audit verify`).
  const audit = options.request.tests ? await AuditTrail.open(options.auditPath) : undefined;
  if (audit && options.request.tests) options.request.tests.audit = audit;
  const abort = new AbortController();
  const onSigint = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    if (options.watch) return await watchAndReview(swarm, options, io, abort.signal);
    const showProgress = io.stderr.isTTY === true;
    const result = await swarm.review({
      root: options.root,
      ...options.request,
      signal: abort.signal,
      ...(showProgress
        ? { onProgress: (p: { phase: string; done: number; total: number }) => p.phase === 'analyse' && p.total > 50 && io.stderr.write(`\rorchestra review: ${p.done}/${p.total} files`) }
        : {}),
    });
    if (showProgress) io.stderr.write('\r\u001b[K');
    if (options.writeBaseline) {
      const file = resolve(io.cwd, options.writeBaseline);
      const baseline = await writeBaseline(file, reportable(result.findings));
      io.stderr.write(`orchestra review: wrote a baseline of ${baseline.findings.length} finding(s) to ${options.writeBaseline}\n`);
      return ExitCode.Ok;
    }
    await emitReport(result, options, io);
    return exitCodeFor(result, options.failOn);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await swarm.close();
    await audit?.close();
  }
}

/** The `review` command. */
export const reviewCommand: Command = { name: 'review', summary: 'Review code with the review swarm (syntax, style, security, complexity)', usage, run };
