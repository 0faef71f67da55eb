/**
 * The culprit finder against plain `git bisect run`, on generated repositories of N = 100 and 1,000
 * commits after a known-good root, with one planted regression (`calc.txt` says `factor = 3` from
 * commit 0.37·N on). Both run the same test command (a shell `grep`, a few ms), which also appends
 * to a counter file so the peer's runs are counted the same way as ours.
 *
 * Per N, interleaved (ours, peer, ours with re-runs) `RUNS` times, medians:
 * - test runs: ours `runs.bounded` (bad + good + bisection, flakeRetries 0) against the target
 *   ⌈log2 N⌉ + 2 and the peer's count (git bisect run tests neither end: its count is the bisection alone);
 * - our overhead per bisection step: the time between one test run ending and the next starting (git
 *   bisect run marking and checking out, its shell step reaching us, our bookkeeping), median and p99,
 *   target ≤ 200 ms; the first step's (`git bisect start` + starting `git bisect run`) apart; test time
 *   is measured apart too (ours drives `git bisect run` itself, see agents/error/bisect/bisect-run.ts);
 * - wall time of the whole search: ours (temporary worktree added and removed, both ends verified)
 *   against the peer (`git bisect start` + `run` + `reset` on a copy of the same repository);
 * - wall time with the default 2 flake re-runs (6 extra runs) against the same peer.
 * Every run checks that both found the planted commit.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCulprit, type BisectStep, type CulpritReport } from '../../agents/error/bisect/index.js';
import { compare, median, percentile, type BenchLine } from '../harness.js';

const RUNS = 3;
const SIZES = [100, 1000];
const FILES = 50;

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  LC_ALL: 'C',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** commits 0..n (n + 1 commits) with fast-import; the regression lands at `culprit`. Returns the shas. */
function buildRepo(dir: string, n: number, culprit: number): string[] {
  git(dir, 'init', '--quiet', '-b', 'main');
  const chunks: string[] = [];
  for (let i = 0; i <= n; i++) {
    const when = `${1_700_000_000 + i * 60} +0000`;
    const message = `commit ${i}`;
    chunks.push(`commit refs/heads/main\nmark :${i + 1}\nauthor Bench <bench@example.invalid> ${when}\ncommitter Bench <bench@example.invalid> ${when}\n`);
    chunks.push(`data ${message.length}\n${message}\n`);
    const files: Record<string, string> = { [`src/f${i % FILES}.txt`]: `file ${i % FILES} revision ${i}\n${'x'.repeat(200)}\n` };
    if (i === 0 || i === culprit) files['calc.txt'] = `factor = ${i >= culprit ? 3 : 2}\n`;
    if (i === 0) for (let f = 0; f < FILES; f++) files[`src/f${f}.txt`] = `file ${f} revision 0\n`;
    for (const [path, content] of Object.entries(files)) chunks.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    chunks.push('\n');
  }
  const marks = join(dir, '.git', 'bench-marks');
  execFileSync('git', ['fast-import', '--quiet', `--export-marks=${marks}`], { cwd: dir, env: GIT_ENV, input: chunks.join('') });
  git(dir, 'reset', '--hard', '--quiet');
  const byMark = new Map(
    readFileSync(marks, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  );
  return Array.from({ length: n + 1 }, (_, i) => byMark.get(`:${i + 1}`)!);
}

/** The shared test: count the run, fail when the regression is there. */
function testScript(counter: string): string {
  return `echo run >> '${counter}'; ! grep -q 'factor = 3' calc.txt`;
}

function countRuns(counter: string): number {
  try {
    return readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

interface OursSample {
  wallMs: number;
  report: CulpritReport;
  /** Overhead before each bisection step after the first: git marks, checks out, starts the shell step. */
  stepOverheads: number[];
  /** Overhead before the first bisection step: `git bisect start` and starting `git bisect run`. */
  startOverhead: number;
}

async function runOurs(repo: string, good: string, counter: string, flakeRetries: number): Promise<OursSample> {
  rmSync(counter, { force: true });
  const steps: BisectStep[] = [];
  const started = process.hrtime.bigint();
  const report = await findCulprit({ repo, command: ['sh', '-c', testScript(counter)], good, flakeRetries, onStep: (s) => steps.push(s) });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (countRuns(counter) !== report.runs.total) throw new Error(`run count mismatch: counter ${countRuns(counter)}, report ${report.runs.total}`);
  const bisecting = steps.filter((s) => s.phase === 'bisect').map((s) => s.overheadMs);
  return { wallMs, report, stepOverheads: bisecting.slice(1), startOverhead: bisecting[0] ?? 0 };
}

function runPeer(copy: string, good: string, counter: string): { wallMs: number; runs: number; culprit: string } {
  rmSync(counter, { force: true });
  const started = process.hrtime.bigint();
  git(copy, 'bisect', 'start', 'HEAD', good);
  const out = git(copy, 'bisect', 'run', 'sh', '-c', testScript(counter));
  git(copy, 'bisect', 'reset');
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const culprit = /^([0-9a-f]{40}) is the first bad commit/m.exec(out)?.[1] ?? '';
  return { wallMs, runs: countRuns(counter), culprit };
}

/** Runs the bisect bench and reports its lines. */
export async function runBisectBench(report: (line: BenchLine) => void): Promise<void> {
  for (const n of SIZES) {
    const root = mkdtempSync(join(tmpdir(), 'orchestra-bench-bisect-'));
    try {
      const repo = join(root, 'repo');
      const copy = join(root, 'copy');
      mkdirSync(repo);
      const culpritIndex = Math.floor(n * 0.37);
      const shas = buildRepo(repo, n, culpritIndex);
      cpSync(repo, copy, { recursive: true });
      const good = shas[0]!;
      const culprit = shas[culpritIndex]!;
      const counter = join(root, 'runs.txt');

      const ours: OursSample[] = [];
      const oursRetries: OursSample[] = [];
      const peer: { wallMs: number; runs: number }[] = [];
      for (let i = 0; i < RUNS; i++) {
        const a = await runOurs(repo, good, counter, 0);
        const p = runPeer(copy, good, counter);
        const b = await runOurs(repo, good, counter, 2);
        for (const [who, found] of [
          ['ours', a.report.culprit?.sha],
          ['ours (re-runs)', b.report.culprit?.sha],
          ['git bisect run', p.culprit],
        ] as const) {
          if (found !== culprit) throw new Error(`${who} found ${found ?? 'nothing'} instead of the planted ${culprit} (N=${n})`);
        }
        ours.push(a);
        oursRetries.push(b);
        peer.push(p);
      }

      const target = Math.ceil(Math.log2(n)) + 2;
      const name = `bisect N=${n}`;
      const peerWall = median(peer.map((p) => p.wallMs));
      const peerRuns = median(peer.map((p) => p.runs));
      report({
        ...compare({ bench: 'error', case: name, metric: 'test runs', runs: RUNS, stat: 'median', better: 'lower', unit: 'runs' }, median(ours.map((o) => o.report.runs.bounded)), 'git bisect run', peerRuns),
        target,
      });
      const overheads = ours.flatMap((o) => o.stepOverheads);
      report({ ...compare({ bench: 'error', case: name, metric: 'overhead per step', runs: overheads.length, stat: 'median', better: 'lower', unit: 'ms' }, median(overheads), null, null), target: 200 });
      report({ ...compare({ bench: 'error', case: name, metric: 'overhead per step', runs: overheads.length, stat: 'p99', better: 'lower', unit: 'ms' }, percentile(overheads, 99), null, null), target: 200 });
      report(compare({ bench: 'error', case: name, metric: 'bisect start overhead', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' }, median(ours.map((o) => o.startOverhead)), null, null));
      report(compare({ bench: 'error', case: name, metric: 'test time per run', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' }, median(ours.map((o) => o.report.timing.testMs / o.report.runs.total)), null, null));
      report(compare({ bench: 'error', case: name, metric: 'wall time', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' }, median(ours.map((o) => o.wallMs)), 'git bisect run', peerWall));
      report(compare({ bench: 'error', case: `${name} flakeRetries=2`, metric: 'wall time', runs: RUNS, stat: 'median', better: 'lower', unit: 'ms' }, median(oursRetries.map((o) => o.wallMs)), 'git bisect run', peerWall));
      report(compare({ bench: 'error', case: `${name} flakeRetries=2`, metric: 'test runs (all)', runs: RUNS, stat: 'median', better: 'lower', unit: 'runs' }, median(oursRetries.map((o) => o.report.runs.total)), 'git bisect run', peerRuns));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}
