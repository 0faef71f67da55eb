/**
 * The stack tracer's bench (run by `bench/error.bench.ts`).
 *
 * Parse: a mix of traces as runtimes print them — V8 traces made for real in this process (thrown
 * through call chains of different depths, printed by `error.stack` and by `util.inspect` with
 * `[cause]` chains, some with Node's uncaught-error preamble), and CPython, JVM, Go, .NET, Firefox
 * and Safari traces in their printed shapes with varied names, paths and depths. Target: ≥ 10,000
 * traces/s. Peer, on the V8 subset only (the one format it reads): `stack-utils`'
 * `new StackUtils().parseLine` over every line, as a V8 frame parser is used in practice; it reads
 * frames only (no header, message, causes), so the ratio flatters it.
 *
 * Locate: real traces of a TypeScript project compiled with source maps (the TypeScript compiler
 * API, `.js.map` files, 9 mapped frames) and run by Node, located back to the .ts sources; and a
 * real esbuild bundle (the project plus zod and yaml, a ~2 MB map) located cold (the consumer cache
 * cleared before each call: JSON parse and mappings decoded every time) and warm (consumers reused
 * across calls, as when one log holds many traces through one bundle). No peer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import StackUtils from 'stack-utils';
import ts from 'typescript';
import { build } from 'esbuild';
import { locate } from '../../agents/error/stack/locate.js';
import { clearSourceMapCache } from '../../agents/error/stack/source-maps.js';
import { parseStackTrace } from '../../agents/error/stack/parse-stack-traces.js';
import type { ParsedTrace } from '../../agents/error/types.js';
import { compare, interleave, median, type BenchLine } from '../harness.js';

const require = createRequire(import.meta.url);
/** The repository's node_modules, where the bundle's libraries (zod, yaml) come from. */
const NODE_MODULES = join(dirname(require.resolve('zod/package.json')), '..');
const RUNS = 7;
const PARSE_TRACES = 20_000;
const LOCATE_CALLS = 100;
const BUNDLE_LOCATE_CALLS = 20;

