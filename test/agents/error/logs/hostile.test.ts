/**
 * Hostile input: escape-sequence noise, binary junk, a 10 MB line, a 1 GB stream read in bounded
 * memory, and arbitrary bytes (fast-check) that must never make the analyzer throw or depend on how
 * the input was cut into chunks.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeLog, LogAnalyzer, stripAnsi } from '../../../../agents/error/logs/index.js';

/** A real major GC, so heap figures measure what is kept rather than garbage not yet collected. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const ESC = '\u001b';

describe('stripAnsi', () => {
  it('removes colours, cursor moves, OSC titles and hyperlinks, charset selections and 8-bit CSI; keeps text', () => {
    expect(stripAnsi(`${ESC}[1m${ESC}[31mError${ESC}[39m${ESC}[22m: boom`)).toBe('Error: boom');
    expect(stripAnsi(`${ESC}[2K${ESC}[1G${ESC}[?25l50%${ESC}[?25h`)).toBe('50%');
    expect(stripAnsi(`${ESC}]0;window title\u0007text`)).toBe('text');
    expect(stripAnsi(`${ESC}]0;npm test${ESC}\\${ESC}[1mok`)).toBe('ok');
    expect(stripAnsi(`${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\ after`)).toBe('link after');
    expect(stripAnsi(`${ESC}(Bplain`)).toBe('plain');
    expect(stripAnsi('\u009b31mred\u009b0m')).toBe('red');
    expect(stripAnsi('no escapes at all: [31m is not one')).toBe('no escapes at all: [31m is not one');
  });
});

describe('hostile input', () => {
  it('finds errors inside heavy escape noise and redrawn progress lines', async () => {
    const log = [
      `${ESC}[?25l${ESC}[2K${ESC}[1Gdownloading 10%\rdownloading 55%\rdownloading 100%`,
      `${ESC}]0;npm test${ESC}\\${ESC}[1m${ESC}[31mTypeError${ESC}[39m: Cannot read properties of undefined (reading ${ESC}[33m'id'${ESC}[39m)${ESC}[0m`,
      `${ESC}[2m    at ${ESC}[22mload (${ESC}]8;;file:///app/src/a.js${ESC}\\/app/src/a.js${ESC}]8;;${ESC}\\:3:9)`,
      `2024-05-01T12:00:00.0000000Z progress 1/3\rprogress 2/3\r${ESC}[31mERROR${ESC}[0m worker crashed`,
      '',
    ].join('\n');
    const analysis = await analyzeLog(log);
    expect(analysis.groups.map((g) => [g.first.message, g.first.stack ?? null])).toEqual([
      ["TypeError: Cannot read properties of undefined (reading 'id')", "TypeError: Cannot read properties of undefined (reading 'id')\n    at load (/app/src/a.js:3:9)"],
      ['worker crashed', null],
    ]);
    expect(analysis.groups[1]!.first.timestamp).toBe('2024-05-01T12:00:00.0000000Z');
  });

  it('skips and counts lines of binary junk (NULs, undecodable bytes) and keeps numbering lines', async () => {
    const junk = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256));
    const bytes = Buffer.concat([
      Buffer.from('starting\n'),
      junk,
      Buffer.from('\n'),
      Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xc3, 0x28, 0xa0, 0xa1, 0x0a]),
      Buffer.from('ERROR disk full\nretrying\nTypeError: x is not a function\n    at f (a.js:1:1)\n'),
    ]);
    const analysis = await analyzeLog(bytes);
    expect(analysis.stats.binaryLines).toBeGreaterThanOrEqual(2);
    expect(analysis.groups.map((g) => [g.first.message, g.first.logLine])).toEqual([
      ['disk full', analysis.stats.lines - 3],
      ['TypeError: x is not a function', analysis.stats.lines - 1],
    ]);
  });

  it('keeps a 10 MB line cut to the limit, counted as truncated, and reads on after it', async () => {
    const huge = `ERROR payload rejected: ${'x'.repeat(10 * 1024 * 1024)}`;
    const analyzer = new LogAnalyzer();
    analyzer.push('before\n');
    for (let at = 0; at < huge.length; at += 1 << 16) analyzer.push(huge.slice(at, at + (1 << 16)));
    analyzer.push('\nFATAL after the long line\n');
    const analysis = analyzer.end();
    expect(analysis.stats).toMatchObject({ lines: 3, truncatedLines: 1, binaryLines: 0 });
    expect(analysis.groups.map((g) => [g.first.kind, g.first.logLine])).toEqual([
      ['log-error', 2],
      ['log-fatal', 3],
    ]);
    expect(analysis.groups[0]!.first.message.length).toBeLessThanOrEqual(2000);
    // The same line pushed in one piece.
    const whole = await analyzeLog(`before\n${huge}\nFATAL after the long line\n`);
    expect(whole.stats).toEqual({ ...analysis.stats });
    expect(whole.groups.map((g) => g.fingerprint)).toEqual(analysis.groups.map((g) => g.fingerprint));
  });

  it('gets through lines made to make its expressions backtrack, in every context they are read in', async () => {
    const spaces = ' '.repeat(60_000);
    const lines = [
      `  1:2  error  ${spaces}x`,
      `not ok 1 - ${spaces}x`,
      `✖ ${spaces}x (1ms)`,
      `[${'Error'.repeat(12_000)}x`,
      `${'a:1:1: '.repeat(8000)} [Error`,
      `${'a(1,2): error TS1: '.repeat(3000)}`,
      `ERROR line${spaces}x ${'9'.repeat(5000)}`,
      ` FAIL  a.test.js${' [ '.repeat(20_000)}`,
      '=== FAILURES ===',
      `___ ${'_ '.repeat(30_000)}`,
      `FAILED ${' - '.repeat(20_000)}`,
      '=== end ===',
      '  ● suite › test',
      '',
      '    message',
      `    ${spaces}x`,
      '      at f (a.js:1:1)',
      `    ${spaces}x`,
      'panic: boom',
      '',
      'goroutine 1 [running]:',
      `${'('.repeat(60_000)}`,
      `${'level=error '.repeat(5000)}`,
      `2024-05-01 12:00:00 [${'error'.repeat(12_000)}`,
      '',
    ];
    const analysis = await analyzeLog(lines.join('\n'));
    expect(analysis.stats.lines).toBe(lines.length - 1);
    expect(analysis.groups.length).toBeGreaterThan(0);
  });

  it('reads a 1 GB stream in bounded memory: heap growth stays under 100 MB, groups are capped, overflow counted', async () => {
    const GB = 1024 * 1024 * 1024;
    const letters = (n: number) => {
      let s = '';
      for (let k = n + 26; k > 0; k = Math.floor(k / 26)) s += String.fromCharCode(97 + (k % 26));
      return s;
    };
    // One MiB of CI-like lines, built once: passing tests in colour, a logged Java error with its
    // stack, an uncaught TypeError, a line of binary junk; one 200 KB line per chunk.
    const block = [
      `2024-05-01T12:00:00.0000000Z ${ESC}[32m PASS ${ESC}[39m src/module.test.ts (1.2 s)`,
      ...Array.from({ length: 40 }, (_, i) => `    ${ESC}[32m✓${ESC}[39m case ${i} of the module behaves (${i} ms)`),
      '2024-05-01 12:00:00.123 [main] ERROR com.acme.Pool - pool exhausted',
      'java.lang.IllegalStateException: pool exhausted',
      ...Array.from({ length: 30 }, (_, i) => `\tat com.acme.Pool.lookup${i}(Pool.java:${i + 10})`),
      "TypeError: Cannot read properties of undefined (reading 'id')",
      '    at handler (/srv/app/src/handler.js:10:5)',
      '\u0000\u0001\u0002binary\u0000junk\u0000',
      'INFO fine',
    ].join('\n');
    let body = `WARN oversized ${'y'.repeat(200_000)}\n`;
    let blocksPerChunk = 0;
    while (body.length < 1024 * 1024) {
      body += `${block}\n`;
      blocksPerChunk++;
    }
    const template = Buffer.from(body);
    let produced = 0;
    let chunkCount = 0;
    const source = new Readable({
      read() {
        if (produced >= GB) {
          this.push(null);
          return;
        }
        // Each chunk also brings a bug of its own, so distinct groups pass the cap.
        const own = Buffer.from(`ERROR cache miss storm for region ${letters(chunkCount++)}\n`);
        const chunk = Buffer.concat([own, template]);
        produced += chunk.length;
        this.push(chunk);
      },
    });
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let chunks = 0;
    const sampled = async function* () {
      for await (const chunk of source) {
        yield chunk as Buffer;
        if (++chunks % 64 === 0) {
          collectGarbage();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      }
    };
    const analysis = await analyzeLog(sampled());
    collectGarbage();
    peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    expect(analysis.stats.bytes).toBeGreaterThanOrEqual(GB);
    expect(peak).toBeLessThan(100 * 1024 * 1024);
    expect(analysis.groups).toHaveLength(1000);
    expect(analysis.stats.overflow).toBe(chunkCount - (1000 - 2));
    expect(analysis.stats.binaryLines).toBe(chunkCount * blocksPerChunk);
    expect(analysis.stats.truncatedLines).toBe(chunkCount);
    const counts = Object.fromEntries(analysis.groups.slice(0, 4).map((g) => [g.first.message, g.count]));
    expect(counts).toEqual({
      'cache miss storm for region ab': 1,
      'pool exhausted': chunkCount * blocksPerChunk,
      "TypeError: Cannot read properties of undefined (reading 'id')": chunkCount * blocksPerChunk,
      'cache miss storm for region bb': 1,
    });
    for (const group of analysis.groups) {
      expect(group.first.stack?.length ?? 0).toBeLessThanOrEqual(32 * 1024 + 1000);
      expect(group.first.context?.length ?? 0).toBeLessThanOrEqual(4096 + 500);
    }
  }, 900_000);
});

/** Lines of every format the analyzer knows, to reach its deeper states when shuffled with noise. */
const VOCABULARY = [
  '  ● suite › test',
  ' FAIL  src/a.test.ts > a > b',
  'FAIL test/x.test.js',
  '    expect(received).toBe(expected)',
  '      at Object.<anonymous> (a.js:1:2)',
  '    Cause:',
  '  ● Console',
  '    console.error',
  'not ok 1 - name',
  '  ---',
  '  error: |-',
  '    boom',
  '  stack: |-',
  '    f (a.js:1:1)',
  '  ...',
  '# Subtest: x',
  '✖ failing tests:',
  'test at a.js:1:1',
  '✖ name (1.2ms)',
  '▶ suite',
  '  3 failing',
  '  1) suite',
  '       test:',
  '=== FAILURES ===',
  '=== short test summary info ===',
  '___ test_x ___',
  'E   assert 1 == 2',
  'a.py:3: AssertionError',
  'FAILED a.py::t - x',
  'ERROR a.py',
  'Traceback (most recent call last):',
  '  File "a.py", line 1, in <module>',
  'ValueError: v',
  'During handling of the above exception, another exception occurred:',
  'panic: oops',
  'goroutine 1 [running]:',
  '\tmain.go:1 +0x1',
  'exit status 2',
  'Unhandled exception. System.Exception: e',
  ' ---> System.Exception: inner',
  '   --- End of inner exception stack trace ---',
  'Exception in thread "main" java.lang.Error: e',
  'Caused by: java.lang.Error: c',
  '\t... 3 more',
  'Error: x {',
  '  [cause]: Error: y',
  '}',
  '[UnhandledPromiseRejection: z] {',
  'a.ts(1,2): error TS1005: x',
  'a.ts:1:2 - error TS1005: x',
  '/abs/file.js',
  '  1:2  error  msg  rule',
  'npm ERR! code X',
  'npm error y',
  '2024-05-01T12:00:00.0000000Z ##[group]Run x',
  '##[endgroup]',
  '##[error]bad',
  '::error file=a,line=x::m',
  '::error::',
  '{"level":50,"msg":"m","err":{"stack":"Error: s\\n    at f"}}',
  '{"level":"error"',
  '2024-05-01 12:00:00,1 ERROR x',
  'level=error msg="x',
  '⎯⎯⎯ Failed Tests 1 ⎯⎯⎯',
  'Summary of all failing tests',
  'Test Suites: 1 failed',
  '',
  '   ',
];

