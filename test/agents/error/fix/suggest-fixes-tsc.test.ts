/**
 * The TypeScript rules against the repository's real tsc: one project whose files produce each
 * common error code, compiled once; each diagnostic (message, position, code line) goes through
 * `suggestFixes` as the log analyzer and the stack tracer would pass it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suggestFixes } from '../../../../agents/error/fix/index.js';
import type { FixSuggestion } from '../../../../agents/error/types.js';
import { REPO_ROOT, run, tempDir } from './real-failures.js';
import type { TempDir } from './real-failures.js';

const FILES: Record<string, string> = {
  'package.json': '{ "type": "module" }',
  'tsconfig.json': JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noUncheckedIndexedAccess: true, types: [] },
    include: ['*.ts'],
  }),
  'real.ts': 'export const real = 1;\nexport default function helper(): number { return 1; }\n',
  'util.ts': 'export const helper = 1;\n',
  'a.ts': [
    "import { helper } from './util';",
    "import { nothing } from 'no-such-pkg-orchestra';",
    "import { missing } from './real.js';",
    "import { absent } from './util.js';",
    "const count: number = 'x';",
    'interface User { name: string; profile?: { city: string } }',
    'declare const user: User;',
    'console.log(user.email);',
    "console.log('abc'.lenght, helper, nothing, missing, absent);",
    'function takesNum(x: number) { return x; }',
    "takesNum('5');",
    'const cb = function (item) { return item; };',
    'console.log(user.profile.city, cb);',
    'declare const rows: string[];',
    'const first: string = rows[0].toUpperCase();',
    'describe(first);',
    'undeclaredThing();',
    'takesNum();',
    'try { takesNum(1); } catch (e) { console.log(e.message); }',
    'const empty: User = {};',
    "const extra: User = { name: 'a', extraField: 1 };",
    'declare const maybe: string | undefined;',
    'const sure: string = maybe;',
    'console.log(count, empty, extra, sure);',
    '',
  ].join('\n'),
};

interface Diagnostic {
  code: string;
  message: string;
  line: number;
  column: number;
  codeLine: string;
}

let tmp: TempDir;
const diagnostics: Diagnostic[] = [];

beforeAll(async () => {
  tmp = await tempDir();
  for (const [path, content] of Object.entries(FILES)) await tmp.write(path, content);
  const result = await run(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--pretty', 'false'], tmp.dir, {}, 120_000);
  const source = readFileSync(join(tmp.dir, 'a.ts'), 'utf8').split('\n');
  const lines = result.stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^a\.ts\((\d+),(\d+)\): (error TS(\d+): .*)$/.exec(lines[i] as string);
    if (m === null) continue;
    let message = m[3] as string;
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1] as string)) message += `\n${lines[++i] as string}`;
    diagnostics.push({ code: m[4] as string, message, line: Number(m[1]), column: Number(m[2]), codeLine: source[Number(m[1]) - 1] ?? '' });
  }
}, 120_000);

afterAll(async () => {
  await tmp.dispose();
});

function suggestionsFor(code: string, nth = 0): { top: FixSuggestion | undefined; diagnostic: Diagnostic } {
  const diagnostic = diagnostics.filter((d) => d.code === code)[nth];
  if (diagnostic === undefined) throw new Error(`tsc reported no TS${code}; it reported ${diagnostics.map((d) => d.code).join(', ')}`);
  const all = suggestFixes({
    error: { message: diagnostic.message, kind: 'compile-error', format: 'tsc' },
    fault: { file: 'a.ts', line: diagnostic.line, column: diagnostic.column, via: 'tool' },
    codeLine: diagnostic.codeLine,
  });
  return { top: all[0], diagnostic };
}

describe('TypeScript compile errors (real tsc output)', () => {
  it.each([
    ['2835', 'ts2835', 'Write `./util.js` instead of `./util`'],
    ['2307', 'ts2307', '`npm install no-such-pkg-orchestra`'],
    ['2305', 'ts2305', '`./util.js` does not export `absent`'],
    ['2614', 'ts2305', '`missing` is the default export of `./real.js`, not a named one: write `import missing from "./real.js"`'],
    ['2322', 'ts2322', '`count` is declared as `number` but gets a `string`: convert it (`Number(x)`'],
    ['2339', 'ts2339', '`User` has no property `email` (`user.email`)'],
    ['2551', 'ts2551', "Rename `'abc'.lenght` to `'abc'.length`"],
    ['2345', 'ts2345', "The call `takesNum('5')` passes a `string` where `number` is expected"],
    ['7006', 'ts7006', 'Annotate `item`: `(item: SomeType) => …`'],
    ['18048', 'ts18048', '`user.profile` may be `undefined` here: narrow it (`if (user.profile) { … }`), use optional chaining (`user.profile?.city`)'],
    ['2532', 'ts2532', '`rows[0]` may be `undefined` here (with `noUncheckedIndexedAccess`'],
    ['2593', 'ts2304', '`describe` is a global whose types are not loaded: install them (`npm i -D @types/jest`)'],
    ['2304', 'ts2304', '`undeclaredThing` is not declared in this scope'],
    ['2554', 'ts2554', '`takesNum` takes 1 argument, but `takesNum()` passes 0'],
    ['18046', 'ts18046', 'narrow `e` first — `if (e instanceof Error) { …e.message… }`'],
    ['2741', 'ts2741', '`User` requires `name`: add `name: …` to this object'],
    ['2353', 'ts2353', '`User` has no `extraField`: remove it from the object literal'],
  ])('TS%s → %s', (code, rule, detail) => {
    const { top, diagnostic } = suggestionsFor(code);
    expect(diagnostic.message).toContain(`TS${code}`);
    expect(top?.rule).toBe(rule);
    expect(top?.detail).toContain(detail);
  });

  it('TS2322 with a possibly-undefined source says to narrow', () => {
    const { top, diagnostic } = suggestionsFor('2322', 1);
    expect(diagnostic.message).toContain("Type 'string | undefined' is not assignable to type 'string'");
    expect(top?.detail).toContain('`sure` is declared as `string` but gets a `string | undefined`: the value may be `undefined`');
  });

  it('works without the TSxxxx prefix and without a code line', () => {
    const [top] = suggestFixes({ error: { message: "Property 'email' does not exist on type 'User'." } });
    expect(top?.rule).toBe('ts2339');
    expect(top?.detail).toContain('`User` has no property `email`');
  });
});
