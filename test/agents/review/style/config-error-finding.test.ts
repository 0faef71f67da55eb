import { afterEach, describe, expect, it } from '@jest/globals';
import { EslintInstanceCache } from '../../../../agents/review/style/eslint-instance-cache.js';
import { lintFiles } from '../../../../agents/review/style/lint-files.js';
import type { Finding } from '../../../../shared/findings/finding.js';
import { makeTempRepo, removeTempRepos } from './temp-repo.js';

afterEach(removeTempRepos);

const ESM = JSON.stringify({ name: 'fixture', type: 'module' });
const FILES = [
  { path: 'src/a.js', text: 'if (a == b) run()\n' },
  { path: 'src/b.js', text: 'export const x = 1\n' },
];

/** Lints FILES in a repo whose eslint config file is `name` with `text`; expects exactly one finding. */
async function onlyFinding(name: string, text: string): Promise<Finding> {
  const root = await makeTempRepo({ 'package.json': ESM, [name]: text });
  const findings = await lintFiles(root, FILES, { cache: new EslintInstanceCache() });
  expect(findings).toHaveLength(1);
  const [finding] = findings;
  expect(finding).toMatchObject({ ruleId: 'style/config-error', severity: 'error', file: name, agent: 'style-validator' });
  expect(finding!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  return finding!;
}

describe('a broken repository config is one clear finding, never a throw', () => {
  it('reports a syntax error at its line, with ESLint’s message', async () => {
    const f = await onlyFinding('eslint.config.js', "export default [\n  { rules: { semi: 'error' } } ;;\n];\n");
    expect(f.message).toMatch(/^ESLint could not use the config eslint\.config\.js: .*Unexpected token.*Fix the JavaScript syntax error/);
    expect(f.range.start.line).toBe(2);
  });

  it('names a plugin that is not installed and how to install it, at its import', async () => {
    const f = await onlyFinding(
      'eslint.config.js',
      "// team config\nimport nope from 'eslint-plugin-nope';\nexport default [{ plugins: { nope }, rules: { 'nope/x': 'error' } }];\n",
    );
    expect(f.message).toMatch(/eslint-plugin-nope/);
    expect(f.help).toBe('Install the missing package (npm install --save-dev eslint-plugin-nope) or remove it from the config.');
    expect(f.range.start).toEqual({ line: 2, column: 18 });
  });

  it('reports invalid rule options with the rule named and located', async () => {
    const f = await onlyFinding('eslint.config.mjs', "export default [\n  { rules: {\n    eqeqeq: ['error', 'sometimes'],\n  } },\n];\n");
    expect(f.message).toMatch(/Key "rules": Key "eqeqeq": Value "sometimes" should be equal to one of the allowed values/);
    expect(f.help).toMatch(/Fix the options of rule 'eqeqeq'/);
    expect(f.range.start).toEqual({ line: 3, column: 5 });
  });

  it('reports a rule that does not exist', async () => {
    const f = await onlyFinding('eslint.config.js', "export default [{ rules: { 'no-such-rule': 'error' } }];\n");
    expect(f.message).toMatch(/Could not find "no-such-rule"/);
    expect(f.range.start).toEqual({ line: 1, column: 28 });
  });

  it('points at a key a flat config does not have', async () => {
    const f = await onlyFinding('eslint.config.js', "export default [\n  { rulez: { semi: 'error' } },\n];\n");
    expect(f.message).toMatch(/Unexpected key "rulez" found.*Remove or rename 'rulez'/);
    expect(f.range.start).toEqual({ line: 2, column: 5 });
  });

  it('explains that a TypeScript config needs jiti', async () => {
    const f = await onlyFinding('eslint.config.ts', "export default [{ rules: { semi: 'error' } }];\n");
    expect(f.message).toMatch(/'jiti' library is required/);
    expect(f.help).toMatch(/npm install --save-dev jiti.*eslint\.config\.mjs/);
  });

  it('locates an error the config throws while loading', async () => {
    const f = await onlyFinding('eslint.config.js', "const x = 1;\nthrow new TypeError('TEAM_RULES is not set');\n");
    expect(f.message).toMatch(/TEAM_RULES is not set/);
    expect(f.range.start.line).toBe(2);
  });

  it('keeps linting files under other, working configs and files a crashing rule does not touch', async () => {
    const root = await makeTempRepo({
      'package.json': ESM,
      'eslint.config.js': `export default [{
  plugins: { local: { rules: { boom: { create: () => ({ DebuggerStatement() { throw new Error('kaboom'); } }) } } } },
  rules: { 'local/boom': 'error', eqeqeq: 'error' },
}];\n`,
      'packages/broken/eslint.config.js': 'export default [ oops;\n',
    });
    const findings = await lintFiles(
      root,
      [
        { path: 'packages/broken/a.js', text: 'x\n' },
        { path: 'packages/broken/b.js', text: 'y\n' },
        { path: 'ok.js', text: 'if (a == b) run();\n' },
        { path: 'crash.js', text: 'const a = 1;\n\ndebugger;\n' },
      ],
      { cache: new EslintInstanceCache() },
    );
    expect(findings.map((f) => [f.file, f.ruleId, f.range.start.line])).toEqual([
      ['packages/broken/eslint.config.js', 'style/config-error', 1],
      ['ok.js', 'eslint/eqeqeq', 1],
      ['crash.js', 'style/rule-crash', 3],
    ]);
    expect(findings[2]!.message).toMatch(/rule 'local\/boom' crashed on this file \(kaboom\)/);
  });

  it('reports an explicit configFile that does not exist', async () => {
    const root = await makeTempRepo();
    const findings = await lintFiles(root, FILES, { configFile: 'lint/eslint.config.js', cache: new EslintInstanceCache() });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'style/config-error', file: 'lint/eslint.config.js' });
    expect(findings[0]!.message).toMatch(/lint\/eslint\.config\.js \(set by the style configFile setting\): Cannot read the config file: ENOENT/);
  });
});
