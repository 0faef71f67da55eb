/**
 * The default locations of the tree-sitter `.wasm` files: the runtime from `web-tree-sitter` and
 * each grammar package's OWN `.wasm` (see shared/STACK.md: not `tree-sitter-wasms`). This is the
 * only place in the parsing folder that looks at `import.meta`; bundled hosts (the VS Code
 * extension) pass their own {@link WasmPaths} instead.
 */
import { createRequire } from 'node:module';
import type { WasmPaths } from './wasm-paths.js';

/** Resolves the `.wasm` files from the installed packages in node_modules. */
export function defaultWasmPaths(): WasmPaths {
  const require = createRequire(import.meta.url);
  const resolve = (specifier: string): string => require.resolve(specifier);
  return {
    runtime: resolve('web-tree-sitter/web-tree-sitter.wasm'),
    languages: {
      javascript: resolve('tree-sitter-javascript/tree-sitter-javascript.wasm'),
      typescript: resolve('tree-sitter-typescript/tree-sitter-typescript.wasm'),
      tsx: resolve('tree-sitter-typescript/tree-sitter-tsx.wasm'),
      python: resolve('tree-sitter-python/tree-sitter-python.wasm'),
      json: resolve('tree-sitter-json/tree-sitter-json.wasm'),
    },
  };
}
