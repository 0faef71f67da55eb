import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkSyntax } from '../../../../agents/review/syntax/check-syntax.js';
import { loadTreeSitter, type LanguageId, type TreeSitterService } from '../../../../agents/review/parsing/index.js';

let ts: TreeSitterService;
beforeAll(async () => {
  ts = await loadTreeSitter();
});

function check(path: string, lang: LanguageId, text: string) {
  const tree = ts.parse(lang, text);
  try {
    return checkSyntax({ path, lang, text, tree });
  } finally {
    tree.delete();
  }
}

const nodeModules = join(dirname(createRequire(import.meta.url).resolve('eslint')), '..', '..');

describe('syntax checker', () => {
  it('valid real code in every language has no findings', () => {
    expect(check('linter.js', 'javascript', readFileSync(join(nodeModules, 'eslint/lib/linter/linter.js'), 'utf8'))).toEqual([]);
    expect(check('lib.es5.d.ts', 'typescript', readFileSync(join(nodeModules, 'typescript/lib/lib.es5.d.ts'), 'utf8'))).toEqual([]);
    expect(check('modern.ts', 'typescript', 'interface Box<in out T> { v: T }\ntype K = keyof readonly any[];\nconst x = <const T,>(t: T) => t satisfies unknown;\n')).toEqual([]);
    expect(check('a.tsx', 'tsx', 'export const A = ({ n }: { n: number }) => <div className="x">{n}</div>;\n')).toEqual([]);
    expect(check('package.json', 'json', readFileSync(join(nodeModules, 'eslint/package.json'), 'utf8'))).toEqual([]);
    expect(check('tsconfig.json', 'json', '{\n  // comment\n  "compilerOptions": { "strict": true, },\n}\n')).toEqual([]);
    expect(check('x.py', 'python', 'def f(x):\n    return [i for i in x if i]\n\nclass A:\n    pass\n')).toEqual([]);
  });

  it('JavaScript: exact range and the expected token', () => {
    const [f, ...rest] = check('src/a.js', 'javascript', 'const a = 1;\nconst b = (a + ;\nexport { b };\n');
    expect(f).toMatchObject({ ruleId: 'syntax/parse-error', severity: 'error', file: 'src/a.js' });
    expect(f!.range.start.line).toBe(2);
    expect(f!.message).toBe('Expression expected. (TS1109)');
    expect(f!.range.start).toEqual({ line: 2, column: 16 });
    expect(rest.length).toBeLessThanOrEqual(9);
  });

  it('TypeScript-only syntax in a .js file is an error; in .ts it is fine', () => {
    expect(check('a.js', 'javascript', 'let x: number = 1;\n')[0]!.message).toMatch(/Type annotations can only be used in TypeScript files/);
    expect(check('a.ts', 'typescript', 'let x: number = 1;\n')).toEqual([]);
  });

  it('TSX: an unclosed element', () => {
    const [f] = check('a.tsx', 'tsx', 'const A = () => <div><span></div>;\n');
    expect(f!.range.start.line).toBe(1);
    expect(f!.message).toMatch(/closing tag|expected/i);
  });

  it('Python: missing and unexpected tokens with their lines', () => {
    const findings = check('x.py', 'python', 'def f(x:\n    return x\n\nprint("ok")\n');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.range.start.line).toBeLessThanOrEqual(2);
    expect(findings[0]!.message).toMatch(/Syntax error/);
  });

  it('JSON: a trailing comma is an error in package.json but not in tsconfig.json', () => {
    const text = '{\n  "a": 1,\n}\n';
    const [f] = check('package.json', 'json', text);
    expect(f!.range.start.line).toBe(2);
    expect(check('tsconfig.json', 'json', text)).toEqual([]);
  });

  it('hostile input: 10,000-level nesting and binary junk give bounded findings, never a crash', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(9_999);
    const json = check('deep.json', 'json', deep);
    expect(json.length).toBeGreaterThan(0);
    expect(json.length).toBeLessThanOrEqual(10);
    const js = check('deep.js', 'javascript', `x = ${'('.repeat(10_000)}1${')'.repeat(9_999)};`);
    expect(js.length).toBeGreaterThan(0);
    const junk = check('junk.py', 'python', '\u0000\u0001\uFFFD def ((((\n'.repeat(100));
    expect(junk.length).toBeLessThanOrEqual(10);
  });

  it('fingerprints are stable across unrelated line shifts', () => {
    const a = check('a.js', 'javascript', 'function f( {\n}\n').map((f) => f.fingerprint);
    const b = check('a.js', 'javascript', '// new header\n\nfunction f( {\n}\n').map((f) => f.fingerprint);
    expect(b).toEqual(a);
  });
});
