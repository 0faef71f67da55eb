import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, type TempRepo } from '../helpers/git-repo.js';
import { cleanupCliCache, cli } from './run-cli.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});
afterAll(cleanupCliCache);

function repo(): TempRepo {
  const r = makeRepo('orchestra-cli-');
  repos.push(r);
  return r;
}

const vulnerable = [
  "const { exec } = require('child_process');",
  'module.exports = function list(req, res) {',
  "  exec('ls ' + req.query.dir, (err, out) => res.send(out));",
  '};',
  '',
].join('\n');
const clean = "module.exports = function add(a, b) {\n  return a + b;\n};\n";

type Json = { summary: { errors: number; warnings: number; files: number }; findings: { ruleId: string; file: string; range: { start: { line: number } }; fingerprint: string }[]; notices: string[] };
const json = (s: string) => JSON.parse(s) as Json;

describe('orchestra review (real git repositories)', () => {
  it('--all finds a command injection, exits 1, and 0 with --fail-on never', async () => {
    const r = repo();
    r.write('src/list.js', vulnerable);
    r.write('src/add.js', clean);
    r.commit('init');
    const out = await cli(r.dir, 'review', '--all', '--format', 'json');
    expect(out.code).toBe(1);
    const report = json(out.stdout);
    expect(report.summary.files).toBe(2);
    const hit = report.findings.find((f) => f.ruleId === 'security/command-injection');
    expect(hit).toMatchObject({ file: 'src/list.js', range: { start: { line: 3 } } });
    expect((await cli(r.dir, 'review', '--all', '--fail-on', 'never')).code).toBe(0);
  });

  it('default scope is the working tree: only uncommitted changes, only changed lines', async () => {
    const r = repo();
    r.write('src/list.js', vulnerable);
    r.commit('init');
    // Untouched vulnerable code is committed: nothing to report in a working-tree review.
    expect((await cli(r.dir, 'review', '--format', 'json')).code).toBe(0);
    r.write('src/list.js', vulnerable + "const cp = require('child_process');\nmodule.exports.run = (req) => cp.execSync(req.body.cmd);\n");
    const report = json((await cli(r.dir, 'review', '--format', 'json')).stdout);
    expect(report.findings.map((f) => [f.ruleId, f.range.start.line])).toEqual([['security/command-injection', 6]]);
  });

  it('--base REF reports only findings on lines changed since the branch left REF', async () => {
    const r = repo();
    r.write('src/list.js', vulnerable);
    r.commit('init');
    r.git('checkout', '-q', '-b', 'feature');
    r.write('src/new.js', "const vm = require('vm');\nexports.run = (req) => vm.runInThisContext(req.query.code);\n");
    r.commit('feature');
    const out = await cli(r.dir, 'review', '--base', 'main', '--format', 'json');
    const report = json(out.stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['src/new.js']);
    expect(report.findings[0]!.ruleId).toBe('security/code-injection');
    // The same review with nofilter shows it all, for the changed files only.
    const all = json((await cli(r.dir, 'review', '--base', 'main', '--filter', 'nofilter', '--format', 'json')).stdout);
    expect(all.findings.map((f) => f.file)).toEqual(['src/new.js']);
    // A range works the same way.
    const range = json((await cli(r.dir, 'review', '--base', 'main', '--head', 'feature', '--format', 'json')).stdout);
    expect(range.findings.map((f) => f.file)).toEqual(['src/new.js']);
  });

  it('a baseline holds the line: old findings pass, new ones fail', async () => {
    const r = repo();
    r.write('src/list.js', vulnerable);
    r.commit('init');
    expect((await cli(r.dir, 'review', '--all', '--write-baseline', 'baseline.json')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(r.dir, 'baseline.json'), 'utf8')).findings.length).toBeGreaterThan(0);
    expect((await cli(r.dir, 'review', '--all', '--baseline', 'baseline.json')).code).toBe(0);
    // Moving the old finding down does not resurrect it (fingerprints survive line shifts)…
    r.write('src/list.js', `// a comment\n\n${vulnerable}`);
    expect((await cli(r.dir, 'review', '--all', '--baseline', 'baseline.json')).code).toBe(0);
    // …but a new one fails.
    r.write('src/eval.js', 'exports.f = (req) => eval(req.body.code);\n');
    const out = await cli(r.dir, 'review', '--all', '--baseline', 'baseline.json', '--format', 'json');
    expect(out.code).toBe(1);
    expect(json(out.stdout).findings.map((f) => f.file)).toEqual(['src/eval.js']);
  });

  it('inline suppressions with a reason and config rules', async () => {
    const r = repo();
    r.write('src/list.js', vulnerable.replace('  exec(', '  // orchestra-ignore-next-line command-injection -- dir is validated upstream\n  exec('));
    r.write('vendor/x.js', vulnerable);
    r.write('orchestra.config.yaml', 'review:\n  ignore: ["vendor/**"]\n  rules:\n    eslint/*: off\n');
    r.commit('init');
    const out = await cli(r.dir, 'review', '--all', '--format', 'json');
    expect(out.stderr).toBe('');
    const report = JSON.parse(out.stdout) as Json & { suppressed: { file: string; suppressed: { by: string; reason?: string } }[] };
    expect(report.findings).toEqual([]);
    expect(out.code).toBe(0);
    expect(report.suppressed.find((f) => f.file === 'src/list.js')!.suppressed).toEqual({ by: 'inline', reason: 'dir is validated upstream' });
  });

  it('writes valid-looking SARIF to a file with CWE tags and relative paths', async () => {
    const r = repo();
    r.write('src/list.js', vulnerable);
    r.commit('init');
    const out = await cli(r.dir, 'review', '--all', '--format', 'sarif', '--output', 'x.sarif');
    expect(out.stderr).toContain('wrote sarif report to x.sarif');
    const sarif = JSON.parse(readFileSync(join(r.dir, 'x.sarif'), 'utf8')) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[]; tool: { driver: { rules: { id: string; properties: { tags: string[] } }[] } } }[] };
    expect(sarif.version).toBe('2.1.0');
    const rule = sarif.runs[0]!.tool.driver.rules.find((x) => x.id === 'security/command-injection')!;
    expect(rule.properties.tags).toContain('external/cwe/cwe-78');
    expect(sarif.runs[0]!.results.find((x) => x.ruleId === 'security/command-injection')!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/list.js');
  });

  it('usage and config errors exit 2 with a message that says what to fix', async () => {
    const r = repo();
    r.write('a.js', clean);
    r.commit('init');
    const bad = await cli(r.dir, 'review', '--format', 'xml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of text, json, sarif, github; got "xml"');
    const unknown = await cli(r.dir, 'review', '--frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--frobnicate'/);
    expect((await cli(r.dir, 'review', '--all', '--base', 'main')).code).toBe(2);
    expect((await cli(r.dir, 'review', '--base', 'nope')).stderr).toMatch(/"nope" does not exist/);
    expect((await cli(r.dir, 'review', '--agents', 'syntax,telepathy')).stderr).toMatch(/--agents must be one of/);
    r.write('orchestra.config.yaml', 'review:\n  failOn: sometimes\n');
    const cfg = await cli(r.dir, 'review', '--all');
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/orchestra\.config\.yaml/);
    expect(cfg.stderr).toMatch(/review\.failOn/);
  });
});

