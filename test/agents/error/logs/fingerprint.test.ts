/**
 * Fingerprints: the same bug seen with other volatile parts (ports, ids, UUIDs, hashes, timestamps,
 * temp folders, durations, parser positions, quoted numbers) gets one fingerprint; different
 * messages get different ones. Properties checked with fast-check.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fingerprintError, normalizeMessage } from '../../../../agents/error/logs/index.js';

const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });
const alnum = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: min, maxLength: max });

/** The volatile parts of one occurrence of a bug. */
const occurrence = fc.record({
  port: fc.integer({ min: 1, max: 65535 }),
  ip: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.')),
  uuid: fc.uuid(),
  sha: hex(40, 40).filter((s) => /\d/.test(s) && /[a-f]/.test(s)),
  id: fc.integer({ min: 1000, max: 2 ** 31 }),
  // mkdtemp-like suffixes: letters and digits.
  tmp: alnum(6, 12).filter((s) => /[A-Za-z]/.test(s) && /\d/.test(s)),
  user: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 2, maxLength: 10 }),
  time: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
  ms: fc.integer({ min: 0, max: 100_000 }),
  seconds: fc.double({ min: 0.001, max: 999, noNaN: true }).map((s) => s.toFixed(3)),
  line: fc.integer({ min: 1, max: 99_999 }),
  column: fc.integer({ min: 1, max: 999 }),
  quoted: fc.integer({ min: 0, max: 10_000 }),
  address: hex(6, 12),
});
type Occurrence = typeof occurrence extends fc.Arbitrary<infer T> ? T : never;

/** Messages of real bugs, each with its volatile parts in place. */
const TEMPLATES: ((o: Occurrence) => string)[] = [
  (o) => `connect ECONNREFUSED ${o.ip}:${o.port}`,
  (o) => `connect ECONNREFUSED [::1]:${o.port}`,
  (o) => `request ${o.uuid} to http://localhost:${o.port}/api/orders failed after ${o.ms}ms`,
  (o) => `ENOENT: no such file or directory, open '/tmp/orchestra-${o.tmp}/config.json'`,
  (o) => `EACCES: permission denied, mkdir 'C:\\Users\\${o.user}\\AppData\\Local\\Temp\\jest_${o.tmp}\\cache'`,
  (o) => `EEXIST: file already exists '/var/folders/zz/${o.tmp}/T/${o.tmp}x/lock'`,
  (o) => `Order ${o.id} could not be loaded at ${o.time.toISOString()}`,
  (o) => `commit ${o.sha} is not an ancestor of HEAD`,
  (o) => `Exceeded timeout of ${o.ms} ms for a test (${o.seconds} s elapsed)`,
  (o) => `SyntaxError: /tmp/${o.tmp}/src/app.js: Unexpected token (${o.line}:${o.column})`,
  (o) => `Unexpected token } in JSON at position ${o.line}`,
  (o) => `YAMLException: bad indentation of a mapping entry at line ${o.line}, column ${o.column}`,
  (o) => `Expected status '${o.quoted}' to equal '200'`,
  (o) => `segfault at address 0x${o.address} in worker pid=${o.id}`,
  (o) => `job build_${o.tmp}${o.id} crashed in /home/runner/work/_temp/${o.tmp}/run.sh`,
];

describe('fingerprintError', () => {
  it('is a stable 16-hex-digit hash of the normalised message', () => {
    const fp = fingerprintError('TypeError: x is not a function');
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintError('TypeError: x is not a function')).toBe(fp);
    expect(fingerprintError('  TypeError:   x is not a function \u001b[0m')).toBe(fp);
  });

  it('gives the same fingerprint to the same bug with other ports, ids, UUIDs, hashes, times, temp paths, durations, positions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TEMPLATES.length - 1 }), occurrence, occurrence, (t, a, b) => {
        const template = TEMPLATES[t]!;
        expect(normalizeMessage(template(a))).toBe(normalizeMessage(template(b)));
        expect(fingerprintError(template(a))).toBe(fingerprintError(template(b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives different fingerprints to different messages', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'), minLength: 1, maxLength: 12 });
    const message = fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(message, message, (a, b) => {
        fc.pre(a !== b);
        expect(fingerprintError(a)).not.toBe(fingerprintError(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps what tells bugs apart: error types, names, small numbers, status codes, files', () => {
    const distinct = [
      "Cannot find module 'left-pad'",
      "Cannot find module 'right-pad'",
      "Cannot find module 'some-package-v1'",
      "Cannot find module 'some-package-v2'",
      'HTTP 404 Not Found',
      'HTTP 500 Not Found',
      'index out of range [5] with length 3',
      'index out of range [6] with length 3',
      "TypeError: Cannot read properties of undefined (reading 'id')",
      "TypeError: Cannot read properties of null (reading 'id')",
      'ENOENT: no such file or directory, open /home/dev/app/a.json',
      'ENOENT: no such file or directory, open /home/dev/app/b.json',
    ];
    expect(new Set(distinct.map(fingerprintError)).size).toBe(distinct.length);
  });

  it('shows its placeholders in the normalised text', () => {
    expect(normalizeMessage("connect ECONNREFUSED 10.0.0.7:5432 after 1534ms (request 9f1c2e4a-7b3d-4c5e-8f9a-0b1c2d3e4f5a) in /tmp/jest_x1y2z3/a.js:3:14")).toBe(
      'connect ECONNREFUSED <ip>:<port> after <dur> (request <uuid>) in <tmp>/a.js:<pos>',
    );
  });
});
