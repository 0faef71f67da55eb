import { afterEach, describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { builtinEslintConfig } from '../../../../agents/review/style/builtin-eslint-config.js';
import { EslintInstanceCache } from '../../../../agents/review/style/eslint-instance-cache.js';
import { lintFiles } from '../../../../agents/review/style/lint-files.js';
import { InvalidInputError } from '../../../../shared/errors/errors.js';
import type { Finding } from '../../../../shared/findings/finding.js';
import { applyEdits, makeTempRepo, removeTempRepos } from './temp-repo.js';

afterEach(removeTempRepos);

const at = (f: Finding) => [f.ruleId, f.range.start.line, f.range.start.column, f.range.end.line, f.range.end.column];

/** ESLint's own autofix output for `text`, with the same built-in config. */
async function eslintFixed(root: string, path: string, text: string): Promise<string> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: await builtinEslintConfig(), fix: true });
  const [result] = await eslint.lintText(text, { filePath: `${root}/${path}` });
  return result?.output ?? text;
}

const JS = [
  'const unused = 1;',
  'export function f(value) {',
  '  if (!!value) {',
  '    return missing();',
  '  }',
  '  loop: for (const x of [1]) { if (x) break; }',
  '  return value;',
  '}',
  '',
].join('\n');

describe('lintFiles with the built-in config', () => {
  it('reports JavaScript problems at ESLint’s lines and columns, with fixes that reproduce ESLint’s output', async () => {
    const root = await makeTempRepo();
    const cache = new EslintInstanceCache();
    const findings = await lintFiles(root, [{ path: 'src/a.js', text: JS }], { cache });
    expect(findings.map(at)).toEqual([
      ['eslint/no-unused-vars', 1, 7, 1, 13],
      ['eslint/no-extra-boolean-cast', 3, 7, 3, 14],
      ['eslint/no-undef', 4, 12, 4, 19],
      ['eslint/no-unused-labels', 6, 3, 6, 7],
    ]);
    for (const f of findings) {
      expect(f).toMatchObject({ agent: 'style-validator', file: 'src/a.js', severity: 'error', tags: ['style'] });
      expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(f.helpUrl).toMatch(/^https:\/\/eslint\.org\/docs\/latest\/rules\//);
    }
    expect(findings[2]!.message).toBe("'missing' is not defined.");
    const edits = findings.flatMap((f) => f.fix?.edits ?? []);
    expect(edits).toHaveLength(2);
    expect(applyEdits(JS, edits)).toBe(await eslintFixed(root, 'src/a.js', JS));
    // Suggestions are kept apart from the fix: no-unused-vars offers to remove the declaration.
    const unused = findings[0]!;
    expect(unused.fix).toBeUndefined();
    expect(unused.suggestions?.[0]?.description).toBe("Remove unused variable 'unused'.");
    expect(applyEdits(JS, unused.suggestions![0]!.edits).startsWith('\nexport function f')).toBe(true);
  });

  it('lints TypeScript with typescript-eslint recommended: fixes, suggestions, and no no-undef on types', async () => {
    const root = await makeTempRepo();
    const ts = [
      "export const name: String = 'a';",
      'let count = 1;',
      'export function g(input: any): Missing {',
      '  return input + count;',
      '}',
      '',
    ].join('\n');
    const findings = await lintFiles(root, [{ path: 'src/b.ts', text: ts }], { cache: new EslintInstanceCache() });
    expect(findings.map((f) => [f.ruleId, f.range.start.line, f.range.start.column])).toEqual([
      ['eslint/@typescript-eslint/no-wrapper-object-types', 1, 20],
      ['eslint/prefer-const', 2, 5],
      ['eslint/@typescript-eslint/no-explicit-any', 3, 26],
    ]);
    const anyFinding = findings[2]!;
    expect(anyFinding.suggestions?.map((s) => s.edits[0]!.text)).toEqual(['unknown', 'never']);
    const edits = findings.flatMap((f) => f.fix?.edits ?? []);
    expect(edits).toHaveLength(2);
    expect(applyEdits(ts, edits)).toBe(await eslintFixed(root, 'src/b.ts', ts));
  });

  it('gives fix offsets into the content as given when it starts with a byte order mark', async () => {
    const root = await makeTempRepo();
    const text = '\uFEFFexport const ok = (v) => !!v ? 1 : 2;\nif (!!ok) ok();\n';
    const findings = await lintFiles(root, [{ path: 'bom.js', text }], { cache: new EslintInstanceCache() });
    const edits = findings.flatMap((f) => f.fix?.edits ?? []);
    expect(edits.length).toBeGreaterThan(0);
    expect(applyEdits(text, edits)).toBe(await eslintFixed(root, 'bom.js', text));
  });

  it('marks fatal parse errors for de-duplication with the syntax agent, or omits them on request', async () => {
    const root = await makeTempRepo();
    const files = [{ path: 'broken.js', text: 'const a = 1;\nlet b = (1 + ;\n' }];
    const cache = new EslintInstanceCache();
    const [parse, ...rest] = await lintFiles(root, files, { cache });
    expect(rest).toEqual([]);
    expect(parse).toMatchObject({ ruleId: 'eslint/parse-error', severity: 'error', tags: ['syntax'], range: { start: { line: 2, column: 14 } } });
    expect(parse!.message).toMatch(/^Parsing error: Unexpected token/);
    expect(await lintFiles(root, files, { cache, parseErrors: 'omit' })).toEqual([]);
  });

  it('lints nothing in node_modules or in files the config has no rules for', async () => {
    const root = await makeTempRepo();
    const findings = await lintFiles(
      root,
      [
        { path: 'node_modules/dep/index.js', text: 'undefinedThing();' },
        { path: 'tool.py', text: 'print(x)' },
        { path: 'dist/app.js', text: 'undefinedThing();' },
      ],
      { cache: new EslintInstanceCache() },
    );
    expect(findings).toEqual([]);
  });

  it('keeps fingerprints when unrelated lines are added above', async () => {
    const root = await makeTempRepo();
    const cache = new EslintInstanceCache();
    const before = await lintFiles(root, [{ path: 'a.js', text: JS }], { cache });
    const after = await lintFiles(root, [{ path: 'a.js', text: `// a comment\n\n${JS}` }], { cache });
    expect(after.map((f) => f.range.start.line)).toEqual(before.map((f) => f.range.start.line + 2));
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint));
  });
});

