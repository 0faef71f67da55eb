import { beforeAll, describe, expect, it } from '@jest/globals';
import { linesOf, ready, reported, scan } from './scan-helper.js';

beforeAll(ready);

describe('command injection', () => {
  it('flags exec of a request value and follows it through a variable and a template', () => {
    const f = scan(`const cp = require('child_process');
app.get('/ping', (req, res) => {
  const host = req.query.host;
  cp.exec('ping -c 1 ' + host);
  cp.execSync(\`nslookup \${req.body.name}\`);
});`);
    expect(linesOf(f, 'command-injection')).toEqual([4, 5]);
    const [first] = reported(f, 'command-injection');
    expect(first!.severity).toBe('error');
    expect(first!.cwe).toEqual([78]);
    expect(first!.tags).toContain('external/cwe/cwe-78');
    expect(first!.evidence!.map((e) => e.message)).toEqual(['source: req.query.host', 'host = …', 'sink: child_process.exec']);
    expect(first!.help).toMatch(/execFile/);
  });

  it('stays quiet on the fixed forms: allow-list check, argument array, shell-quote', () => {
    const f = scan(`const { exec, execFile } = require('child_process');
const { quote } = require('shell-quote');
app.get('/ping', (req, res) => {
  const host = req.query.host;
  execFile('ping', ['-c', '1', host]);
  exec('ping ' + quote([host]));
  if (!/^[a-z0-9.-]+$/.test(host)) return res.sendStatus(400);
  exec('ping -c 1 ' + host);
});`);
    expect(reported(f, 'command-injection')).toEqual([]);
  });

  it('flags spawn with shell: true and a shell with -c, and shelljs exec', () => {
    const f = scan(`import { spawn, execFile } from 'node:child_process';
import shell from 'shelljs';
export function run(req) {
  spawn('git', ['log', req.query.ref], { shell: true });
  execFile('/bin/sh', ['-c', 'ls ' + req.query.dir]);
  shell.exec('convert ' + req.body.file);
  spawn('git', ['log', req.query.ref]);
}`, 'src/run.mjs');
    expect(linesOf(f, 'command-injection')).toEqual([4, 5, 6]);
  });

  it('reports a library parameter reaching exec as a warning', () => {
    const f = scan(`var exec = require('child_process').exec;
module.exports = function mac(iface) { exec('cat /sys/class/net/' + iface + '/address'); };`);
    expect(reported(f, 'command-injection').map((x) => x.severity)).toEqual(['warning']);
  });

  it('does not trust a local helper named escape that only escapes quotes', () => {
    const f = scan(`var exec = require('child_process').exec;
function escape(s) { return s.replace(/"/g, '\\\\"'); }
module.exports = function open(target) { return exec('xdg-open "' + escape(target) + '"'); };`);
    expect(linesOf(f, 'command-injection')).toEqual([3]);
  });
});

describe('code injection', () => {
  it('flags eval, Function, string timers, vm and template compilation of request data', () => {
    const f = scan(`const vm = require('vm');
const _ = require('lodash');
app.post('/x', (req, res) => {
  eval(req.body.code);
  const fn = new Function('a', req.body.fn);
  setTimeout('tick(' + req.query.n + ')', 10);
  vm.runInNewContext(req.body.script, {});
  _.template(req.body.tpl)();
  res.render('page', req.query);
});`);
    expect(linesOf(f, 'code-injection')).toEqual([4, 5, 6, 7, 8, 9]);
    expect(reported(f, 'code-injection')[0]!.cwe).toEqual([94, 95]);
  });

  it('stays quiet on JSON.parse, a timer with a function, and a render with picked fields', () => {
    const f = scan(`app.post('/x', (req, res) => {
  const data = JSON.parse(req.body.json);
  setTimeout(() => tick(req.query.n), 10);
  res.render('page', { name: String(req.query.name) });
});`);
    expect(reported(f, 'code-injection')).toEqual([]);
  });

  it('flags Function parameter names built from options (template variable injection)', () => {
    const f = scan(`function template(text, settings) {
  var source = compile(text);
  return new Function(settings.variable || 'obj', '_', source);
}`);
    expect(linesOf(f, 'code-injection')).toEqual([3]);
  });
});

