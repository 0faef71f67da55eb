/**
 * Inline suppressions, in any comment style (`//`, `/* *\/`, `#`):
 *   orchestra-ignore-next-line RULE[, RULE…] [-- reason]
 *   orchestra-ignore-line RULE[, RULE…] [-- reason]      (on the flagged line itself)
 *   orchestra-ignore-file RULE[, RULE…] [-- reason]      (anywhere in the file)
 * With no rule, every rule is suppressed. A rule matches by full id (`security/command-injection`),
 * by its name after the slash (`command-injection`), or by a family with `/*` (`security/*`).
 * The text after `--` is the reason, kept on the finding for reports and audits.
 */
import type { Finding } from '../../../shared/findings/finding.js';

/** One parsed directive. */
export interface InlineDirective {
  kind: 'next-line' | 'line' | 'file';
  /** 1-based line of the directive comment. */
  line: number;
  /** Empty means every rule. */
  rules: string[];
  reason?: string;
}

const DIRECTIVE = /orchestra-ignore-(next-line|line|file)\b([^\n]*)/g;

/** Finds every directive in a file's text. Linear in the text; directives past 1,000 per file are ignored. */
export function parseInlineDirectives(text: string): InlineDirective[] {
  const out: InlineDirective[] = [];
  if (!text.includes('orchestra-ignore-')) return out;
  let line = 1;
  let lastIndex = 0;
  for (const match of text.matchAll(DIRECTIVE)) {
    if (out.length >= 1000) break;
    for (let i = lastIndex; i < match.index; i++) if (text.charCodeAt(i) === 10) line++;
    lastIndex = match.index;
    let rest = match[2]!.replace(/\*\/.*$/, '').replace(/-->.*$/, '').trim();
    let reason: string | undefined;
    const sep = rest.indexOf('--');
    if (sep >= 0) {
      reason = rest.slice(sep + 2).trim() || undefined;
      rest = rest.slice(0, sep).trim();
    }
    const rules = rest.split(/[\s,]+/).filter((r) => /^[\w@/*.-]+$/.test(r));
    out.push({ kind: match[1] as InlineDirective['kind'], line, rules, ...(reason ? { reason } : {}) });
  }
  return out;
}

/** True when a directive's rule list covers `ruleId`. */
export function ruleMatches(rules: readonly string[], ruleId: string): boolean {
  if (rules.length === 0) return true;
  const short = ruleId.slice(ruleId.indexOf('/') + 1);
  return rules.some((r) => r === ruleId || r === short || (r.endsWith('/*') && ruleId.startsWith(r.slice(0, -1))));
}

/** Marks findings of one file that an inline directive covers. */
export function applyInlineSuppressions(findings: Finding[], text: string): Finding[] {
  const directives = parseInlineDirectives(text);
  if (directives.length === 0) return findings;
  return findings.map((finding) => {
    const line = finding.range.start.line;
    const hit = directives.find(
      (d) =>
        ruleMatches(d.rules, finding.ruleId) &&
        (d.kind === 'file' || (d.kind === 'line' && d.line === line) || (d.kind === 'next-line' && d.line + 1 === line)),
    );
    if (!hit) return finding;
    return { ...finding, shouldReport: false, suppressed: { by: 'inline' as const, ...(hit.reason ? { reason: hit.reason } : {}) } };
  });
}
