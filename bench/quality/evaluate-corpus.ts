/**
 * Scores the security scanner on the labelled corpus: a labelled sink counts as found when a
 * finding of its class (or an accepted one) at default severity (warning or error) lies within
 * ±3 lines; a fixed spot counts as a false positive the same way. Also measures findings per
 * 1,000 lines on popular clean packages.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../shared/findings/finding.js';
import { detectLanguage } from '../../agents/review/parsing/language-id.js';
import { scanSecurity } from '../../agents/review/security/scan-security.js';
import type { SecurityClass } from '../../agents/review/security/rules.js';
import type { CorpusCase, LabelledSpot } from './corpus.js';

/** Lines either side of a label that still count as the same spot. */
export const LINE_TOLERANCE = 3;

/** Outcome of one labelled spot. */
export interface SpotResult {
  pkg: string;
  version: string;
  cls: SecurityClass;
  kind: 'vulnerable' | 'fixed';
  /** A finding at default severity matched the spot. */
  flagged: boolean;
  /** A finding of any severity matched the spot. */
  flaggedAnySeverity: boolean;
  /** The label's snippet was not on its line: the label is wrong and the spot is not scored. */
  labelError?: string;
}

/** True for findings shown at the default severity. */
export function atDefaultSeverity(f: Finding): boolean {
  return f.severity === 'error' || f.severity === 'warning';
}

/** Scores one spot given the package folder of its version. */
export function scoreSpot(c: CorpusCase, spot: LabelledSpot, kind: 'vulnerable' | 'fixed', packageDir: string): SpotResult {
  const base = { pkg: c.pkg, version: spot.version, cls: c.cls, kind };
  let text: string;
  try {
    text = readFileSync(join(packageDir, spot.file), 'utf8');
  } catch (error) {
    return { ...base, flagged: false, flaggedAnySeverity: false, labelError: `cannot read ${spot.file}: ${(error as Error).message}` };
  }
  const lineText = text.split('\n')[spot.line - 1] ?? '';
  if (!lineText.includes(spot.snippet)) {
    return { ...base, flagged: false, flaggedAnySeverity: false, labelError: `line ${spot.line} of ${spot.file} does not contain ${JSON.stringify(spot.snippet)}` };
  }
  const lang = detectLanguage(spot.file) ?? 'javascript';
  const accepted = new Set<string>([c.cls, ...(c.accept ?? [])].map((k) => `security/${k}`));
  const near = scanSecurity({ path: spot.file, text, lang }).filter((f) => accepted.has(f.ruleId) && Math.abs(f.range.start.line - spot.line) <= LINE_TOLERANCE);
  return { ...base, flagged: near.some(atDefaultSeverity), flaggedAnySeverity: near.length > 0 };
}

/** Per-class rates from spot results. */
export interface ClassScore {
  cls: SecurityClass | 'all';
  vulnerable: number;
  found: number;
  foundAnySeverity: number;
  fixed: number;
  fixedFlagged: number;
}

/** Aggregates spot results per class (plus an `all` row). */
export function aggregate(results: readonly SpotResult[]): ClassScore[] {
  const rows = new Map<string, ClassScore>();
  const row = (cls: SecurityClass | 'all'): ClassScore => {
    let r = rows.get(cls);
    if (!r) rows.set(cls, (r = { cls, vulnerable: 0, found: 0, foundAnySeverity: 0, fixed: 0, fixedFlagged: 0 }));
    return r;
  };
  for (const res of results) {
    if (res.labelError) continue;
    for (const r of [row(res.cls), row('all')]) {
      if (res.kind === 'vulnerable') {
        r.vulnerable++;
        if (res.flagged) r.found++;
        if (res.flaggedAnySeverity) r.foundAnySeverity++;
      } else {
        r.fixed++;
        if (res.flagged) r.fixedFlagged++;
      }
    }
  }
  return [...rows.values()].sort((a, b) => (a.cls === 'all' ? 1 : b.cls === 'all' ? -1 : a.cls.localeCompare(b.cls)));
}

/** Source files of a package worth scanning: JS/TS, no tests, no minified bundles, no node_modules. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === 'test' || name === 'tests' || name === '__tests__') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(c|m)?[jt]s$/.test(name) && !/\.d\.[cm]?ts$/.test(name) && !/\.min\.js$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Findings at default severity and lines scanned over some folders. */
export function densityOf(dirs: readonly string[]): { lines: number; findings: number; byRule: Record<string, number> } {
  let lines = 0;
  let findings = 0;
  const byRule: Record<string, number> = {};
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      lines += text.split('\n').length;
      const lang = detectLanguage(file);
      if (!lang) continue;
      for (const f of scanSecurity({ path: file, text, lang })) {
        if (!atDefaultSeverity(f)) continue;
        findings++;
        byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
      }
    }
  }
  return { lines, findings, byRule };
}
