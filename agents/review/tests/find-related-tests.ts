/**
 * Related tests for runners that cannot work them out themselves (mocha, node:test, pytest): a
 * test file is related to a changed file when it is that file, when its name is the changed file's
 * name with a test marker (`foo.js` → `foo.test.js`, `foo.spec.ts`, `test_foo.py`, `foo_test.py`),
 * or when it imports the changed file by a relative path (a cheap regex scan, no parsing). The
 * walk and the reads are bounded, so a huge tree costs a bounded time.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, posix } from 'node:path';
import { throwIfAborted } from '../../../shared/errors/errors.js';

/** Which family of files. */
export type TestLanguage = 'js' | 'python';

/** Limits of the scan. */
export interface RelatedTestsOptions {
  signal?: AbortSignal;
  /** Directory entries visited at most. Default 50,000. */
  maxEntries?: number;
  /** Test files larger than this are matched by name only (bytes). Default 1 MiB. */
  maxFileBytes?: number;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'out', 'venv', '__pycache__', 'site-packages']);
const JS_EXT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const JS_TEST = /(?:^|\/)(?:[^/]+[.\-_](?:test|spec)\.(?:[cm]?[jt]s|[jt]sx)|test-[^/]+\.[cm]?js|test\.[cm]?js|(?:test|tests|__tests__)\/.+\.(?:[cm]?[jt]s|[jt]sx))$/;
const PY_TEST = /(?:^|\/)(?:test_[^/]*|[^/]*_test)\.py$/;

/** The language of a path by its extension, or undefined for other files. */
export function languageOf(path: string): TestLanguage | undefined {
  if (path.endsWith('.py')) return 'python';
  if (JS_EXT.test(path)) return 'js';
  return undefined;
}

/** True when a root-relative path (forward slashes) looks like a test file of the language. */
export function isTestFile(rel: string, language: TestLanguage): boolean {
  return language === 'python' ? PY_TEST.test(rel) : JS_TEST.test(rel);
}

/** The name a test file is named after: `foo.test.js`, `test_foo.py`, `foo_test.py` → `foo`. */
function testedStem(rel: string): string {
  const name = basename(rel, extname(rel));
  return name.replace(/[.\-_](?:test|spec)$/, '').replace(/^test[-_]/, '');
}

/** Root-relative test files of a language, sorted; dot-folders and build output are skipped. */
export async function listTestFiles(root: string, language: TestLanguage, options: RelatedTestsOptions = {}): Promise<string[]> {
  const maxEntries = options.maxEntries ?? 50_000;
  const out: string[] = [];
  const todo = [''];
  let seen = 0;
  while (todo.length > 0 && seen < maxEntries) {
    throwIfAborted(options.signal);
    const rel = todo.pop()!;
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++seen > maxEntries) break;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) todo.push(path);
      } else if (entry.isFile() && languageOf(path) === language && isTestFile(path, language)) {
        out.push(path);
      }
    }
  }
  return out.sort();
}

/** Relative import specifiers (JS) or module names (Python) a file's text mentions. */
function importsOf(text: string, language: TestLanguage): string[] {
  const out: string[] = [];
  if (language === 'js') {
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"\n]{1,300})['"]/g)) out.push(m[1]!);
  } else {
    for (const m of text.matchAll(/^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b|import[ \t]+([\w.]+))/gm)) out.push((m[1] ?? m[2])!);
  }
  return out;
}

/** A path without its JS extension and without a trailing `/index`. */
function jsModuleKey(path: string): string {
  return path.replace(/\.(?:[cm]?[jt]s|[jt]sx)$/, '').replace(/\/index$/, '');
}

/** True when the test file's import `spec` names the changed file `changed` (both root-relative). */
function importsChanged(testRel: string, spec: string, changed: string, language: TestLanguage): boolean {
  if (language === 'js') {
    const target = posix.normalize(posix.join(posix.dirname(testRel), spec));
    return jsModuleKey(target) === jsModuleKey(changed);
  }
  let modulePath: string;
  const dots = /^\.*/.exec(spec)![0].length;
  if (dots > 0) {
    let base = posix.dirname(testRel);
    for (let k = 1; k < dots; k++) base = posix.dirname(base);
    modulePath = posix.normalize(posix.join(base, spec.slice(dots).replace(/\./g, '/')));
  } else {
    modulePath = spec.replace(/\./g, '/');
  }
  const changedKey = changed.replace(/\.py$/, '').replace(/\/__init__$/, '');
  // `import calc` from a test matches `calc.py`, `src/calc.py` (src layout) and `pkg/calc.py`.
  return changedKey === modulePath || changedKey.endsWith(`/${modulePath}`);
}

/**
 * The test files related to the changed files (all root-relative, forward slashes), sorted.
 * `testFiles` is the project's list of test files of that language ({@link listTestFiles}).
 */
export async function findRelatedTests(
  root: string,
  changedFiles: readonly string[],
  testFiles: readonly string[],
  language: TestLanguage,
  options: RelatedTestsOptions = {},
): Promise<string[]> {
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
  const changed = changedFiles.filter((f) => languageOf(f) === language);
  const related = new Set<string>();
  const sources: string[] = [];
  for (const file of changed) {
    if (isTestFile(file, language)) related.add(file);
    else sources.push(file);
  }
  if (sources.length === 0) return [...related].sort();
  const stems = new Set(sources.map((s) => basename(s, extname(s))));
  for (const test of testFiles) {
    throwIfAborted(options.signal);
    if (related.has(test)) continue;
    if (stems.has(testedStem(test))) {
      related.add(test);
      continue;
    }
    const path = join(root, test);
    const info = await stat(path).catch(() => undefined);
    if (!info || info.size > maxFileBytes) continue;
    const text = await readFile(path, 'utf8').catch(() => '');
    const specs = importsOf(text, language);
    if (specs.some((spec) => sources.some((src) => importsChanged(test, spec, src, language)))) related.add(test);
  }
  return [...related].sort();
}

