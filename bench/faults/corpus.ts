/**
 * The faults corpus: real regressions in published npm packages that nobody on the team wrote. Each
 * case names a package, the releases to commit (every stable version from `from` to `broken`, one
 * commit each), the release that introduced the regression (`culprit`), the next release that fixed
 * it (`fixed`), where the documentation says so (`source`), and a check written from that
 * documentation: a small CommonJS script that exits 0 when the documented behaviour holds and fails
 * with the real error otherwise.
 *
 * Nothing here is third-party code: the packages are fetched at bench time (`npm pack`, into
 * bench/.cache/faults), and the expected fault lines are derived then, by diffing `broken` against
 * `fixed` (fix-lines.ts). `fix.file` only says which file of that diff the fix is in, and `fix.hunk`,
 * when given, which of its hunks; a label that selects no changed line makes the case invalid.
 *
 * Every premise is verified at bench time (verify-premise.ts): the check passes at every committed
 * release before `culprit` and at `fixed`, and fails at every release from `culprit` to `broken`; a
 * `crash` case must also fail with a stack trace through the package's own files.
 */

/** How the regression shows. */
export type FaultKind =
  /** An exception thrown inside the package: the failing output has a trace through its files. */
  | 'crash'
  /** A wrong result: the check's own assertion fails, and no frame of the output is in the package. */
  | 'wrong-result';

/** One documented regression. */
export interface FaultCase {
  pkg: string;
  /** The oldest release committed. */
  from: string;
  /** The release that introduced the regression: the commit bisection must name. */
  culprit: string;
  /** The newest release committed (HEAD), still broken. Often the culprit itself. */
  broken: string;
  /** The next release, which fixes it. Not committed; its diff against `broken` is the ground truth. */
  fixed: string;
  kind: FaultKind;
  /** Where the fix is: a file of the package (forward slashes) and, optionally, text that picks its hunks. */
  fix: { file: string; hunk?: RegExp };
  /** The changelog line, release note or issue that documents the regression and its fix. */
  source: string;
  /**
   * The check's body. It runs with the package's root as the working directory (the release
   * repository, or bisection's worktree) after a preamble that defines `load(relativePath = '.')`
   * (require from the package root) and `assert` (node:assert/strict).
   */
  check: string;
}

