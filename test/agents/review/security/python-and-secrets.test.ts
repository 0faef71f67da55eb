import { beforeAll, describe, expect, it } from '@jest/globals';
import { detectSecret, entropy } from '../../../../agents/review/security/secrets.js';
import { linesOf, ready, reported, scan } from './scan-helper.js';

beforeAll(ready);

describe('Python', () => {
  it('flags eval, shell commands, pickle, unsafe yaml and SQL built with f-strings and %', () => {
    const f = scan(`import os, pickle, subprocess, yaml
from flask import request

def view(cursor):
    code = request.args.get('code')
    eval(code)
    os.system('ping ' + request.args['host'])
    subprocess.run(f"tar xf {request.form['name']}", shell=True)
    pickle.loads(request.data)
    yaml.load(request.data)
    cursor.execute(f"SELECT * FROM users WHERE name = '{request.args['n']}'")
    cursor.execute("SELECT * FROM t WHERE id = %s" % request.args['id'])
`, 'app/views.py');
    expect(linesOf(f, 'code-injection')).toEqual([6]);
    expect(linesOf(f, 'command-injection')).toEqual([7, 8]);
    expect(linesOf(f, 'insecure-deserialization')).toEqual([9, 10]);
    expect(linesOf(f, 'sql-injection')).toEqual([11, 12]);
  });

  it('stays quiet on the fixed forms', () => {
    const f = scan(`import subprocess, yaml, shlex
from flask import request

def view(cursor):
    subprocess.run(['tar', 'xf', request.form['name']])
    subprocess.run('ping ' + shlex.quote(request.args['host']), shell=True)
    yaml.load(request.data, Loader=yaml.SafeLoader)
    cursor.execute("SELECT * FROM users WHERE name = %s", (request.args['n'],))
    host = request.args['host']
    if not host.isalnum():
        return 'bad'
    subprocess.call('ping ' + host, shell=True)
`, 'app/views.py');
    for (const cls of ['command-injection', 'insecure-deserialization', 'sql-injection', 'code-injection']) expect(reported(f, cls)).toEqual([]);
  });

  it('checks re patterns for ReDoS', () => {
    const f = scan(`import re\nEMAIL = re.compile(r'^([a-zA-Z0-9]+)*@example\\.com$')\nOK = re.compile(r'^[a-z]+$')\n`, 'lib/check.py');
    expect(linesOf(f, 'redos')).toEqual([2]);
  });
});

describe('hard-coded secrets', () => {
  it('recognises known token formats and high-entropy credentials', () => {
    expect(detectSecret('AKIAZ7QH3KJW2N5XR4TB', undefined)?.kind).toBe('AWS access key id');
    expect(detectSecret(`ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`, undefined)?.kind).toBe('GitHub token');
    expect(detectSecret('xoxb-1234567890-abcdefghij', undefined)?.kind).toBe('Slack token');
    expect(detectSecret(`-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEA3'.repeat(4)}`, undefined)?.kind).toBe('private key');
    expect(detectSecret('hT8#kq2!Zx91mWv', 'dbPassword')?.confidence).toBeCloseTo(0.6);
    expect(entropy('aaaa')).toBe(0);
  });

  it('ignores placeholders, documentation examples and non-secret names', () => {
    expect(detectSecret('AKIAIOSFODNN7EXAMPLE', undefined)).toBeUndefined();
    expect(detectSecret('changeme-please-now', 'password')).toBeUndefined();
    expect(detectSecret('<your-api-key-here>', 'apiKey')).toBeUndefined();
    expect(detectSecret('${process.env.TOKEN}', 'token')).toBeUndefined();
    expect(detectSecret('hT8#kq2!Zx91mWv', 'passwordField')).toBeUndefined();
    expect(detectSecret('https://example.com/token', 'tokenUrl')).toBeUndefined();
  });

  it('reports secrets in source as errors or warnings, and in tests only as info', () => {
    const text = `const AWS_KEY = 'AKIAZ7QH3KJW2N5XR4TB';\nconst config = { clientSecret: 'q9Z!x7Lm2#Rt5vWp8' };\n`;
    const src = scan(text, 'src/config.js');
    expect(reported(src, 'hardcoded-secret').map((f) => [f.range.start.line, f.severity])).toEqual([[1, 'error'], [2, 'warning']]);
    expect(src[0]!.cwe).toEqual([798]);
    const test = scan(text, 'test/fixtures/config.js');
    expect(reported(test, 'hardcoded-secret')).toEqual([]);
    expect(test.filter((f) => f.ruleId === 'security/hardcoded-secret').every((f) => f.severity === 'info')).toBe(true);
  });
});