describe('path traversal', () => {
  it('flags fs and sendFile with request paths, including path.join alone and a ".." search', () => {
    const f = scan(`const fs = require('fs');
const path = require('path');
app.get('/f', (req, res) => {
  fs.readFile(path.join(__dirname, 'public', req.query.name), () => {});
  const p = req.params.file;
  if (p.indexOf('..') !== -1) return res.sendStatus(400);
  fs.createReadStream('/srv/' + p);
  res.sendFile(req.query.name);
});`);
    expect(linesOf(f, 'path-traversal')).toEqual([4, 7, 8]);
    expect(reported(f, 'path-traversal')[0]!.cwe).toEqual([22]);
  });

  it('stays quiet when the resolved path is checked against the root, on basename, and on sendFile with root', () => {
    const f = scan(`const fs = require('fs');
const path = require('path');
const root = path.resolve('public');
app.get('/f', (req, res) => {
  const target = path.resolve(root, req.query.name);
  if (!target.startsWith(root + path.sep)) return res.sendStatus(403);
  fs.readFile(target, () => {});
  fs.readFileSync(path.join(root, path.basename(req.query.other)));
  res.sendFile(req.query.name, { root });
});`);
    expect(reported(f, 'path-traversal')).toEqual([]);
  });

  it('does not accept a prefix check on an unresolved path', () => {
    const f = scan(`const fs = require('fs');
app.get('/f', (req, res) => {
  const name = req.query.name;
  if (!name.startsWith('/srv/files')) return res.sendStatus(403);
  fs.readFileSync(name);
});`);
    expect(linesOf(f, 'path-traversal')).toEqual([5]);
  });

  it('flags zip slip (entry names joined into the target folder) and accepts the containment check', () => {
    const vulnerable = scan(`const AdmZip = require('adm-zip');
const fs = require('fs');
const path = require('path');
function extract(file, dest) {
  new AdmZip(file).getEntries().forEach((entry) => {
    fs.writeFileSync(path.join(dest, entry.entryName), entry.getData());
  });
}`);
    expect(linesOf(vulnerable, 'path-traversal')).toEqual([6]);
    expect(reported(vulnerable, 'path-traversal')[0]!.message).toMatch(/zip slip/);
    const fixed = scan(`const AdmZip = require('adm-zip');
const fs = require('fs');
const path = require('path');
function extract(file, dest) {
  const root = path.resolve(dest);
  new AdmZip(file).getEntries().forEach((entry) => {
    const target = path.resolve(root, entry.entryName);
    if (!target.startsWith(root + path.sep)) throw new Error('zip slip');
    fs.writeFileSync(target, entry.getData());
  });
}`);
    expect(reported(fixed, 'path-traversal')).toEqual([]);
  });
});

describe('SQL injection', () => {
  it('flags concatenated and interpolated SQL from request data', () => {
    const f = scan(`app.get('/u', async (req, res) => {
  await db.query("SELECT * FROM users WHERE id = " + req.params.id);
  const sql = \`SELECT * FROM users WHERE name = '\${req.query.name}'\`;
  await pool.query(sql);
  await knex.raw('select * from t where a = ' + req.query.a);
});`);
    expect(linesOf(f, 'sql-injection')).toEqual([2, 4, 5]);
    expect(reported(f, 'sql-injection')[0]!.cwe).toEqual([89]);
  });

  it('stays quiet on placeholders with a values array and on escaped values', () => {
    const f = scan(`const mysql = require('mysql');
app.get('/u', async (req, res) => {
  await db.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
  await conn.query('SELECT * FROM users WHERE id = ' + mysql.escape(req.params.id));
  await conn.query('SELECT * FROM users WHERE id = ' + Number(req.params.id));
  const rows = items.find((x) => x.id === req.params.id);
});`);
    expect(reported(f, 'sql-injection')).toEqual([]);
  });
});

describe('NoSQL injection', () => {
  it('flags request objects used as query values and $where from outside data', () => {
    const f = scan(`app.post('/login', async (req, res) => {
  await User.findOne({ username: req.body.username, password: req.body.password });
  await User.find(req.query);
  await Post.find({ $where: 'this.owner == "' + req.body.owner + '"' });
});`);
    expect(linesOf(f, 'nosql-injection')).toEqual([2, 3, 4]);
    expect(reported(f, 'nosql-injection')[0]!.cwe).toEqual([943]);
  });

  it('stays quiet when values are coerced to strings or are route params', () => {
    const f = scan(`app.post('/login', async (req, res) => {
  await User.findOne({ username: String(req.body.username), password: \`\${req.body.password}\` });
  await User.findOne({ _id: req.params.id });
});`);
    expect(reported(f, 'nosql-injection')).toEqual([]);
  });
});

describe('insecure deserialization', () => {
  it('flags node-serialize, js-yaml with the full schema and eval-based JSON parsing', () => {
    const f = scan(`const serialize = require('node-serialize');
const yaml = require('js-yaml');
app.post('/p', (req, res) => {
  serialize.unserialize(req.cookies.profile);
  yaml.load(req.body.doc, { schema: yaml.DEFAULT_FULL_SCHEMA });
  const obj = eval('(' + req.body.json + ')');
});`);
    expect(linesOf(f, 'insecure-deserialization')).toEqual([4, 5, 6]);
    expect(reported(f, 'insecure-deserialization')[0]!.cwe).toEqual([502]);
  });

  it('stays quiet on js-yaml with a safe schema', () => {
    const f = scan(`const yaml = require('js-yaml');
app.post('/p', (req, res) => { yaml.load(req.body.doc, { schema: yaml.JSON_SCHEMA }); });`);
    expect(reported(f, 'insecure-deserialization')).toEqual([]);
  });
});

describe('findings', () => {
  it('keep their fingerprint when unrelated lines are added above', () => {
    const body = `app.get('/x', (req, res) => { eval(req.query.code); });`;
    const [a] = scan(body);
    const [b] = scan(`// a comment\nconst unrelated = 1;\n\n${body}`);
    expect(a!.range.start.line).toBe(1);
    expect(b!.range.start.line).toBe(4);
    expect(b!.fingerprint).toBe(a!.fingerprint);
    expect(a!.agent).toBe('security-scanner');
    expect(a!.confidence).toBeGreaterThan(0.8);
  });

  it('scan TypeScript and TSX with the same rules', () => {
    const ts = scan(`import { exec } from 'child_process';
export function handler(req: { query: { host: string } }): void {
  exec(\`ping \${req.query.host as string}\`);
}`, 'src/handler.ts');
    expect(linesOf(ts, 'command-injection')).toEqual([3]);
    const tsx = scan(`export const View = ({ html }: { html: string }) => { eval(window.location.hash); return <div />; };`, 'src/view.tsx');
    expect(linesOf(tsx, 'code-injection')).toEqual([1]);
  });
});
