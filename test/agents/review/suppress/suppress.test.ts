import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline, readBaseline, writeBaseline } from '../../../../agents/review/suppress/baseline.js';
import { applyConfigRules } from '../../../../agents/review/suppress/config-rules.js';
import { applyInlineSuppressions, parseInlineDirectives } from '../../../../agents/review/suppress/inline-suppressions.js';
import type { Finding } from '../../../../shared/findings/finding.js';

const f = (ruleId: string, line: number, file = 'src/a.js'): Finding => ({
  ruleId,
  agent: 'test',
  severity: 'error',
  message: `${ruleId} at ${line}`,
  file,
  range: { start: { line, column: 1 }, end: { line, column: 5 } },
  fingerprint: `${ruleId}@${file}:${line}`,
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('inline suppressions', () => {
  const text = [
    'const a = 1;',
    '// orchestra-ignore-next-line security/command-injection -- input is validated by schema',
    'exec(cmd);',
    'eval(x); // orchestra-ignore-line code-injection',
    '# orchestra-ignore-next-line',
    'anything();',
    '/* orchestra-ignore-next-line security/* */',
    'exec(other);',
    'exec(third);',
  ].join('\n');

  it('parses kinds, rules and reasons in //, /* */ and # comments', () => {
    expect(parseInlineDirectives(text)).toEqual([
      { kind: 'next-line', line: 2, rules: ['security/command-injection'], reason: 'input is validated by schema' },
      { kind: 'line', line: 4, rules: ['code-injection'] },
      { kind: 'next-line', line: 5, rules: [] },
      { kind: 'next-line', line: 7, rules: ['security/*'] },
    ]);
  });

  it('suppresses only the covered rule on the covered line, keeping the reason', () => {
    const out = applyInlineSuppressions(
      [f('security/command-injection', 3), f('security/sql-injection', 3), f('security/code-injection', 4), f('style/x', 6), f('security/command-injection', 8), f('security/command-injection', 9)],
      text,
    );
    expect(out.map((x) => x.shouldReport ?? true)).toEqual([false, true, false, false, false, true]);
    expect(out[0]!.suppressed).toEqual({ by: 'inline', reason: 'input is validated by schema' });
  });

  it('file-wide directives', () => {
    const out = applyInlineSuppressions([f('complexity/cognitive', 40), f('security/x', 41)], '/* orchestra-ignore-file complexity/cognitive -- generated */\n');
    expect(out.map((x) => x.shouldReport ?? true)).toEqual([false, true]);
  });

  it('hostile text: never throws, bounded directives (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (junk) => {
        const t = `orchestra-ignore-next-line ${junk}\n${junk}orchestra-ignore-file${junk}`;
        const ds = parseInlineDirectives(t);
        expect(ds.length).toBeLessThanOrEqual(1000);
      }),
    );
    expect(parseInlineDirectives('// orchestra-ignore-line\n'.repeat(5000))).toHaveLength(1000);
  });
});

describe('config rules', () => {
  it('turns rules off (most specific wins), overrides severity, ignores paths', () => {
    const out = applyConfigRules(
      [f('security/sql-injection', 1), f('security/redos', 2), f('eslint/no-unused-vars', 3), f('security/redos', 4, 'vendor/lib.js')],
      { rules: { 'security/*': 'off', 'security/sql-injection': 'warning', 'no-unused-vars': 'info' }, ignore: ['vendor/**'] },
    );
    expect(out.map((x) => [x.severity, x.shouldReport ?? true])).toEqual([
      ['warning', true],
      ['error', false],
      ['info', true],
      ['error', false],
    ]);
    expect(out[3]!.suppressed?.reason).toMatch(/ignored/);
  });
});

describe('baseline', () => {
  it('round-trips and marks only known fingerprints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-baseline-'));
    dirs.push(dir);
    const path = join(dir, 'baseline.json');
    await writeBaseline(path, [f('a/b', 1)]);
    const baseline = await readBaseline(path);
    const out = applyBaseline([f('a/b', 1), f('a/b', 2)], baseline);
    expect(out.map((x) => x.suppressed?.by)).toEqual(['baseline', undefined]);
  });

  it('bad baseline files say what is wrong and where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-baseline-'));
    dirs.push(dir);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version":1,"findings":[{"fingerprint":42}]}');
    await expect(readBaseline(bad)).rejects.toThrow(/bad.json is invalid at "findings.0.fingerprint"/);
    writeFileSync(bad, '{not json');
    await expect(readBaseline(bad)).rejects.toThrow(/not valid JSON/);
    await expect(readBaseline(join(dir, 'missing.json'))).rejects.toThrow(/Cannot read the baseline file.*--write-baseline/);
  });
});