describe('orchestra review --agents tests (executes repository code)', () => {
  const project = (r: TempRepo) => {
    r.write('package.json', JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'node --test' } }));
    r.write('src/add.js', 'exports.add = (a, b) => a - b;\n');
    r.write('src/add.test.js', "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('./add.js');\ntest('adds', () => {\n  assert.strictEqual(add(2, 2), 4);\n});\n");
    r.commit('init');
  };

  it('runs the related failing test when asked by name and reports it as a finding', async () => {
    const r = repo();
    project(r);
    const out = await cli(r.dir, 'review', '--all', '--agents', 'syntax,tests', '--format', 'json');
    const report = json(out.stdout);
    const failing = report.findings.find((f) => f.ruleId === 'tests/failing-test');
    expect(failing).toMatchObject({ file: 'src/add.test.js' });
    expect(out.code).toBe(1);
    // Executing repository code is audited, and the log verifies.
    const verify = await cli(r.dir, 'audit', 'verify', '--json');
    expect(verify.code).toBe(0);
    const shown = (await cli(r.dir, 'audit', 'show')).stdout.trim().split('\n').map((l) => JSON.parse(l) as { action: string; level: string; decision: string; status: string });
    expect(shown).toEqual([expect.objectContaining({ action: 'review.run_tests', level: 'execute', decision: 'approved', status: 'ok' })]);
  });

  it('is refused when only the config enables it in a repository not marked trusted', async () => {
    const r = repo();
    r.write('orchestra.config.yaml', 'review:\n  agents:\n    tests:\n      run: true\n');
    project(r);
    const out = await cli(r.dir, 'review', '--all', '--format', 'json');
    const report = json(out.stdout);
    expect(report.findings.some((f) => f.ruleId === 'tests/failing-test')).toBe(false);
    expect(report.notices.join('\n')).toMatch(/test runner was not started.*execute/);
    const shown = (await cli(r.dir, 'audit', 'show')).stdout.trim();
    expect(JSON.parse(shown)).toMatchObject({ action: 'review.run_tests', decision: 'refused', status: 'denied' });
  });
});