/** The corpus. */
export const FAULT_CASES: readonly FaultCase[] = [
  // ---------------------------------------------------------------- crashes
  {
    pkg: 'acorn',
    from: '2.0.0',
    culprit: '2.6.0',
    broken: '2.6.0',
    fixed: '2.6.2',
    kind: 'crash',
    fix: { file: 'dist/acorn.js', hunk: /getOptions\(options\)/ },
    source: 'acorn CHANGELOG.md, "## 2.6.2 (2015-11-10) … Don\'t crash when no options object is passed."',
    check: `
// The options argument of parse() is optional (README: "parse(input, options)", options may be omitted).
const acorn = load();
const ast = acorn.parse('var answer = 42');
assert.equal(ast.type, 'Program');
`,
  },
  {
    pkg: 'acorn',
    from: '5.2.0',
    culprit: '5.6.0',
    broken: '5.6.0',
    fixed: '5.6.1',
    kind: 'crash',
    fix: { file: 'dist/walk.js' },
    source: 'acorn CHANGELOG.md, "## 5.6.1 (2018-06-01) … Fix regression when passing `null` as fourth argument to `walk.recursive`."',
    check: `
// walk.recursive(node, state, functions, base): a null base means the default walker.
const acorn = load();
const walk = load('dist/walk.js');
const seen = [];
const ast = acorn.parse('f(a, b)');
walk.recursive(ast, null, { Identifier(node) { seen.push(node.name); } }, null);
`,
  },
  {
    pkg: 'acorn',
    from: '5.2.0',
    culprit: '5.6.0',
    broken: '5.6.1',
    fixed: '5.6.2',
    kind: 'crash',
    fix: { file: 'dist/walk.js' },
    source: 'acorn CHANGELOG.md, "## 5.6.2 (2018-06-05) … In the walker, go back to allowing the `baseVisitor` argument to be null to default to the default base everywhere."',
    check: `
// walk.simple(node, visitors, base): a null base means the default walker.
const acorn = load();
const walk = load('dist/walk.js');
const seen = [];
walk.simple(acorn.parse('f(a, b)'), { Identifier(node) { seen.push(node.name); } }, null);
assert.deepEqual(seen, ['f', 'a', 'b']);
`,
  },
  {
    pkg: 'acorn',
    from: '8.0.0',
    culprit: '8.2.0',
    broken: '8.2.0',
    fixed: '8.2.1',
    kind: 'crash',
    fix: { file: 'dist/acorn.js' },
    source: 'acorn CHANGELOG.md, "## 8.2.1 (2021-04-24) … Fix a regression introduced in 8.2.0 where static or async class methods with keyword names fail to parse."',
    check: `
// Static and async class methods may have keyword names.
const acorn = load();
acorn.parse('class A { static delete() {} async in() {} }', { ecmaVersion: 2020 });
`,
  },
  {
    pkg: 'moment',
    from: '2.8.1',
    culprit: '2.10.5',
    broken: '2.10.5',
    fixed: '2.10.6',
    kind: 'crash',
    fix: { file: 'moment.js', hunk: /getTime\(\)/ },
    source: 'moment CHANGELOG.md, "### 2.10.6 … [#2515] Fix regression introduced in `2.10.5` related to `moment.ISO_8601` parsing."',
    check: `
// Parsing with the ISO_8601 format gives an invalid moment for a non-ISO string; it must not throw.
const moment = load();
assert.equal(moment('not a date', moment.ISO_8601).isValid(), false);
`,
  },
  {
    pkg: 'cookie',
    from: '0.4.0',
    culprit: '0.7.0',
    broken: '0.7.0',
    fixed: '0.7.1',
    kind: 'crash',
    fix: { file: 'index.js', hunk: /domainValueRegExp/ },
    source: 'jshttp/cookie v0.7.1 release note "Allow leading dot for domain (#174)"; issue #173 "0.7.0 no longer supports `.localhost` domain value … This now throws `option domain is invalid`."',
    check: `
// A domain with a leading dot serializes (RFC 6265 5.2.3: user agents ignore the leading dot).
const cookie = load();
assert.match(cookie.serialize('session', 'abc', { domain: '.example.com' }), /Domain=\\.example\\.com/);
`,
  },
  {
    pkg: 'cookie',
    from: '0.4.0',
    culprit: '0.7.1',
    broken: '0.7.1',
    fixed: '0.7.2',
    kind: 'crash',
    fix: { file: 'index.js', hunk: /hasOwnProperty/ },
    source: 'jshttp/cookie v0.7.2 release note "Fix object assignment of `hasOwnProperty` (#177)".',
    check: `
// A cookie named hasOwnProperty is just a cookie: parsing the header must not break.
const cookie = load();
assert.equal(cookie.parse('hasOwnProperty=1; session=abc').session, 'abc');
`,
  },
  {
    pkg: 'semver',
    from: '5.4.0',
    culprit: '6.1.0',
    broken: '6.1.0',
    fixed: '6.1.1',
    kind: 'crash',
    fix: { file: 'semver.js', hunk: /if \(!version\)/ },
    source: 'node-semver CHANGELOG.md, "## 6.1.1 … * Handle undefined version passed to Range.test"',
    check: `
// Range.test of a missing version is false, as in 6.0.0.
const semver = load();
assert.equal(new semver.Range('^1.0.0').test(undefined), false);
`,
  },

  // ---------------------------------------------------------------- wrong results
  {
    pkg: 'iconv-lite',
    from: '0.4.10',
    culprit: '0.4.16',
    broken: '0.4.18',
    fixed: '0.4.19',
    kind: 'wrong-result',
    fix: { file: 'encodings/internal.js', hunk: /iso88591/ },
    source: 'iconv-lite Changelog.md, "## 0.4.19 / 2017-09-09 * Fixed iso8859-1 codec regression in handling untranslatable characters (#162, caused by #147)"',
    check: `
// A character ISO-8859-1 cannot represent encodes as '?', as for every single-byte codec.
const iconv = load();
assert.deepEqual([...iconv.encode('a\\u20acb', 'iso8859-1')], [0x61, 0x3f, 0x62]);
`,
  },
  {
    pkg: 'dotenv',
    from: '16.1.0',
    culprit: '16.4.3',
    broken: '16.4.4',
    fixed: '16.4.5',
    kind: 'wrong-result',
    fix: { file: 'lib/main.js', hunk: /optionPath/ },
    source: 'dotenv CHANGELOG.md, "## 16.4.5 … fix recent regression when using `path` option. return to historical behavior: do not attempt to auto find `.env` if `path` set. (regression was introduced in `16.4.3`) #814"',
    check: `
// With a path option, ./.env is not read, even when that path does not exist.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const dotenv = load();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-dotenv-'));
try {
  fs.writeFileSync(path.join(dir, '.env'), 'FAULTS_FROM_DEFAULT_ENV=yes\\n');
  process.chdir(dir);
  delete process.env.FAULTS_FROM_DEFAULT_ENV;
  dotenv.config({ path: path.join(dir, 'missing.env') });
  assert.equal(process.env.FAULTS_FROM_DEFAULT_ENV, undefined);
} finally {
  process.chdir(os.tmpdir());
  fs.rmSync(dir, { recursive: true, force: true });
}
`,
  },
  {
    pkg: 'qs',
    from: '6.5.0',
    culprit: '6.5.4',
    broken: '6.5.4',
    fixed: '6.5.5',
    kind: 'wrong-result',
    fix: { file: 'lib/utils.js', hunk: /toString\(16\)/ },
    source: 'qs CHANGELOG.md, "## **6.5.5** - [Fix] fix regressions from robustness refactor" (the refactor: "## **6.5.4** - [Robustness] avoid `.push`, use `void`")',
    check: `
// Control characters are percent-encoded with two hex digits.
const qs = load();
assert.equal(qs.stringify({ a: '\\n' }), 'a=%0A');
`,
  },
  {
    pkg: 'mustache',
    from: '2.0.0',
    culprit: '2.3.1',
    broken: '2.3.1',
    fixed: '2.3.2',
    kind: 'wrong-result',
    fix: { file: 'mustache.js' },
    source: 'mustache CHANGELOG.md, "## [2.3.2] / 17 August 2018 This release is made to revert changes introduced in [2.3.1] that caused unexpected behaviour for several users. … [#670]: Rollback template cache causing unexpected behaviour"; the v3 migration notes show this template',
    check: `
// A template pre-parsed with custom delimiters renders with them (the 2.x template cache).
const Mustache = load();
const template = '[[item.title]] [[item.value]]';
Mustache.parse(template, ['[[', ']]']);
assert.equal(Mustache.render(template, { item: { title: 'TEST', value: 1 } }), 'TEST 1');
`,
  },
];

/** The case's name in the bench output: the package at the broken release. */
export function caseName(c: FaultCase): string {
  return `${c.pkg}@${c.broken}`;
}
