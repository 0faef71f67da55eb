import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLEAN_PACKAGES, CORPUS, type CorpusCase } from '../../../../bench/quality/corpus.js';
import { aggregate, densityOf, scoreSpot } from '../../../../bench/quality/evaluate-corpus.js';
import { ready } from './scan-helper.js';

let dir: string;
beforeAll(async () => {
  await ready();
  dir = mkdtempSync(join(tmpdir(), 'quality-corpus-'));
  writeFileSync(join(dir, 'vuln.js'), "var exec = require('child_process').exec;\nmodule.exports = function (host) {\n  exec('ping ' + host);\n};\n");
  writeFileSync(join(dir, 'fixed.js'), "var execFile = require('child_process').execFile;\nmodule.exports = function (host) {\n  execFile('ping', [host]);\n};\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample: CorpusCase = {
  pkg: 'sample',
  advisory: ['TEST'],
  cls: 'command-injection',
  vulnerable: { version: '1.0.0', file: 'vuln.js', line: 3, snippet: "exec('ping ' + host)" },
  fixed: { version: '1.0.1', file: 'fixed.js', line: 3, snippet: 'execFile(' },
};

describe('quality corpus scoring', () => {
  it('counts a sink found within the line tolerance and a clean fixed spot', () => {
    const results = [scoreSpot(sample, sample.vulnerable, 'vulnerable', dir), scoreSpot(sample, sample.fixed!, 'fixed', dir)];
    expect(results.map((r) => r.flagged)).toEqual([true, false]);
    const rows = aggregate(results);
    expect(rows.find((r) => r.cls === 'command-injection')).toMatchObject({ vulnerable: 1, found: 1, fixed: 1, fixedFlagged: 0 });
    expect(rows[rows.length - 1]!.cls).toBe('all');
  });

  it('refuses to score a label whose snippet is not on its line', () => {
    const wrong = { ...sample, vulnerable: { ...sample.vulnerable, line: 1 } };
    const result = scoreSpot(wrong, wrong.vulnerable, 'vulnerable', dir);
    expect(result.labelError).toMatch(/line 1 of vuln.js does not contain/);
    expect(aggregate([result])).toEqual([]);
  });

  it('measures findings per line on a folder', () => {
    expect(densityOf([dir])).toMatchObject({ lines: 10, findings: 1 });
  });

  it('lists at least 25 real advisories across the classes, each label with its snippet', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(25);
    const classes = new Set(CORPUS.map((c) => c.cls));
    for (const cls of ['prototype-pollution', 'command-injection', 'path-traversal', 'code-injection', 'redos', 'insecure-deserialization']) expect(classes).toContain(cls);
    const ids = CORPUS.map((c) => `${c.pkg}@${c.vulnerable.version}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CORPUS) {
      expect(c.vulnerable.snippet.length).toBeGreaterThan(5);
      if (c.fixed) expect(c.fixed.version).not.toBe(c.vulnerable.version);
      else expect(c.note).toBeDefined();
    }
    expect(CLEAN_PACKAGES.map((p) => p.pkg)).toEqual(expect.arrayContaining(['express', 'lodash']));
  });
});
