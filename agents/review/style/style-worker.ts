/**
 * Worker-thread entry of the style-validator: the default export takes a task input
 * (`{ root, files: [{ path, text }], options? }`, plain data that crosses `postMessage`) and resolves
 * with findings (plain data too). Each thread keeps its own ESLint instance cache, so a pre-started
 * pool pays ESLint's start-up once per thread. Usable as a piscina `filename` once compiled.
 */
import type { Finding } from '../../../shared/findings/finding.js';
import { lintFiles } from './lint-files.js';
import { parseWith, styleTaskInputSchema } from './style-options.js';

/** Lints one task's files inside the current thread. */
export default async function styleWorker(input: unknown): Promise<Finding[]> {
  const task = parseWith(styleTaskInputSchema, input, 'style-validator worker task');
  return lintFiles(task.root, task.files, task.options ?? {});
}
