import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import { decodeState, emptyState, encodeState, isIgnored, type PrState, type StoredFinding } from '../../../github-app/report/pr-state.js';

const finding = (i: number): StoredFinding => ({ fp: i.toString(16).padStart(16, '0'), rule: 'eslint/no-extra-boolean-cast', sev: 'error', file: `src/f${i}.js`, line: i + 1, endLine: i + 1, msg: `Redundant double negation number ${i} `.repeat(5), agent: 'style-validator' });

describe('PR state in the summary comment', () => {
  it('round-trips through the hidden marker', () => {
    const state: PrState = { v: 1, lastReviewedSha: 'a'.repeat(40), paused: { by: 'alice' }, ignores: [{ target: 'security/*', by: 'bob', reason: 'noisy' }], findings: [finding(1), finding(2)] };
    expect(decodeState(`text before\n${encodeState(state)}\nafter`)).toEqual(state);
  });

  it('fits 5,000 findings into a comment by dropping the tail and marking the state truncated', () => {
    const state: PrState = { ...emptyState(), findings: Array.from({ length: 5000 }, (_, i) => finding(i)) };
    const encoded = encodeState(state);
    expect(encoded.length).toBeLessThan(45_000);
    const back = decodeState(encoded)!;
    expect(back.truncated).toBe(true);
    expect(back.findings.length).toBeLessThan(5000);
    expect(back.findings[0]).toEqual(state.findings[0]);
  });

  it('gives undefined, never a throw, for missing, corrupt or hostile state', () => {
    const wrap = (payload: string) => `<!-- orchestra:state ${payload} -->`;
    const b64 = (value: unknown) => deflateRawSync(Buffer.from(JSON.stringify(value))).toString('base64');
    const cases = [
      'no marker at all',
      '<!-- orchestra:state ',
      wrap('!!!not-base64!!!'),
      wrap('AAAA'),
      wrap(Buffer.from('{"v":1}').toString('base64')), // not deflated
      wrap(b64({ v: 2, findings: [] })),
      wrap(b64({ v: 1, findings: [{ fp: 'zz', rule: 1 }] })),
      wrap(b64({ v: 1, lastReviewedSha: 'not-a-sha' })),
      wrap(b64({ v: 1, ignores: Array.from({ length: 500 }, () => ({ target: 'x', by: 'y' })) })),
      wrap(b64('just a string')),
      wrap(deflateRawSync(Buffer.alloc(20 * 1024 * 1024, 32)).toString('base64')), // a deflate bomb
    ];
    for (const body of cases) expect(decodeState(body)).toBeUndefined();
    // A "__proto__" key is dropped, and pollutes nothing.
    const proto = wrap(deflateRawSync(Buffer.from('{"v":1,"__proto__":{"polluted":true},"findings":[]}')).toString('base64'));
    expect(decodeState(proto)).toEqual({ v: 1, ignores: [], findings: [] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws on arbitrary comment bodies', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (text) => {
      decodeState(text);
      decodeState(`<!-- orchestra:state ${text} -->`);
    }), { numRuns: 300 });
  });

  it('matches ignores by fingerprint, rule, family and short ESLint name', () => {
    const state: PrState = { ...emptyState(), ignores: [{ target: '0123456789abcdef', by: 'a' }, { target: 'security/*', by: 'a' }, { target: 'no-unused-vars', by: 'a' }] };
    expect(isIgnored(state, { ruleId: 'x/y', fingerprint: '0123456789abcdef' })).toBeDefined();
    expect(isIgnored(state, { ruleId: 'security/redos', fingerprint: 'f'.repeat(16) })).toBeDefined();
    expect(isIgnored(state, { ruleId: 'eslint/no-unused-vars', fingerprint: 'f'.repeat(16) })).toBeDefined();
    expect(isIgnored(state, { ruleId: 'eslint/no-undef', fingerprint: 'f'.repeat(16) })).toBeUndefined();
    expect(isIgnored(state, { ruleId: 'securityx/redos', fingerprint: 'f'.repeat(16) })).toBeUndefined();
  });
});
