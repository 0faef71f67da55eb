/**
 * Traces of runtimes this machine does not have (Go, .NET, Firefox, Safari): faithful samples of
 * what they print, saved under fixtures/ (Go 1.22 panics and a `go test` panic with a full
 * goroutine dump, .NET 8 and .NET Framework `Exception.ToString()`, an ASP.NET Core log, Firefox
 * and Safari `error.stack`, a Logback log). A JVM is here (see java-traces.test.ts); the Logback
 * sample adds what logging frameworks append to frames. Locating them uses real projects in temp
 * folders, and for the browsers a real esbuild bundle whose positions the samples point into.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer, type RawSourceMap } from 'source-map';
import { locate, parseStackTrace, parseStackTraces } from '../../../../agents/error/stack/index.js';
import type { ParsedTrace } from '../../../../agents/error/types.js';
import { lineOf, tempProject, type TempProject } from './programs.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');

function lines(n: number, at: Record<number, string>): string {
  return Array.from({ length: n }, (_, i) => at[i + 1] ?? `// line ${i + 1}`).join('\n') + '\n';
}

const projects: TempProject[] = [];
afterAll(async () => {
  for (const p of projects.splice(0)) await p.dispose();
});
async function project(files: Record<string, string>): Promise<string> {
  const p = await tempProject(files);
  projects.push(p);
  return p.root;
}

describe('Go panics', () => {
  it('reads a panic: header, two-line frames, and locates it in a checkout of the same module', async () => {
    const trace = parseStackTrace(fixture('go-panic.txt'))!;
    expect(trace).toMatchObject({ language: 'go', errorType: 'panic', message: 'runtime error: invalid memory address or nil pointer dereference' });
    expect(trace.frames).toEqual([
      { function: 'example.com/shop/orders.(*Repository).CustomerOf', file: '/home/runner/work/shop/shop/orders/repository.go', line: 18 },
      { function: 'example.com/shop/orders.Load', file: '/home/runner/work/shop/shop/orders/load.go', line: 9 },
      { function: 'main.main', file: '/home/runner/work/shop/shop/cmd/shop/main.go', line: 12 },
    ]);
    const root = await project({
      'go.mod': 'module example.com/shop\n\ngo 1.22\n',
      'orders/repository.go': lines(20, { 1: 'package orders', 18: '\treturn r.rows[id].Customer' }),
      'orders/load.go': lines(10, { 1: 'package orders', 9: '\treturn repo.CustomerOf(id)' }),
      'cmd/shop/main.go': lines(12, { 1: 'package main', 12: '\tfmt.Println(orders.Load("o-1"))' }),
    });
    const located = await locate(trace, { root });
    expect(located.fault).toMatchObject({ file: 'orders/repository.go', line: 18, function: 'example.com/shop/orders.(*Repository).CustomerOf', via: 'stack' });
    expect(located.fault!.codeFrame).toContain('> 18 | \treturn r.rows[id].Customer');
    expect(located.candidates.map((c) => `${c.file}:${c.line}`)).toEqual(['orders/repository.go:18', 'orders/load.go:9', 'cmd/shop/main.go:12']);
  });

  it('reads a go test panic: GOROOT frames internal, inlined frames, only the panicking goroutine', async () => {
    const traces = parseStackTraces(fixture('go-test-panic.txt'));
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace.errorType).toBe('panic');
    expect(trace.message).toBe('runtime error: index out of range [3] with length 3 [recovered]\npanic: runtime error: index out of range [3] with length 3');
    expect(trace.frames.map((f) => [f.function, f.internal ?? false])).toEqual([
      ['testing.tRunner.func1.2', true],
      ['testing.tRunner.func1', true],
      ['panic', true],
      ['example.com/shop/orders.lastLine', false],
      ['example.com/shop/orders.TestLoad', false],
      ['testing.tRunner', true],
      ['testing.(*T).Run', true],
    ]);
    const root = await project({ 'orders/load.go': lines(22, { 21: '\treturn lines[len(lines)]' }), 'orders/load_test.go': lines(12, { 11: '\tlastLine(lines)' }) });
    const located = await locate(trace, { root });
    expect(located.candidates.map((c) => `${c.file}:${c.line}`)).toEqual(['orders/load.go:21', 'orders/load_test.go:11']);
  });
});

describe('.NET', () => {
  const dotnetRoot = (): Promise<string> =>
    project({
      'Shop/Shop.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
      'Shop/Orders/OrderRepository.cs': lines(20, { 18: '            return _rows[id].Customer.Name;' }),
      'Shop/Orders/OrderService.cs': lines(20, { 14: '            var customer = _repository.CustomerOf(id);', 19: '            throw new InvalidOperationException($"Could not load order {id}", e);' }),
      'Shop/Program.cs': lines(10, { 9: 'await new OrderService().LoadAsync(42);' }),
    });

  it('reads inner exceptions (.NET Core): the innermost frames come first, each its own trace', async () => {
    const trace = parseStackTrace(fixture('dotnet-core.txt'))!;
    expect(trace).toMatchObject({ language: 'dotnet', errorType: 'System.InvalidOperationException', message: 'Could not load order 42' });
    expect(trace.frames.map((f) => `${f.function}:${f.line ?? '-'}`)).toEqual(['Shop.Orders.OrderService.LoadAsync:19', 'Shop.Program.Main:9', 'Shop.Program.<Main>:-']);
    expect(trace.causes).toHaveLength(1);
    expect(trace.causes[0]).toMatchObject({ errorType: 'System.NullReferenceException', link: 'cause' });
    expect(trace.causes[0]!.frames.map((f) => `${f.file}:${f.line}`)).toEqual(['/src/Shop/Orders/OrderRepository.cs:18', '/src/Shop/Orders/OrderService.cs:14']);

    const located = await locate(trace, { root: await dotnetRoot() });
    expect(located.candidates.map((c) => `${c.file}:${c.line}`)).toEqual([
      'Shop/Orders/OrderRepository.cs:18',
      'Shop/Orders/OrderService.cs:14',
      'Shop/Orders/OrderService.cs:19',
      'Shop/Program.cs:9',
    ]);
  });

  it('reads .NET Framework output: the chain on one line, Windows paths, CRLF, async state machines', async () => {
    const trace = parseStackTrace(fixture('dotnet-framework.txt'))!;
    expect(trace).toMatchObject({ errorType: 'System.InvalidOperationException', message: 'Could not load order 42' });
    expect(trace.causes[0]).toMatchObject({ errorType: 'System.NullReferenceException', message: 'Object reference not set to an instance of an object.' });
    expect(trace.frames.map((f) => [f.function, f.async ?? false, f.internal ?? false])).toEqual([
      ['Shop.Orders.OrderService.<LoadAsync>d__3.MoveNext', true, false],
      ['System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess', false, true],
      ['System.Runtime.CompilerServices.TaskAwaiter.HandleNonSuccessAndDebuggerNotification', false, true],
      ['Shop.Program.<Main>d__0.MoveNext', true, false],
    ]);
    const located = await locate(trace, { root: await dotnetRoot() });
    expect(located.fault).toMatchObject({ file: 'Shop/Orders/OrderRepository.cs', line: 18 });
  });

  it('reads a trace inside an ASP.NET Core log, framework frames internal', async () => {
    const trace = parseStackTrace(fixture('dotnet-aspnet.txt'))!;
    expect(trace).toMatchObject({ errorType: 'System.ArgumentOutOfRangeException' });
    expect(trace.message).toMatch(/^Index was out of range/);
    expect(trace.frames).toHaveLength(7);
    expect(trace.frames.filter((f) => !f.internal).map((f) => f.function)).toEqual(['Shop.Api.Controllers.OrdersController.Get']);
    const root = await project({ 'src/Shop.Api/Controllers/OrdersController.cs': lines(30, { 27: '            return Ok(_orders[id]);' }) });
    expect((await locate(trace, { root })).fault).toMatchObject({ file: 'src/Shop.Api/Controllers/OrdersController.cs', line: 27 });
  });
});

describe('JVM logs', () => {
  it('reads frames with Logback packaging data and `... N common frames omitted`', async () => {
    const traces = parseStackTraces(fixture('java-logback.txt'));
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace).toMatchObject({ errorType: 'org.springframework.beans.factory.BeanCreationException' });
    expect(trace.causes[0]).toMatchObject({ errorType: 'java.lang.NumberFormatException', message: 'For input string: "eight"' });
    expect(trace.causes[0]!.frames.map((f) => f.function)).toEqual([
      'java.lang.NumberFormatException.forInputString',
      'java.lang.Integer.parseInt',
      'com.acme.shop.orders.OrderService.init',
      'jdk.internal.reflect.DirectMethodHandleAccessor.invoke',
      'org.springframework.context.support.AbstractApplicationContext.refresh',
      'com.acme.shop.Main.main',
    ]);
    const root = await project({
      'build.gradle.kts': 'plugins { java }\n',
      'app/src/main/java/com/acme/shop/Main.java': lines(15, { 14: '        SpringApplication.run(Main.class, args);' }),
      'app/src/main/java/com/acme/shop/orders/OrderService.java': lines(32, { 31: '        this.limit = Integer.parseInt(config.get("limit"));' }),
    });
    const located = await locate(trace, { root });
    expect(located.candidates.map((c) => `${c.file}:${c.line}`)).toEqual(['app/src/main/java/com/acme/shop/orders/OrderService.java:31', 'app/src/main/java/com/acme/shop/Main.java:14']);
  });
});

describe('Firefox and Safari', () => {
  it('reads Firefox frames: async markers, anonymous functions, eval sites', () => {
    const trace = parseStackTrace(fixture('firefox.txt'))!;
    expect(trace).toMatchObject({ language: 'javascript', errorType: 'TypeError', message: 'can\'t access property "name", user.profile is undefined' });
    expect(trace.frames).toEqual([
      { function: 'displayName', file: 'http://localhost:3000/static/js/main.4f3c2a.js', line: 1, column: 10453 },
      { function: 'render', file: 'http://localhost:3000/static/js/main.4f3c2a.js', line: 1, column: 10612 },
      { function: 'main', async: true, file: 'http://localhost:3000/static/js/main.4f3c2a.js', line: 1, column: 10790 },
      { file: 'http://localhost:3000/static/js/main.4f3c2a.js', line: 1, column: 10851 },
      { file: 'http://localhost:3000/static/js/main.4f3c2a.js', line: 1, column: 10901 },
      { function: 'run', file: 'http://localhost:3000/static/js/vendor.js', line: 20 },
    ]);
  });

  it('reads Safari frames: global code, [native code]', () => {
    const trace = parseStackTrace(fixture('safari.txt'))!;
    expect(trace).toMatchObject({ errorType: 'TypeError', message: "undefined is not an object (evaluating 'user.profile.name')" });
    expect(trace.frames.map((f) => [f.function ?? '', f.line ?? '-', f.internal ?? false])).toEqual([
      ['displayName', 1, false],
      ['render', 1, false],
      ['', 1, false],
      ['forEach', '-', true],
      ['global code', 1, false],
      ['', '-', true],
    ]);
  });

  describe('located through a real minified bundle', () => {
    let root: string;
    let position: { line: number; column: number };
    const source = ['export function displayName(user: { profile?: { name: string } }): string {', '  return user.profile!.name.toUpperCase();', '}', ''].join('\n');
    beforeAll(async () => {
      root = await project({ 'src/profile.ts': source, 'src/main.ts': "import { displayName } from './profile';\nconsole.log(displayName({}));\n" });
      await build({ entryPoints: [join(root, 'src/main.ts')], bundle: true, minify: true, sourcemap: true, format: 'iife', outfile: join(root, 'build/static/js/main.4f3c2a.js'), logLevel: 'silent' });
      const raw = JSON.parse(await readFile(join(root, 'build/static/js/main.4f3c2a.js.map'), 'utf8')) as RawSourceMap;
      // Where the property read of `.name` is in the minified bundle, as a browser would report it (1-based column).
      const consumer = await new SourceMapConsumer(raw);
      try {
        const generated = consumer.generatedPositionFor({ source: raw.sources.find((s) => s.endsWith('profile.ts'))!, line: lineOf(source, 'user.profile!.name'), column: 9 });
        position = { line: generated.line!, column: generated.column! + 1 };
      } finally {
        consumer.destroy();
      }
    });

    it.each([
      ['Firefox', (p: { line: number; column: number }) => `TypeError: can't access property "name", user.profile is undefined\ndisplayName@http://localhost:3000/static/js/main.4f3c2a.js:${p.line}:${p.column}\n@http://localhost:3000/static/js/main.4f3c2a.js:1:1`],
      ['Safari', (p: { line: number; column: number }) => `TypeError: undefined is not an object (evaluating 'user.profile.name')\ndisplayName@http://localhost:3000/static/js/main.4f3c2a.js:${p.line}:${p.column}\nglobal code@http://localhost:3000/static/js/main.4f3c2a.js:1:1`],
    ])('%s', async (_browser, text) => {
      const trace: ParsedTrace = parseStackTrace(text(position))!;
      const located = await locate(trace, { root });
      expect(located.fault).toMatchObject({ file: 'src/profile.ts', line: lineOf(source, 'user.profile!.name'), via: 'source-map' });
    });
  });
});

describe('a log holding traces of several runtimes', () => {
  it('finds each trace, in order, with log lines between them left alone', () => {
    const log = [
      '2024-05-02 10:15:30 INFO  worker started (pid 4211)',
      fixture('java-logback.txt'),
      '2024-05-02 10:15:31 WARN  retrying in 5 s',
      fixture('go-panic.txt'),
      'Traceback (most recent call last):',
      '  File "/app/jobs/sync.py", line 12, in run',
      '    client.push(batch)',
      'ConnectionError: peer closed',
      '[10:15:33] TypeError: fetch failed',
      '    at node:internal/deps/undici/undici:12345:11',
      '    at async sync (/app/web/sync.mjs:8:3)',
      fixture('dotnet-core.txt'),
      fixture('firefox.txt'),
    ].join('\n');
    const traces = parseStackTraces(log);
    expect(traces.map((t) => [t.language, t.errorType])).toEqual([
      ['java', 'org.springframework.beans.factory.BeanCreationException'],
      ['go', 'panic'],
      ['python', 'ConnectionError'],
      ['javascript', 'TypeError'],
      ['dotnet', 'System.InvalidOperationException'],
      ['javascript', 'TypeError'],
    ]);
    expect(traces[3]!.frames[1]).toMatchObject({ function: 'sync', async: true, file: '/app/web/sync.mjs' });
    expect(parseStackTrace(log)).toEqual(traces[0]);
  });
});
