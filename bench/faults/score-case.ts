/**
 * Scores one prepared case. Location (crash cases only: a wrong result leaves no frame in the
 * package to read): triage's fault file is the fixed file (top-1), the file is among the first three
 * candidates (top-3), the fault line is within ±3 of a line the fix changed; the naive baseline
 * (first non-internal frame) is scored the same way. Culprit (every case): `findCulprit` from the
 * first committed release names exactly the culprit release's commit.
 */
import { findCulprit } from '../../agents/error/bisect/index.js';
import { triage } from '../../agents/error/triage.js';
import type { FaultLocation } from '../../agents/error/types.js';
import { firstFrame, printedFrames, underRoot } from './first-frame.js';
import type { PreparedCase } from './prepare-case.js';

/** Lines either side of a changed line that still count as the fault line. */
export const LINE_TOLERANCE = 3;

/** Where a contender pointed and whether it hit. */
export interface LocationScore {
  /** `file:line`, or null when nothing was named in the repository. */
  named: string | null;
  top1File: boolean;
  top1Line: boolean;
  top3File: boolean;
  top3Line: boolean;
}

/** The outcome of one case. */
export interface CaseScore {
  name: string;
  kind: PreparedCase['c']['kind'];
  /** Null for wrong-result cases (not scored for location). */
  ours: LocationScore | null;
  peer: LocationScore | null;
  /**
   * Whether any frame of the failing output lies within ±3 of a fixed line (null for wrong results):
   * the most that picking a frame, however cleverly, can reach on this case.
   */
  traceReaches: boolean | null;
  culprit: {
    exact: boolean;
    status: string;
    /** The release the named commit holds, when one was named. */
    named: string | null;
    runs: number;
    /** The ⌈log2 N⌉ + 2 bound findCulprit reports for its bounded runs. */
    bounded: number;
    target: number;
    seconds: number;
  };
  triageSeconds: number;
  /** What threw, if anything (scored as a miss). */
  errors: string[];
}

function hits(truth: PreparedCase['truth'], location: { file?: string; line: number } | undefined): { file: boolean; line: boolean } {
  const file = location?.file === truth.file;
  return { file, line: file && truth.lines.some((l) => Math.abs(l - location!.line) <= LINE_TOLERANCE) };
}

function scoreLocations(truth: PreparedCase['truth'], ranked: readonly { file?: string; line: number }[]): LocationScore {
  const top = ranked[0];
  const first = hits(truth, top);
  const three = ranked.slice(0, 3).map((l) => hits(truth, l));
  return {
    named: top?.file ? `${top.file}:${top.line}` : null,
    top1File: first.file,
    top1Line: first.line,
    top3File: three.some((h) => h.file),
    top3Line: three.some((h) => h.line),
  };
}

/** The fault then the other candidates, without repeats: what a reader sees as first, second, third. */
function rankedLocations(fault: FaultLocation | undefined, candidates: readonly FaultLocation[]): FaultLocation[] {
  const out: FaultLocation[] = [];
  for (const l of [...(fault ? [fault] : []), ...candidates]) if (!out.some((o) => o.file === l.file && o.line === l.line)) out.push(l);
  return out;
}

const MISS: LocationScore = { named: null, top1File: false, top1Line: false, top3File: false, top3Line: false };

/**
 * Runs triage and the culprit finder on a prepared case. An exception from either is a result (a
 * miss), not the end of the bench: it is described in `errors` and the other cases still run.
 */
export async function scoreCase(p: PreparedCase, signal?: AbortSignal): Promise<CaseScore> {
  const errors: string[] = [];
  let ours: LocationScore | null = null;
  let peer: LocationScore | null = null;
  let traceReaches: boolean | null = null;
  const triageStart = performance.now();
  if (p.c.kind === 'crash') {
    const frame = firstFrame(p.head.output, p.repo.path);
    peer = scoreLocations(p.truth, frame ? [frame] : []);
    traceReaches = printedFrames(p.head.output).some((f) => hits(p.truth, { file: underRoot(p.repo.path, f.file), line: f.line }).line);
    try {
      const report = await triage(p.head.output, { root: p.repo.path, maxItems: 3, ...(signal && { signal }) });
      const item = report.items[0];
      ours = scoreLocations(p.truth, item ? rankedLocations(item.fault, item.candidates) : []);
    } catch (error) {
      if (signal?.aborted) throw error;
      errors.push(`triage threw: ${(error as Error).stack ?? String(error)}`);
      ours = MISS;
    }
  }
  const triageSeconds = (performance.now() - triageStart) / 1000;

  const good = p.repo.commits.get(p.versions[0]!)!;
  const expected = p.repo.commits.get(p.c.culprit)!;
  const bisectStart = performance.now();
  let culprit: CaseScore['culprit'];
  try {
    const report = await findCulprit({
      repo: p.repo.path,
      command: [process.execPath, p.checkPath],
      good,
      runTimeoutMs: 60_000,
      budgetMs: 10 * 60_000,
      ...(signal && { signal }),
    });
    const namedSha = report.status === 'found' ? report.culprit?.sha : undefined;
    const named = namedSha ? ([...p.repo.commits].find(([, sha]) => sha === namedSha)?.[0] ?? namedSha.slice(0, 10)) : null;
    culprit = {
      exact: namedSha === expected,
      status: report.status,
      named,
      runs: report.runs.total,
      bounded: report.runs.bounded,
      target: report.runs.target,
      seconds: (performance.now() - bisectStart) / 1000,
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    errors.push(`findCulprit threw: ${(error as Error).stack ?? String(error)}`);
    culprit = { exact: false, status: 'error', named: null, runs: 0, bounded: 0, target: 0, seconds: (performance.now() - bisectStart) / 1000 };
  }
  return { name: p.name, kind: p.c.kind, ours, peer, traceReaches, culprit, triageSeconds, errors };
}
