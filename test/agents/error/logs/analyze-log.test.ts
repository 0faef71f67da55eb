/**
 * The analyzer's contract: grouping (first and last sighting, counts), rate spikes by time window
 * and by line window, the group cap and its overflow count, the incremental API, options and
 * cancellation.
 */
import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { analyzeLog, fingerprintError, LogAnalyzer } from '../../../../agents/error/logs/index.js';
import { isErrorNamed } from '../../../../shared/errors/errors.js';

/** An app log line at a given minute and second of 2024-05-01. */
function at(minute: number, second: number, text: string): string {
  return `2024-05-01 12:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')},000 - api - ${text}`;
}

describe('grouping', () => {
  it('groups occurrences of one bug, with count, first and last sighting (line and timestamp)', async () => {
    const log = [
      at(0, 1, 'ERROR - connect ECONNREFUSED 10.0.0.7:5432 after 120ms'),
      at(0, 2, 'INFO - retrying'),
      at(0, 3, 'ERROR - connect ECONNREFUSED 10.0.0.9:6543 after 80ms'),
      at(0, 4, 'ERROR - order 10042 not found'),
      at(0, 5, 'ERROR - connect ECONNREFUSED 10.0.0.7:5432 after 95ms'),
      '',
    ].join('\n');
    const analysis = await analyzeLog(log);
    expect(analysis.formats).toEqual(['app']);
    expect(analysis.groups.map((g) => [g.first.message, g.count, g.firstSeen, g.lastSeen])).toEqual([
      ['connect ECONNREFUSED 10.0.0.7:5432 after 120ms', 3, { logLine: 1, timestamp: '2024-05-01T12:00:01.000' }, { logLine: 5, timestamp: '2024-05-01T12:00:05.000' }],
      ['order 10042 not found', 1, { logLine: 4, timestamp: '2024-05-01T12:00:04.000' }, { logLine: 4, timestamp: '2024-05-01T12:00:04.000' }],
    ]);
    expect(analysis.groups[0]!.fingerprint).toBe(fingerprintError('connect ECONNREFUSED 10.0.0.9:1 after 1ms'));
  });

  it('tells failing tests apart even when their messages are alike, and joins the same test failing again', async () => {
    const block = (test: string) => [`  ● ${test}`, '', '    expect(received).toBe(expected) // Object.is equality', '', '      at Object.toBe (a.test.js:1:1)', ''];
    const analysis = await analyzeLog([' FAIL  a.test.js', ...block('a › one'), ...block('a › two'), ' FAIL  a.test.js', ...block('a › one'), ''].join('\n'));
    expect(analysis.groups.map((g) => [g.first.test, g.count])).toEqual([
      ['a > one', 2],
      ['a > two', 1],
    ]);
  });

  it('reads levels of the usual shapes and leaves other lines alone', async () => {
    const analysis = await analyzeLog(
      [
        '2024-05-01 12:00:00.123 [main] ERROR com.acme.App - logback error',
        '12:00:00.123 [worker-1] FATAL c.a.Worker - logback fatal',
        'ERROR:shop.db:python default format',
        '[2024-05-01 12:00:00,123] ERROR in app: flask error',
        '2024/05/01 12:00:00 [error] 1234#0: *5 nginx error',
        'time=2024-05-01T12:00:00Z level=error msg="logfmt error" component=db',
        'error: cli error',
        '[ERROR] maven error',
        '2024-05-01 12:00:00 INFO handled ERROR queue without problems',
        'Processing ERROR codes',
        'WARN pool almost exhausted',
        '',
      ].join('\n'),
    );
    expect(analysis.groups.map((g) => [g.first.kind, g.first.message])).toEqual([
      ['log-error', 'logback error'],
      ['log-fatal', 'logback fatal'],
      ['log-error', 'python default format'],
      ['log-error', 'in app: flask error'],
      ['log-error', '1234#0: *5 nginx error'],
      ['log-error', 'logfmt error'],
      ['log-error', 'cli error'],
      ['log-error', 'maven error'],
    ]);
    const warnings = await analyzeLog('WARN pool almost exhausted\n', { minLevel: 'warn' });
    expect(warnings.groups.map((g) => [g.first.kind, g.first.message])).toEqual([['log-warning', 'pool almost exhausted']]);
  });
});

describe('timestamp prefixes', () => {
  it('reads lines behind an RFC 3339 prefix (docker logs -t), which is not a GitHub Actions log', async () => {
    const analysis = await analyzeLog(
      [
        '2024-05-01T12:00:00.123456789Z starting',
        '2024-05-01T12:00:01.000000001Z TypeError: Cannot read properties of null (reading "port")',
        '2024-05-01T12:00:01.000000002Z     at listen (/srv/app/server.js:8:20)',
        '',
      ].join('\n'),
    );
    expect(analysis.formats).toEqual(['unknown']);
    expect(analysis.groups.map((g) => [g.first.message, g.first.stack, g.first.timestamp])).toEqual([
      ['TypeError: Cannot read properties of null (reading "port")', 'TypeError: Cannot read properties of null (reading "port")\n    at listen (/srv/app/server.js:8:20)', '2024-05-01T12:00:01.000000001Z'],
    ]);
  });
});

