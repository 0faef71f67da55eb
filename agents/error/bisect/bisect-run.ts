/**
 * `git bisect run` in the temporary worktree, with us deciding each commit's verdict.
 *
 * The command given to git is a one-line shell step: it prints a marker line (with a per-run nonce
 * from the environment, so the "running …" line git echoes never matches it) and reads an exit code
 * from its stdin, which it inherits from git, which inherits it from us. So for each commit git checks
 * out, we see the marker, run build and test ourselves (flake checks, budget, counting, evidence), and
 * answer 0 (good), 1 (bad), 125 (skip) or 255, which makes git stop (the budget ran out).
 *
 * Why not `git bisect good/bad/skip` per step: each of those starts git's shell wrapper, which sources
 * git-sh-setup and starts several git processes before the helper does the work; `git bisect run`
 * loops inside one process, so a step costs what it costs plain `git bisect run`: git marks the
 * commit, checks out the next one and starts the shell step (bench/error/bisect.ts measures it).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CancelledError } from '../../../shared/errors/errors.js';
import { parseBisectOutput, type BisectState } from './bisect-session.js';
import { GIT_CONFIG, GitCommandError, gitEnv } from './git-command.js';

/** A commit git wants tested. */
export interface BisectRunStep {
  sha: string;
  subject?: string;
  /** Commits git says are left after this one. */
  remaining?: number;
}

/** What to tell git about a step; `stop` ends `git bisect run` (nothing is marked). */
export type StepAnswer = 'good' | 'bad' | 'skip' | 'stop';

const EXIT_CODES: Record<StepAnswer, number> = { good: 0, bad: 1, skip: 125, stop: 255 };
const SHA = '[0-9a-f]{40}(?:[0-9a-f]{24})?';
const NEXT_LINE = new RegExp(`^\\[(${SHA})\\] ?(.*)$`);
const REMAINING_LINE = /^Bisecting: (\d+) revisions? left to test/;
const TRANSCRIPT_LIMIT = 256 * 1024;
const STEP_SCRIPT = 'printf "%s\\n" "@@orchestra-bisect-step-$ORCHESTRA_BISECT_NONCE@@"; read code; exit "$code"';

/**
 * Runs `git bisect run` in `cwd` (bisection already started, `first` checked out), calling `decide`
 * for each commit in turn. Resolves with git's conclusion, or `stopped` after a `stop` answer.
 * Rejects with what `decide` threw (git is killed), or CancelledError when `signal` fires.
 */
export function bisectRun(options: {
  cwd: string;
  first: BisectRunStep;
  decide: (step: BisectRunStep) => Promise<StepAnswer>;
  signal?: AbortSignal;
}): Promise<BisectState | { kind: 'stopped' }> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError('Cancelled', { cause: signal.reason }));
  const nonce = randomUUID();
  const marker = `@@orchestra-bisect-step-${nonce}@@`;
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GIT_CONFIG, 'bisect', 'run', 'sh', '-c', STEP_SCRIPT], {
      cwd: options.cwd,
      env: gitEnv({ ORCHESTRA_BISECT_NONCE: nonce }),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let transcript = '';
    let partialLine = '';
    let current: BisectRunStep = options.first;
    let remaining: number | undefined;
    let stopped = false;
    let failure: { error: unknown } | undefined;
    let answering: Promise<void> = Promise.resolve();

    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => {
      failure ??= { error: new CancelledError('Cancelled', { cause: signal?.reason }) };
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const keep = (text: string): void => {
      transcript += text;
      if (transcript.length > TRANSCRIPT_LIMIT) transcript = transcript.slice(-TRANSCRIPT_LIMIT / 2);
    };
    const answer = (step: BisectRunStep): void => {
      answering = answering.then(async () => {
        if (failure) return;
        let verdict: StepAnswer;
        try {
          verdict = await options.decide(step);
        } catch (error) {
          failure ??= { error };
          kill();
          return;
        }
        if (verdict === 'stop') stopped = true;
        child.stdin.write(`${EXIT_CODES[verdict]}\n`);
      });
    };
    const onLine = (line: string): void => {
      if (line === marker) {
        answer(current);
        return;
      }
      const left = REMAINING_LINE.exec(line);
      if (left) remaining = Number(left[1]);
      const next = NEXT_LINE.exec(line);
      if (next) current = { sha: next[1]!, subject: next[2] ?? '', ...(remaining !== undefined && { remaining }) };
    };

    child.stdin.on('error', () => undefined); // git gone: the close handler reports why
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keep);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      keep(chunk);
      const lines = (partialLine + chunk).split('\n');
      partialLine = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.on('error', (error) => {
      failure ??= { error };
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      kill(); // anything git left in its group
      void answering.then(() => {
        if (failure) return reject(failure.error);
        if (stopped) return resolve({ kind: 'stopped' });
        let state: BisectState | undefined;
        let cause: unknown;
        try {
          state = parseBisectOutput(transcript, ['bisect', 'run']);
        } catch (error) {
          cause = error;
        }
        if (state && state.kind !== 'test') return resolve(state);
        const tail = transcript.trim().split('\n').slice(-3).join(' ');
        return reject(new GitCommandError(`git bisect run ended (exit ${code ?? 'killed'}) without a conclusion: ${tail}`, ['bisect', 'run'], code, transcript, { cause }));
      });
    });
  });
}
