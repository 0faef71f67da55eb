/**
 * Input nobody should trust: empty and huge text, escape codes, malformed frames, and projects whose
 * source maps are broken or try to lead the tracer out of the project (path traversal, symlinks,
 * remote URLs). Parsing never throws; locating never reads outside the root and never fetches.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { codeFrame, locate, parseStackTrace, parseStackTraces } from '../../../../agents/error/stack/index.js';
import type { ParsedTrace } from '../../../../agents/error/types.js';
import { tempProject, type TempProject } from './programs.js';

const V8_TRACE = ["TypeError: Cannot read properties of undefined (reading 'id')", '    at find (/srv/app/src/users.js:3:15)', '    at main (/srv/app/src/index.js:9:3)'].join('\n');

describe('parsing hostile text', () => {
  it('returns nothing for empty, blank and non-trace text', () => {
    expect(parseStackTraces('')).toEqual([]);
    expect(parseStackTrace('')).toBeUndefined();
    expect(parseStackTraces('\n\n   \n')).toEqual([]);
    expect(parseStackTraces('at least three retries failed at startup (see docs)\nuser@example.com wrote: at 10:30\nTraceback: none')).toEqual([]);
    expect(parseStackTraces(undefined as unknown as string)).toEqual([]);
  });

  it('finds a trace at the end of 10 MB of log in well under a second per MB', () => {
    const noise = '2024-05-02T10:15:32.1180000Z [info] request served in 12 ms, cache hit ratio 0.93 at shard (eu-west-1)\n';
    const text = `${noise.repeat(Math.ceil((10 * 1024 * 1024) / noise.length))}${V8_TRACE}\n`;
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const start = performance.now();
    const traces = parseStackTraces(text);
    const ms = performance.now() - start;
    expect(traces).toHaveLength(1);
    expect(traces[0]!.frames).toHaveLength(2);
    expect(ms).toBeLessThan(10_000);
  });

  it('skips a 10 MB line (a minified bundle echoed into a log) and a trace of 100,000 frames stays linear', () => {
    const long = `    at ${'x'.repeat(10 * 1024 * 1024)} (/a.js:1:1)`;
    expect(parseStackTraces(`${long}\n${V8_TRACE}`)).toHaveLength(1);
    const deep = `RangeError: Maximum call stack size exceeded\n${'    at recurse (/srv/app/src/r.js:2:3)\n'.repeat(100_000)}`;
    const start = performance.now();
    const trace = parseStackTrace(deep)!;
    expect(trace.frames).toHaveLength(100_000);
    expect(performance.now() - start).toBeLessThan(5_000);
  });

  it('reads traces through colour codes, CRLF and GitHub Actions timestamps', () => {
    const coloured = [
      '2024-05-02T10:15:32.1180000Z \u001b[31m\u001b[1mTypeError\u001b[22m: Cannot read properties of undefined (reading \'id\')\u001b[39m\r',
      '2024-05-02T10:15:32.1180001Z \u001b[2m    at find (\u001b[22m\u001b]8;;file:///srv/app/src/users.js\u0007/srv/app/src/users.js:3:15\u001b]8;;\u0007\u001b[2m)\u001b[22m\r',
      '2024-05-02T10:15:32.1180002Z     at main (/srv/app/src/index.js:9:3)\r',
    ].join('\n');
    const trace = parseStackTrace(coloured)!;
    expect(trace).toMatchObject({ errorType: 'TypeError', message: "Cannot read properties of undefined (reading 'id')" });
    expect(trace.frames.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['/srv/app/src/users.js:3:15', '/srv/app/src/index.js:9:3']);
  });

  it('ignores malformed frames and survives truncated blocks', () => {
    const text = [
      'Error: broken',
      '    at (',
      '    at foo (',
      '    at :1:2',
      '    at foo (x.js:notaline)',
      '    at  (/srv/app/a.js:1:2)',
      'File "x.py", line',
      'goroutine 1 [running]:',
      '\tat (Foo.java:1)',
      '   at Foo.Bar(Int32) in :line',
      '@:1:1',
      'Traceback (most recent call last):',
      'Error: x\n    at a (/srv/a.js:1:1) {\n  [cause]: Error: y\n      at b (/srv/b.js:2:2) {',
      '\u0000\u0001\u0002 at \u0000 (\u0000:1:1)',
    ].join('\n');
    const traces = parseStackTraces(text);
    for (const trace of traces) for (const frame of trace.frames) if (frame.line !== undefined) expect(Number.isInteger(frame.line)).toBe(true);
    const truncated = traces.find((t) => t.message === 'x')!;
    expect(truncated.causes).toEqual([expect.objectContaining({ message: 'y', frames: [expect.objectContaining({ file: '/srv/b.js', line: 2 })] })]);
  });

  it('bounds Node cause nesting', () => {
    let text = 'Error: level 0\n    at f (/srv/a.js:1:1) {\n';
    for (let depth = 1; depth < 500; depth++) text += `${'  '.repeat(depth)}[cause]: Error: level ${depth}\n${'  '.repeat(depth)}    at f (/srv/a.js:${depth + 1}:1) {\n`;
    const trace = parseStackTrace(text)!;
    expect(trace.causes.length).toBeGreaterThan(10);
    expect(trace.causes.length).toBeLessThan(50);
  });

  it('never throws on arbitrary text (property)', () => {
    const fragments = fc.constantFrom(
      '    at ', ' (', ')', ':1:2', 'file:///', 'webpack://', 'Error: ', '[cause]: ', ' {', '}', '\n', '\t', 'Traceback (most recent call last):\n',
      '  File "', '", line ', ', in ', 'Caused by: ', '... 3 more', 'goroutine 1 [running]:\n', '\t/x.go:3 +0x1', ' ---> ', '--- End of inner exception stack trace ---',
      '@', 'http://h/x.js', '[native code]', 'panic: ', 'The above exception was the direct cause of the following exception:', '| ', '+ Exception Group Traceback (most recent call last):',
      '\u001b[31m', '\r', 'E   ', '.py:3: in f', ') in /x.cs:line 4',
    );
    const tracey = fc.array(fc.oneof(fragments, fc.string()), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), tracey), (text) => {
        const traces = parseStackTraces(text);
        expect(Array.isArray(traces)).toBe(true);
        parseStackTrace(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('locating against a hostile project', () => {
  let project: TempProject;
  let outside: TempProject;
  let server: Server;
  let requests = 0;
  let port = 0;
  const reads: string[] = [];
  const readFile = async (path: string): Promise<string | undefined> => {
    reads.push(path);
    try {
      return await (await import('node:fs/promises')).readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const generated = (lines: string[], mapComment: string): string => `${lines.join('\n')}\n${mapComment}\n`;
  const code = ['"use strict";', 'function find(users, id) {', '    return users[id].name;', '}', 'find({}, 1);'];
  const map = (sources: string[], extra: Record<string, unknown> = {}): string => JSON.stringify({ version: 3, file: 'x.js', sources, names: [], mappings: ';;AACA', ...extra });
  const frameIn = (file: string): ParsedTrace => ({ language: 'javascript', errorType: 'TypeError', message: 'x', causes: [], frames: [{ function: 'find', file: join(project.root, file), line: 3, column: 22 }] });

  beforeAll(async () => {
    outside = await tempProject({ 'secret.ts': 'const password = "hunter2";\n'.repeat(5), 'x.js.map': map(['secret.ts']) });
    project = await tempProject({
      'src/users.ts': 'export function find(users: any, id: number) {\n  return users[id].name;\n}\n',
      'dist/invalid-json.js': generated(code, '//# sourceMappingURL=invalid-json.js.map'),
      'dist/invalid-json.js.map': '{"version":3,"sources":["../src/users.ts"],"mappings":"AAAA', // truncated
      'dist/not-a-map.js': generated(code, '//# sourceMappingURL=not-a-map.js.map'),
      'dist/not-a-map.js.map': JSON.stringify({ hello: 'world' }),
      'dist/bad-mappings.js': generated(code, '//# sourceMappingURL=bad-mappings.js.map'),
      'dist/bad-mappings.js.map': map(['../src/users.ts'], { mappings: '!!!!;;;~~~' }),
      'dist/traversal.js': generated(code, '//# sourceMappingURL=traversal.js.map'),
      'dist/traversal.js.map': map(['../../../../../../../../etc/passwd']),
      'dist/outside-map.js': generated(code, '//# sourceMappingURL=../../../../../../../../tmp/x.js.map'),
      'dist/good.js': generated(code, '//# sourceMappingURL=good.js.map'),
      'dist/good.js.map': map(['../src/users.ts']),
    });
    server = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(map(['../src/users.ts']));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
    await writeFile(join(project.root, 'dist/remote.js'), generated(code, `//# sourceMappingURL=http://127.0.0.1:${port}/remote.js.map`));
    await writeFile(join(project.root, 'dist/outside-abs.js'), generated(code, `//# sourceMappingURL=${join(outside.root, 'x.js.map')}`));
    await writeFile(join(project.root, 'dist/outside-file-url.js'), generated(code, `//# sourceMappingURL=file://${join(outside.root, 'x.js.map')}`));
    await symlink(outside.root, join(project.root, 'linked'));
    await writeFile(join(project.root, 'dist/via-symlink.js'), generated(code, '//# sourceMappingURL=../linked/x.js.map'));
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await project.dispose();
    await outside.dispose();
  });

  function insideRoot(path: string): boolean {
    const rel = relative(project.root, resolve(path));
    return rel !== '' && !rel.startsWith('..');
  }

  it('maps through a good map (the control case)', async () => {
    const located = await locate(frameIn('dist/good.js'), { root: project.root });
    expect(located.fault).toMatchObject({ file: 'src/users.ts', line: 2, via: 'source-map' });
  });

  it.each(['invalid-json', 'not-a-map', 'bad-mappings'])('treats a %s source map as no map and keeps the generated frame', async (name) => {
    const located = await locate(frameIn(`dist/${name}.js`), { root: project.root });
    expect(located.fault).toMatchObject({ file: `dist/${name}.js`, line: 3, via: 'stack' });
  });

  it('never follows sources or map URLs out of the root, with the default reader or a given one', async () => {
    for (const name of ['outside-map', 'outside-abs', 'outside-file-url', 'via-symlink']) {
      const byDefault = await locate(frameIn(`dist/${name}.js`), { root: project.root });
      expect(byDefault.fault?.file).toBe(`dist/${name}.js`);
      expect(JSON.stringify(byDefault)).not.toMatch(/hunter2|root:x:0/);
      reads.length = 0;
      const given = await locate(frameIn(`dist/${name}.js`), { root: project.root, readFile });
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.filter((path) => !insideRoot(path))).toEqual([]);
      expect(given.fault?.file).toBe(`dist/${name}.js`);
    }
    // A map whose source leads out of the root: the original position is reported, never read, and
    // the frame is not the project's own code.
    reads.length = 0;
    const traversal = await locate(frameIn('dist/traversal.js'), { root: project.root, readFile });
    expect(reads.filter((path) => !insideRoot(path))).toEqual([]);
    expect(traversal.trace.frames[0]).toMatchObject({ own: false, original: { file: '/etc/passwd', line: 2 } });
    expect(traversal.fault).toBeUndefined();
  });

  it('never fetches an http(s) sourceMappingURL', async () => {
    const located = await locate(frameIn('dist/remote.js'), { root: project.root });
    expect(located.fault).toMatchObject({ file: 'dist/remote.js', via: 'stack' });
    expect(requests).toBe(0);
  });

  it('does not read frames that name files outside the root', async () => {
    reads.length = 0;
    const trace: ParsedTrace = {
      language: 'javascript',
      message: 'x',
      causes: [],
      frames: [
        { file: '/etc/passwd', line: 1 },
        { file: `file://${join(outside.root, 'secret.ts')}`, line: 1 },
        { file: join(project.root, '../../../../etc/shadow'), line: 1 },
        { file: join(project.root, 'linked/secret.ts'), line: 1 },
        { file: 'webpack:///../../../../etc/hosts', line: 1 },
        { file: '\u0000/etc/passwd', line: 1 },
      ],
    };
    const located = await locate(trace, { root: project.root, readFile });
    expect(reads.filter((path) => !insideRoot(path))).toEqual([]);
    const byDefault = await locate(trace, { root: project.root });
    expect(byDefault.candidates).toEqual([]);
    expect(located.candidates.map((c) => c.file)).not.toContain('linked/secret.ts');
  });

  it('treats files over maxFileBytes as absent', async () => {
    const located = await locate(frameIn('dist/good.js'), { root: project.root, maxFileBytes: 100 });
    expect(located.fault).toBeUndefined();
  });

  it('never throws and never reads outside the root for arbitrary frame files (property)', async () => {
    const pieces = fc.constantFrom('..', '.', 'dist', 'src', 'good.js', 'users.ts', 'etc', 'passwd', 'linked', 'secret.ts', '%2e%2e', '', '\\', 'C:', '~');
    const file = fc.oneof(
      fc.array(pieces, { maxLength: 10 }).map((parts) => parts.join('/')),
      fc.tuple(fc.constantFrom('', '/', 'file://', 'webpack://x/', 'webpack-internal:///(rsc)/', 'http://h/', join(project.root, '/'), 'C:\\'), fc.array(pieces, { maxLength: 8 })).map(([prefix, parts]) => prefix + parts.join('/')),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ file, line: fc.integer({ min: -2, max: 5 }), column: fc.option(fc.integer({ min: -1, max: 40 }), { nil: undefined }) }), { maxLength: 5 }), async (frames) => {
        reads.length = 0;
        const located = await locate({ language: 'javascript', message: '', causes: [], frames }, { root: project.root, readFile });
        expect(reads.filter((path) => !insideRoot(path))).toEqual([]);
        for (const candidate of located.candidates) expect(candidate.file.startsWith('..')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('codeFrame', () => {
  const source = ['const a = 1;', 'function f(o) {', '  return o.x.y;', '}', 'f({});', ''].join('\n');

  it('prints the lines around the location with a marker and a caret, without colour', () => {
    const previous = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = '3';
    try {
      expect(codeFrame(source, 3, 13)).toBe(['  1 | const a = 1;', '  2 | function f(o) {', '> 3 |   return o.x.y;', '    |             ^', '  4 | }', '  5 | f({});', '  6 |'].join('\n'));
    } finally {
      if (previous === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = previous;
    }
    expect(codeFrame(source, 1)).toBe(['> 1 | const a = 1;', '  2 | function f(o) {', '  3 |   return o.x.y;', '  4 | }'].join('\n'));
  });

  it('returns nothing for a line that is not there, and clamps a column past the end', () => {
    expect(codeFrame(source, 0)).toBe('');
    expect(codeFrame(source, 99)).toBe('');
    expect(codeFrame(source, 1.5)).toBe('');
    expect(codeFrame(source, 1, 500)).toContain('> 1 | const a = 1;\n    |             ^');
  });

  it('crops a minified line around the column', () => {
    const line = `${'a=1;'.repeat(50_000)}throw new Error("x");${'b=2;'.repeat(50_000)}`;
    const column = 200_001;
    const frame = codeFrame(`${line}\n`, 1, column);
    expect(frame.length).toBeLessThan(500);
    expect(frame).toContain('throw new Error("x");');
    const [text, caret] = frame.split('\n');
    expect(text!.charAt(caret!.indexOf('^'))).toBe('t');
  });

  it('numbers lines deep in a file correctly', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `line ${i + 1}`).join('\n');
    expect(codeFrame(big, 12_345, 1)).toContain('> 12345 | line 12345');
  });
});
