/**
 * Per-function complexity on a lifted tree-sitter tree (JavaScript, TypeScript, TSX, Python):
 * - cyclomatic complexity: 1 + decision points (branches, loops, catch, case, ternary, `&&`/`||`/`??`,
 *   logical assignment, default values, optional chaining), as ESLint's `complexity` rule counts them;
 * - cognitive complexity, after SonarSource's specification: +1 per break in linear flow, plus the
 *   current nesting level for structures that nest; `else if`/`else` add 1 without nesting; each run of
 *   like boolean operators adds 1; nested functions deepen nesting;
 * - maximum nesting depth of control structures;
 * - length in lines.
 * A nested function is measured on its own; its body does not count toward the enclosing function.
 */
import type { LiftedTree, SyntaxNode } from '../parsing/index.js';

/** Metrics of one function. */
export interface FunctionComplexity {
  name: string;
  /** UTF-16 offsets of the whole function. */
  start: number;
  end: number;
  /** Offsets of the function's name (or its first line) for anchoring findings. */
  anchorStart: number;
  anchorEnd: number;
  cyclomatic: number;
  cognitive: number;
  maxNesting: number;
  lines: number;
}

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'generator_function_declaration',
  'generator_function',
  'arrow_function',
  'method_definition',
  'function_definition', // python
  'lambda', // python
]);

/** Structures that add 1 + nesting (cognitive) and open a nesting level. */
const NESTING_STRUCTURES = new Set([
  'if_statement',
  'for_statement',
  'for_in_statement',
  'while_statement',
  'do_statement',
  'switch_statement',
  'catch_clause',
  'ternary_expression',
  'match_statement', // python
  'except_clause', // python
  'conditional_expression', // python ternary
]);

/** Decision points for cyclomatic complexity. */
const DECISIONS = new Set([
  'if_statement',
  'elif_clause',
  'for_statement',
  'for_in_statement',
  'while_statement',
  'do_statement',
  'catch_clause',
  'except_clause',
  'ternary_expression',
  'conditional_expression',
  'case_clause',
  'if_clause', // python comprehension filter
  'for_in_clause', // python comprehension loop
]);

const LOGICAL = new Set(['&&', '||', '??', 'and', 'or']);
const LOGICAL_ASSIGN = new Set(['&&=', '||=', '??=']);

function operatorOf(node: SyntaxNode): string | undefined {
  for (const child of node.children) if (child.field === 'operator' || (!child.named && LOGICAL.has(child.type))) return child.type;
  return undefined;
}

function nameOf(node: SyntaxNode, tree: LiftedTree): { name: string; start: number; end: number } {
  const nameNode = node.children.find((c) => c.field === 'name');
  if (nameNode) return { name: tree.text(nameNode), start: nameNode.start, end: nameNode.end };
  // `const f = () => …`, `obj.f = function () {}`, `{ f: () => … }`: name from the parent.
  const parent = node.parent;
  if (parent) {
    const target = parent.children.find((c) => c.field === 'name' || c.field === 'left' || c.field === 'key');
    if (target && target !== node && target.end - target.start < 200) return { name: tree.text(target), start: target.start, end: target.end };
  }
  const firstLineEnd = tree.source.indexOf('\n', node.start);
  return { name: '(anonymous)', start: node.start, end: Math.min(node.end, firstLineEnd < 0 ? node.end : firstLineEnd) };
}

interface Counter {
  cyclomatic: number;
  cognitive: number;
  maxNesting: number;
}

/** Measures every function in a tree. */
export function measureComplexity(tree: LiftedTree): FunctionComplexity[] {
  const out: FunctionComplexity[] = [];
  const measureFunction = (fn: SyntaxNode, outerNesting: number): void => {
    const counter: Counter = { cyclomatic: 1, cognitive: 0, maxNesting: 0 };
    // Default parameter values are decisions too (ESLint counts them).
    for (const child of fn.children) walk(child, outerNesting, 0, counter, fn);
    const { name, start, end } = nameOf(fn, tree);
    const first = tree.position(fn.start).line;
    const last = tree.position(Math.max(fn.start, fn.end - 1)).line;
    out.push({ name, start: fn.start, end: fn.end, anchorStart: start, anchorEnd: end, ...counter, lines: last - first + 1 });
  };

  const walk = (node: SyntaxNode, nesting: number, depth: number, c: Counter, owner: SyntaxNode): void => {
    if (node.named && FUNCTION_TYPES.has(node.type)) {
      // Measured on its own; it deepens nesting for the cognitive count of its own body.
      measureFunction(node, nesting + 1);
      return;
    }
    const type = node.type;
    let childNesting = nesting;
    let childDepth = depth;
    if (DECISIONS.has(type)) c.cyclomatic++;
    if (type === 'switch_case' && node.children.some((ch) => ch.field === 'value')) c.cyclomatic++;
    // Default values (parameters and destructuring) and optional chaining are paths too (ESLint counts them).
    if (type === 'assignment_pattern' || type === 'object_assignment_pattern' || type === 'default_parameter' || type === 'typed_default_parameter' || type === 'optional_chain') c.cyclomatic++;
    if (type === 'binary_expression' || type === 'boolean_operator') {
      const op = operatorOf(node);
      if (op !== undefined && LOGICAL.has(op)) {
        c.cyclomatic++;
        // A run of like operators counts once: only when the parent is not the same operator.
        const parent = node.parent;
        const parentOp = parent && (parent.type === type) ? operatorOf(parent) : undefined;
        if (parentOp !== op) c.cognitive++;
      }
    }
    if (type === 'augmented_assignment_expression') {
      const op = operatorOf(node);
      if (op !== undefined && LOGICAL_ASSIGN.has(op)) c.cyclomatic++;
    }
    if (NESTING_STRUCTURES.has(type)) {
      const isElseIf = type === 'if_statement' && node.parent?.type === 'else_clause';
      c.cognitive += isElseIf ? 1 : 1 + nesting;
      if (!isElseIf) {
        childNesting = nesting + 1;
        childDepth = depth + 1;
      } else {
        childNesting = nesting;
        childDepth = depth;
      }
      c.maxNesting = Math.max(c.maxNesting, childDepth);
    } else if (type === 'else_clause') {
      // `else` adds 1; `else if` is counted on the inner if.
      const inner = node.children.find((ch) => ch.named);
      if (!inner || inner.type !== 'if_statement') c.cognitive++;
    } else if (type === 'elif_clause') {
      c.cognitive++;
    } else if ((type === 'break_statement' || type === 'continue_statement') && node.children.some((ch) => ch.named && ch.type === 'statement_identifier')) {
      c.cognitive++;
    }
    for (const child of node.children) walk(child, childNesting, childDepth, c, owner);
  };

  // Top level: find functions anywhere outside other functions.
  const top = (node: SyntaxNode): void => {
    if (node.named && FUNCTION_TYPES.has(node.type)) {
      measureFunction(node, 0);
      return;
    }
    for (const child of node.children) top(child);
  };
  top(tree.root);
  return out.sort((a, b) => a.start - b.start);
}
