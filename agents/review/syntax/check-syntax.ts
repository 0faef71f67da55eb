/**
 * The syntax checker's analysis: syntax errors with exact ranges.
 * - JavaScript, JSX, TypeScript, TSX: when tree-sitter's tree has an error, the TypeScript compiler's
 *   syntactic diagnostics decide (public API:
 *   a one-file program with no lib and no resolution). tree-sitter's TypeScript grammar puts ERROR
 *   nodes in valid modern TS (see ../shared/STACK.md), and the compiler's messages name the token
 *   expected; it also reports TypeScript-only syntax used in .js files.
 * - Python and JSON: tree-sitter ERROR and MISSING nodes. JSON-with-comments files (tsconfig, .vscode,
 *   *.jsonc) accept comments and trailing commas.
 */
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import type { Tree, Node } from 'web-tree-sitter';
import type { Finding, Range } from '../../../shared/findings/finding.js';
import { assignFingerprints } from '../../../shared/findings/fingerprint.js';
import type { LanguageId } from '../parsing/index.js';
import { lineStarts, positionAt } from '../parsing/line-index.js';

/** At most this many syntax errors per file: after the first few, error recovery mostly cascades. */
const MAX_ERRORS = 10;
export const SYNTAX_AGENT = 'syntax-checker';

/** A file to check. */
export interface SyntaxInput {
  path: string;
  text: string;
  lang: LanguageId;
  /** A tree-sitter tree of `text` (needed for Python and JSON). */
  tree?: Tree;
}

// The compiler is loaded on first use, with require(): importing its 9 MB CommonJS file from ESM
// makes Node lex it for named exports first (~0.3 s on every start, also when no file has an error).
let tsModule: typeof TypeScript | undefined;
function typescript(): typeof TypeScript {
  tsModule ??= createRequire(import.meta.url)('typescript') as typeof TypeScript;
  return tsModule;
}

function scriptKind(ts: typeof TypeScript, path: string, lang: LanguageId): TypeScript.ScriptKind {
  if (lang === 'tsx') return ts.ScriptKind.TSX;
  if (lang === 'typescript') return ts.ScriptKind.TS;
  return /\.jsx$/i.test(path) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}


function finding(path: string, range: Range, message: string, ruleId = 'syntax/parse-error'): Omit<Finding, 'fingerprint'> {
  return { ruleId, agent: SYNTAX_AGENT, severity: 'error', message, file: path, range, tags: ['syntax'], confidence: 1, shouldReport: true };
}

function checkWithTypeScript(input: SyntaxInput, starts: number[]): Omit<Finding, 'fingerprint'>[] {
  const ts = typescript();
  const compilerOptions: TypeScript.CompilerOptions = { noLib: true, noResolve: true, allowJs: true, checkJs: false, jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ESNext, noEmit: true, types: [] };
  const fileName = `/__orchestra__/${input.path.replace(/^\/+/, '')}`;
  const source = ts.createSourceFile(fileName, input.text, ts.ScriptTarget.ESNext, false, scriptKind(ts, input.path, input.lang));
  const host: TypeScript.CompilerHost = {
    getSourceFile: (name) => (name === fileName ? source : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName,
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [fileName], options: compilerOptions, host });
  return program
    .getSyntacticDiagnostics(source)
    .slice(0, MAX_ERRORS)
    .map((d) => {
      const start = d.start ?? 0;
      const end = start + Math.max(d.length ?? 0, 1);
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      return finding(input.path, { start: positionAt(starts, start), end: positionAt(starts, Math.min(end, input.text.length)) }, `${message} (TS${d.code})`);
    });
}

const JSONC_NAME = /(^|\/)(tsconfig[^/]*|jsconfig[^/]*|\.vscode\/[^/]+|devcontainer|\.devcontainer\/[^/]+|[^/]+\.jsonc|\.eslintrc|\.babelrc)(\.json)?$/i;

function checkWithTreeSitter(input: SyntaxInput, starts: number[]): Omit<Finding, 'fingerprint'>[] {
  const tree = input.tree;
  if (!tree) return [];
  const out: Omit<Finding, 'fingerprint'>[] = [];
  const jsonc = input.lang === 'json' && JSONC_NAME.test(input.path);
  const root = tree.rootNode;
  if (!root.hasError) return out;
  // Depth-first in document order with an explicit stack: 10,000-level nesting must not overflow.
  const stack: Node[] = [root];
  while (stack.length > 0 && out.length < MAX_ERRORS) {
    const node = stack.pop()!;
    if (node.isMissing) {
      const at = positionAt(starts, node.startIndex);
      out.push(finding(input.path, { start: at, end: { line: at.line, column: at.column + 1 } }, `Syntax error: missing "${node.type}"`));
      continue;
    }
    if (node.type === 'ERROR') {
      const text = input.text.slice(node.startIndex, node.endIndex);
      if (jsonc && /^\s*,\s*$/.test(text)) continue; // trailing comma in a JSON-with-comments file
      const token = text.trim().split(/\s+/)[0]?.slice(0, 40) ?? '';
      const start = positionAt(starts, node.startIndex);
      const end = positionAt(starts, Math.max(node.endIndex, node.startIndex + 1));
      out.push(finding(input.path, { start, end }, token ? `Syntax error: unexpected "${token}"` : 'Syntax error'));
      continue;
    }
    if (!node.hasError) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
  return out;
}

/** Returns syntax-error findings for one file, with fingerprints. */
export function checkSyntax(input: SyntaxInput): Finding[] {
  const starts = lineStarts(input.text);
  let raw: Omit<Finding, 'fingerprint'>[];
  if (input.lang === 'python' || input.lang === 'json') {
    raw = checkWithTreeSitter(input, starts);
  } else if (input.tree && !input.tree.rootNode.hasError) {
    // tree-sitter is the filter, the compiler the judge: a tree without ERROR or MISSING nodes has no
    // syntax error worth reporting, and skipping the second parse halves the agent's cost.
    raw = [];
  } else {
    try {
      raw = checkWithTypeScript(input, starts);
    } catch (error) {
      // The compiler's recursive-descent parser overflows the stack on pathological nesting
      // (thousands of levels); tree-sitter's parser does not, so its view is used instead.
      if (!(error instanceof RangeError)) throw error;
      raw = input.tree
        ? checkWithTreeSitter(input, starts)
        : [{ ...finding(input.path, { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }, 'The file is nested too deeply for the TypeScript parser; its syntax was not checked.', 'syntax/too-deep'), severity: 'info' }];
    }
  }
  const lineText = (line: number) => input.text.slice(starts[line - 1] ?? 0, (starts[line] ?? input.text.length + 1) - 1);
  return assignFingerprints(raw, lineText);
}
