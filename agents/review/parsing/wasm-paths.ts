/**
 * Where the tree-sitter `.wasm` files live. Hosts that bundle the agents copy the files next to
 * their bundle and pass these paths; node hosts use `defaultWasmPaths()`.
 */
import type { LanguageId } from './language-id.js';

/** Paths (or file URLs) of the web-tree-sitter runtime and of each grammar. */
export interface WasmPaths {
  /** `web-tree-sitter.wasm`, the runtime. */
  runtime: string;
  /** One grammar `.wasm` per language; a language without a path cannot be parsed. */
  languages: Partial<Record<LanguageId, string>>;
}
