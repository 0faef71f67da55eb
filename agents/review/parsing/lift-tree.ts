/**
 * Lifts a web-tree-sitter tree into plain JavaScript objects in one cursor walk. Analyses that
 * visit every node (taint tracking, complexity) then run on ordinary objects instead of crossing
 * into wasm for each property, and never need to `delete()` anything. Offsets are UTF-16 indexes
 * into the parsed string (what web-tree-sitter reports for string input), so `text.slice(start, end)`
 * is the node's text. Depth and size are capped so hostile input (10,000-level nesting) stays bounded.
 */
import type { Tree } from 'web-tree-sitter';

/** One node of a lifted tree. */
export interface SyntaxNode {
  readonly type: string;
  /** Named nodes are grammar rules; anonymous ones are punctuation and keywords (`+`, `(`, `if`). */
  readonly named: boolean;
  /** The field this node fills in its parent (`function`, `arguments`, `left`), or null. */
  readonly field: string | null;
  /** UTF-16 offsets into the source, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly parent: SyntaxNode | null;
  readonly children: SyntaxNode[];
}

/** Options for {@link liftTree}. */
export interface LiftOptions {
  /** Nodes deeper than this are left out (their parent is kept). Default 1,000. */
  maxDepth?: number;
  /** Stop after this many nodes. Default 2,000,000. */
  maxNodes?: number;
  /** Leave out comment nodes (they can sit between any two children). Default true. */
  skipComments?: boolean;
}

/** A lifted tree with the helpers analyses need. */
export interface LiftedTree {
  readonly root: SyntaxNode;
  readonly source: string;
  /** True when `maxDepth` or `maxNodes` cut part of the tree off. */
  readonly truncated: boolean;
  /** Number of nodes kept. */
  readonly nodeCount: number;
  /** The source text of a node. */
  text(node: SyntaxNode): string;
  /** 1-based line and column of a UTF-16 offset. */
  position(offset: number): { line: number; column: number };
  /** The 1-based line's text, without its line break. */
  lineText(line: number): string;
}

/** The first child filling a field, or undefined. */
export function childByField(node: SyntaxNode, field: string): SyntaxNode | undefined {
  for (const child of node.children) if (child.field === field) return child;
  return undefined;
}

/** Named children only. */
export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c) => c.named);
}

/** Walks a web-tree-sitter tree once and returns plain nodes. The tree is not deleted: its owner does that. */
export function liftTree(tree: Tree, source: string, options: LiftOptions = {}): LiftedTree {
  const maxDepth = options.maxDepth ?? 1000;
  const maxNodes = options.maxNodes ?? 2_000_000;
  const kinds = kindTable(tree, options.skipComments ?? true);
  const cursor = tree.walk();
  let truncated = false;
  let count = 1;
  const root: SyntaxNode = { type: internalise(cursor.nodeType), named: true, field: null, start: cursor.startIndex, end: cursor.endIndex, parent: null, children: [] };
  try {
    const stack: SyntaxNode[] = [root];
    let descend = cursor.gotoFirstChild();
    while (descend) {
      const parent = stack[stack.length - 1]!;
      const kind = kinds.get(cursor.nodeTypeId);
      let node: SyntaxNode | undefined;
      if (!kind.drop) {
        node = { type: kind.type, named: kind.named, field: kinds.field(cursor.currentFieldId), start: cursor.startIndex, end: cursor.endIndex, parent, children: [] };
        parent.children.push(node);
        count++;
      }
      if (count >= maxNodes) {
        truncated = true;
        break;
      }
      if (node && kind.named && cursor.gotoFirstChild()) {
        if (stack.length < maxDepth) {
          stack.push(node);
          continue;
        }
        truncated = true;
        cursor.gotoParent();
      }
      // Move to the next sibling, climbing up while there is none.
      while (!cursor.gotoNextSibling()) {
        if (stack.length <= 1 || !cursor.gotoParent()) {
          descend = false;
          break;
        }
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
  return makeLiftedTree(root, source, truncated, count);
}

interface Kind {
  type: string;
  named: boolean;
  /** Punctuation (and comments) carry no meaning for the analyses: leaving them out saves most wasm calls. */
  drop: boolean;
}

const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ';', '.', ':', '"', "'", '`', '=>', '?.', '${', '#{', '@']);

/**
 * Strings that come out of wasm are not internalised, so every `switch (node.type)` would compare
 * them character by character; object keys are internalised, which makes those comparisons a
 * pointer check.
 */
function internalise(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

interface KindTable {
  get(id: number): Kind;
  field(id: number): string | null;
}

/** Node kinds and field names by id, computed once per language. */
const kindTables = new WeakMap<object, Map<boolean, KindTable>>();

function kindTable(tree: Tree, skipComments: boolean): KindTable {
  const language = tree.language;
  let byOption = kindTables.get(language);
  if (!byOption) kindTables.set(language, (byOption = new Map()));
  let table = byOption.get(skipComments);
  if (!table) {
    const kinds: Kind[] = [];
    const fields: (string | null)[] = [];
    table = {
      field(id: number): string | null {
        if (id <= 0) return null;
        let f = fields[id];
        if (f === undefined) {
          const name = language.fields[id];
          f = name ? internalise(name) : null;
          fields[id] = f;
        }
        return f;
      },
      get(id: number): Kind {
        let k = kinds[id];
        if (!k) {
          const known = language.types[id];
          const type = internalise(known ?? 'ERROR');
          const named = known === undefined || type === 'ERROR' || language.nodeTypeIsNamed(id);
          k = { type, named, drop: (!named && PUNCTUATION.has(type)) || (skipComments && type === 'comment') };
          kinds[id] = k;
        }
        return k;
      },
    };
    byOption.set(skipComments, table);
  }
  return table;
}

function makeLiftedTree(root: SyntaxNode, source: string, truncated: boolean, nodeCount: number): LiftedTree {
  let lineStarts: number[] | undefined;
  const starts = (): number[] => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    }
    return lineStarts;
  };
  return {
    root,
    source,
    truncated,
    nodeCount,
    text: (node) => source.slice(node.start, node.end),
    position(offset) {
      const ls = starts();
      let lo = 0;
      let hi = ls.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ls[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - ls[lo]! + 1 };
    },
    lineText(line) {
      const ls = starts();
      const start = ls[line - 1];
      if (start === undefined) return '';
      const next = ls[line];
      return source.slice(start, next === undefined ? source.length : next - 1).replace(/\r$/, '');
    },
  };
}
