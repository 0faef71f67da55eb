/**
 * One shared {@link TreeSitterService} per process (or worker thread), loaded with the default
 * `.wasm` paths unless the host passes its own the first time.
 */
import { defaultWasmPaths } from './default-wasm-paths.js';
import { TreeSitterService } from './tree-sitter-service.js';
import type { WasmPaths } from './wasm-paths.js';

let shared: Promise<TreeSitterService> | undefined;
let loaded: TreeSitterService | undefined;

/**
 * Returns the process-wide service, creating it on the first call (with `paths`, or the packages in
 * node_modules). Later calls return the same service and ignore `paths`.
 */
export function loadTreeSitter(paths?: WasmPaths): Promise<TreeSitterService> {
  if (!shared) {
    shared = TreeSitterService.create({ paths: paths ?? defaultWasmPaths() }).then(
      (service) => {
        loaded = service;
        return service;
      },
      (error: unknown) => {
        shared = undefined;
        throw error;
      },
    );
  }
  return shared;
}

/** The shared service if {@link loadTreeSitter} has finished, for synchronous callers. */
export function loadedTreeSitter(): TreeSitterService | undefined {
  return loaded;
}
