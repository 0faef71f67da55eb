/**
 * Hard-coded secrets in JavaScript string literals.
 */
import type { SyntaxNode } from '../../parsing/lift-tree.js';
import { detectSecret } from '../secrets.js';
import type { JsAnalyzer } from './js-analyzer.js';

/** Checks a `string` node, with the name it is assigned to (variable, property), if any. */
export function checkSecretString(a: JsAnalyzer, node: SyntaxNode, name: string | undefined): void {
  if (node.end - node.start < 10) return;
  const value = a.text(node).slice(1, -1);
  const match = detectSecret(value, name);
  if (!match) return;
  const test = a.options.isTestFile ?? false;
  a.report({
    cls: 'hardcoded-secret',
    at: node,
    message: `Hard-coded secret: ${match.kind}${name ? ` in '${name}'` : ''}`,
    severity: test ? 'info' : match.confidence >= 0.9 ? 'error' : 'warning',
    confidence: test ? match.confidence / 2 : match.confidence,
  });
}
