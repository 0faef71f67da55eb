/**
 * `npm run bench -- quality`: the security scanner's quality on real code. Fetches the labelled
 * corpus (bench/quality/corpus.ts) and popular clean packages into bench/.cache with `npm pack`,
 * then prints, per vulnerability class, recall on labelled sinks (target ≥ 0.9) and the
 * false-positive rate on the fixed versions' spots (target ≤ 0.1), both at default severity
 * (warning and error) within ±3 lines, plus findings per 1,000 lines on the clean packages.
 * No peer: eslint-plugin-security is not installed. Skips with a message when offline.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTreeSitter } from '../agents/review/parsing/load-tree-sitter.js';
import { compare, type BenchSuite } from './harness.js';
import { CLEAN_PACKAGES, CORPUS } from './quality/corpus.js';
import { aggregate, densityOf, scoreSpot, type SpotResult } from './quality/evaluate-corpus.js';
import { PackageFetchError, fetchPackage } from './quality/fetch-package.js';
import { peerDensity, peerFlags } from './quality/peer-eslint-security.js';

/** The repository root: the nearest folder above this file with a package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const suite: BenchSuite = {
  name: 'quality',
  async run(report) {
    const cache = join(repoRoot(), 'bench', '.cache', 'quality');
    await loadTreeSitter();
    const results: SpotResult[] = [];
    /** The peer's verdict per scored spot, in the same order as `results`. */
    const peerFlagged: boolean[] = [];
    const cleanDirs: string[] = [];
    const started = performance.now();
    try {
      for (const c of CORPUS) {
        const vulnerableDir = await fetchPackage(c.pkg, c.vulnerable.version, cache);
        results.push(scoreSpot(c, c.vulnerable, 'vulnerable', vulnerableDir));
        peerFlagged.push(await peerFlags(c.vulnerable, vulnerableDir).catch(() => false));
        if (c.fixed) {
          const fixedDir = await fetchPackage(c.pkg, c.fixed.version, cache);
          results.push(scoreSpot(c, c.fixed, 'fixed', fixedDir));
          peerFlagged.push(await peerFlags(c.fixed, fixedDir).catch(() => false));
        }
      }
      for (const p of CLEAN_PACKAGES) {
        const dir = await fetchPackage(p.pkg, p.version, cache);
        cleanDirs.push(...(p.dirs ?? ['.']).map((d) => join(dir, d)));
      }
    } catch (error) {
      if (error instanceof PackageFetchError) {
        process.stderr.write(`  quality bench skipped: ${error.message}\n`);
        return;
      }
      throw error;
    }
    for (const r of results) {
      if (r.labelError) process.stderr.write(`  LABEL ERROR ${r.pkg}@${r.version}: ${r.labelError}\n`);
      else if ((r.kind === 'vulnerable') !== r.flagged) process.stderr.write(`  ${r.kind === 'vulnerable' ? 'missed' : 'flagged fixed'} ${r.pkg}@${r.version} (${r.cls})${r.kind === 'vulnerable' && r.flaggedAnySeverity ? ' [found at info]' : ''}\n`);
    }
    const peerRows = new Map(aggregate(results.map((r, i) => ({ ...r, flagged: peerFlagged[i]!, flaggedAnySeverity: peerFlagged[i]! }))).map((row) => [row.cls, row]));
    for (const row of aggregate(results)) {
      const peerRow = peerRows.get(row.cls)!;
      if (row.vulnerable > 0) {
        report({ ...compare({ bench: 'quality', case: `recall/${row.cls}`, metric: 'recall', runs: 1, stat: 'total', better: 'higher', target: 0.9, unit: `of ${row.vulnerable} sinks` }, row.found / row.vulnerable, 'eslint-plugin-security', peerRow.found / row.vulnerable) });
        report({ ...compare({ bench: 'quality', case: `recall-any-severity/${row.cls}`, metric: 'recall', runs: 1, stat: 'total', better: 'higher', unit: `of ${row.vulnerable} sinks` }, row.foundAnySeverity / row.vulnerable, null, null) });
      }
      if (row.fixed > 0) {
        report({ ...compare({ bench: 'quality', case: `fixed-fp/${row.cls}`, metric: 'false_positive_rate', runs: 1, stat: 'total', better: 'lower', target: 0.1, unit: `of ${row.fixed} fixed spots` }, row.fixedFlagged / row.fixed, 'eslint-plugin-security', peerRow.fixedFlagged / row.fixed) });
      }
    }
    const density = densityOf(cleanDirs);
    const peerClean = await peerDensity(cleanDirs);
    report(compare({ bench: 'quality', case: 'clean-packages', metric: 'findings_per_kloc', runs: 1, stat: 'total', better: 'lower', target: 0.5, unit: `${density.findings} findings in ${density.lines} lines` }, (density.findings / density.lines) * 1000, 'eslint-plugin-security', (peerClean.findings / peerClean.lines) * 1000));
    process.stderr.write(`  clean-package findings by rule: ${JSON.stringify(density.byRule)}\n`);
    report(compare({ bench: 'quality', case: 'corpus-wall-time', metric: 'seconds', runs: 1, stat: 'total', better: 'lower', unit: 's (fetch + scan)' }, (performance.now() - started) / 1000, null, null));
  },
};

export default suite;
