/**
 * Test helper: makes the memory store's TypeScript runnable by a plain `node` child process.
 *
 * Why: the crash test must SIGKILL a real process mid-write, and jest's in-process transform is not
 * available there (no ts loader is installed). So the test transpiles `shared/memory/index.ts` and
 * every file it reaches through relative imports with `@swc/core` (already used by jest), into a
 * temporary folder that mirrors the repository layout, with a `package.json` saying ESM and a
 * `node_modules` symlink so bare imports (zod) resolve. The child then `import()`s that copy: the
 * very source under test, not a build from some other moment.
 */
import { transformFile } from '@swc/core';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file is test/shared/memory/child-module.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A transpiled copy of a module and its relative imports; remove it with `dispose()`. */
export interface ChildModule {
  /** file: URL of the transpiled entry, for `import()` in a child. */
  url: string;
  dispose(): Promise<void>;
}

/** Transpiles `entry` (repository-relative .ts path) and its relative imports for a child process. */
export async function compileForChild(entry: string): Promise<ChildModule> {
  const out = await mkdtemp(join(tmpdir(), 'orchestra-memory-child-'));
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await symlink(join(repoRoot, 'node_modules'), join(out, 'node_modules'), 'dir');
  const pending = [resolve(repoRoot, entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    for (const match of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) pending.push(resolve(dirname(file), `${match[1]}.ts`));
    const { code } = await transformFile(file, {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    const target = join(out, relative(repoRoot, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, code);
  }
  return {
    url: pathToFileURL(join(out, entry.replace(/\.ts$/, '.js'))).href,
    dispose: () => rm(out, { recursive: true, force: true }),
  };
}
