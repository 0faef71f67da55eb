/**
 * The analyzer on real output: each tool is run here, on a small failing project in a temp folder
 * (node:test, jest, tsc, ESLint, npm, pytest, Python logging, Java, pino), and the analysis of
 * what it printed is checked. Every output is also read as a stream of 7-byte chunks, which must
 * give the same analysis.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import pino from 'pino';
import { Writable } from 'node:stream';
import { analyzeLog } from '../../../../agents/error/logs/index.js';
import type { ErrorGroup, LogAnalysis } from '../../../../agents/error/types.js';
import { available, dribble, REPO_BIN, runTool, tempFolder } from './run-tool.js';

// Real compilers and test runners on a shared CI machine: generous, but bounded.
jest.setTimeout(180_000);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((dispose) => dispose()));
});

async function folder(files: Record<string, string>): Promise<string> {
  const made = await tempFolder(files);
  cleanups.push(made.dispose);
  return made.root;
}

/** Analyzes the output whole and as a dribbled stream; both must agree. */
async function analyze(output: Buffer): Promise<LogAnalysis> {
  const whole = await analyzeLog(output);
  const streamed = await analyzeLog(dribble(output));
  expect(streamed).toEqual(whole);
  return whole;
}

function byTest(analysis: LogAnalysis, test: string): ErrorGroup {
  const group = analysis.groups.find((g) => g.first.test === test);
  if (!group) throw new Error(`no group for test "${test}" in ${JSON.stringify(analysis.groups.map((g) => g.first.test ?? g.first.message))}`);
  return group;
}

const pytestAvailable = available('python3', ['-m', 'pytest', '--version']);
const pythonAvailable = available('python3', ['--version']);
const javaAvailable = available('java', ['-version']);

const NODE_TESTS = {
  'package.json': JSON.stringify({ type: 'module' }),
  'test/sum.test.js': [
    "import { test, describe } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "test('adds', () => { assert.equal(1 + 2, 3); });",
    "describe('sum', () => {",
    "  test('breaks', () => {",
    '    assert.equal(1 + 2, 4);',
    '  });',
    "  test('throws type error', () => {",
    '    const o = undefined;',
    '    return o.x;',
    '  });',
    '});',
    "test('rejects with cause', async () => {",
    "  throw new Error('outer failure', { cause: new Error('inner cause on port 54321') });",
    '});',
    '',
  ].join('\n'),
};