describe('orchestra review on hostile input', () => {
  it('binary, invalid UTF-8, a 20 MB minified file, deep nesting, an unreadable file and a broken ESLint config', async () => {
    const r = repo();
    r.write('ok.js', clean);
    writeFileSync(join(r.dir, 'blob.js'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    writeFileSync(join(r.dir, 'latin1.js'), Buffer.from('const s = "caf\xe9";\nexports.s = s;\n', 'latin1'));
    r.write('huge.min.js', 'var a=1;'.repeat(2_600_000));
    r.write('bundle.js', `${'x=1;'.repeat(10_000)}\n`.repeat(10));
    r.write('deep.js', `module.exports = ${'['.repeat(10_000)}${']'.repeat(10_000)};\n`);
    r.write('secret.js', clean);
    r.write('eslint.config.js', 'export default [ { rules: { "no-console": ["error", { allow: 42 }] } } ];\n');
    chmodSync(join(r.dir, 'secret.js'), 0o000);
    try {
      const out = await cli(r.dir, 'review', '--all', '--format', 'json', '--fail-on', 'never');
      expect(out.code).toBe(0);
      const report = json(out.stdout);
      const notices = report.notices.join('\n');
      expect(notices).toMatch(/latin1\.js is not valid UTF-8/);
      expect(notices).toMatch(/bundle\.js looks minified/);
      if (process.getuid?.() !== 0) expect(notices).toMatch(/secret\.js cannot be read/);
      expect(report.findings.some((f) => f.ruleId === 'style/config-error' && f.file === 'eslint.config.js')).toBe(true);
      expect(report.findings.some((f) => f.file === 'blob.js')).toBe(false);
    } finally {
      chmodSync(join(r.dir, 'secret.js'), 0o644);
    }
  });

  it('a folder that is not a git repository: --all works, a diff review says to use --all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-nogit-'));
    try {
      writeFileSync(join(dir, 'a.js'), vulnerable);
      const all = await cli(dir, 'review', '--all', '--format', 'json');
      expect(all.code).toBe(1);
      const diff = await cli(dir, 'review');
      expect(diff.code).toBe(2);
      expect(diff.stderr).toMatch(/not inside a git repository.*--all/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
