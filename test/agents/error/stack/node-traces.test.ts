/**
 * Real Node.js failures: each script is written to a temp project and run by this Node; the stack
 * tracer parses what Node printed and locates it back in the project.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locate, parseStackTrace, parseStackTraces } from '../../../../agents/error/stack/index.js';
import type { ParsedTrace } from '../../../../agents/error/types.js';
import { lineOf, runFailing, runNode, tempProject, type TempProject } from './programs.js';

const REPO_JEST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'node_modules', 'jest', 'bin', 'jest.js');

const files = {
  'src/config.js': [
    "'use strict';",
    'function readPort(settings) {',
    '  return settings.server.port;',
    '}',
    'module.exports = { readPort };',
    '',
  ].join('\n'),
  'src/crash.js': [
    "'use strict';",
    "const { readPort } = require('./config');",
    'function start(settings) {',
    '  return readPort(settings);',
    '}',
    'start({});',
    '',
  ].join('\n'),
  'src/cause.js': [
    "'use strict';",
    "const { readPort } = require('./config');",
    'function load() {',
    '  try {',
    '    return readPort({});',
    '  } catch (error) {',
    "    throw new Error('could not load the configuration', { cause: error });",
    '  }',
    '}',
    'load();',
    '',
  ].join('\n'),
  'src/async.mjs': [
    'async function fetchUser(id) {',
    '  await new Promise((resolve) => setTimeout(resolve, 1));',
    '  const users = await Promise.resolve(undefined);',
    '  return users[id].name;',
    '}',
    'async function handler() {',
    "  return await fetchUser('u1');",
    '}',
    'await handler();',
    '',
  ].join('\n'),
  'src/nested.mjs': [
    'function parse(text) {',
    '  return JSON.parse(text);',
    '}',
    'function read() {',
    "  try { return parse('{bad'); } catch (error) { throw new TypeError('unreadable settings', { cause: error }); }",
    '}',
    'function boot() {',
    "  try { return read(); } catch (error) { throw new Error('boot failed', { cause: error }); }",
    '}',
    'console.log(boot.length);',
    'try { boot(); } catch (error) { console.error(error); process.exitCode = 1; }',
    '',
  ].join('\n'),
  'src/no-stack.mjs': [
    "const inner = new RangeError('port out of range');",
    "const outer = new Error('listen failed', { cause: inner });",
    'outer.stack = undefined;',
    "console.error({ err: outer, cause: new Error('plain', { cause: { code: 'E_PORT', port: 70000 } }) });",
    'process.exitCode = 1;',
    '',
  ].join('\n'),
  'src/aggregate.mjs': [
    'function check(n) {',
    "  if (n > 1) return new RangeError(`too big: ${n}`);",
    '  return undefined;',
    '}',
    "const error = new AggregateError([check(2), check(3)], 'validation failed');",
    "error.code = 'E_VALIDATION';",
    'throw error;',
    '',
  ].join('\n'),
};

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({ ...files, 'package.json': '{ "name": "app", "private": true }\n' });
});
afterAll(async () => {
  await project.dispose();
});

function framesIn(trace: ParsedTrace, file: string): number[] {
  return trace.frames.filter((f) => f.file?.endsWith(file)).map((f) => f.line!);
}

describe('Node.js, CommonJS', () => {
  it('parses a TypeError reading a property of undefined and locates the line that read it', async () => {
    const output = runNode(project.root, 'src/crash.js');
    const trace = parseStackTrace(output)!;
    expect(trace).toMatchObject({ language: 'javascript', errorType: 'TypeError' });
    expect(trace.message).toMatch(/^Cannot read properties of undefined \(reading 'port'\)/);
    expect(framesIn(trace, 'src/config.js')).toEqual([3]);
    expect(framesIn(trace, 'src/crash.js')).toEqual([4, 6]);
    expect(trace.frames.some((f) => f.internal && f.file?.startsWith('node:internal/'))).toBe(true);

    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/config.js', line: 3, function: 'readPort', via: 'stack' });
    expect(located.fault!.codeFrame).toContain('> 3 |   return settings.server.port;');
    expect(located.candidates.slice(0, 3).map((c) => `${c.file}:${c.line}`)).toEqual(['src/config.js:3', 'src/crash.js:4', 'src/crash.js:6']);
    expect(located.trace.frames.filter((f) => f.own).every((f) => f.projectFile?.startsWith('src/'))).toBe(true);
    expect(located.trace.frames.filter((f) => f.internal).every((f) => f.own === false)).toBe(true);
  });

  it('locates the same trace as other machines and tools print its paths', async () => {
    const output = runNode(project.root, 'src/crash.js');
    const variants: Record<string, string> = {
      container: output.split(project.root).join('/app'),
      'CI runner': output.split(project.root).join('/home/runner/work/app/app'),
      windows: output.split(`${project.root}/src/`).join('C:\\Users\\dev\\app\\src\\'),
      'file URL': output.split(project.root).join('file:///builds/app'),
      webpack: output.split(`${project.root}/src/`).join('webpack-internal:///(ssr)/./src/'),
      relative: output.split(`${project.root}/`).join(''),
    };
    for (const [name, text] of Object.entries(variants)) {
      const trace = parseStackTrace(text)!;
      const located = await locate(trace, { root: project.root });
      expect([name, located.candidates.map((c) => `${c.file}:${c.line}`)]).toEqual([name, ['src/config.js:3', 'src/crash.js:4', 'src/crash.js:6']]);
    }
  });

  it('reads the [cause] block of an uncaught error and locates the root cause first', async () => {
    const output = runNode(project.root, 'src/cause.js');
    const traces = parseStackTraces(output);
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace).toMatchObject({ errorType: 'Error', message: 'could not load the configuration' });
    expect(framesIn(trace, 'src/cause.js')[0]).toBe(7);
    expect(trace.causes).toHaveLength(1);
    expect(trace.causes[0]).toMatchObject({ errorType: 'TypeError', link: 'cause' });
    expect(framesIn(trace.causes[0]!, 'src/config.js')).toEqual([3]);

    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/config.js', line: 3 });
    const lines = located.candidates.map((c) => `${c.file}:${c.line}`);
    expect(lines.slice(0, 2)).toEqual(['src/config.js:3', 'src/cause.js:5']);
    expect(lines).toContain('src/cause.js:7');
  });
});

describe('Node.js, ES modules', () => {
  it('keeps async frames (`at async fn`) and resolves file:// URLs', async () => {
    const output = runNode(project.root, 'src/async.mjs');
    const trace = parseStackTrace(output)!;
    expect(trace.errorType).toBe('TypeError');
    const own = trace.frames.filter((f) => f.file?.startsWith('file://'));
    expect(own[0]).toMatchObject({ function: 'fetchUser', line: 4 });
    expect(own.find((f) => f.function === 'handler')).toMatchObject({ async: true, line: 7 });

    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/async.mjs', line: lineOf(files['src/async.mjs'], 'users[id].name'), function: 'fetchUser' });
    expect(located.candidates.map((c) => c.line)).toEqual([4, 7, 9]);
  });

  it('flattens nested causes outermost first, as console.error prints them', async () => {
    const output = runNode(project.root, 'src/nested.mjs');
    const trace = parseStackTrace(output)!;
    expect(trace).toMatchObject({ errorType: 'Error', message: 'boot failed' });
    expect(trace.causes.map((c) => [c.errorType, c.message.split('\n')[0]])).toEqual([
      ['TypeError', 'unreadable settings'],
      ['SyntaxError', expect.stringMatching(/JSON/)],
    ]);
    // JSON.parse's own frame is V8's: the root cause's first frame in the project is parse().
    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/nested.mjs', line: 2, function: 'parse' });
  });

  it('reads errors printed without a stack (`[Error: …] { [cause]: … }`) and causes that are not errors', () => {
    const output = runNode(project.root, 'src/no-stack.mjs');
    const traces = parseStackTraces(output);
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatchObject({ errorType: 'Error', message: 'listen failed', frames: [] });
    expect(traces[0]!.causes[0]).toMatchObject({ errorType: 'RangeError', message: 'port out of range' });
    expect(traces[0]!.causes[0]!.frames[0]).toMatchObject({ line: 1 });
    expect(traces[1]).toMatchObject({ errorType: 'Error', message: 'plain' });
    expect(traces[1]!.causes).toEqual([expect.objectContaining({ message: expect.stringContaining("code: 'E_PORT'"), frames: [] })]);
  });

  it('does not take the errors of an AggregateError for its causes', async () => {
    const output = runNode(project.root, 'src/aggregate.mjs');
    const traces = parseStackTraces(output);
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ errorType: 'AggregateError', message: 'validation failed', causes: [] });
    const located = await locate(traces[0]!, { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/aggregate.mjs', line: 5 });
  });
});

describe('a test runner’s output (jest)', () => {
  let jestProject: TempProject;
  let output: string;
  const total = ['function total(lines) {', '  return lines.reduce((sum, line) => sum + line.price.amount, 0);', '}', 'module.exports = { total };', ''].join('\n');
  beforeAll(async () => {
    jestProject = await tempProject({
      'package.json': '{ "name": "cart", "private": true }\n',
      'src/total.js': total,
      'test/total.test.js': [
        "const { total } = require('../src/total');",
        "test('sums prices', () => {",
        '  expect(total([{ price: { amount: 2 } }, {}])).toBe(2);',
        '});',
        "test('adds up', () => {",
        '  expect(total([{ price: { amount: 2 } }])).toBe(3);',
        '});',
        '',
      ].join('\n'),
    });
    output = runFailing(process.execPath, [REPO_JEST, '--rootDir', jestProject.root, '--ci', '--no-cache'], jestProject.root);
  }, 120_000);
  afterAll(async () => {
    await jestProject?.dispose();
  });

  it('reads one trace per failing test, past the code frames jest prints, with relative paths', async () => {
    const traces = parseStackTraces(output);
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatchObject({ errorType: 'TypeError', message: "Cannot read properties of undefined (reading 'amount')" });
    expect(traces[0]!.frames.map((f) => `${f.file}:${f.line}`)).toEqual(['src/total.js:2', '<anonymous>:undefined', 'src/total.js:2', 'test/total.test.js:3']);
    // An assertion has no `Type: message` line: the text under the test's title is the message.
    expect(traces[1]!.errorType).toBeUndefined();
    expect(traces[1]!.message).toBe('expect(received).toBe(expected) // Object.is equality\n\nExpected: 3\nReceived: 2');

    const located = await locate(traces[0]!, { root: jestProject.root });
    expect(located.fault).toMatchObject({ file: 'src/total.js', line: lineOf(total, 'line.price.amount'), column: total.split('\n')[1]!.indexOf('.amount') + 2 });
    expect(located.candidates.map((c) => `${c.file}:${c.line}`)).toEqual(['src/total.js:2', 'test/total.test.js:3']);
    expect((await locate(traces[1]!, { root: jestProject.root })).fault).toMatchObject({ file: 'test/total.test.js', line: 6 });
  });
});
