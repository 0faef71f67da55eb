/**
 * Where the CLI's own files are: the package.json (for the version) and the compiled review worker
 * module the worker pool loads. Running from TypeScript sources (tests), there is no compiled worker,
 * and reviews run in the main thread.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The Orchestra package folder (where package.json is). */
export function packageRoot(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'cli'))) return dir;
    dir = dirname(dir);
  }
  return join(here, '..', '..');
}

let version: string | undefined;

/** Orchestra's version from its package.json. */
export function orchestraVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

/** The compiled review worker module, or undefined when running from sources. */
export function workerModuleUrl(): URL | undefined {
  if (import.meta.url.endsWith('.ts')) return undefined;
  const file = join(here, '..', 'agents', 'review', 'swarm', 'review-worker.js');
  return existsSync(file) ? pathToFileURL(file) : undefined;
}
