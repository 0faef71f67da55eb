/**
 * Compiles a source module and everything it imports relatively into a temp folder as plain ESM
 * JavaScript (TypeScript's transpileModule, no type check), so a test can load it where jest's
 * transform does not reach: a worker thread, under Node's own module loader.
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const repoRoot = resolve(import.meta.dirname, '../../../..');

/** Compiles `entry` (a path under the repository) and its relative imports into `outDir`; returns the entry's .js path. */
export async function compileForNode(entry: string, outDir: string): Promise<string> {
  await writeFile(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  await symlink(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  const done = new Set<string>();
  const queue = [resolve(repoRoot, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const target = join(outDir, relative(repoRoot, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
    // Follow value imports only: `import type` is erased, so its module need not exist.
    for (const match of outputText.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      queue.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  return join(outDir, relative(repoRoot, entry)).replace(/\.ts$/, '.js');
}
