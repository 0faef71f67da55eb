/**
 * `npm run bench -- review`: the review swarm's speed on real code against ESLint's own CLI.
 *
 * Corpus: lodash@4.17.21 (1,000+ JS files) and rxjs@7.8.1's TypeScript sources, fetched with
 * `npm pack` into bench/.cache/review (never committed), made a git repository of its own, with an
 * eslint.config.mjs (@eslint/js + typescript-eslint recommended) that both contenders use.
 * - cold: `orchestra review --all --no-cache` (syntax, style, security, complexity) vs
 *   `eslint --concurrency=auto` with the same ESLint config; separate processes, interleaved.
 * - re-review after a one-file edit: the CLI with its warm cache vs `eslint --cache`; and the same
 *   in a warm process (ReviewSwarm kept open, as `--watch` and the editor do).
 * - one 2,000-line file, warm, in-process: syntax + security + complexity, and with ESLint.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { analyzeBatch, type FileAgent } from '../agents/review/swarm/analyze-batch.js';
import { ReviewSwarm } from '../agents/review/swarm/review-swarm.js';
import { compare, interleave, median, percentile, type BenchSuite } from './harness.js';
import { PackageFetchError, fetchPackage } from './quality/fetch-package.js';

const run = promisify(execFile);
const RUNS = 3;

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const ESLINT_CONFIG = `import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
export default [
  { ignores: ['**/*.min.js', '**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts'] })),
  { languageOptions: { globals: { ...globals.node, ...globals.browser }, sourceType: 'commonjs' }, files: ['**/*.js'] },
];
`;

async function makeCorpus(root: string): Promise<string> {
  const cache = join(root, 'bench', '.cache', 'review');
  const corpus = join(cache, 'corpus');
  if (existsSync(join(corpus, '.git'))) return corpus;
  const lodash = await fetchPackage('lodash', '4.17.21', join(cache, 'packages'));
  const rxjs = await fetchPackage('rxjs', '7.8.1', join(cache, 'packages'));
  rmSync(corpus, { recursive: true, force: true });
  mkdirSync(corpus, { recursive: true });
  cpSync(lodash, join(corpus, 'lodash'), { recursive: true });
  cpSync(join(rxjs, 'src'), join(corpus, 'rxjs'), { recursive: true });
  writeFileSync(join(corpus, 'eslint.config.mjs'), ESLINT_CONFIG);
  const git = (...args: string[]) => run('git', args, { cwd: corpus, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid' } });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'corpus');
  return corpus;
}

function countFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.min.js') && !entry.parentPath.includes('.git')) n++;
  }
  return n;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

const suite: BenchSuite = {
  name: 'review',
  async run(report) {
    const root = repoRoot();
    let corpus: string;
    try {
      corpus = await makeCorpus(root);
    } catch (error) {
      if (error instanceof PackageFetchError) {
        process.stderr.write(`review bench skipped: ${error.message}\n`);
        return;
      }
      throw error;
    }
    const files = countFiles(corpus);
    const bin = join(root, 'bin', 'orchestra.js');
    const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const env = { ...process.env, XDG_CACHE_HOME: join(root, 'bench', '.cache', 'review', 'xdg') };
    const ours = (...extra: string[]) => run(process.execPath, [bin, 'review', corpus, '--all', '--format', 'json', '--fail-on', 'never', ...extra], { cwd: corpus, env, maxBuffer: 1 << 30 });
    const eslint = (...extra: string[]) => run(process.execPath, [eslintBin, '--format', 'json', ...extra, '.'], { cwd: corpus, maxBuffer: 1 << 30 }).catch((error: { code?: number }) => {
      if (error.code !== 1) throw error; // 1 = lint problems found
    });

    // Cold: no caches anywhere.
    const cold = await interleave(RUNS, {
      ours: () => timed(() => ours('--no-cache')),
      eslint: () => timed(() => eslint('--concurrency=auto')),
    });
    report({
      ...compare({ bench: 'review', case: `cold-full-review-${files}-files`, metric: 'seconds', runs: RUNS, stat: 'median', better: 'lower' }, median(cold.ours!), 'eslint --concurrency=auto', median(cold.eslint!)),
      target: 1 / 1.1,
    });

    // Re-review after a one-file edit, fresh process each time, with the contenders' caches warm.
    const edited = join(corpus, 'lodash', 'chunk.js');
    const original = readFileSync(edited, 'utf8');
    const eslintCache = join(root, 'bench', '.cache', 'review', 'eslintcache');
    await ours();
    await eslint('--cache', '--cache-location', eslintCache);
    let n = 0;
    const edit = () => writeFileSync(edited, `${original}\n// edit ${n++}\n`);
    const rerun = await interleave(RUNS, {
      ours: () => (edit(), timed(() => ours())),
      eslint: () => (edit(), timed(() => eslint('--cache', '--cache-location', eslintCache))),
    });
    report(compare({ bench: 'review', case: 'rereview-one-file-edit-cli', metric: 'seconds', runs: RUNS, stat: 'median', better: 'lower' }, median(rerun.ours!), 'eslint --cache', median(rerun.eslint!)));

    // The same in a warm process (watch mode, the editor).
    const workerModule = pathToFileURL(join(root, 'dist', 'agents', 'review', 'swarm', 'review-worker.js'));
    const swarm = await ReviewSwarm.create({ version: 'bench', cacheDir: join(root, 'bench', '.cache', 'review', 'warm-cache'), workerModule });
    try {
      await swarm.review({ root: corpus, scope: { kind: 'all' }, hotspots: false });
      const warm: number[] = [];
      for (let i = 0; i < 5; i++) {
        edit();
        warm.push(await timed(() => swarm.review({ root: corpus, scope: { kind: 'all' }, hotspots: false })));
      }
      report({ ...compare({ bench: 'review', case: 'rereview-one-file-edit-warm-process', metric: 'seconds', runs: 5, stat: 'median', better: 'lower' }, median(warm), 'eslint --cache', median(rerun.eslint!)), target: 0.5 });
    } finally {
      await swarm.close();
      writeFileSync(edited, original);
    }

    // One 2,000-line file, warm, in-process.
    // A valid 2,000-line file: whole lodash modules concatenated (a cut file would stop ESLint at the parse error).
    const parts: string[] = [];
    let lines = 0;
    for (const name of readdirSync(join(corpus, 'lodash')).filter((f) => f.startsWith('_base') && f.endsWith('.js')).sort()) {
      if (lines >= 2000) break;
      const text = readFileSync(join(corpus, 'lodash', name), 'utf8');
      parts.push(text);
      lines += text.split('\n').length;
    }
    const big = parts.join('\n');
    for (const [name, agents, target] of [
      ['single-file-2000-lines-treesitter-agents', ['syntax', 'security', 'complexity'], 50],
      ['single-file-2000-lines-with-eslint', ['syntax', 'security', 'complexity', 'style'], 150],
    ] as const) {
      const samples: number[] = [];
      for (let i = 0; i < 25; i++) {
        const text = `${big}\n// ${i}\n`;
        const start = performance.now();
        await analyzeBatch({ root: corpus, files: [{ path: 'lodash/big.js', text }], agents: [...agents] as FileAgent[] });
        if (i >= 5) samples.push(performance.now() - start);
      }
      report({ ...compare({ bench: 'review', case: name, metric: 'ms_p50', runs: samples.length, stat: 'p50', better: 'lower' }, percentile(samples, 50), null, null), target });
    }
  },
};

export default suite;
