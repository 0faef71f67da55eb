import { beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError } from '../../../../shared/errors/errors.js';
import { loadTreeSitter } from '../../../../agents/review/parsing/index.js';
import { scanSecurity } from '../../../../agents/review/security/index.js';
import { linesOf, ready, scan } from './scan-helper.js';

beforeAll(ready);

describe('hostile input', () => {
  it('skips binary content with one info finding instead of parsing it', () => {
    const f = scan(`\u0000\u0001ELF\u0000${'x'.repeat(100)}`, 'bin/tool.js');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'security/skipped', severity: 'info' });
    expect(f[0]!.message).toMatch(/binary/);
  });

  it('scans text decoded from invalid UTF-8 and still finds what follows the bad bytes', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]), Buffer.from("\nconst s = '\xe9';\napp.get('/', (req) => eval(req.query.x));\n", 'latin1')]);
    const f = scan(bytes.toString('utf8'));
    expect(linesOf(f, 'code-injection')).toEqual([3]);
  });

  it('skips a 20 MB minified file over the size cap with a finding that says why', () => {
    const text = `var a=1;${'a=a+1;'.repeat(3_500_000)}`;
    expect(text.length).toBeGreaterThan(20_000_000);
    const f = scan(text, 'dist/bundle.min.js');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/21\.0 MB, over the 2\.0 MB scan limit/);
  });

  it('scans a long minified line under the cap', () => {
    const text = `${'var a=1;'.repeat(100_000)}app.get('/',function(req){eval(req.query.x)});`;
    const f = scanSecurity({ path: 'dist/app.min.js', text, lang: 'javascript' });
    expect(f.filter((x) => x.ruleId === 'security/code-injection')).toHaveLength(1);
  });

  it('survives 10,000 levels of nesting and reports the part it did not analyse', () => {
    const text = `app.get('/', (req) => eval(req.query.x));\nx = ${'['.repeat(10_000)}${']'.repeat(10_000)};\nfunction f() {${'if (a) {'.repeat(10_000)}${'}'.repeat(10_000)}}\n`;
    const f = scan(text);
    expect(linesOf(f, 'code-injection')).toEqual([1]);
    expect(f.some((x) => x.ruleId === 'security/skipped' && /nests deeper/.test(x.message))).toBe(true);
    const py = scan(`x = ${'('.repeat(5_000)}1${')'.repeat(5_000)}\neval(input())\n`, 'deep.py');
    expect(linesOf(py, 'code-injection')).toEqual([2]);
  });

  it('returns nothing for JSON and empty files', () => {
    expect(scan('{"password": "hT8#kq2!Zx91mWv"}', 'config.json')).toEqual([]);
    expect(scan('')).toEqual([]);
  });

  it('throws CancelledError when the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await loadTreeSitter();
    expect(() => scanSecurity({ path: 'a.js', text: 'eval(x)', lang: 'javascript' }, { signal: controller.signal })).toThrow(CancelledError);
  });

  it('reuses a tree the caller already lifted', async () => {
    const ts = await loadTreeSitter();
    const { liftTree } = await import('../../../../agents/review/parsing/index.js');
    const text = `app.get('/', (req) => eval(req.query.x));`;
    const tree = ts.parse('javascript', text);
    const lifted = liftTree(tree, text);
    const fromLifted = scanSecurity({ path: 'a.js', text, lang: 'javascript', tree: lifted });
    const fromTree = scanSecurity({ path: 'a.js', text, lang: 'javascript', tree });
    tree.delete();
    expect(fromLifted.map((f) => f.fingerprint)).toEqual(fromTree.map((f) => f.fingerprint));
    expect(fromLifted).toHaveLength(1);
  });
});
