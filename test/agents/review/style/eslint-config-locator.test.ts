import { afterEach, describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EslintConfigLocator } from '../../../../agents/review/style/eslint-config-locator.js';
import { makeTempRepo, removeTempRepos } from './temp-repo.js';

afterEach(removeTempRepos);

describe('EslintConfigLocator', () => {
  it('picks the config ESLint picks: nearest folder first, then ESLint’s name order, files only', async () => {
    const root = await makeTempRepo({
      'eslint.config.mjs': 'export default [];',
      'eslint.config.cjs': 'module.exports = [];',
      'a/eslint.config.ts': 'export default [];',
      'a/b/c.js': '',
    });
    // A folder with a config's name is not a config.
    await mkdir(join(root, 'd/eslint.config.js'), { recursive: true });
    const locator = new EslintConfigLocator(root);
    const eslint = new ESLint({ cwd: root });
    const cases: [string, string][] = [
      ['x.js', 'eslint.config.mjs'],
      ['a/b/c.js', 'a/eslint.config.ts'],
      ['d/e.js', 'eslint.config.mjs'],
      ['not/on/disk/f.ts', 'eslint.config.mjs'],
    ];
    for (const [file, config] of cases) {
      expect(await locator.locate(join(root, file))).toEqual({ kind: 'flat', path: join(root, config) });
      expect(await eslint.findConfigFile(join(root, file))).toBe(join(root, config));
    }
  });

  it('finds a legacy config inside the root only, and reports none when there is nothing', async () => {
    const outer = await makeTempRepo({ '.eslintrc.json': '{}', 'repo/src/a.js': '', 'repo/pkg/.eslintrc.yml': 'rules: {}' });
    const root = join(outer, 'repo');
    const locator = new EslintConfigLocator(root);
    expect(await locator.locate(join(root, 'src/a.js'))).toEqual({ kind: 'none' });
    expect(await locator.locate(join(root, 'pkg/deep/b.js'))).toEqual({ kind: 'legacy', path: join(root, 'pkg/.eslintrc.yml') });
    expect(await new EslintConfigLocator(outer).locate(join(root, 'src/a.js'))).toEqual({ kind: 'legacy', path: join(outer, '.eslintrc.json') });
  });
});
