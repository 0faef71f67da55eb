/**
 * `npm run bench -- faults`: the error swarm on real regressions in published npm packages
 * (bench/faults/corpus.ts). For each case the releases are fetched into bench/.cache/faults with
 * `npm pack` and committed one per commit into a temporary repository; the check written from the
 * changelog runs at HEAD and its real failing output goes to `triage`, whose fault is compared with
 * the lines the next release changed (top-1 and top-3 file, line within ±3); `findCulprit` bisects
 * from the first release and must name the culprit release's commit. A case whose premise does not
 * hold (verify-premise.ts) is reported invalid and not scored.
 *
 * Peer: the first stack frame that is not a runtime internal, which is what a person reading the top
 * of the trace would pick. Location is scored on crash cases only (a wrong result's output has no
 * frame in the package); the culprit on every case. Skips with a message when offline.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, type BenchLine, type BenchSuite } from './harness.js';
import { FAULT_CASES } from './faults/corpus.js';
import { prepareCase, type PreparedCase } from './faults/prepare-case.js';
import { scoreCase, type CaseScore } from './faults/score-case.js';
import { PackageFetchError } from './quality/fetch-package.js';

/** The repository root: the nearest folder above this file with a package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('faults bench: no package.json above the bench, so no bench/.cache to use');
    dir = dirname(dir);
  }
  return dir;
}

const BASE = { bench: 'faults', runs: 1, stat: 'total', better: 'higher' } as const;
const PEER = 'first-frame';

const bit = (b: boolean): number => (b ? 1 : 0);

function caseLines(s: CaseScore): BenchLine[] {
  const lines: BenchLine[] = [];
  if (s.ours && s.peer) {
    lines.push(compare({ ...BASE, case: s.name, metric: 'top1_file' }, bit(s.ours.top1File), PEER, bit(s.peer.top1File)));
    lines.push(compare({ ...BASE, case: s.name, metric: 'top3_file' }, bit(s.ours.top3File), null, null));
    lines.push(compare({ ...BASE, case: s.name, metric: 'line_within_3' }, bit(s.ours.top1Line), PEER, bit(s.peer.top1Line)));
  }
  lines.push(compare({ ...BASE, case: s.name, metric: 'culprit_exact', unit: `${s.culprit.status}, ${s.culprit.runs} runs` }, bit(s.culprit.exact), null, null));
  lines.push(compare({ ...BASE, case: s.name, metric: 'culprit_runs_bounded', better: 'lower', target: s.culprit.target, unit: `runs (${s.culprit.runs} in all)` }, s.culprit.bounded, null, null));
  return lines;
}

function rate(scores: readonly CaseScore[], pick: (s: CaseScore) => boolean): number {
  return scores.length === 0 ? Number.NaN : scores.filter(pick).length / scores.length;
}

function aggregateLines(scores: readonly CaseScore[], invalid: number): BenchLine[] {
  const located = scores.filter((s) => s.ours && s.peer);
  const of = `of ${located.length} crash cases`;
  return [
    compare({ ...BASE, case: 'all', metric: 'top1_file_rate', target: 0.8, unit: of }, rate(located, (s) => s.ours!.top1File), PEER, rate(located, (s) => s.peer!.top1File)),
    compare({ ...BASE, case: 'all', metric: 'top3_file_rate', unit: of }, rate(located, (s) => s.ours!.top3File), null, null),
    compare({ ...BASE, case: 'all', metric: 'line_within_3_rate', unit: of }, rate(located, (s) => s.ours!.top1Line), PEER, rate(located, (s) => s.peer!.top1Line)),
    compare({ ...BASE, case: 'all', metric: 'top3_line_within_3_rate', unit: of }, rate(located, (s) => s.ours!.top3Line), null, null),
    // The ceiling for any frame picker: a case whose fixed lines are in no frame cannot be hit from the trace.
    compare({ ...BASE, case: 'all', metric: 'trace_reaches_line_rate', unit: `${of} with a frame within ±3 of the fix` }, rate(located, (s) => s.traceReaches === true), null, null),
    compare({ ...BASE, case: 'all', metric: 'culprit_exact_rate', target: 0.9, unit: `of ${scores.length} cases` }, rate(scores, (s) => s.culprit.exact), null, null),
    compare({ ...BASE, case: 'all', metric: 'invalid_cases', better: 'lower', unit: `of ${scores.length + invalid} cases (premise failed, not scored)` }, invalid, null, null),
  ];
}

function describe(s: CaseScore, caseSeconds: number): string {
  const reach = s.traceReaches === false ? ' (no frame near the fix)' : '';
  const where = s.ours ? `triage ${s.ours.named ?? 'nothing'}, first frame ${s.peer?.named ?? 'outside the repo'}${reach}; ` : '';
  return `  ${s.name}: ${where}culprit ${s.culprit.status} ${s.culprit.named ?? '-'} in ${s.culprit.runs} runs; ${caseSeconds.toFixed(1)} s in all, triage ${s.triageSeconds.toFixed(1)} s, bisect ${s.culprit.seconds.toFixed(1)} s\n`;
}

const suite: BenchSuite = {
  name: 'faults',
  async run(report) {
    const cache = join(repoRoot(), 'bench', '.cache', 'faults');
    const work = await mkdtemp(join(tmpdir(), 'orchestra-faults-'));
    const started = performance.now();
    const scores: CaseScore[] = [];
    let invalid = 0;
    try {
      for (const c of FAULT_CASES) {
        let prepared: PreparedCase;
        const prepareStart = performance.now();
        try {
          const p = await prepareCase(c, { cache, work });
          if (!p.ok) {
            invalid++;
            process.stderr.write(`  INVALID ${p.name}: ${p.reason}\n`);
            report(compare({ ...BASE, case: p.name, metric: 'premise_valid' }, 0, null, null));
            continue;
          }
          prepared = p.prepared;
        } catch (error) {
          if (error instanceof PackageFetchError) {
            process.stderr.write(`  faults bench skipped: ${error.message}\n`);
            return;
          }
          throw error;
        }
        const score = await scoreCase(prepared);
        scores.push(score);
        process.stderr.write(describe(score, (performance.now() - prepareStart) / 1000));
        for (const e of score.errors) process.stderr.write(`    ${e.replace(/\n/g, '\n    ')}\n`);
        for (const line of caseLines(score)) report(line);
        // Free the disk as we go: moment's releases hold a few megabytes each.
        await rm(prepared.repo.path, { recursive: true, force: true });
      }
      for (const line of aggregateLines(scores, invalid)) report(line);
      report(compare({ bench: 'faults', case: 'corpus-wall-time', metric: 'seconds', runs: 1, stat: 'total', better: 'lower', unit: 's (fetch, verify, triage, bisect)' }, (performance.now() - started) / 1000, null, null));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

export default suite;
