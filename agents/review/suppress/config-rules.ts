/**
 * Suppressions from configuration: rules turned off, severity overrides, and ignored paths (globs,
 * matched with picomatch against the path relative to the reviewed root).
 */
import picomatch from 'picomatch';
import type { Finding, Severity } from '../../../shared/findings/finding.js';
import { ruleMatches } from './inline-suppressions.js';

/** The part of the review config these rules read. */
export interface RuleSettings {
  /** Rule id (or `family/*`, or the short name) → `off` or a severity. */
  rules?: Record<string, 'off' | Severity>;
  /** Globs of paths to ignore. */
  ignore?: string[];
}

/** Builds a path predicate for the `ignore` globs. */
export function ignoredPaths(globs: readonly string[] = []): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch(globs as string[], { dot: true });
  return (path) => match(path);
}

/** Applies rule settings: off → suppressed by config; severity → overridden; ignored paths → suppressed. */
export function applyConfigRules(findings: Finding[], settings: RuleSettings): Finding[] {
  const isIgnored = ignoredPaths(settings.ignore);
  const entries = Object.entries(settings.rules ?? {});
  return findings.map((finding) => {
    if (isIgnored(finding.file)) {
      return { ...finding, shouldReport: false, suppressed: { by: 'config' as const, reason: 'path ignored by config' } };
    }
    // The most specific setting wins: exact id, then short name, then family glob.
    const match = entries
      .filter(([rule]) => ruleMatches([rule], finding.ruleId))
      .sort(([a], [b]) => specificity(b, finding.ruleId) - specificity(a, finding.ruleId))[0];
    if (!match) return finding;
    if (match[1] === 'off') {
      return { ...finding, shouldReport: false, suppressed: { by: 'config' as const, reason: `rule ${match[0]} is off in config` } };
    }
    return { ...finding, severity: match[1] };
  });
}

function specificity(rule: string, ruleId: string): number {
  if (rule === ruleId) return 3;
  if (!rule.endsWith('/*')) return 2;
  return 1;
}
