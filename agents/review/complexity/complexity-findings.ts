/**
 * Turns function metrics into findings when a threshold is exceeded. One finding per function and
 * metric, anchored on the function's name so the fingerprint survives edits inside the body.
 */
import type { Finding } from '../../../shared/findings/finding.js';
import { assignFingerprints } from '../../../shared/findings/fingerprint.js';
import type { LiftedTree } from '../parsing/index.js';
import { measureComplexity, type FunctionComplexity } from './measure-complexity.js';

export const COMPLEXITY_AGENT = 'complexity-analyzer';

/** Thresholds; a function above one gets a warning. Defaults follow ESLint (`complexity` 20) and Sonar (cognitive 15). */
export interface ComplexityThresholds {
  cyclomatic: number;
  cognitive: number;
  nesting: number;
  /** Lines per function. */
  length: number;
}

export const DEFAULT_THRESHOLDS: ComplexityThresholds = { cyclomatic: 20, cognitive: 15, nesting: 5, length: 150 };

const HELP = {
  cyclomatic: 'Many independent paths make a function hard to test fully. Split it into smaller functions, or replace branching with lookup tables or polymorphism.',
  cognitive: 'Deeply nested and interleaved control flow is hard to read. Extract nested blocks into well-named functions, return early, and flatten conditions.',
  nesting: 'Deep nesting hides the main path. Use guard clauses (return or continue early) and extract inner blocks.',
  length: 'Long functions do several jobs. Split it along its steps.',
} as const;

/** Result of analysing one file. */
export interface ComplexityResult {
  findings: Finding[];
  functions: FunctionComplexity[];
  /** Sum of cyclomatic complexity over the file's functions (for hotspot scores). */
  total: number;
}

/** Measures a file and reports functions above the thresholds. */
export function analyzeComplexity(path: string, tree: LiftedTree, thresholds: ComplexityThresholds = DEFAULT_THRESHOLDS): ComplexityResult {
  const functions = measureComplexity(tree);
  const raw: Omit<Finding, 'fingerprint'>[] = [];
  for (const fn of functions) {
    const start = tree.position(fn.anchorStart);
    const end = tree.position(Math.max(fn.anchorStart, fn.anchorEnd));
    const range = { start, end: end.line === start.line ? end : { line: start.line, column: start.column + 1 } };
    const check = (metric: keyof ComplexityThresholds, value: number, what: string) => {
      if (value <= thresholds[metric]) return;
      raw.push({
        ruleId: `complexity/${metric === 'length' ? 'function-length' : metric}`,
        agent: COMPLEXITY_AGENT,
        severity: 'warning',
        message: `Function ${fn.name} has ${what} of ${value} (threshold ${thresholds[metric]}).`,
        file: path,
        range,
        help: HELP[metric],
        tags: ['maintainability', 'complexity'],
        confidence: 1,
        shouldReport: true,
      });
    };
    check('cyclomatic', fn.cyclomatic, 'a cyclomatic complexity');
    check('cognitive', fn.cognitive, 'a cognitive complexity');
    check('nesting', fn.maxNesting, 'a nesting depth');
    check('length', fn.lines, 'a length in lines');
  }
  return {
    findings: assignFingerprints(raw, (line) => tree.lineText(line)),
    functions,
    total: functions.reduce((sum, fn) => sum + fn.cyclomatic, 0),
  };
}
