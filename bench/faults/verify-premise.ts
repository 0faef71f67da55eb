/**
 * Whether a case behaves as its documentation says, from runs of its check: it passes at every
 * committed release before the culprit and at the fixing release, and fails (without timing out) at
 * every release from the culprit to the broken one. A `crash` must fail with a trace through the
 * package's own files; a `wrong-result` must not (else it is a crash and mislabelled). A case whose
 * premise fails is reported as invalid and not scored.
 */
import { compareVersions } from './published-versions.js';
import type { FaultCase } from './corpus.js';
import { printedFrames, underRoot } from './first-frame.js';
import type { CheckRun } from './run-check.js';

/** The check's run at one release, and the folder the release was in. */
export interface ReleaseRun {
  version: string;
  dir: string;
  run: CheckRun;
}

function verdict(run: CheckRun): string {
  if (run.timedOut) return 'timed out';
  return run.exitCode === 0 ? 'passes' : `fails (exit ${run.exitCode})`;
}

/** Undefined when the premise holds, else why not. */
export function premiseProblem(c: FaultCase, releases: readonly ReleaseRun[], fixed: ReleaseRun): string | undefined {
  for (const { version, run } of releases) {
    const broken = compareVersions(version, c.culprit) >= 0;
    if (run.timedOut) return `the check timed out at ${version}`;
    if (broken && run.exitCode === 0) return `the check passes at ${version}, at or after the culprit ${c.culprit}`;
    if (!broken && run.exitCode !== 0) return `the check ${verdict(run)} at ${version}, before the culprit ${c.culprit}: ${firstLine(run.output)}`;
  }
  if (fixed.run.exitCode !== 0) return `the check ${verdict(fixed.run)} at the fixing release ${fixed.version}: ${firstLine(fixed.run.output)}`;
  const head = releases.at(-1);
  if (!head || head.version !== c.broken) return `the last committed release is ${head?.version ?? 'none'}, not ${c.broken}`;
  const own = printedFrames(head.run.output).filter((f) => underRoot(head.dir, f.file) !== undefined);
  if (c.kind === 'crash' && own.length === 0) return `a crash, but the failing output at ${c.broken} has no frame in the package: ${firstLine(head.run.output)}`;
  if (c.kind === 'wrong-result' && own.length > 0) return `a wrong result, but the failing output at ${c.broken} has frames in the package (a crash?)`;
  return undefined;
}

function firstLine(output: string): string {
  const line = output.split('\n').find((l) => /Error|assert/i.test(l)) ?? output.split('\n')[0] ?? '';
  return line.trim().slice(0, 200);
}