/** Deterministic pseudo-random numbers (mulberry32), so every run parses the same corpus. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['orders', 'users', 'billing', 'cart', 'session', 'report', 'search', 'auth', 'invoice', 'catalog', 'shipping', 'profile'];

/** Real V8 traces: errors thrown through call chains of varied depth and printed as Node prints them. */
function v8Traces(count: number, next: () => number): string[] {
  const out: string[] = [];
  const recurse = (depth: number, leaf: () => never): never => (depth === 0 ? leaf() : recurse(depth - 1, leaf));
  const leaves: (() => never)[] = [
    () => {
      const user = (undefined as unknown as { profile: { name: string } } | undefined)!;
      return user.profile.name as never;
    },
    () => {
      throw new RangeError(`index ${Math.floor(next() * 100)} out of range`);
    },
    () => JSON.parse('{bad') as never,
    () => {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '/srv/app/data/${WORDS[Math.floor(next() * WORDS.length)]}.json'`), { code: 'ENOENT', errno: -2 });
    },
  ];
  for (let i = 0; i < count; i++) {
    const leaf = leaves[i % leaves.length]!;
    let error: Error;
    try {
      recurse(2 + Math.floor(next() * 10), leaf);
    } catch (caught) {
      error = caught as Error;
    }
    const shape = i % 4;
    if (shape === 0) out.push(error!.stack!);
    else if (shape === 1) out.push(inspect(new Error(`failed to load ${WORDS[i % WORDS.length]}`, { cause: error! })));
    else if (shape === 2) out.push(`/srv/app/dist/${WORDS[i % WORDS.length]}.js:${10 + (i % 90)}\n    const x = value.profile.name;\n              ^\n\n${error!.stack}\n\nNode.js v20.20.2`);
    else out.push(inspect(error!));
  }
  return out;
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)]!;
}

function times<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

/** Traces of other runtimes in the shapes they print (their runtimes are not needed to read them). */
function otherTraces(count: number, next: () => number): string[] {
  const makers: (() => string)[] = [
    () => {
      const w = pick(WORDS, next);
      const frames = times(2 + Math.floor(next() * 6), (i) => `  File "/app/${w}/module_${i}.py", line ${1 + Math.floor(next() * 300)}, in handler_${i}\n    result = compute_${i}(payload)\n             ^^^^^^^^^^^^^^^^^^^^`);
      return `Traceback (most recent call last):\n${frames.join('\n')}\nKeyError: '${w}'\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File "/app/${w}/views.py", line ${Math.floor(next() * 200)}, in get\n    raise LookupError("missing ${w}") from error\nLookupError: missing ${w}`;
    },
    () => {
      const w = pick(WORDS, next);
      const frames = times(3 + Math.floor(next() * 12), (i) => `\tat com.acme.${w}.Service${i}.call${i}(Service${i}.java:${10 + Math.floor(next() * 400)})`);
      return `Exception in thread "main" java.lang.IllegalStateException: ${w} failed\n${frames.join('\n')}\n\tat java.base/java.lang.Thread.run(Thread.java:833)\nCaused by: java.lang.NullPointerException: Cannot invoke "String.trim()" because "value" is null\n\tat com.acme.${w}.Parser.parse(Parser.java:${Math.floor(next() * 90) + 1})\n\t... ${frames.length} more`;
    },
    () => {
      const w = pick(WORDS, next);
      const frames = times(2 + Math.floor(next() * 6), (i) => `example.com/shop/${w}.(*Handler${i}).Serve(0xc000${i}10000, {0x4c3a1e, 0x3})\n\t/home/runner/work/shop/shop/${w}/handler${i}.go:${10 + Math.floor(next() * 200)} +0x${(0x20 + i).toString(16)}`);
      return `panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x4a1b2c]\n\ngoroutine 1 [running]:\n${frames.join('\n')}\nmain.main()\n\t/home/runner/work/shop/shop/cmd/shop/main.go:12 +0x25\nexit status 2`;
    },
    () => {
      const w = pick(WORDS, next);
      const frames = times(2 + Math.floor(next() * 6), (i) => `   at Shop.${w}.Service${i}.Run${i}(Int32 id) in /src/Shop/${w}/Service${i}.cs:line ${10 + Math.floor(next() * 200)}`);
      return `Unhandled exception. System.InvalidOperationException: Could not load ${w}\n ---> System.NullReferenceException: Object reference not set to an instance of an object.\n${frames.join('\n')}\n   --- End of inner exception stack trace ---\n   at Shop.Program.Main(String[] args) in /src/Shop/Program.cs:line 9`;
    },
    () => {
      const w = pick(WORDS, next);
      const frames = times(3 + Math.floor(next() * 8), (i) => `${i % 3 === 2 ? 'async*' : ''}${w}${i}@https://shop.example.com/static/js/main.4f3c2a.js:1:${1000 + Math.floor(next() * 90000)}`);
      return `TypeError: can't access property "name", ${w} is undefined\n${frames.join('\n')}`;
    },
    () => {
      const w = pick(WORDS, next);
      const frames = times(3 + Math.floor(next() * 8), (i) => `${w}${i}@https://shop.example.com/static/js/main.4f3c2a.js:1:${1000 + Math.floor(next() * 90000)}`);
      return `TypeError: undefined is not an object (evaluating '${w}.name')\n${frames.join('\n')}\nforEach@[native code]\nglobal code@https://shop.example.com/static/js/main.4f3c2a.js:1:10860`;
    },
  ];
  // CPython and the JVM are the common ones after JavaScript.
  const weights = [3, 3, 1, 2, 1, 1];
  const weighted = makers.flatMap((maker, i) => times(weights[i]!, () => maker));
  return times(count, () => pick(weighted, next)());
}

function tracesPerSecond(corpus: readonly string[], parse: (text: string) => unknown): number {
  const start = process.hrtime.bigint();
  let sink = 0;
  for (const text of corpus) if (parse(text)) sink++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === 0) throw new Error('nothing parsed');
  return corpus.length / seconds;
}

