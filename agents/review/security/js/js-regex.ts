/**
 * ReDoS checks on JavaScript regex literals and `new RegExp('constant')` patterns.
 */
import type { SyntaxNode } from '../../parsing/lift-tree.js';
import { checkRedos, jsFlags, redosGrade } from '../regex/check-redos.js';
import type { JsAnalyzer } from './js-analyzer.js';

/** Checks a `/regex/flags` literal node. */
export function checkRegexLiteral(a: JsAnalyzer, node: SyntaxNode): void {
  const pattern = node.children.find((c) => c.type === 'regex_pattern');
  const flags = node.children.find((c) => c.type === 'regex_flags');
  if (!pattern) return;
  checkRegexPattern(a, node, a.text(pattern), flags ? a.text(flags) : '');
}

/** Checks a pattern string and reports it on `node`. */
export function checkRegexPattern(a: JsAnalyzer, node: SyntaxNode, pattern: string, flags: string): void {
  const verdict = checkRedos(pattern, jsFlags(flags), a.redosBudget);
  if (!verdict) return;
  const shown = pattern.length > 60 ? `${pattern.slice(0, 57)}...` : pattern;
  a.report({
    cls: 'redos',
    at: node,
    message: `Regular expression /${shown}/ can take ${verdict.kind} time on crafted input: ${verdict.reason}`,
    ...redosGrade(verdict),
    tags: [verdict.kind, ...(verdict.detector ? [`redos-detector:${verdict.detector}`] : [])],
  });
}