describe('analyzeLog on real tool output', () => {
  it('node:test spec reporter: failing tests with suite names, stacks with [cause], the summary not counted twice', async () => {
    const root = await folder(NODE_TESTS);
    const { output, status } = runTool('node --test --test-reporter=spec', root, { FORCE_COLOR: '1' });
    expect(status).not.toBe(0);
    const analysis = await analyze(output);
    expect(analysis.formats[0]).toBe('node-test');
    expect(analysis.groups).toHaveLength(3);
    const breaks = byTest(analysis, 'sum > breaks');
    expect(breaks.count).toBe(1);
    expect(breaks.first).toMatchObject({ format: 'node-test', kind: 'assertion', message: 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:' });
    expect(breaks.first.stack).toMatch(/^\s+at TestContext\.<anonymous> \(file:\/\/.*\/test\/sum\.test\.js:6:12\)$/m);
    expect(breaks.first.context).toContain('3 !== 4');
    // The closing "failing tests" list gives each test's location: kept, not counted.
    expect(breaks.first.location).toEqual({ file: 'test/sum.test.js', line: 5, column: 3 });
    expect(byTest(analysis, 'sum > throws type error').first.kind).toBe('type-error');
    const cause = byTest(analysis, 'rejects with cause').first;
    expect(cause.message).toBe('Error: outer failure');
    expect(cause.stack).toMatch(/\[cause\]: Error: inner cause on port 54321\n\s+at TestContext/);
    expect(analysis.stats.truncatedLines).toBe(0);
  });

  it('node:test TAP reporter: YAML diagnostics, stacks given back their "at", parent rollups skipped', async () => {
    const root = await folder(NODE_TESTS);
    const { output } = runTool('node --test --test-reporter=tap', root);
    const analysis = await analyze(output);
    expect(analysis.groups.map((g) => g.first.test)).toEqual(['sum > breaks', 'sum > throws type error', 'rejects with cause']);
    const breaks = byTest(analysis, 'sum > breaks').first;
    expect(breaks.message).toBe('AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:');
    expect(breaks.location?.file).toMatch(/\/test\/sum\.test\.js$/);
    expect(breaks.location).toMatchObject({ line: 5, column: 3 });
    expect(breaks.stack?.split('\n')[0]).toMatch(/^ {4}at TestContext\.<anonymous> \(file:\/\/.*sum\.test\.js:6:12\)$/);
    expect(breaks.context).toContain('expected: 4');
    expect(byTest(analysis, 'sum > throws type error').first.message).toBe("TypeError: Cannot read properties of undefined (reading 'x')");
  });

  it('the same failure gets the same fingerprint from the spec and the TAP reporter', async () => {
    const root = await folder(NODE_TESTS);
    const spec = await analyzeLog(runTool('node --test --test-reporter=spec', root).output);
    const tap = await analyzeLog(runTool('node --test --test-reporter=tap', root).output);
    for (const test of ['sum > breaks', 'sum > throws type error']) {
      expect(byTest(spec, test).fingerprint).toBe(byTest(tap, test).fingerprint);
    }
  });

  it('node:test, test files that do not load: the crash with its stack (TAP diagnostics read too) and the failed file, alike in spec and TAP', async () => {
    const root = await folder({
      'package.json': JSON.stringify({ type: 'module' }),
      'test/broken.test.js': "import { test } from 'node:test';\nconst x = ;\n",
      'test/missing.test.js': "import { test } from 'node:test';\nimport './nope.js';\ntest('a', () => {});\n",
    });
    const spec = await analyze(runTool('node --test --test-reporter=spec', root).output);
    const tap = await analyze(runTool('node --test --test-reporter=tap', root).output);
    for (const analysis of [spec, tap]) {
      expect(analysis.groups.map((g) => [g.first.kind, g.first.message.replaceAll(root, '<root>'), g.first.test?.replaceAll(root, '<root>')])).toEqual([
        ['syntax-error', "SyntaxError: Unexpected token ';'", undefined],
        ['test-failure', 'test failed', '<root>/test/broken.test.js'],
        ['uncaught', "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '<root>/test/nope.js' imported from <root>/test/missing.test.js", undefined],
        ['test-failure', 'test failed', '<root>/test/missing.test.js'],
      ]);
      expect(analysis.groups[0]!.first.stack).toMatch(/^SyntaxError: Unexpected token ';'\n {4}at /);
    }
    expect(tap.groups.map((g) => g.fingerprint)).toEqual(spec.groups.map((g) => g.fingerprint));
  });

  it('jest (coloured): ● blocks with diffs in context, stacks with Cause:, console blocks skipped, suite errors', async () => {
    const root = await folder({
      'package.json': JSON.stringify({ name: 'jp', private: true }),
      'test/math.test.js': [
        'const sum = (a, b) => a + b;',
        "describe('math', () => {",
        "  it('adds', () => { expect(sum(1, 2)).toBe(3); });",
        "  it('breaks equality', () => {",
        '    expect(sum(1, 2)).toBe(4);',
        '  });',
        "  it('deep equal', () => {",
        '    expect({ a: 1, b: [1, 2] }).toEqual({ a: 1, b: [1, 3] });',
        '  });',
        "  it('throws', () => {",
        '    const o = undefined;',
        '    o.x();',
        '  });',
        "  it('cause', () => {",
        "    throw new Error('outer', { cause: new Error('inner at 127.0.0.1:4567') });",
        '  });',
        '});',
        '',
      ].join('\n'),
      'test/broken.test.js': 'const x = ;\n',
      'test/log.test.js': "test('logs', () => { console.error(new Error('expected noise')); expect(1).toBe(1); });\n",
    });
    const { output } = runTool(`node ${REPO_BIN.jest} --rootDir . --ci -i`, root, { FORCE_COLOR: '1' });
    expect(output.includes('\u001b[')).toBe(true);
    const analysis = await analyze(output);
    expect(analysis.formats[0]).toBe('jest');
    expect(analysis.groups.map((g) => g.first.test ?? `(${g.first.kind})`).sort()).toEqual(
      ['(suite-error)', 'math > breaks equality', 'math > cause', 'math > deep equal', 'math > throws'].sort(),
    );
    const equality = byTest(analysis, 'math > breaks equality').first;
    expect(equality).toMatchObject({ format: 'jest', kind: 'assertion', message: 'expect(received).toBe(expected) // Object.is equality' });
    expect(equality.context).toMatch(/Expected: 4\n\s+Received: 3/);
    expect(equality.stack).toMatch(/^\s+at Object\.toBe \(test\/math\.test\.js:5:\d+\)$/);
    expect(byTest(analysis, 'math > deep equal').first.context).toMatch(/- Expected\s+- 1/);
    expect(byTest(analysis, 'math > throws').first.kind).toBe('type-error');
    expect(byTest(analysis, 'math > cause').first.stack).toMatch(/Cause:\n\s+inner at 127\.0\.0\.1:4567\n\s+at Object/);
    const suite = analysis.groups.find((g) => g.first.kind === 'suite-error')!.first;
    expect(suite.message).toMatch(/^SyntaxError: .*broken\.test\.js: Unexpected token \(1:10\)$/);
    expect(analysis.groups.some((g) => g.first.message.includes('expected noise'))).toBe(false);
  });

  it('jest with more than 20 suites: the closing "Summary of all failing tests" does not double the counts', async () => {
    const files: Record<string, string> = { 'package.json': JSON.stringify({ name: 'j21', private: true }) };
    for (let i = 1; i <= 21; i++) files[`test/f${i}.test.js`] = `test('case ${i}', () => { expect(${i}).toBe(0); });\n`;
    const root = await folder(files);
    const { output } = runTool(`node ${REPO_BIN.jest} --rootDir . --ci -i`, root);
    expect(output.toString()).toContain('Summary of all failing tests');
    const analysis = await analyze(output);
    expect(analysis.groups).toHaveLength(21);
    expect(analysis.groups.every((g) => g.count === 1)).toBe(true);
  });

  it('tsc, plain and pretty: errors with their locations, per file, message chains and code frames in context', async () => {
    const root = await folder({
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext' }, files: ['a.ts', 'b.ts'] }),
      'a.ts': "const x: number = 'a';\nconst w = ({} as B).c;\nconst y: B = { a: 'no' };\ninterface B { a: number }\nexport { x, w, y };\n",
      'b.ts': "const z: number = 'b';\nexport { z };\n",
    });
    const plain = await analyze(runTool(`node ${REPO_BIN.tsc} -p .`, root).output);
    expect(plain.formats).toEqual(['tsc']);
    // A compiler's finding is per file: the same message twice in a.ts is one group, in b.ts another.
    expect(plain.groups.map((g) => [g.first.location, g.first.message, g.count, g.lastSeen.logLine])).toEqual([
      [{ file: 'a.ts', line: 1, column: 7 }, "TS2322: Type 'string' is not assignable to type 'number'.", 2, 3],
      [{ file: 'a.ts', line: 2, column: 21 }, "TS2339: Property 'c' does not exist on type 'B'.", 1, 2],
      [{ file: 'b.ts', line: 1, column: 7 }, "TS2322: Type 'string' is not assignable to type 'number'.", 1, 4],
    ]);
    const pretty = await analyze(runTool(`node ${REPO_BIN.tsc} -p . --pretty`, root).output);
    expect(pretty.groups.map((g) => g.fingerprint)).toEqual(plain.groups.map((g) => g.fingerprint));
    expect(pretty.groups[0]!.first.context).toMatch(/^1 const x: number = 'a';\n\s+~/);
  });

  it('ESLint stylish: errors with file, line, column and rule; warnings only when asked', async () => {
    const root = await folder({
      'package.json': JSON.stringify({ type: 'module' }),
      'eslint.config.js': "export default [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error', 'no-undef': 'error', eqeqeq: 'warn' } }];\n",
      'src/a.js': 'const unused = 1;\nif (foo == 2) {}\n',
      'src/b.js': 'let q = 3;\n',
    });
    const { output } = runTool(`node ${REPO_BIN.eslint} .`, root, { FORCE_COLOR: '1' });
    const analysis = await analyze(output);
    expect(analysis.formats[0]).toBe('eslint');
    expect(analysis.groups.map((g) => [g.first.location?.file.replace(root, ''), g.first.location?.line, g.first.message])).toEqual([
      ['/src/a.js', 1, "no-unused-vars: 'unused' is assigned a value but never used"],
      ['/src/a.js', 2, "no-undef: 'foo' is not defined"],
      ['/src/b.js', 1, "no-unused-vars: 'q' is assigned a value but never used"],
    ]);
    const withWarnings = await analyzeLog(output, { minLevel: 'warn' });
    expect(withWarnings.groups.filter((g) => g.first.kind === 'lint-warning').map((g) => g.first.message)).toEqual([
      "eqeqeq: Expected '===' and instead saw '=='",
    ]);
  });

  it('npm: a crashing script (the node stack) and npm\'s own errors (`npm error` lines as one error)', async () => {
    const root = await folder({
      'package.json': JSON.stringify({ name: 'np', private: true, scripts: { boom: 'node boom.js' } }),
      'boom.js': "const e = new Error('connect ECONNREFUSED 127.0.0.1:5432');\nthrow e;\n",
    });
    const env = { npm_config_cache: `${root}/.npm-cache` };
    const crash = await analyze(runTool('npm run boom', root, env).output);
    expect(crash.groups).toHaveLength(1);
    expect(crash.groups[0]!.first).toMatchObject({ kind: 'uncaught', message: 'Error: connect ECONNREFUSED 127.0.0.1:5432' });
    expect(crash.groups[0]!.first.stack).toMatch(/^Error: connect ECONNREFUSED 127\.0\.0\.1:5432\n\s+at .*boom\.js:1:11/);
    const missing = await analyze(runTool('npm run nosuch', root, env).output);
    expect(missing.formats).toEqual(['npm']);
    expect(missing.groups).toHaveLength(1);
    expect(missing.groups[0]!.first).toMatchObject({ format: 'npm', kind: 'npm-error', message: 'Missing script: "nosuch"' });
    expect(missing.groups[0]!.first.context).toContain('To see a list of scripts, run:');
  });

  (pytestAvailable ? it : it.skip)(
    pytestAvailable ? 'pytest: failures with node ids, E lines as message, locations; the short summary not counted twice' : 'pytest: SKIPPED, `python3 -m pytest` is not installed on this machine',
    async () => {
      const root = await folder({
        'test_sample.py': [
          'def add(a, b):',
          '    return a + b',
          '',
          'def test_add():',
          '    assert add(1, 2) == 4',
          '',
          'def test_boom():',
          '    raise ValueError("bad value 42 from /tmp/xyz123/data.json")',
          '',
          'class TestThing:',
          '    def test_method(self):',
          '        helper()',
          '',
          'def helper():',
          '    return {}["missing"]',
          '',
          'def test_ok():',
          '    assert True',
          '',
        ].join('\n'),
      });
      for (const style of ['long', 'short']) {
        const analysis = await analyze(runTool(`python3 -m pytest -p no:cacheprovider --tb=${style} test_sample.py`, root).output);
        expect(analysis.formats[0]).toBe('pytest');
        expect(analysis.groups.map((g) => [g.first.test, g.first.message, g.count])).toEqual([
          ['test_sample.py::test_add', 'assert 3 == 4', 1],
          ['test_sample.py::test_boom', 'ValueError: bad value 42 from /tmp/xyz123/data.json', 1],
          ['test_sample.py::TestThing::test_method', "KeyError: 'missing'", 1],
        ]);
        expect(analysis.groups[0]!.first.kind).toBe('assertion');
        expect(analysis.groups[2]!.first.location).toEqual({ file: 'test_sample.py', line: 15 });
      }
      // With --tb=no only the short summary names the failures: they count there.
      const summaryOnly = await analyze(runTool('python3 -m pytest -p no:cacheprovider --tb=no -rf test_sample.py', root).output);
      expect(summaryOnly.groups.map((g) => g.first.test)).toEqual(['test_sample.py::test_add', 'test_sample.py::test_boom', 'test_sample.py::TestThing::test_method']);
    },
  );

  (pytestAvailable ? it : it.skip)(
    pytestAvailable ? 'pytest: a collection error' : 'pytest collection error: SKIPPED, `python3 -m pytest` is not installed on this machine',
    async () => {
      const root = await folder({ 'test_broken.py': 'import nosuchmodule\n' });
      const analysis = await analyze(runTool('python3 -m pytest -p no:cacheprovider', root).output);
      expect(analysis.groups).toHaveLength(1);
      expect(analysis.groups[0]!.first).toMatchObject({ kind: 'collection-error', message: "ModuleNotFoundError: No module named 'nosuchmodule'", location: { file: 'test_broken.py', line: 1 } });
    },
  );

  (pythonAvailable ? it : it.skip)(
    pythonAvailable ? 'Python logging: ERROR lines with their tracebacks, chained exceptions, timestamps' : 'Python logging: SKIPPED, python3 is not installed',
    async () => {
      const root = await folder({
        'app.py': [
          'import logging',
          "logging.basicConfig(format='%(asctime)s - %(name)s - %(levelname)s - %(message)s', level=logging.INFO)",
          "log = logging.getLogger('shop.orders')",
          'def load(order_id):',
          "    raise KeyError(f'order-{order_id}')",
          'for order_id in (10001, 10002):',
          '    try:',
          '        try:',
          '            load(order_id)',
          '        except KeyError as e:',
          "            raise RuntimeError(f'cannot load order {order_id}') from e",
          '    except RuntimeError:',
          "        log.exception('order %s failed', order_id)",
          "log.info('done')",
          "logging.getLogger().handlers[0].setFormatter(logging.Formatter('%(levelname)s:%(name)s:%(message)s'))",
          "log.error('disk full on /tmp/tmpab12cd34')",
          '',
        ].join('\n'),
      });
      const analysis = await analyze(runTool('python3 app.py', root).output);
      expect(analysis.groups.map((g) => [g.first.kind, g.first.message, g.count])).toEqual([
        ['log-error', 'order 10001 failed', 2],
        ['log-error', 'disk full on /tmp/tmpab12cd34', 1],
      ]);
      const first = analysis.groups[0]!;
      expect(first.first.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
      expect(first.first.stack).toMatch(/^Traceback \(most recent call last\):\n\s+File ".*app\.py", line 9, in <module>/);
      expect(first.first.stack).toMatch(/KeyError: 'order-10001'\n\nThe above exception was the direct cause of the following exception:\n\nTraceback/);
      expect(first.first.stack).toMatch(/RuntimeError: cannot load order 10001$/);
      expect(first.lastSeen.logLine).toBeGreaterThan(first.firstSeen.logLine);
    },
  );

  (javaAvailable ? it : it.skip)(
    javaAvailable ? 'Java: a logback-pattern ERROR line with its exception, and an uncaught exception with Caused by' : 'Java: SKIPPED, java is not installed',
    async () => {
      const root = await folder({
        // Logback itself is not on this machine: the line is printed in logback's default pattern
        // (%d [%thread] %-5level %logger{36} - %msg), the stack traces are the JVM's own.
        'Main.java': [
          'public class Main {',
          '  static void load(int id) throws java.io.IOException { throw new java.io.IOException("Connection refused: localhost/127.0.0.1:5432"); }',
          '  public static void main(String[] args) throws Exception {',
          '    try { load(42); } catch (java.io.IOException e) {',
          '      System.err.println("2024-05-01 12:00:00.123 [main] ERROR com.acme.orders.OrderRepository - Failed to load order 12345");',
          '      e.printStackTrace();',
          '      throw new IllegalStateException("Order 12345 could not be loaded", e);',
          '    }',
          '  }',
          '}',
          '',
        ].join('\n'),
      });
      const analysis = await analyze(runTool('java Main.java', root).output);
      expect(analysis.groups.map((g) => [g.first.format, g.first.kind, g.first.message])).toEqual([
        ['app', 'log-error', 'Failed to load order 12345'],
        ['unknown', 'uncaught', 'java.lang.IllegalStateException: Order 12345 could not be loaded'],
      ]);
      const logged = analysis.groups[0]!.first;
      expect(logged.timestamp).toBe('2024-05-01T12:00:00.123');
      expect(logged.stack).toMatch(/^java\.io\.IOException: Connection refused: localhost\/127\.0\.0\.1:5432\n\tat Main\.load\(Main\.java:2\)/);
      const uncaught = analysis.groups[1]!.first.stack!;
      expect(uncaught).toMatch(/^Exception in thread "main" java\.lang\.IllegalStateException/);
      expect(uncaught).toMatch(/\nCaused by: java\.io\.IOException: Connection refused/);
    },
  );

  it('pino JSON lines: numeric levels, the logged error stack, epoch times as ISO timestamps', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ base: { pid: 4242, hostname: 'ci' } }, sink);
    logger.info('listening on 3000');
    for (const port of [5432, 6543]) logger.error({ err: new Error(`connect ECONNREFUSED 127.0.0.1:${port}`) }, 'database unreachable');
    logger.warn('slow query');
    logger.fatal('giving up');
    await new Promise((resolve) => setImmediate(resolve));
    const analysis = await analyze(Buffer.from(chunks.join('')));
    expect(analysis.formats).toEqual(['app']);
    expect(analysis.groups.map((g) => [g.first.kind, g.first.message, g.count])).toEqual([
      ['log-error', 'database unreachable', 2],
      ['log-fatal', 'giving up', 1],
    ]);
    const db = analysis.groups[0]!.first;
    expect(db.stack).toMatch(/^Error: connect ECONNREFUSED 127\.0\.0\.1:5432\n\s+at /);
    expect(db.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