describe('lintFiles on hostile input', () => {
  it('says a file was not checked when it is nested too deeply to parse, even with parse errors omitted', async () => {
    const root = await makeTempRepo();
    const deep = `export const x = ${'['.repeat(10_000)}${']'.repeat(10_000)};\n`;
    for (const path of ['deep.js', 'deep.ts']) {
      const findings = await lintFiles(root, [{ path, text: deep }], { parseErrors: 'omit', cache: new EslintInstanceCache() });
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ ruleId: 'style/file-skipped', severity: 'info', file: path });
      expect(findings[0]!.message).toMatch(/nested too deeply/);
    }
  });

  it('skips a file above maxFileBytes with one info finding, unless the config ignores it anyway', async () => {
    const root = await makeTempRepo();
    const big = `${'export const a = 1;\n'.repeat(600)}`;
    const cache = new EslintInstanceCache();
    const findings = await lintFiles(
      root,
      [
        { path: 'src/big.js', text: big },
        { path: 'dist/big.js', text: big },
        { path: 'src/small.js', text: 'missing();\n' },
      ],
      { maxFileBytes: 10_000, cache },
    );
    expect(findings.map((f) => [f.file, f.ruleId, f.severity])).toEqual([
      ['src/big.js', 'style/file-skipped', 'info'],
      ['src/small.js', 'eslint/no-undef', 'error'],
    ]);
    expect(findings[0]!.message).toMatch(/above the 10 KiB limit \(the style maxFileBytes setting\)/);
    // Multi-byte characters count as the bytes they take in UTF-8.
    const wide = await lintFiles(root, [{ path: 'w.js', text: `// ${'é'.repeat(6_000)}\n` }], { maxFileBytes: 10_000, cache });
    expect(wide.map((f) => f.ruleId)).toEqual(['style/file-skipped']);
  });
});

describe('lintFiles input checks', () => {
  it('rejects a file outside the root with a message saying how to pass it', async () => {
    const root = await makeTempRepo();
    const run = lintFiles(root, [{ path: '../elsewhere.js', text: '' }], { cache: new EslintInstanceCache() });
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(/not inside the reviewed root.*relative to the root/);
    // A name that merely starts with two dots is inside.
    const inside = await lintFiles(root, [{ path: '..notes.js', text: 'missing();\n' }], { cache: new EslintInstanceCache() });
    expect(inside.map((f) => [f.file, f.ruleId])).toEqual([['..notes.js', 'eslint/no-undef']]);
  });

  it('rejects unknown or mistyped options naming the key', async () => {
    const root = await makeTempRepo();
    await expect(lintFiles(root, [], { parseErrors: 'drop' as 'omit' })).rejects.toThrow(/parseErrors/);
    await expect(lintFiles(root, [], { colour: true } as object)).rejects.toThrow(/colour/);
    await expect(lintFiles(root, [{ path: 'a.js' } as never])).rejects.toThrow(/files to lint: 0\.text/);
  });

  it('stops with CancelledError when the signal has fired', async () => {
    const root = await makeTempRepo();
    const controller = new AbortController();
    controller.abort();
    await expect(lintFiles(root, [{ path: 'a.js', text: JS }], { signal: controller.signal })).rejects.toMatchObject({ name: 'CancelledError' });
  });
});
