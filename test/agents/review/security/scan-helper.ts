/** Helpers for the security-scanner tests: scan a snippet and look at findings by class and line. */
import type { Finding } from '../../../../shared/findings/finding.js';
import { detectLanguage, loadTreeSitter } from '../../../../agents/review/parsing/index.js';
import { scanSecurity } from '../../../../agents/review/security/index.js';

/** Loads tree-sitter once per test file. */
export async function ready(): Promise<void> {
  await loadTreeSitter();
}

/** Scans a snippet as the given file path (the extension picks the language). */
export function scan(text: string, path = 'src/app.js'): Finding[] {
  return scanSecurity({ path, text, lang: detectLanguage(path) ?? 'javascript' });
}

/** Findings of one class (`command-injection` → `security/command-injection`) at default severity. */
export function reported(findings: Finding[], cls: string): Finding[] {
  return findings.filter((f) => f.ruleId === `security/${cls}` && f.severity !== 'info');
}

/** 1-based lines of the reported findings of one class. */
export function linesOf(findings: Finding[], cls: string): number[] {
  return reported(findings, cls).map((f) => f.range.start.line);
}
