/**
 * The analyzer on captured output of tools that are not installed on this machine. The fixtures are
 * reproductions, written after the tools' own formats: vitest 3's default reporter, mocha's spec
 * reporter, GitHub Actions job logs (runner timestamps, `##[group]` steps, colours, a jest run; a
 * lint job with ESLint, tsc --pretty, a `::error` command and a Python deploy script), a .NET crash
 * and a Go panic.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeLog, fingerprintError } from '../../../../agents/error/logs/index.js';
import type { LogAnalysis } from '../../../../agents/error/types.js';
import { dribble } from './run-tool.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function analyzeFixture(name: string): Promise<LogAnalysis> {
  const bytes = readFileSync(join(FIXTURES, name));
  const whole = await analyzeLog(bytes);
  expect(await analyzeLog(dribble(bytes, 5))).toEqual(whole);
  return whole;
}

describe('analyzeLog on captured output (reproductions)', () => {
  it('vitest: failed tests with diffs and ❯ frames, tests that failed alike, a failed suite, an unhandled rejection', async () => {
    const analysis = await analyzeFixture('vitest-run.txt');
    expect(analysis.formats[0]).toBe('vitest');
    expect(analysis.groups.map((g) => [g.first.format, g.first.kind, g.first.test, g.first.message])).toEqual([
      ['vitest', 'suite-error', undefined, 'Error: Failed to load url ./does-not-exist (resolved id: ./does-not-exist) in /home/dev/shop/src/broken.test.ts. Does the file exist?'],
      ['vitest', 'assertion', 'cart > computes the total', 'AssertionError: expected 30 to be 35 // Object.is equality'],
      ['vitest', 'type-error', 'cart > applies a discount', "TypeError: Cannot read properties of undefined (reading 'rate')"],
      ['vitest', 'type-error', 'cart > applies a discount twice', "TypeError: Cannot read properties of undefined (reading 'rate')"],
      ['unknown', 'uncaught', undefined, 'Error: connect ECONNREFUSED 127.0.0.1:6379'],
    ]);
    const total = analysis.groups[1]!.first;
    expect(total.stack).toBe(' ❯ src/cart.test.ts:14:26');
    expect(total.context).toMatch(/^- Expected\n\+ Received\n\n- 35\n\+ 30/);
    expect(analysis.groups[2]!.first.stack).toBe(' ❯ applyDiscount src/cart.ts:22:38\n ❯ src/cart.test.ts:21:12');
    expect(analysis.groups[4]!.first.stack).toBe('Error: connect ECONNREFUSED 127.0.0.1:6379\n ❯ TCPConnectWrap.afterConnect [as oncomplete] node:net:1555:16');
  });

  it('mocha: only the failures after "N failing", with their titles joined, message lines, diffs and frames', async () => {
    const analysis = await analyzeFixture('mocha-spec.txt');
    expect(analysis.formats).toEqual(['mocha']);
    expect(analysis.groups.map((g) => [g.first.test, g.first.kind, g.first.message, g.first.logLine])).toEqual([
      ['cart > computes the total', 'assertion', 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:', 20],
      ['cart > applies a discount', 'type-error', "TypeError: Cannot read properties of undefined (reading 'rate')", 35],
      ['checkout > payment > charges the card', 'test-failure', 'Error: connect ECONNREFUSED 127.0.0.1:5432', 42],
    ]);
    const first = analysis.groups[0]!.first;
    expect(first.context).toMatch(/^30 !== 35\n\s+\+ expected - actual\n\s+-30\n\s+\+35$/);
    expect(first.stack).toBe('      at Context.<anonymous> (test/cart.spec.js:14:12)\n      at process.processImmediate (node:internal/timers:478:21)');
  });

  it('GitHub Actions + jest: timestamps and the BOM removed, steps named, colours stripped, console output of passing tests ignored', async () => {
    const analysis = await analyzeFixture('github-actions-jest.log');
    expect(analysis.formats).toEqual(['github-actions', 'jest']);
    expect(analysis.groups.map((g) => [g.first.format, g.first.test ?? g.first.message, g.first.step, g.first.timestamp])).toEqual([
      ['jest', 'cart > computes the total', 'Run npm test -- --ci', '2024-05-01T12:00:15.0200000Z'],
      ['jest', 'cart > applies a discount', 'Run npm test -- --ci', '2024-05-01T12:00:15.0200000Z'],
      ['github-actions', 'Process completed with exit code 1.', 'Run npm test -- --ci', '2024-05-01T12:00:16.0700000Z'],
    ]);
    const total = analysis.groups[0]!.first;
    expect(total.message).toBe('expect(received).toBe(expected) // Object.is equality');
    expect(total.stack).toBe('      at Object.toBe (src/cart.test.js:14:26)');
    expect(total.context).toMatch(/^ {4}Expected: 35\n {4}Received: 30\n\n {6}12 \|/);
    const discount = analysis.groups[1]!.first;
    expect(discount.stack).toBe('      at rate (src/cart.js:22:38)\n      at Object.applyDiscount (src/cart.test.js:21:12)');
    expect(analysis.groups[0]!.first.logLine).toBe(70);
    for (const group of analysis.groups) expect(`${group.first.message}${group.first.stack ?? ''}${group.first.context ?? ''}`).not.toContain('\u001b');
  });

  it('GitHub Actions lint job: ESLint, tsc --pretty, a ::error command with its file, a logged Python traceback', async () => {
    const analysis = await analyzeFixture('github-actions-lint.log');
    expect(analysis.formats[0]).toBe('github-actions');
    expect(new Set(analysis.formats)).toEqual(new Set(['github-actions', 'eslint', 'tsc', 'app']));
    const summary = analysis.groups.map((g) => [g.first.format, g.first.kind, g.first.step, g.first.message, g.count]);
    expect(summary).toEqual([
      ['eslint', 'lint-error', 'Run npx eslint .', "no-unused-vars: 'coupon' is assigned a value but never used", 1],
      ['eslint', 'lint-error', 'Run npx eslint .', "no-unused-vars: 'fetchRates' is defined but never used", 1],
      ['eslint', 'lint-error', 'Run npx eslint .', "no-undef: 'rates' is not defined", 1],
      ['github-actions', 'workflow-error', 'Run npx eslint .', 'Process completed with exit code 1.', 3],
      ['tsc', 'compile-error', 'Run npx tsc --noEmit --pretty', "TS2339: Property 'rule' does not exist on type 'Coupon'.", 1],
      ['tsc', 'compile-error', 'Run npx tsc --noEmit --pretty', "TS2322: Type '{ total: string; }' is not assignable to type 'Order'.", 1],
      ['github-actions', 'workflow-error', 'Run npx tsc --noEmit --pretty', 'Process completed with exit code 2.', 1],
      ['github-actions', 'workflow-error', 'Run node scripts/check-bundle-size.mjs', 'Bundle size: dist/app.js is 212.4 kB, over the 200 kB limit', 1],
      ['app', 'log-error', 'Run python3 scripts/deploy_preview.py', 'preview upload failed', 1],
    ]);
    const groups = analysis.groups;
    expect(groups[0]!.first.location).toEqual({ file: '/home/runner/work/shop/shop/src/cart.js', line: 22, column: 30 });
    expect(groups[3]!.lastSeen).toEqual({ logLine: 66, timestamp: '2024-05-02T08:00:17.0000000Z' });
    expect(groups[4]!.first.location).toEqual({ file: 'src/cart.ts', line: 22, column: 30 });
    expect(groups[5]!.first.context).toMatch(/^ {2}Types of property 'total' are incompatible\.\n {4}Type 'string' is not assignable to type 'number'\./);
    expect(groups[7]!.first.location).toEqual({ file: 'dist/app.js', line: 1, column: 1 });
    const python = groups[8]!.first;
    expect(python.stack).toMatch(/^Traceback \(most recent call last\):\n {2}File "\/home\/runner\/work\/shop\/shop\/scripts\/deploy_preview\.py", line 41, in upload/);
    expect(python.stack).toMatch(/\nrequests\.exceptions\.HTTPError: 503 Server Error: Service Unavailable for url: https:\/\/preview\.acme\.dev:8443\/api\/deploys\/[0-9a-f-]+$/);
    // The same failure on another day, another deploy id and port: the same group.
    const again = await analyzeLog(
      [
        '2024-06-01 09:00:00,001 - deploy - ERROR - preview upload failed',
        'Traceback (most recent call last):',
        '  File "/home/runner/work/shop/shop/scripts/deploy_preview.py", line 41, in upload',
        '    response.raise_for_status()',
        'requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://preview.acme.dev:9443/api/deploys/0b1c2d3e-4f5a-4c5e-8f9a-9f1c2e4a7b3d',
        '',
      ].join('\n'),
    );
    expect(again.groups[0]!.fingerprint).toBe(groups[8]!.fingerprint);
  });

  it('.NET: an unhandled exception with inner exceptions and "in file:line N" frames', async () => {
    const analysis = await analyzeFixture('dotnet-crash.txt');
    expect(analysis.groups).toHaveLength(1);
    const crash = analysis.groups[0]!.first;
    expect(crash).toMatchObject({ kind: 'uncaught', message: 'System.InvalidOperationException: Order 12345 could not be loaded', logLine: 1 });
    const stack = crash.stack!.split('\n');
    expect(stack[0]).toBe('Unhandled exception. System.InvalidOperationException: Order 12345 could not be loaded');
    expect(stack).toContain(' ---> System.Net.Sockets.SocketException (111): Connection refused');
    expect(stack).toContain('   at Shop.Orders.OrderClient.LoadAsync(Int32 id) in /home/dev/shop/src/Orders/OrderClient.cs:line 42');
    expect(stack.filter((l) => l.includes('--- End of inner exception stack trace ---'))).toHaveLength(2);
    expect(stack.at(-1)).toBe('   at Shop.Program.<Main>(String[] args)');
  });

  it('Go: a panic with its goroutines, up to "exit status"', async () => {
    const analysis = await analyzeFixture('go-panic.txt');
    expect(analysis.groups).toHaveLength(1);
    const panic = analysis.groups[0]!.first;
    expect(panic).toMatchObject({ kind: 'panic', message: 'panic: runtime error: index out of range [5] with length 3', logLine: 2, context: 'exit status 2' });
    expect(panic.stack).toBe(
      [
        'panic: runtime error: index out of range [5] with length 3',
        '',
        'goroutine 1 [running]:',
        'main.pick(...)',
        '\t/home/dev/shop/cmd/worker/main.go:12',
        'main.main()',
        '\t/home/dev/shop/cmd/worker/main.go:8 +0x1d',
        '',
        'goroutine 18 [chan receive]:',
        'main.worker(0xc000012345)',
        '\t/home/dev/shop/cmd/worker/pool.go:30 +0x45',
        'created by main.start in goroutine 1',
        '\t/home/dev/shop/cmd/worker/pool.go:21 +0x66',
      ].join('\n'),
    );
  });

  it('ESLint unix and compact formats (not in ESLint 10 core any more: reproductions of eslint-formatter-unix/-compact)', async () => {
    const analysis = await analyzeLog(
      [
        "/home/dev/shop/src/cart.js:22:30: 'coupon' is assigned a value but never used [Error/no-unused-vars]",
        '/home/dev/shop/src/cart.js:31:5: Unexpected console statement [Warning/no-console]',
        "/home/dev/shop/src/checkout.js: line 9, col 3, Error - 'rates' is not defined (no-undef)",
        '',
        '2 problems',
      ].join('\n'),
    );
    expect(analysis.groups.map((g) => [g.first.format, g.first.location, g.first.message])).toEqual([
      ['eslint', { file: '/home/dev/shop/src/cart.js', line: 22, column: 30 }, "no-unused-vars: 'coupon' is assigned a value but never used"],
      ['eslint', { file: '/home/dev/shop/src/checkout.js', line: 9, column: 3 }, "no-undef: 'rates' is not defined"],
    ]);
  });

  it('npm ≤ 8 (`npm ERR!`): one error per run of lines, named by its code and first telling line', async () => {
    const analysis = await analyzeLog(
      [
        '> shop@1.0.0 test /home/dev/shop',
        '> jest',
        'npm ERR! code ELIFECYCLE',
        'npm ERR! errno 1',
        'npm ERR! shop@1.0.0 test: `jest`',
        'npm ERR! Exit status 1',
        'npm ERR!',
        'npm ERR! Failed at the shop@1.0.0 test script.',
        'npm ERR! This is probably not a problem with npm. There is likely additional logging output above.',
        '',
      ].join('\n'),
    );
    expect(analysis.groups.map((g) => [g.first.format, g.first.message])).toEqual([['npm', 'ELIFECYCLE: shop@1.0.0 test: `jest`']]);
    expect(analysis.groups[0]!.fingerprint).toBe(fingerprintError('ELIFECYCLE: shop@1.0.0 test: `jest`'));
  });
});
