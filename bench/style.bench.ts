/**
 * `npm run bench -- style`: the style-validator against ESLint's own `lintText` doing the same work
 * (same built-in config, same content), so the ratio is what our layer costs: config lookup, the
 * instance cache, conversion to findings, fingerprints.
 *
 * Corpus: real code shipped in node_modules (no generated text): ESLint's `rule-tester.js`
 * (~2,000 lines of JS), zod's `src/v4/mini/schemas.ts` (~2,000 lines of TS), and ESLint's ~290
 * rule files for throughput. Each file is linted as if it lived at `src/` of a temp root with no
 * ESLint config, so both sides use the built-in recommended config.
 *
 * Cases: warm single-file latency (the target: a 2,000-line file with ESLint ≤ 150 ms p50,
 * ~100 ms for JS on this machine class), files per second over the rules folder, and the first lint
 * through a fresh instance (what a config change costs).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { ESLint } from 'eslint';
import { builtinEslintConfig } from '../agents/review/style/builtin-eslint-config.js';
import { EslintInstanceCache } from '../agents/review/style/eslint-instance-cache.js';
import { lintFiles, type LintFile } from '../agents/review/style/lint-files.js';
import { compare, interleave, median, type BenchLine, type BenchSuite } from './harness.js';

const require = createRequire(import.meta.url);
const eslintLib = dirname(require.resolve('eslint'));
const zodRoot = dirname(require.resolve('zod/package.json'));

const SINGLE_RUNS = 15;
const THROUGHPUT_RUNS = 3;
const COLD_RUNS = 3;

async function ms(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const suite: BenchSuite = {
  name: 'style',
  async run(report: (line: BenchLine) => void) {
    const root = await mkdtemp(join(tmpdir(), 'orchestra-style-bench-'));
    try {
      const js: LintFile = { path: 'src/rule-tester.js', text: await readFile(join(eslintLib, 'rule-tester/rule-tester.js'), 'utf8') };
      const ts: LintFile = { path: 'src/schemas.ts', text: await readFile(join(zodRoot, 'src/v4/mini/schemas.ts'), 'utf8') };
      const rulesDir = join(eslintLib, 'rules');
      const ruleFiles: LintFile[] = [];
      for (const name of (await readdir(rulesDir)).filter((n) => n.endsWith('.js')).sort()) {
        ruleFiles.push({ path: `src/rules/${name}`, text: await readFile(join(rulesDir, name), 'utf8') });
      }

      const cache = new EslintInstanceCache();
      const peer = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: await builtinEslintConfig() });
      const peerLint = async (files: readonly LintFile[]) => {
        for (const f of files) await peer.lintText(f.text, { filePath: join(root, f.path), warnIgnored: false });
      };
      // Warm both: parsers loaded, config computed for each kind of file.
      await lintFiles(root, [js, ts, ruleFiles[0]!], { cache });
      await peerLint([js, ts, ruleFiles[0]!]);

      for (const [name, file] of [
        ['single-file-2000-lines-js', js],
        ['single-file-2000-lines-ts', ts],
      ] as const) {
        const samples = await interleave(SINGLE_RUNS, {
          ours: () => ms(() => lintFiles(root, [file], { cache })),
          peer: () => ms(() => peerLint([file])),
        });
        const line = compare(
          { bench: 'style', case: name, metric: 'warm_lint_ms', runs: SINGLE_RUNS, stat: 'median', better: 'lower', unit: 'ms' },
          median(samples.ours!),
          'eslint.lintText',
          median(samples.peer!),
        );
        line.target = 150;
        report(line);
      }

      const throughput = await interleave(THROUGHPUT_RUNS, {
        ours: async () => ruleFiles.length / ((await ms(() => lintFiles(root, ruleFiles, { cache }))) / 1000),
        peer: async () => ruleFiles.length / ((await ms(() => peerLint(ruleFiles))) / 1000),
      });
      report(
        compare(
          { bench: 'style', case: `eslint-rules-folder-${ruleFiles.length}-files`, metric: 'files_per_s', runs: THROUGHPUT_RUNS, stat: 'median', unit: 'files/s' },
          median(throughput.ours!),
          'eslint.lintText',
          median(throughput.peer!),
        ),
      );

      const cold = await interleave(COLD_RUNS, {
        ours: () => ms(() => lintFiles(root, [js], { cache: new EslintInstanceCache() })),
        peer: () =>
          ms(async () => {
            const fresh = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: await builtinEslintConfig() });
            await fresh.lintText(js.text, { filePath: join(root, js.path) });
          }),
      });
      report(
        compare(
          { bench: 'style', case: 'fresh-instance-first-lint-js', metric: 'first_lint_ms', runs: COLD_RUNS, stat: 'median', better: 'lower', unit: 'ms' },
          median(cold.ours!),
          'new ESLint + lintText',
          median(cold.peer!),
        ),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};

export default suite;
