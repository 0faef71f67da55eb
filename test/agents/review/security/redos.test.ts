import { beforeAll, describe, expect, it } from '@jest/globals';
import { analyzeRedos } from '../../../../agents/review/security/regex/redos.js';
import { linesOf, ready, reported, scan } from './scan-helper.js';

beforeAll(ready);

const js = { ignoreCase: false, dotAll: false, multiline: false, unicode: false };

describe('ReDoS analysis', () => {
  it('finds exponential patterns: nested quantifiers and overlapping alternatives', () => {
    for (const p of ['^(a+)+$', '(\\w+\\s?)+$', '^(\\d+\\.?)+$', '(?:\\*\\*|[\\s\\S])+?\\*', '^(?:\\r\\n|\\n|\\r)+']) {
      expect(analyzeRedos(p, js)?.kind).toBe('exponential');
    }
  });

  it('finds polynomial patterns that can fail after the ambiguous part', () => {
    expect(analyzeRedos('\\s+$', js)).toMatchObject({ kind: 'polynomial', anchored: false });
    expect(analyzeRedos('[\\{\\[].*[\\/]*.*[\\}\\]]$', js)?.kind).toBe('polynomial');
    expect(analyzeRedos('^hwb\\(\\s*([+-]?\\d*[\\.]?\\d+)(?:deg)?\\s*,', js)).toMatchObject({ kind: 'polynomial', anchored: true });
  });

  it('passes linear patterns', () => {
    for (const p of ['^[a-z]+$', '^(\\d+)\\.(\\d+)\\.(\\d+)$', '(?:\\s*,\\s*\\w+)*', '^[^"\\\\]*(?:\\\\.[^"\\\\]*)*$', '(edge)\\/([\\w\\.]+)', '[0-9]{0,256}[a-z]{1,256}', 'a\\s*$']) {
      expect(analyzeRedos(p, js)).toBeUndefined();
    }
    expect(analyzeRedos('\\s+$', { ...js, multiline: true })).toBeUndefined();
  });

  it('skips patterns it cannot parse instead of throwing', () => {
    expect(analyzeRedos('(unclosed', js)).toBeUndefined();
    expect(analyzeRedos('[abc', js)).toBeUndefined();
  });
});

describe('ReDoS findings', () => {
  it('checks regex literals and constant new RegExp strings, and flags RegExp from request data', () => {
    const f = scan(`const a = /^(a+)+$/;
const b = new RegExp('(\\\\w+\\\\s?)+$', 'i');
const ok = /^[a-z0-9_-]+$/i;
app.get('/s', (req, res) => {
  const r = new RegExp(req.query.q);
  const safe = new RegExp(escapeRegExp(req.query.q));
});`);
    expect(linesOf(f, 'redos')).toEqual([1, 2, 5]);
    expect(reported(f, 'redos')[0]!.cwe).toEqual([1333]);
    expect(reported(f, 'redos')[0]!.tags).toContain('exponential');
  });
});