async function writeProject(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

function failingRun(script: string): ParsedTrace {
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const trace = parseStackTrace(run.stderr);
  if (!trace) throw new Error(`${script} did not fail as expected:\n${run.stdout}${run.stderr}`);
  return trace;
}

/** A TypeScript project compiled with `.js.map` files and a bundle of it with two real libraries, each run by Node to a real trace. */
async function compiledProject(root: string): Promise<{ compiled: ParsedTrace; bundled: ParsedTrace }> {
  const files: Record<string, string> = {};
  const depth = 8;
  for (let i = 0; i < depth; i++) {
    const callee = i + 1 < depth ? `import { step${i + 1} } from './step${i + 1}';\n` : '';
    const body = i + 1 < depth ? `  const value = step${i + 1}(input + ${i});\n  return value;` : '  const found = (input as unknown as { deep?: { value: number } }).deep!.value;\n  return found;';
    files[`src/steps/step${i}.ts`] = `${callee}/** Step ${i} of the pipeline. */\nexport function step${i}(input: number): number {\n${body}\n}\n`;
  }
  files['src/main.ts'] = "import { step0 } from './steps/step0';\nfor (const n of [1]) {\n  console.log(step0(n));\n}\n";
  files['src/bundle.ts'] = "import { z } from 'zod';\nimport { parse } from 'yaml';\nimport { step0 } from './steps/step0';\nconst config = z.object({ start: z.number() }).parse(parse('start: 1'));\nconsole.log(step0(config.start));\n";
  await writeProject(root, files);
  const program = ts.createProgram([join(root, 'src/main.ts')], { outDir: join(root, 'dist'), rootDir: join(root, 'src'), sourceMap: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, noCheck: true, noLib: true, types: [] });
  program.emit();
  await build({ entryPoints: [join(root, 'src/bundle.ts')], bundle: true, platform: 'node', format: 'cjs', sourcemap: true, outfile: join(root, 'bundle/app.js'), logLevel: 'silent', nodePaths: [NODE_MODULES] });
  return { compiled: failingRun(join(root, 'dist/main.js')), bundled: failingRun(join(root, 'bundle/app.js')) };
}

async function locatesPerSecond(trace: ParsedTrace, root: string, calls: number, cold: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    if (cold) clearSourceMapCache();
    await locate(trace, { root });
  }
  return calls / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Parse and locate throughput; one JSON line per case. */
export async function runStackBench(report: (line: BenchLine) => void): Promise<void> {
  const next = random(20_240_502);
  const v8 = v8Traces(PARSE_TRACES / 2, next);
  const mix = [...v8, ...otherTraces(PARSE_TRACES / 2, next)].sort(() => next() - 0.5);

  const stackUtils = new StackUtils();
  const peerParse = (text: string): number => {
    let frames = 0;
    for (const line of text.split('\n')) if (stackUtils.parseLine(line)) frames++;
    return frames;
  };
  // Warm both (JIT) before measuring.
  tracesPerSecond(mix, parseStackTrace);
  tracesPerSecond(v8, peerParse);

  const v8Samples = await interleave(RUNS, { ours: () => tracesPerSecond(v8, parseStackTrace), peer: () => tracesPerSecond(v8, peerParse) });
  const v8Line = compare({ bench: 'error', case: 'stack-parse-v8', metric: 'traces_per_s', runs: RUNS, stat: 'median', better: 'higher', unit: 'traces/s' }, median(v8Samples.ours!), 'stack-utils.parseLine', median(v8Samples.peer!));
  v8Line.target = 10_000;
  report(v8Line);

  const mixSamples = await interleave(RUNS, { ours: () => tracesPerSecond(mix, parseStackTrace) });
  const mixLine = compare({ bench: 'error', case: 'stack-parse-mix', metric: 'traces_per_s', runs: RUNS, stat: 'median', better: 'higher', unit: 'traces/s' }, median(mixSamples.ours!), null, null);
  mixLine.target = 10_000;
  report(mixLine);

  const root = await mkdtemp(join(tmpdir(), 'orchestra-stack-bench-'));
  try {
    const { compiled, bundled } = await compiledProject(root);
    for (const trace of [compiled, bundled]) {
      const first = await locate(trace, { root });
      if (first.fault?.via !== 'source-map') throw new Error(`The bench trace was not mapped: ${JSON.stringify(first.fault)}`);
    }
    const mappedFrames = (await locate(compiled, { root })).trace.frames.filter((f) => f.original).length;
    const compiledSamples = await interleave(RUNS, { ours: () => locatesPerSecond(compiled, root, LOCATE_CALLS, false) });
    report(compare({ bench: 'error', case: `stack-locate-tsc-maps-${mappedFrames}-frames`, metric: 'locates_per_s', runs: RUNS, stat: 'median', better: 'higher', unit: 'locates/s' }, median(compiledSamples.ours!), null, null));
    const bundleSamples = await interleave(RUNS, {
      cold: () => locatesPerSecond(bundled, root, BUNDLE_LOCATE_CALLS, true),
      warm: () => locatesPerSecond(bundled, root, BUNDLE_LOCATE_CALLS, false),
    });
    report(compare({ bench: 'error', case: 'stack-locate-bundle-map-cold', metric: 'locates_per_s', runs: RUNS, stat: 'median', better: 'higher', unit: 'locates/s' }, median(bundleSamples.cold!), null, null));
    report(compare({ bench: 'error', case: 'stack-locate-bundle-map-warm', metric: 'locates_per_s', runs: RUNS, stat: 'median', better: 'higher', unit: 'locates/s' }, median(bundleSamples.warm!), null, null));
  } finally {
    clearSourceMapCache();
    await rm(root, { recursive: true, force: true });
  }
}
