/**
 * TypeScript compiled for real (the repository's `typescript` compiler API, esbuild for a bundle),
 * run by Node, and located back to the original .ts line through the emitted source maps: separate
 * `.js.map` files, inline maps, ES modules, `sourceRoot`, `webpack://` sources, `file://` sources,
 * and traces copied from another machine (a CI runner's paths).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { locate, parseStackTrace } from '../../../../agents/error/stack/index.js';
import { compileTypeScript, lineOf, runNode, tempProject, writeFiles, type TempProject } from './programs.js';

const sources = {
  'src/orders/total.ts': [
    'export interface Line {',
    '  price: number;',
    '  quantity: number;',
    '  discount?: { percent: number };',
    '}',
    '',
    '/** Sums the order, after discounts. */',
    'export function total(lines: Line[]): number {',
    '  let sum = 0;',
    '  for (const line of lines) {',
    '    const factor: number = 1 - line.discount!.percent / 100;',
    '    sum += line.price * line.quantity * factor;',
    '  }',
    '  return sum;',
    '}',
    '',
  ].join('\n'),
  'src/main.ts': [
    "import { total, type Line } from './orders/total';",
    '',
    'type Order = { id: string; lines: Line[] };',
    '',
    'function checkout(order: Order): string {',
    '  const amount = total(order.lines);',
    '  return `${order.id}: ${amount.toFixed(2)}`;',
    '}',
    '',
    "console.log(checkout({ id: 'o-1', lines: [{ price: 3, quantity: 2 }] }));",
    '',
  ].join('\n'),
};
const faultLine = lineOf(sources['src/orders/total.ts'], 'line.discount!.percent');
const callLine = lineOf(sources['src/main.ts'], 'total(order.lines)');

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({ ...sources, 'package.json': '{ "name": "shop", "private": true }\n' });
});
afterAll(async () => {
  await project.dispose();
});

describe('TypeScript through source maps', () => {
  it('maps a CommonJS build with .js.map files back to the .ts lines', async () => {
    compileTypeScript(project.root, ['src/main.ts'], { outDir: join(project.root, 'dist'), rootDir: join(project.root, 'src'), sourceMap: true });
    const output = runNode(project.root, 'dist/main.js');
    const trace = parseStackTrace(output)!;
    expect(trace.errorType).toBe('TypeError');
    expect(trace.frames[0]!.file).toBe(join(project.root, 'dist/orders/total.js'));

    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/orders/total.ts', line: faultLine, function: 'total', via: 'source-map' });
    expect(located.fault!.codeFrame).toContain(`> ${faultLine} |     const factor: number = 1 - line.discount!.percent / 100;`);
    expect(located.candidates[1]).toMatchObject({ file: 'src/main.ts', line: callLine, function: 'checkout', via: 'source-map' });
    const first = located.trace.frames[0]!;
    expect(first).toMatchObject({ own: true, projectFile: 'src/orders/total.ts', original: { file: 'src/orders/total.ts', line: faultLine } });
    // The mapped column points into the expression that threw, on the original line.
    expect(first.original!.column).toBeGreaterThan(sources['src/orders/total.ts'].split('\n')[faultLine - 1]!.indexOf('line.discount'));
  });

  it('maps an ES module build with inline source maps', async () => {
    const outDir = join(project.root, 'build-esm');
    compileTypeScript(project.root, ['src/main.ts'], { outDir, rootDir: join(project.root, 'src'), inlineSourceMap: true, module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 });
    // ESM needs explicit extensions: the compiled import gets one, and the folder is marked as ESM.
    const mainJs = join(outDir, 'main.js');
    const text = await readFile(mainJs, 'utf8');
    expect(text).toMatch(/\/\/# sourceMappingURL=data:application\/json;base64,/);
    await writeFile(mainJs, text.replace("from './orders/total'", "from './orders/total.js'"));
    await writeFiles(outDir, { 'package.json': '{ "type": "module" }\n' });
    const output = runNode(project.root, 'build-esm/main.js');
    const trace = parseStackTrace(output)!;
    expect(trace.frames[0]!.file).toBe(pathToFileURL(join(outDir, 'orders/total.js')).href);

    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/orders/total.ts', line: faultLine, via: 'source-map' });
    expect(located.candidates[1]).toMatchObject({ file: 'src/main.ts', line: callLine });
  });

  it('locates a trace copied from a CI runner, with the map’s sourceRoot naming the runner’s folder', async () => {
    const runner = '/home/runner/work/shop/shop';
    compileTypeScript(project.root, ['src/main.ts'], { outDir: join(project.root, 'out'), rootDir: join(project.root, 'src'), sourceMap: true, sourceRoot: `${runner}/src/` });
    const map = JSON.parse(await readFile(join(project.root, 'out/orders/total.js.map'), 'utf8')) as { sourceRoot: string; sources: string[] };
    expect(map).toMatchObject({ sourceRoot: `${runner}/src/`, sources: ['orders/total.ts'] });
    const output = runNode(project.root, 'out/main.js').split(project.root).join(runner);
    const trace = parseStackTrace(output)!;
    expect(trace.frames[0]!.file).toBe(`${runner}/out/orders/total.js`);

    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/orders/total.ts', line: faultLine, via: 'source-map' });
  });

  it('maps a bundle whose map names webpack:// sources, and one naming file:// sources', async () => {
    await build({ entryPoints: [join(project.root, 'src/main.ts')], bundle: true, platform: 'node', format: 'cjs', sourcemap: true, outfile: join(project.root, 'bundle/app.js'), logLevel: 'silent' });
    const mapPath = join(project.root, 'bundle/app.js.map');
    const map = JSON.parse(await readFile(mapPath, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources).toEqual(['../src/orders/total.ts', '../src/main.ts']);
    const output = runNode(project.root, 'bundle/app.js');
    const trace = parseStackTrace(output)!;

    // What webpack writes: sources relative to the build's context, under a namespace.
    await writeFile(mapPath, JSON.stringify({ ...map, sources: map.sources.map((s) => s.replace('../', 'webpack://shop/./')) }));
    let located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/orders/total.ts', line: faultLine, via: 'source-map' });
    expect(located.candidates[1]).toMatchObject({ file: 'src/main.ts', line: callLine });

    await writeFile(mapPath, JSON.stringify({ ...map, sources: map.sources.map((s) => pathToFileURL(join(project.root, 'bundle', s)).href) }));
    located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/orders/total.ts', line: faultLine, via: 'source-map' });
  });

  it('finds a hidden source map (no comment) beside the generated file', async () => {
    compileTypeScript(project.root, ['src/main.ts'], { outDir: join(project.root, 'hidden'), rootDir: join(project.root, 'src'), sourceMap: true });
    const generated = join(project.root, 'hidden/orders/total.js');
    await writeFile(generated, (await readFile(generated, 'utf8')).replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'));
    expect(await readFile(generated, 'utf8')).not.toContain('sourceMappingURL');
    const trace = parseStackTrace(runNode(project.root, 'hidden/main.js'))!;
    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/orders/total.ts', line: faultLine, via: 'source-map' });
  });
});
