/**
 * The source-map consumer cache shared across `locate` calls: LRU by count and bytes, identities,
 * and the rule that a consumer is destroyed exactly once, never while a call still holds it. Real
 * consumers (source-map's WebAssembly) are used, with `destroy` counted.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceMapConsumer, SourceMapGenerator } from 'source-map';
import { locate } from '../../../../agents/error/stack/index.js';
import { ConsumerCache } from '../../../../agents/error/stack/consumer-cache.js';
import { clearSourceMapCache } from '../../../../agents/error/stack/source-maps.js';
import type { ParsedTrace } from '../../../../agents/error/types.js';
import { tempProject, type TempProject } from './programs.js';

const destroyed = new Map<SourceMapConsumer, number>();

async function consumer(): Promise<SourceMapConsumer> {
  const generator = new SourceMapGenerator({ file: 'x.js' });
  generator.addMapping({ generated: { line: 1, column: 0 }, original: { line: 5, column: 2 }, source: 'x.ts' });
  const made = await new SourceMapConsumer(generator.toJSON());
  const destroy = made.destroy.bind(made);
  made.destroy = () => {
    destroyed.set(made, (destroyed.get(made) ?? 0) + 1);
    destroy();
  };
  return made;
}

describe('ConsumerCache', () => {
  it('reuses a consumer only for the same identity, and replaces a changed one', async () => {
    const cache = new ConsumerCache(4, 1000);
    const first = cache.add('a.js', 'v1', 'a.js.map', 10, await consumer());
    cache.release(first);
    expect(cache.acquire('a.js', 'v2')).toBeUndefined();
    const again = cache.acquire('a.js', 'v1')!;
    expect(again).toBe(first);
    expect(again.consumer.originalPositionFor({ line: 1, column: 0 })).toMatchObject({ source: 'x.ts', line: 5 });
    cache.release(again);
    const second = cache.add('a.js', 'v2', 'a.js.map', 10, await consumer());
    expect(destroyed.get(first.consumer)).toBe(1);
    cache.release(second);
    expect(destroyed.get(second.consumer)).toBeUndefined();
    cache.clear();
    expect(destroyed.get(second.consumer)).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used by count and by bytes, but destroys only when released', async () => {
    const cache = new ConsumerCache(2, 100);
    const a = cache.add('a', 'a', undefined, 10, await consumer());
    const b = cache.add('b', 'b', undefined, 10, await consumer());
    cache.release(b);
    cache.release(cache.acquire('a', 'a')!); // a is now the most recent: b goes first
    const c = cache.add('c', 'c', undefined, 10, await consumer());
    expect(cache.peek('b')).toBeUndefined();
    expect(destroyed.get(b.consumer)).toBe(1);
    // a is still held by its first caller: evicted (by bytes) but alive until released.
    const d = cache.add('d', 'd', undefined, 85, await consumer());
    expect(cache.peek('a')).toBeUndefined();
    expect(destroyed.get(a.consumer)).toBeUndefined();
    expect(a.consumer.originalPositionFor({ line: 1, column: 0 }).line).toBe(5);
    cache.release(a);
    expect(destroyed.get(a.consumer)).toBe(1);
    for (const entry of [c, d]) cache.release(entry);
    // A map larger than the whole cache is used once and not kept.
    const huge = cache.add('e', 'e', undefined, 1000, await consumer());
    expect(cache.peek('e')).toBeUndefined();
    cache.release(huge);
    expect(destroyed.get(huge.consumer)).toBe(1);
    cache.clear();
    expect([a, b, c, d, huge].map((entry) => destroyed.get(entry.consumer))).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('locate with the shared cache', () => {
  let project: TempProject;
  afterAll(async () => {
    clearSourceMapCache();
    await project?.dispose();
  });

  it('sees a rebuilt map at once (on disk and through a given reader)', async () => {
    const code = '"use strict";\nfunction f(o) {\n    return o.x.y;\n}\n//# sourceMappingURL=x.js.map\n';
    const mapTo = (line: number): string => {
      const generator = new SourceMapGenerator({ file: 'x.js' });
      generator.addMapping({ generated: { line: 3, column: 4 }, original: { line, column: 2 }, source: '../src/x.ts' });
      return generator.toString();
    };
    project = await tempProject({ 'src/x.ts': Array.from({ length: 30 }, (_, i) => `// ${i + 1}`).join('\n'), 'dist/x.js': code, 'dist/x.js.map': mapTo(7) });
    const trace: ParsedTrace = { language: 'javascript', message: 'x', causes: [], frames: [{ function: 'f', file: join(project.root, 'dist/x.js'), line: 3, column: 16 }] };
    const readFile = async (path: string): Promise<string | undefined> => (await import('node:fs/promises')).readFile(path, 'utf8').catch(() => undefined);
    for (const options of [{ root: project.root }, { root: project.root, readFile }]) {
      await writeFile(join(project.root, 'dist/x.js.map'), mapTo(7));
      expect((await locate(trace, options)).fault).toMatchObject({ file: 'src/x.ts', line: 7 });
      expect((await locate(trace, options)).fault).toMatchObject({ file: 'src/x.ts', line: 7 });
      // Rebuilt with a different size, so the change shows even where file times are coarse.
      await mkdir(join(project.root, 'dist'), { recursive: true });
      await writeFile(join(project.root, 'dist/x.js.map'), `${mapTo(21)}\n`);
      expect((await locate(trace, options)).fault).toMatchObject({ file: 'src/x.ts', line: 21 });
    }
  });
});
