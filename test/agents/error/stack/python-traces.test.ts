/**
 * Real CPython failures (python3 runs each program in a temp project) and real pytest output:
 * chained exceptions (`raise … from`, "During handling …"), exception groups, syntax errors,
 * standard-library and site-packages frames, pytest's short and long tracebacks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { locate, parseStackTrace, parseStackTraces } from '../../../../agents/error/stack/index.js';
import { hasCommand, lineOf, runFailing, tempProject, type TempProject } from './programs.js';

const python = hasCommand('python3') ? 'python3' : undefined;
const describeWithPython = python ? describe : describe.skip;
const pytest = python !== undefined && hasCommand('python3', ['-m', 'pytest', '--version']);

const files = {
  'app/__init__.py': '',
  'app/settings.py': [
    'import json',
    '',
    'def parse(text):',
    '    return json.loads(text)["database"]',
    '',
    'def load(text):',
    '    try:',
    '        return parse(text)',
    '    except KeyError as error:',
    '        raise RuntimeError("settings have no database") from error',
    '',
  ].join('\n'),
  'app/main.py': [
    'from app.settings import load',
    'import fakelib',
    '',
    'def start():',
    '    try:',
    '        load("{}")',
    '    except RuntimeError:',
    '        fallback = DEFAULTS["database"]',
    '        return fallback',
    '',
    'def convert():',
    '    return fakelib.to_int("twelve")',
    '',
    'if __name__ == "__main__":',
    '    import sys',
    '    convert() if sys.argv[1:] == ["convert"] else start()',
    '',
  ].join('\n'),
  // A dependency installed in the project's virtualenv: its frames are not the project's code.
  '.venv/lib/python3.11/site-packages/fakelib/__init__.py': ['def to_int(text):', '    return int(text)', ''].join('\n'),
  'app/group.py': [
    'def check(values):',
    '    errors = [ValueError(f"bad {v}") for v in values if v < 0]',
    '    if errors:',
    '        raise ExceptionGroup("invalid values", errors)',
    '',
    'check([1, -2, -3])',
    '',
  ].join('\n'),
  'app/broken.py': ['def f(:', '    pass', ''].join('\n'),
  'tests/__init__.py': '',
  'tests/test_orders.py': [
    'from app.orders import total',
    '',
    'def test_total():',
    '    assert total([{"price": 2}]) == 2',
    '',
    'def test_rounding():',
    '    assert round(total([{"price": 2.5, "qty": 1}])) == 3',
    '',
  ].join('\n'),
  'app/orders.py': ['def total(lines):', '    return sum(line["price"] * line["qty"] for line in lines)', ''].join('\n'),
};

let project: TempProject;
let env: Record<string, string>;
beforeAll(async () => {
  project = await tempProject(files);
  env = { PYTHONPATH: `${project.root}:${join(project.root, '.venv/lib/python3.11/site-packages')}`, PYTHONDONTWRITEBYTECODE: '1' };
});
afterAll(async () => {
  await project?.dispose();
});

describeWithPython('CPython tracebacks', () => {
  it('reads a chain printed cause first, and locates the exception that escaped while handling', async () => {
    const output = runFailing(python!, ['app/main.py'], project.root, env);
    const traces = parseStackTraces(output);
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace).toMatchObject({ language: 'python', errorType: 'NameError', message: "name 'DEFAULTS' is not defined" });
    // Most recent call first.
    expect(trace.frames.map((f) => `${f.function}:${f.line}`)).toEqual(['start:8', '<module>:16']);
    expect(trace.causes.map((c) => [c.errorType, c.link])).toEqual([
      ['RuntimeError', 'context'],
      ['KeyError', 'cause'],
    ]);
    expect(trace.causes[1]!.frames.map((f) => f.function)).toEqual(['parse', 'load']);

    const located = await locate(trace, { root: project.root });
    // The NameError escaped while the RuntimeError was being handled: it is the fault; the explicit chain follows, root cause first.
    expect(located.fault).toMatchObject({ file: 'app/main.py', line: lineOf(files['app/main.py'], 'DEFAULTS['), function: 'start', via: 'stack' });
    expect(located.fault!.codeFrame).toContain('>  8 |         fallback = DEFAULTS["database"]');
    expect(located.candidates.map((c) => `${c.file}:${c.line}`)).toEqual(['app/main.py:8', 'app/main.py:16', 'app/settings.py:4', 'app/settings.py:8', 'app/settings.py:10', 'app/main.py:6']);
  });

  it('marks the standard library internal and site-packages as not the project’s own code', async () => {
    const output = runFailing(python!, ['app/main.py', 'convert'], project.root, env);
    const trace = parseStackTrace(output)!;
    expect(trace).toMatchObject({ errorType: 'ValueError', message: "invalid literal for int() with base 10: 'twelve'" });
    const dependency = trace.frames.find((f) => f.file?.includes('site-packages'))!;
    expect(dependency).toMatchObject({ function: 'to_int' });
    expect(dependency.internal).toBeUndefined();

    const located = await locate(trace, { root: project.root });
    expect(located.trace.frames[0]).toMatchObject({ projectFile: '.venv/lib/python3.11/site-packages/fakelib/__init__.py', own: false });
    expect(located.fault).toMatchObject({ file: 'app/main.py', line: 12, function: 'convert' });

    const json = parseStackTrace(runFailing(python!, ['-c', 'import json\njson.loads("{bad")'], project.root, env))!;
    expect(json.errorType).toBe('json.decoder.JSONDecodeError');
    expect(json.frames.filter((f) => f.file!.endsWith('json/decoder.py')).every((f) => f.internal)).toBe(true);
    expect(json.frames.at(-1)).toMatchObject({ file: '<string>', internal: true });
  });

  it('reads an exception group (3.11) and a syntax error', async () => {
    const group = parseStackTrace(runFailing(python!, ['app/group.py'], project.root, env))!;
    expect(group).toMatchObject({ errorType: 'ExceptionGroup', message: 'invalid values (2 sub-exceptions)' });
    expect(group.frames.map((f) => f.line)).toEqual([4, 6]);
    const located = await locate(group, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'app/group.py', line: 4, function: 'check' });

    const syntax = parseStackTrace(runFailing(python!, ['app/broken.py'], project.root, env))!;
    expect(syntax).toMatchObject({ errorType: 'SyntaxError' });
    expect(syntax.frames).toEqual([expect.objectContaining({ line: 1 })]);
    expect((await locate(syntax, { root: project.root })).fault).toMatchObject({ file: 'app/broken.py', line: 1 });
  });
});

(pytest ? describe : describe.skip)('pytest output', () => {
  it('reads --tb=short failures, one trace per failing test', async () => {
    const output = runFailing(python!, ['-m', 'pytest', '-q', '--tb=short', '-p', 'no:cacheprovider', 'tests'], project.root, env);
    const traces = parseStackTraces(output);
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatchObject({ errorType: 'KeyError', message: "'qty'" });
    expect(traces[0]!.frames.map((f) => `${f.file}:${f.line}`)).toEqual(['app/orders.py:2', 'app/orders.py:2', 'tests/test_orders.py:4']);
    expect(traces[1]).toMatchObject({ errorType: 'AssertionError' });
    expect(traces[1]!.message).toMatch(/^assert 2 == 3/);
    const located = await locate(traces[0]!, { root: project.root });
    expect(located.candidates.map((c) => `${c.file}:${c.line}`)).toEqual(['app/orders.py:2', 'tests/test_orders.py:4']);
  });

  it('reads the default long format', () => {
    const output = runFailing(python!, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], project.root, env);
    const traces = parseStackTraces(output);
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatchObject({ errorType: 'KeyError', message: "'qty'" });
    expect(traces[0]!.frames[0]).toMatchObject({ file: 'app/orders.py', line: 2 });
    expect(traces[0]!.frames.at(-1)).toMatchObject({ file: 'tests/test_orders.py', line: 4 });
  });
});
