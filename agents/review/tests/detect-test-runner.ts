/**
 * Finds which test runner a project uses and how to start it, from what the project itself says:
 * package.json (`scripts.test`, then dependencies), runner config files, and Python's pytest
 * markers. A runner is started from the project's own `node_modules/.bin` when it is there; only
 * if it is not is `npx --no-install` used, which runs an installed copy and never downloads one.
 */
import { access, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InvalidInputError, errorMessage } from '../../../shared/errors/errors.js';
import type { TestRunnerName } from './test-failure.js';

/** A runner found in a project, with the command that starts it. */
export interface DetectedRunner {
  runner: TestRunnerName;
  /** Which files it tests: JavaScript/TypeScript or Python. */
  language: 'js' | 'python';
  /** The executable and the arguments that come before the runner's own (e.g. `-m pytest`). */
  command: string;
  args: string[];
  /** Why this runner was chosen, for notices (`package.json scripts.test runs jest`). */
  reason: string;
}

const packageJsonSchema = z.object({
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
  devDependencies: z.record(z.string(), z.unknown()).optional(),
  jest: z.unknown().optional(),
});

const JS_RUNNERS = ['jest', 'vitest', 'mocha'] as const;
const CONFIG_FILES: Record<(typeof JS_RUNNERS)[number], RegExp> = {
  jest: /^jest\.config\.(?:[cm]?[jt]s|json)$/,
  vitest: /^vitest\.config\.[cm]?[jt]s$/,
  mocha: /^\.mocharc(?:\.(?:[cm]?js|json|jsonc|ya?ml))?$/,
};
const NODE_TEST = /\bnode\b[^|&;]*\s--test\b/;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readSmall(path: string, max = 1024 * 1024): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > max) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The nearest `node_modules/.bin/NAME` at or above `root`, if any. */
export async function findLocalBin(root: string, name: string): Promise<string | undefined> {
  for (let dir = root, depth = 0; depth < 32; depth++) {
    const candidate = join(dir, 'node_modules', '.bin', name);
    if (await exists(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

async function jsRunner(root: string, runner: TestRunnerName, reason: string): Promise<DetectedRunner> {
  if (runner === 'node-test') return { runner, language: 'js', command: process.execPath, args: [], reason };
  const bin = await findLocalBin(root, runner);
  if (bin) return { runner, language: 'js', command: bin, args: [], reason };
  return { runner, language: 'js', command: 'npx', args: ['--no-install', runner], reason: `${reason}; no node_modules/.bin/${runner}, so npx --no-install` };
}

/** Reads and validates package.json; undefined when there is none. */
async function readPackageJson(root: string): Promise<z.output<typeof packageJsonSchema> | undefined> {
  const text = await readSmall(join(root, 'package.json'));
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`package.json in ${root} is not valid JSON: ${errorMessage(error)}`, { file: join(root, 'package.json') }, { cause: error });
  }
  const parsed = packageJsonSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new InvalidInputError(`package.json in ${root}: '${key}' ${issue?.message ?? 'is invalid'}`, { file: join(root, 'package.json'), key });
  }
  return parsed.data;
}

async function detectJs(root: string, names: readonly string[]): Promise<DetectedRunner | undefined> {
  const pkg = await readPackageJson(root);
  const script = pkg?.scripts?.test ?? '';
  // The test script says it best; the runner named first in it wins.
  const inScript = [...JS_RUNNERS.map((r) => ({ r, at: script.search(new RegExp(`\\b${r}\\b`)) })), { r: 'node-test' as const, at: script.search(NODE_TEST) }]
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  if (inScript) return jsRunner(root, inScript.r, `package.json scripts.test runs ${inScript.r === 'node-test' ? 'node --test' : inScript.r}`);
  for (const r of JS_RUNNERS) {
    if (pkg?.devDependencies?.[r] !== undefined || pkg?.dependencies?.[r] !== undefined) return jsRunner(root, r, `package.json depends on ${r}`);
  }
  for (const r of JS_RUNNERS) {
    const config = names.find((n) => CONFIG_FILES[r].test(n));
    if (config) return jsRunner(root, r, `${config} is present`);
  }
  if (pkg?.jest !== undefined) return jsRunner(root, 'jest', 'package.json has a "jest" key');
  const other = Object.entries(pkg?.scripts ?? {}).find(([, s]) => NODE_TEST.test(s));
  if (other) return jsRunner(root, 'node-test', `package.json scripts.${other[0]} runs node --test`);
  return undefined;
}

async function detectPython(root: string, names: readonly string[]): Promise<DetectedRunner | undefined> {
  let reason: string | undefined;
  if (names.includes('pytest.ini')) reason = 'pytest.ini is present';
  else if (/^\[tool\.pytest/m.test((names.includes('pyproject.toml') && (await readSmall(join(root, 'pyproject.toml')))) || '')) reason = 'pyproject.toml has [tool.pytest…]';
  else if (/^\[tool:pytest\]/m.test((names.includes('setup.cfg') && (await readSmall(join(root, 'setup.cfg')))) || '')) reason = 'setup.cfg has [tool:pytest]';
  else if (/^\[pytest\]/m.test((names.includes('tox.ini') && (await readSmall(join(root, 'tox.ini')))) || '')) reason = 'tox.ini has [pytest]';
  else if (names.includes('conftest.py')) reason = 'conftest.py is present';
  else {
    const testsDir = names.includes('tests') ? await readdir(join(root, 'tests')).catch(() => [] as string[]) : [];
    const testFile = [...names, ...testsDir].find((n) => /^test_.*\.py$|_test\.py$/.test(n));
    if (testFile) reason = `${testFile} looks like a pytest test`;
  }
  if (!reason) return undefined;
  for (const venv of ['.venv', 'venv']) {
    const python = join(root, venv, 'bin', 'python');
    if (await exists(python)) return { runner: 'pytest', language: 'python', command: python, args: ['-m', 'pytest'], reason: `${reason}; using ${venv}/bin/python` };
  }
  return { runner: 'pytest', language: 'python', command: 'python3', args: ['-m', 'pytest'], reason };
}

/**
 * Every runner the project uses: at most one for JavaScript/TypeScript and one for Python, in that
 * order. Throws InvalidInputError when `root` is not a folder or its package.json is broken.
 */
export async function detectTestRunners(root: string): Promise<DetectedRunner[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    throw new InvalidInputError(`Cannot list the project folder ${root}: ${errorMessage(error)}`, { file: root }, { cause: error });
  }
  const found = [await detectJs(root, names), await detectPython(root, names)];
  return found.filter((r): r is DetectedRunner => r !== undefined);
}

/** The project's main test runner (JavaScript first, then Python), or undefined when none is found. */
export async function detectTestRunner(root: string): Promise<DetectedRunner | undefined> {
  return (await detectTestRunners(root))[0];
}
