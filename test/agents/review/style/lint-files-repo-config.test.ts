import { afterEach, describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { EslintInstanceCache } from '../../../../agents/review/style/eslint-instance-cache.js';
import { EslintConfigLocator } from '../../../../agents/review/style/eslint-config-locator.js';
import { lintFiles } from '../../../../agents/review/style/lint-files.js';
import { makeTempRepo, removeTempRepos, writeRepoFile } from './temp-repo.js';

afterEach(removeTempRepos);

const ESM = JSON.stringify({ name: 'fixture', type: 'module' });
/** A repository config that enables only eqeqeq and semi, and ignores generated/. */
const EQEQEQ_SEMI = `export default [
  { ignores: ['generated/**'] },
  { rules: { eqeqeq: 'error', semi: ['warn', 'always'] } },
];
`;
/** Breaks both eqeqeq and semi; has an unused variable and an undefined name the built-in config would flag. */
const CODE = 'const unused = 1\nif (a == b) run();\n';

describe('lintFiles with the repository’s own flat config', () => {
  it('uses eslint.config.js found from the root instead of the built-in rules', async () => {
    const root = await makeTempRepo({ 'package.json': ESM, 'eslint.config.js': EQEQEQ_SEMI });
    const findings = await lintFiles(root, [{ path: 'src/app.js', text: CODE }], { cache: new EslintInstanceCache() });
    expect(findings.map((f) => [f.ruleId, f.severity, f.range.start.line, f.range.start.column])).toEqual([
      ['eslint/semi', 'warning', 1, 17],
      ['eslint/eqeqeq', 'error', 2, 7],
    ]);
    expect(findings[0]!.fix?.edits).toEqual([{ start: 16, end: 16, text: ';' }]);
    expect(findings[1]!.fix).toBeUndefined(); // eqeqeq only fixes when both sides are typeof/literals
  });

  it('produces nothing for files the config ignores', async () => {
    const root = await makeTempRepo({ 'package.json': ESM, 'eslint.config.js': EQEQEQ_SEMI });
    const findings = await lintFiles(
      root,
      [
        { path: 'generated/api.js', text: CODE },
        { path: 'kept.js', text: CODE },
      ],
      { cache: new EslintInstanceCache() },
    );
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(['kept.js']));
    expect(await new ESLint({ cwd: root }).isPathIgnored(join(root, 'generated/api.js'))).toBe(true);
  });

  it('falls back to the built-in config with one info finding when only a legacy .eslintrc.json exists', async () => {
    const root = await makeTempRepo({ '.eslintrc.json': '{ "rules": { "eqeqeq": "error" } }' });
    const findings = await lintFiles(
      root,
      [
        { path: 'a.js', text: CODE },
        { path: 'lib/b.js', text: CODE },
      ],
      { cache: new EslintInstanceCache() },
    );
    const legacy = findings.filter((f) => f.ruleId === 'style/legacy-config');
    expect(legacy).toHaveLength(1);
    expect(legacy[0]).toMatchObject({ file: '.eslintrc.json', severity: 'info' });
    expect(legacy[0]!.message).toMatch(/ESLint 10 no longer reads.*npx @eslint\/migrate-config \.eslintrc\.json/);
    // The built-in recommended rules ran instead (the legacy eqeqeq did not).
    const rules = findings.filter((f) => f.file === 'a.js').map((f) => f.ruleId);
    expect(rules).toEqual(['eslint/no-unused-vars', 'eslint/no-undef', 'eslint/no-undef', 'eslint/no-undef']);
  });

  it('uses the nearest config per file in a monorepo, as ESLint’s own lookup does', async () => {
    const root = await makeTempRepo({
      'package.json': ESM,
      'eslint.config.js': EQEQEQ_SEMI,
      'packages/strict/eslint.config.js': "export default [{ rules: { 'no-var': 'error' } }];\n",
      'packages/plain/index.js': '',
    });
    const locator = new EslintConfigLocator(root);
    const eslint = new ESLint({ cwd: root });
    for (const file of ['packages/strict/src/x.js', 'packages/plain/index.js', 'top.js']) {
      const ours = await locator.locate(join(root, file));
      expect(ours).toEqual({ kind: 'flat', path: await eslint.findConfigFile(join(root, file)) });
    }
    const cache = new EslintInstanceCache();
    const text = 'var x = 1\nif (x == 2) x = 3\n';
    const findings = await lintFiles(
      root,
      [
        { path: 'packages/strict/src/x.js', text },
        { path: 'packages/plain/index.js', text },
      ],
      { cache },
    );
    expect(findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual([
      'packages/strict/src/x.js eslint/no-var',
      'packages/plain/index.js eslint/semi',
      'packages/plain/index.js eslint/eqeqeq',
      'packages/plain/index.js eslint/semi',
    ]);
    expect(cache.created).toBe(2);
  });

  it('ignores the repository config when useRepoConfig is false, and honours an explicit configFile', async () => {
    const root = await makeTempRepo({
      'package.json': ESM,
      'eslint.config.js': EQEQEQ_SEMI,
      'config/only-no-var.js': "export default [{ rules: { 'no-var': 'warn' } }];\n",
    });
    const files = [{ path: 'a.js', text: 'var unused = 1\n' }];
    const builtin = await lintFiles(root, files, { useRepoConfig: false, cache: new EslintInstanceCache() });
    expect(builtin.map((f) => f.ruleId)).toEqual(['eslint/no-unused-vars']);
    const explicit = await lintFiles(root, files, { configFile: 'config/only-no-var.js', cache: new EslintInstanceCache() });
    expect(explicit.map((f) => [f.ruleId, f.severity])).toEqual([['eslint/no-var', 'warning']]);
  });
});

describe('ESLint instance reuse', () => {
  it('constructs one instance per config, reuses it, and rebuilds it when the config file changes', async () => {
    const root = await makeTempRepo({ 'package.json': ESM, 'eslint.config.js': EQEQEQ_SEMI });
    const cache = new EslintInstanceCache();
    const files = [{ path: 'a.js', text: CODE }];
    await lintFiles(root, files, { cache });
    expect(cache.created).toBe(1);
    await lintFiles(root, files, { cache });
    await lintFiles(root, [{ path: 'b/c.js', text: CODE }], { cache });
    expect(cache.created).toBe(1);
    expect(cache.size).toBe(1);

    await writeRepoFile(root, 'eslint.config.js', "export default [{ rules: { 'no-undef': 'error' } }];\n");
    await lintFiles(root, files, { cache });
    expect(cache.created).toBe(2);
    expect(cache.size).toBe(1);
    // That the new rules then apply is checked in style-worker.test.ts, under Node's own module
    // loader: jest's ESM registry ignores the `?mtime=` query ESLint uses to re-import a config.

    // The built-in config of another root is another instance; going back reuses the first.
    const other = await makeTempRepo();
    await lintFiles(other, files, { cache });
    await lintFiles(root, files, { cache });
    expect(cache.created).toBe(3);
  });

  it('drops the least recently used instance beyond its bound', async () => {
    const cache = new EslintInstanceCache(2);
    const roots = [await makeTempRepo(), await makeTempRepo(), await makeTempRepo()];
    for (const root of roots) await lintFiles(root, [{ path: 'a.js', text: '' }], { cache });
    expect(cache.size).toBe(2);
    await lintFiles(roots[2]!, [{ path: 'a.js', text: '' }], { cache });
    expect(cache.created).toBe(3);
    await lintFiles(roots[0]!, [{ path: 'a.js', text: '' }], { cache });
    expect(cache.created).toBe(4);
    expect(() => new EslintInstanceCache(0)).toThrow(/positive integer/);
  });
});