describe('never throws, whatever the input and however it is cut', () => {
  it('arbitrary bytes and text, format fragments shuffled with noise, any chunking: same analysis as read whole', async () => {
    const line = fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ unit: 'grapheme-composite', maxLength: 40 }), fc.string({ maxLength: 20 }));
    const separator = fc.constantFrom('\n', '\r\n', '\r', '\n\n');
    const text = fc.array(fc.tuple(line, separator), { maxLength: 60 }).map((parts) => parts.map(([l, s]) => l + s).join(''));
    const bytes = fc.oneof(
      text.map((t) => new Uint8Array(Buffer.from(t))),
      fc.uint8Array({ maxLength: 400 }),
      fc.tuple(text, fc.uint8Array({ maxLength: 50 }), text).map(([a, junk, b]) => new Uint8Array(Buffer.concat([Buffer.from(a), junk, Buffer.from(b)]))),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), async (input, sizes) => {
        const whole = await analyzeLog(input, { maxLineBytes: 256, maxGroups: 20 });
        const analyzer = new LogAnalyzer({ maxLineBytes: 256, maxGroups: 20 });
        for (let at = 0, k = 0; at < input.length; k++) {
          const size = sizes[k % sizes.length]!;
          analyzer.push(input.subarray(at, at + size));
          at += size;
        }
        expect(analyzer.end()).toEqual(whole);
        const asText = await analyzeLog(Buffer.from(input).toString('utf8'), { maxLineBytes: 256, maxGroups: 20 });
        expect(asText.groups.length).toBeLessThanOrEqual(20);
        expect(whole.stats.lines).toBeGreaterThanOrEqual(whole.groups.length > 0 ? 1 : 0);
      }),
      { numRuns: 400 },
    );
  });
});
