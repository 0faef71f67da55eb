/** The shared tree-sitter loader for the review agents. */
export { LANGUAGE_IDS, detectLanguage, isJavaScriptFamily, isLanguageId, type LanguageId } from './language-id.js';
export type { WasmPaths } from './wasm-paths.js';
export { defaultWasmPaths } from './default-wasm-paths.js';
export { TreeSitterService, type ParseOptions, type TreeSitterOptions } from './tree-sitter-service.js';
export { loadTreeSitter, loadedTreeSitter } from './load-tree-sitter.js';
export { childByField, liftTree, namedChildren, type LiftOptions, type LiftedTree, type SyntaxNode } from './lift-tree.js';
