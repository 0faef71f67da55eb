/**
 * Hotspots: code that is both complex and often changed is where defects cluster (Tornhill,
 * "Your Code as a Crime Scene"). Churn is the number of commits touching a file in the recent
 * history (simple-git `git log --name-only`); the risk score is the product of complexity and churn,
 * each normalised to 0..1 against the reviewed set, so the riskiest file scores 1.
 */
import { simpleGit } from 'simple-git';
import type { Finding } from '../../../shared/findings/finding.js';
import { fingerprint } from '../../../shared/findings/fingerprint.js';
import { COMPLEXITY_AGENT } from './complexity-findings.js';

/** Churn per file path (relative to the folder given, via `--relative`). */
export type Churn = Map<string, number>;

/** Counts commits per file over the last `maxCommits` commits (or `since`, e.g. "6 months ago"). */
export async function gitChurn(top: string, options: { maxCommits?: number; since?: string } = {}): Promise<Churn> {
  const git = simpleGit({ baseDir: top });
  const args = ['log', '--no-merges', '--name-only', '--relative', '--format=%x00', `--max-count=${options.maxCommits ?? 1000}`];
  if (options.since) args.push(`--since=${options.since}`);
  const out = await git.raw(args).catch(() => '');
  const churn: Churn = new Map();
  for (const line of out.split('\n')) {
    const path = line.trim();
    if (path === '' || path === '\0') continue;
    churn.set(path, (churn.get(path) ?? 0) + 1);
  }
  return churn;
}

/** A file's hotspot score. */
export interface Hotspot {
  file: string;
  complexity: number;
  churn: number;
  /** 0..1. */
  risk: number;
}

/** Scores files; only files with both complexity and churn score above 0. */
export function hotspots(complexity: Map<string, number>, churn: Churn): Hotspot[] {
  const maxComplexity = Math.max(1, ...complexity.values());
  const maxChurn = Math.max(1, ...churn.values());
  return [...complexity]
    .map(([file, c]) => {
      const ch = churn.get(file) ?? 0;
      return { file, complexity: c, churn: ch, risk: Math.round((c / maxComplexity) * (ch / maxChurn) * 1000) / 1000 };
    })
    .sort((a, b) => b.risk - a.risk);
}

/** Info findings for the riskiest files (risk ≥ `minRisk`, at most `limit`), anchored at line 1. */
export function hotspotFindings(spots: Hotspot[], options: { minRisk?: number; limit?: number } = {}): Finding[] {
  const minRisk = options.minRisk ?? 0.5;
  return spots
    .filter((s) => s.risk >= minRisk && s.churn >= 3)
    .slice(0, options.limit ?? 10)
    .map((s) => ({
      ruleId: 'complexity/hotspot',
      agent: COMPLEXITY_AGENT,
      severity: 'info' as const,
      message: `Hotspot: complexity ${s.complexity} and ${s.churn} recent commits give a risk score of ${s.risk.toFixed(2)} (1 = riskiest file reviewed). Refactoring here pays off most.`,
      file: s.file,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
      fingerprint: fingerprint({ ruleId: 'complexity/hotspot', file: s.file, snippet: '' }),
      tags: ['maintainability', 'hotspot'],
      confidence: 0.6,
      shouldReport: true,
    }));
}