describe('rate spikes', () => {
  it('flags a minute well above the usual rate, with the window start and the median as baseline', async () => {
    const lines: string[] = [];
    for (let minute = 0; minute < 10; minute++) {
      const count = minute === 6 ? 40 : 2;
      for (let i = 0; i < count; i++) lines.push(at(minute, i % 60, 'ERROR - upstream timed out'));
      lines.push(at(minute, 59, 'ERROR - cache warmed late'));
    }
    const analysis = await analyzeLog(`${lines.join('\n')}\n`);
    expect(analysis.spikes).toEqual([{ fingerprint: analysis.groups[0]!.fingerprint, window: '2024-05-01T12:06:00.000', count: 40, baseline: 2 }]);
  });

  it('without timestamps, counts per window of lines', async () => {
    const lines: string[] = [];
    for (let window = 0; window < 8; window++) {
      for (let i = 0; i < 100; i++) {
        const burst = window === 3 && i < 30;
        lines.push(burst || i === 0 ? 'ERROR queue full' : `INFO processed item ${i}`);
      }
    }
    const analysis = await analyzeLog(`${lines.join('\n')}\n`, { spikeWindowLines: 100 });
    expect(analysis.spikes).toEqual([{ fingerprint: analysis.groups[0]!.fingerprint, window: 'line 301', count: 30, baseline: 1 }]);
  });

  it('reports no spike for a steady rate, nor for a group seen in fewer than three windows', async () => {
    const steady = Array.from({ length: 600 }, (_, i) => at(Math.floor(i / 60), i % 60, 'ERROR - steady failure'));
    const burstOnly = Array.from({ length: 50 }, () => at(30, 0, 'ERROR - one burst'));
    const analysis = await analyzeLog(`${[...steady, ...burstOnly].join('\n')}\n`);
    expect(analysis.groups.map((g) => g.count)).toEqual([600, 50]);
    expect(analysis.spikes).toEqual([]);
  });
});

describe('bounds and API', () => {
  it('keeps at most maxGroups groups and counts the occurrences it could not group', async () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
    const log = [...words, 'alpha', 'theta'].map((w) => `ERROR failed at ${w}`).join('\n');
    const analysis = await analyzeLog(log, { maxGroups: 5 });
    expect(analysis.groups.map((g) => [g.first.message, g.count])).toEqual([
      ['failed at alpha', 2],
      ['failed at beta', 1],
      ['failed at gamma', 1],
      ['failed at delta', 1],
      ['failed at epsilon', 1],
    ]);
    expect(analysis.stats.overflow).toBe(4);
    expect((await analyzeLog('ERROR one\n')).stats.overflow).toBeUndefined();
  });

  it('LogAnalyzer: incremental pushes of text and bytes, a last line without newline, end() once', () => {
    const analyzer = new LogAnalyzer();
    analyzer.push('TypeError: boom\n    at f (a.js:1:');
    analyzer.push(new Uint8Array(Buffer.from('2)\nERROR trailing')));
    const result = analyzer.end();
    expect(result.stats).toEqual({ bytes: 50, lines: 3, truncatedLines: 0, binaryLines: 0 });
    expect(result.groups.map((g) => [g.first.message, g.first.stack ?? null])).toEqual([
      ['TypeError: boom', 'TypeError: boom\n    at f (a.js:1:2)'],
      ['trailing', null],
    ]);
    expect(analyzer.end()).toBe(result);
    let thrown: unknown;
    try {
      analyzer.push('more');
    } catch (error) {
      thrown = error;
    }
    expect(isErrorNamed(thrown, 'BugIndicatingError')).toBe(true);
  });

  it('reads Node readables and async iterables of strings and bytes', async () => {
    const fromReadable = await analyzeLog(Readable.from([Buffer.from('ERROR a\n'), Buffer.from('ERROR b\n')]));
    const fromIterable = await analyzeLog(
      (async function* () {
        yield 'ERROR a\n';
        yield new TextEncoder().encode('ERROR b\n');
      })(),
    );
    expect(fromIterable).toEqual(fromReadable);
    expect(fromReadable.groups).toHaveLength(2);
  });

  it('rejects invalid options with a message naming the option, and stops on an aborted signal', async () => {
    expect(() => new LogAnalyzer({ maxGroups: 0 })).toThrow(/LogAnalyzerOptions\.maxGroups must be a positive number/);
    expect(() => new LogAnalyzer({ spikeWindowMs: Number.NaN })).toThrow(/spikeWindowMs/);
    const controller = new AbortController();
    const source = (async function* () {
      yield 'ERROR a\n';
      controller.abort();
      yield 'ERROR b\n';
    })();
    const error = await analyzeLog(source, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isErrorNamed(error, 'CancelledError')).toBe(true);
  });
});
