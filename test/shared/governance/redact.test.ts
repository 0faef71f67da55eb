import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isSafePattern } from 'redos-detector';
import { redact, redactString, secretKindForKey } from '../../../shared/governance/redact.js';
import { SECRET_RULES } from '../../../shared/governance/secret-patterns.js';
import { alnum, filler, secrets } from './secret-arbitraries.js';

describe('redactString', () => {
  it.each([
    ['token=ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok', 'token=[REDACTED:github-token] ok'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [REDACTED:authorization]'],
    ['"Authorization":"token abcdef123456"', '"Authorization":"token [REDACTED:authorization]"'],
    ['curl -H "bearer abcdefgh12345678"', 'curl -H "bearer [REDACTED:bearer-token]"'],
    ['{"password":"hunter2","user":"bob@example.com"}', '{"password":"[REDACTED:password]","user":"[REDACTED:email]"}'],
    ['\\"password\\":\\"x y\\",\\"a\\":1', '\\"password\\":\\"[REDACTED:password]\\",\\"a\\":1'],
    ['git clone https://alice:s3cr3t@example.com/x', 'git clone https://alice:[REDACTED:url-password]@example.com/x'],
    ['card 4111 1111 1111 1111 or 4111 1111 1111 1112', 'card [REDACTED:card-number] or 4111 1111 1111 1112'],
    ['call +44 20 7946 0958 or (555) 123-4567', 'call [REDACTED:phone] or [REDACTED:phone]'],
    ['from 8.8.8.8, 127.0.0.1 and 192.168.1.4', 'from [REDACTED:ipv4], 127.0.0.1 and 192.168.1.4'],
    ['AKIAIOSFODNN7EXAMPLE', '[REDACTED:aws-access-key]'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [REDACTED:secret]'],
    ['const maxTokens = 4096; DB_PASSWORD=abc; PWD=/home', 'const maxTokens = 4096; DB_PASSWORD=[REDACTED:password]; PWD=/home'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\nafter', '[REDACTED:private-key]\nafter'],
    ['-----BEGIN PRIVATE KEY-----\nMIIEvQ (cut off)', '[REDACTED:private-key]'],
    ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc-def_ghi', '[REDACTED:jwt]'],
    ['xoxb-1234567890-abcdefghij and sk_live_abcdefghijklmnop', '[REDACTED:slack-token] and [REDACTED:stripe-key]'],
    ['npm_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED:npm-token]'],
    ['key sk-proj-abcdefghijklmnopqrstuvwxyz, task-runner-abcdefghijklmnopqrstuvwxyz', 'key [REDACTED:llm-api-key], task-runner-abcdefghijklmnopqrstuvwxyz'],
    ['secret: false, token: null', 'secret: false, token: null'],
    ['if (token == expected)', 'if (token == expected)'],
  ])('redacts %j', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Build 1.2.3 passed in 4.5 s at 2024-01-15T10:00:00Z; see https://example.com/ci/42 (3 warnings).';
    expect(redactString(text)).toBe(text);
  });

  it('never lets an injected secret through, whatever surrounds it', () => {
    fc.assert(
      fc.property(filler, secrets, filler, (before, { text, secret }, after) => {
        const out = redactString(`${before} ${text} ${after}`);
        expect(out).not.toContain(secret);
        expect(out).toContain('[REDACTED:');
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent and total on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const once = redactString(s);
        expect(redactString(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  // Per start position, no regex may backtrack unboundedly: either every quantifier is bounded
  // (constant work per start) or redos-detector proves one way to match. Runs of name/email
  // characters are anchored by look-behinds so each run is tried from its start only.
  it('uses only regexes without catastrophic backtracking', () => {
    const patterns = SECRET_RULES.flatMap((rule) => rule.patterns.map((p) => ({ kind: rule.kind, p })));
    expect(patterns.length).toBeGreaterThan(15);
    for (const { kind, p } of patterns) {
      const skeleton = p.source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
      if (!/[*+]|\{\d+,\}/.test(skeleton)) continue; // all quantifiers bounded
      const anchored = `^(?:${p.source.replace(/\(\?<(?![=!])\w+>/g, '(?:')})`;
      const result = isSafePattern(anchored, { caseInsensitive: p.ignoreCase, maxScore: 10 });
      expect({ kind, pattern: p.source, safe: result.safe }).toEqual({ kind, pattern: p.source, safe: true });
    }
  });

  it('handles long adversarial runs (no throw, correct result)', () => {
    const runs = ['a'.repeat(50_000), 'a.'.repeat(25_000), '1 '.repeat(25_000), 'x@'.repeat(25_000), 'password'.repeat(6_000), '-----BEGIN '.repeat(5_000)];
    for (const run of runs) expect(typeof redactString(run)).toBe('string');
    expect(redactString(`${'a'.repeat(100_000)}=x ghp_${'b'.repeat(36)}`)).toContain('[REDACTED:github-token]');
  });
});

describe('secretKindForKey', () => {
  it.each([
    ['password', 'password'],
    ['DB_PASSWORD', 'password'],
    ['apiKey', 'api-key'],
    ['x-api-key', 'api-key'],
    ['client.secret', 'secret'],
    ['Authorization', 'authorization'],
    ['privateKey', 'private-key'],
    ['githubToken', 'token'],
    ['refresh_token', 'token'],
    ['maxTokens', undefined],
    ['tokenCount', undefined],
    ['name', undefined],
  ])('%s → %s', (key, kind) => {
    expect(secretKindForKey(key)).toBe(kind);
  });
});

describe('redact', () => {
  it('replaces values of secret-named keys whole and redacts strings deeply', () => {
    const input = {
      user: 'alice@example.com',
      password: 'hunter2',
      auth: { apiKey: { nested: 'x' } },
      headers: { Authorization: 'Bearer abcdefghijkl', accept: 'json' },
      list: ['ok', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
      maxTokens: 100,
      enabled: true,
      secret: null,
    };
    expect(redact(input)).toEqual({
      user: '[REDACTED:email]',
      password: '[REDACTED:password]',
      auth: '[REDACTED:authorization]',
      headers: { Authorization: '[REDACTED:authorization]', accept: 'json' },
      list: ['ok', '[REDACTED:github-token]'],
      maxTokens: 100,
      enabled: true,
      secret: null,
    });
  });

  it('turns any value into plain JSON data', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const error = Object.assign(new Error('failed for bob@example.com'), { token: 'abc' });
    const out = redact({
      cyclic,
      when: new Date(0),
      map: new Map([['k', 'password=abc']]),
      set: new Set([1, 2]),
      bytes: Buffer.from('secret'),
      error,
      big: 10n,
      fn: () => 1,
      nan: Number.NaN,
      deep: { a: { b: { c: 1 } } },
    }, { maxDepth: 3 }) as Record<string, unknown>;
    expect(out.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
    expect(out.when).toBe('1970-01-01T00:00:00.000Z');
    expect(out.map).toEqual([['k', 'password=[REDACTED:password]']]);
    expect(out.set).toEqual([1, 2]);
    expect(out.bytes).toBe('[Binary 6 bytes]');
    expect(out.error).toMatchObject({ name: 'Error', message: 'failed for [REDACTED:email]', token: '[REDACTED:token]' });
    expect(out.big).toBe('10');
    expect('fn' in out).toBe(false);
    expect(out.nan).toBeNull();
    expect(out.deep).toEqual({ a: { b: '[MaxDepth]' } });
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('keeps a "__proto__" key as data and survives throwing getters', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}}') as object;
    Object.defineProperty(hostile, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    const out = redact(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: '[REDACTED:github-token]' });
    expect(out.boom).toBe('[Unreadable]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never lets a secret through in nested data (property)', () => {
    const keyed = fc.constantFrom('password', 'apiKey', 'clientSecret', 'authToken', 'Authorization');
    fc.assert(
      fc.property(secrets, keyed, alnum(12, 30), fc.jsonValue({ maxDepth: 2 }), ({ text, secret }, key, keyedSecret, noise) => {
        const value = { noise, deep: [{ message: `see ${text} here` }], [key]: keyedSecret };
        const json = JSON.stringify(redact(value));
        expect(json).not.toContain(secret);
        expect(json).not.toContain(keyedSecret);
      }),
      { numRuns: 300 },
    );
  });
});
