/**
 * The knowledge base against real Node.js failures: each program below is run with the real node,
 * its error is read from stderr as the log analyzer would, and the fault's code line is read from
 * the file the trace names.
 */
import { describe, expect, it } from '@jest/globals';
import { suggestFixes } from '../../../../agents/error/fix/index.js';
import type { FixSuggestion } from '../../../../agents/error/types.js';
import { networkInterfaces } from 'node:os';
import { errorMessage, nodeFailure, run, tempDir } from './real-failures.js';

const hasIpv6Loopback = Object.values(networkInterfaces())
  .flat()
  .some((address) => address?.address === '::1');

async function topFor(files: Record<string, string>, entry: string, nodeArgs: string[] = []): Promise<{ top: FixSuggestion; all: FixSuggestion[]; message: string }> {
  const failure = await nodeFailure(files, entry, nodeArgs);
  const all = suggestFixes({ error: { message: failure.message }, fault: failure.fault, codeLine: failure.codeLine });
  const top = all[0];
  if (top === undefined) throw new Error(`no suggestion for:\n${failure.message}`);
  return { top, all, message: failure.message };
}

describe('reading a property of undefined/null (real V8 messages)', () => {
  it('names the receiver from the code line and offers the optional chain', async () => {
    const { top, message } = await topFor({ 'a.js': "const user = {};\nconst n = user.profile.name;\nconsole.log(n);\n" }, 'a.js');
    expect(message).toContain("Cannot read properties of undefined (reading 'name')");
    expect(top.rule).toBe('undefined-property');
    expect(top.detail).toContain('`user.profile` is undefined here; guard with `user.profile?.name` or check why `profile` is missing');
    expect(top.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('says a call returned null', async () => {
    const { top } = await topFor({ 'a.js': 'function findUser(id) { return null; }\nconst name = findUser(7).name;\n' }, 'a.js');
    expect(top.rule).toBe('undefined-property');
    expect(top.detail).toContain('`findUser(7)` returned null; guard with `findUser(7)?.name`');
    expect(top.detail).toContain('`findUser`');
  });

  it('says an index has no element', async () => {
    const { top } = await topFor({ 'a.js': 'const rows = [];\nconsole.log(rows[0].id);\n' }, 'a.js');
    expect(top.detail).toContain('`rows[0]` is undefined here; guard with `rows[0]?.id`');
    expect(top.detail).toContain('`rows` has an element at that index');
  });

  it('picks the access the column points at when the line has several', async () => {
    const { top } = await topFor({ 'a.js': 'const a = { b: { c: 1 } };\nconst x = a.b.c + a.missing.c;\n' }, 'a.js');
    expect(top.detail).toContain('`a.missing` is undefined here; guard with `a.missing?.c`');
  });

  it('handles setting a property of undefined', async () => {
    const { top, message } = await topFor({ 'a.js': 'let config;\nconfig.port = 80;\n' }, 'a.js');
    expect(message).toContain("Cannot set properties of undefined (setting 'port')");
    expect(top.rule).toBe('undefined-property');
    expect(top.detail).toContain('`config` is undefined here, so `.port` cannot be assigned');
    expect(top.detail).toContain('`config ??= {}`');
  });

  it('names the destructured source', async () => {
    const { top, message } = await topFor({ 'a.js': 'let opts;\nconst { retries } = opts;\n' }, 'a.js');
    expect(message).toContain("Cannot destructure property 'retries' of 'opts' as it is undefined");
    expect(top.rule).toBe('destructure-undefined');
    expect(top.detail).toContain('`const { retries } = opts ?? {}`');
  });
});

describe('calling and iterating the wrong thing', () => {
  it('not a function: a method missing on an object', async () => {
    const { top } = await topFor({ 'a.js': 'const user = JSON.parse(\'{"name":"a"}\');\nuser.getName();\n' }, 'a.js');
    expect(top.rule).toBe('not-a-function');
    expect(top.detail).toContain('`user` has no method `getName`');
  });

  it('not a function: .map on a non-array', async () => {
    const { top } = await topFor({ 'a.js': 'const data = { a: 1 };\ndata.map((x) => x);\n' }, 'a.js');
    expect(top.detail).toContain('`data` is not an array here, so it has no `.map`');
    expect(top.detail).toContain('`Object.values(data).map(…)`');
  });

  it('not a constructor', async () => {
    const { top, message } = await topFor({ 'a.js': 'const Client = () => {};\nconst c = new Client();\n' }, 'a.js');
    expect(message).toContain('Client is not a constructor');
    expect(top.rule).toBe('not-a-function');
    expect(top.detail).toContain('`new Client(…)`');
  });

  it('not iterable names the iterated value', async () => {
    const { top } = await topFor({ 'a.js': 'const items = { a: 1 };\nfor (const item of items) console.log(item);\n' }, 'a.js');
    expect(top.rule).toBe('not-iterable');
    expect(top.detail).toContain('`items` is not iterable here');
    expect(top.detail).toContain('`Object.entries(items)`');
  });

  it('ReferenceError names the identifier', async () => {
    const { top } = await topFor({ 'a.js': 'const total = price * 2;\n' }, 'a.js');
    expect(top.rule).toBe('not-defined');
    expect(top.detail).toContain('`price` is not declared in this scope');
  });

  it('temporal dead zone', async () => {
    const { top } = await topFor({ 'a.js': 'console.log(limit);\nlet limit = 3;\n' }, 'a.js');
    expect(top.rule).toBe('not-defined');
    expect(top.title).toBe('limit used before initialization');
  });
});

describe('modules and ESM/CJS mix-ups', () => {
  it('CommonJS: a missing package, naming the requiring file', async () => {
    const { top, message } = await topFor({ 'main.cjs': "const _ = require('lodash-not-installed-xyz');\n" }, 'main.cjs');
    expect(message).toContain('Require stack:');
    expect(top.rule).toBe('module-not-found');
    expect(top.title).toBe('Package lodash-not-installed-xyz not found');
    expect(top.detail).toContain('`npm install lodash-not-installed-xyz`');
    expect(top.detail).toContain('`main.cjs`');
  });

  it('ESM: a missing package imported from a file', async () => {
    const { top } = await topFor({ 'main.mjs': "import x from '@scope-nope/pkg-xyz/sub';\nconsole.log(x);\n" }, 'main.mjs');
    expect(top.rule).toBe('module-not-found');
    expect(top.detail).toContain('`npm install @scope-nope/pkg-xyz`');
  });

  it('ESM: a relative import without its extension', async () => {
    const { top, all, message } = await topFor({ 'main.mjs': "import { helper } from './util';\nhelper();\n", 'util.js': 'export const helper = () => 1;\n' }, 'main.mjs');
    expect(message).toContain('ERR_MODULE_NOT_FOUND');
    expect(top.rule).toBe('esm-missing-extension');
    expect(top.detail).toContain('import `./util.js` instead of `./util` on this line');
    expect(all.map((s) => s.rule)).not.toContain('module-not-found');
  });

  it('ESM: a relative file that does not exist', async () => {
    const { top } = await topFor({ 'main.mjs': "import data from './data/missing.js';\nconsole.log(data);\n" }, 'main.mjs');
    expect(top.rule).toBe('module-not-found');
    expect(top.detail).toContain('`./data/missing.js` does not exist relative to `main.mjs`');
  });

  it('ESM: a name the module does not export', async () => {
    const { top } = await topFor({ 'main.mjs': "import { totl } from './math.mjs';\nconsole.log(totl);\n", 'math.mjs': 'export const total = 1;\n' }, 'main.mjs');
    expect(top.rule).toBe('missing-export');
    expect(top.detail).toContain('`./math.mjs` has no export named `totl`');
  });

  it('require in an ES module becomes an import', async () => {
    const { top } = await topFor({ 'main.mjs': "const fs = require('node:fs');\nconsole.log(fs);\n" }, 'main.mjs');
    expect(top.rule).toBe('require-in-esm');
    expect(top.detail).toContain("replace `const fs = require('node:fs');` with `import fs from 'node:fs';`");
  });

  it('require in a "type": "module" package names the package.json', async () => {
    const { top } = await topFor({ 'package.json': '{"type":"module"}', 'main.js': "const { join } = require('node:path');\nconsole.log(join);\n" }, 'main.js');
    expect(top.rule).toBe('require-in-esm');
    expect(top.detail).toContain("`import { join } from 'node:path';`");
  });

  it('__dirname in an ES module', async () => {
    const { top } = await topFor({ 'main.mjs': "const file = __dirname + '/data.json';\nconsole.log(file);\n" }, 'main.mjs');
    expect(top.rule).toBe('dirname-in-esm');
    expect(top.detail).toContain('`import.meta.dirname`');
    expect(top.detail).toContain("`const file = import.meta.dirname + '/data.json';`");
    expect(suggestFixes({ error: { message: 'ReferenceError: __dirname is not defined in ES module scope' } }).map((s) => s.rule)).toEqual(['dirname-in-esm']);
  });

  it('exports in an ES module', async () => {
    const { top } = await topFor({ 'main.mjs': 'exports.answer = 42;\n' }, 'main.mjs');
    expect(top.rule).toBe('exports-in-esm');
    expect(top.detail).toContain('`export const answer = 42;`');
  });

  it('import statement in a CommonJS file', async () => {
    const { top } = await topFor({ 'package.json': '{"type":"commonjs"}', 'main.js': "import fs from 'node:fs';\nconsole.log(fs);\n" }, 'main.js');
    expect(top.rule).toBe('import-in-cjs');
    expect(top.detail).toContain('`main.js` is loaded as CommonJS');
    expect(top.detail).toContain('"type": "module"');
  });

  it('require() of an ES-only package', async () => {
    const files = {
      'node_modules/esm-only-pkg/package.json': '{"name":"esm-only-pkg","type":"module","main":"index.js"}',
      'node_modules/esm-only-pkg/index.js': 'export default 1;\n',
      'main.cjs': "const x = require('esm-only-pkg');\nconsole.log(x);\n",
    };
    const { top, message } = await topFor(files, 'main.cjs', ['--no-experimental-require-module']);
    expect(message).toContain('ERR_REQUIRE_ESM');
    expect(top.rule).toBe('require-esm');
    expect(top.title).toBe('esm-only-pkg is an ES module');
    expect(top.detail).toContain("`const { default: x } = await import('esm-only-pkg')`");
    expect(top.detail).toContain('`main.cjs`');
  });
  it('a package subpath its exports map does not expose', async () => {
    const files = {
      'node_modules/exported-pkg/package.json': '{"name":"exported-pkg","exports":{".":"./index.js"}}',
      'node_modules/exported-pkg/index.js': 'module.exports = 1;\n',
      'node_modules/exported-pkg/lib/internal.js': 'module.exports = 2;\n',
      'main.cjs': "const x = require('exported-pkg/lib/internal.js');\nconsole.log(x);\n",
    };
    const { top, message } = await topFor(files, 'main.cjs');
    expect(message).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(top.rule).toBe('package-subpath-not-exported');
    expect(top.detail).toContain('`exported-pkg` does not expose `./lib/internal.js`');
  });

  it('a TypeScript file run by node', async () => {
    const { top, message } = await topFor({ 'package.json': '{"type":"module"}', 'main.ts': 'const x: number = 1;\nconsole.log(x);\n' }, 'main.ts');
    expect(message).toContain('ERR_UNKNOWN_FILE_EXTENSION');
    expect(top.rule).toBe('unknown-file-extension');
    expect(top.detail).toContain('`node --import tsx main.ts`');
  });
});

describe('system errors', () => {
  it('ECONNREFUSED names the address', async () => {
    const script = [
      "const net = require('node:net');",
      "const s = net.createServer().listen(0, '127.0.0.1', () => {",
      '  const port = s.address().port;',
      "  s.close(() => { net.connect(port, '127.0.0.1'); });",
      '});',
    ].join('\n');
    const { top, message } = await topFor({ 'a.js': script }, 'a.js');
    const port = /127\.0\.0\.1:(\d+)/.exec(message)?.[1];
    expect(top.rule).toBe('econnrefused');
    expect(top.title).toBe(`Connection refused on 127.0.0.1:${port}`);
    expect(top.detail).toContain(`Nothing listens on \`127.0.0.1:${port}\``);
  });

  (hasIpv6Loopback ? it : it.skip)('ECONNREFUSED on ::1 explains localhost resolving to IPv6', async () => {
    const script = [
      "const net = require('node:net');",
      "const s = net.createServer().listen(0, '::1', () => {",
      '  const port = s.address().port;',
      "  s.close(() => { net.connect(port, '::1'); });",
      '});',
    ].join('\n');
    const failure = await nodeFailure({ 'a.js': script }, 'a.js');
    expect(failure.message).toContain('connect ECONNREFUSED ::1:');
    const [top] = suggestFixes({ error: { message: failure.message } });
    expect(top?.rule).toBe('econnrefused');
    expect(top?.detail).toContain('`localhost` resolved to IPv6 `::1`');
  });

  it('an unknown host name', async () => {
    const script = "require('node:dns').lookup('orchestra-no-such-host.invalid', (err) => { throw err; });\n";
    const { top, message } = await topFor({ 'a.js': script }, 'a.js');
    expect(message).toMatch(/getaddrinfo (ENOTFOUND|EAI_AGAIN) orchestra-no-such-host\.invalid/);
    expect(top.rule).toBe('enotfound');
    expect(top.detail).toContain('`orchestra-no-such-host.invalid`');
  });

  it('EADDRINUSE names the port and how to find its holder', async () => {
    const script = [
      "const http = require('node:http');",
      "const a = http.createServer().listen(0, '127.0.0.1', () => {",
      "  http.createServer().listen(a.address().port, '127.0.0.1');",
      '});',
    ].join('\n');
    const { top, message } = await topFor({ 'a.js': script }, 'a.js');
    const port = /127\.0\.0\.1:(\d+)/.exec(message)?.[1] ?? '';
    expect(top.rule).toBe('eaddrinuse');
    expect(top.title).toBe(`Port ${port} already in use`);
    expect(top.detail).toContain(`\`lsof -iTCP:${port} -sTCP:LISTEN\``);
  });

  it('ENOENT on a relative path explains the working directory', async () => {
    const { top } = await topFor({ 'a.js': "const fs = require('node:fs');\nfs.readFileSync('settings/config.json', 'utf8');\n" }, 'a.js');
    expect(top.rule).toBe('enoent');
    expect(top.detail).toContain('`settings/config.json` is relative');
    expect(top.detail).toContain("`path.join(import.meta.dirname, 'settings/config.json')`");
  });

  it('ENOENT on an absolute path', async () => {
    const { top } = await topFor({ 'a.js': "require('node:fs').readFileSync('/nonexistent-orchestra/config.json');\n" }, 'a.js');
    expect(top.title).toBe('/nonexistent-orchestra/config.json not found');
  });

  it('spawn ENOENT names the command', async () => {
    const { top } = await topFor({ 'a.js': "require('node:child_process').spawn('orchestra-no-such-command');\n" }, 'a.js');
    expect(top.rule).toBe('enoent');
    expect(top.title).toBe('Command orchestra-no-such-command not found');
  });

  it('spawn EACCES on a script without the execute bit', async () => {
    const tmp = await tempDir();
    try {
      await tmp.write('run.sh', '#!/bin/sh\necho hi\n', 0o644);
      await tmp.write('a.js', "require('node:child_process').spawn('./run.sh');\n");
      const result = await run(process.execPath, ['a.js'], tmp.dir);
      const message = errorMessage(result.stderr);
      expect(message).toContain('spawn ./run.sh EACCES');
      const [top] = suggestFixes({ error: { message } });
      expect(top?.rule).toBe('permission-denied');
      expect(top?.detail).toContain('`chmod +x ./run.sh`');
    } finally {
      await tmp.dispose();
    }
  });

  it('a shell "Permission denied" names the script', async () => {
    const tmp = await tempDir();
    try {
      await tmp.write('run.sh', '#!/bin/sh\necho hi\n', 0o644);
      await tmp.write('a.js', "require('node:child_process').execSync('./run.sh', { stdio: 'pipe' });\n");
      const result = await run(process.execPath, ['a.js'], tmp.dir);
      const message = errorMessage(result.stderr);
      expect(message).toContain('Permission denied');
      const [top] = suggestFixes({ error: { message } });
      expect(top?.rule).toBe('permission-denied');
      expect(top?.detail).toContain('`chmod +x ./run.sh`');
    } finally {
      await tmp.dispose();
    }
  });

  it('fetch failed: first line only, then with its cause', async () => {
    const script = [
      "import net from 'node:net';",
      "const s = net.createServer().listen(0, '127.0.0.1');",
      "await new Promise((r) => s.on('listening', r));",
      'const port = s.address().port;',
      'await new Promise((r) => s.close(r));',
      'await fetch(`http://127.0.0.1:${port}/health`);',
    ].join('\n');
    const failure = await nodeFailure({ 'a.mjs': script }, 'a.mjs');
    expect(failure.message.split('\n')[0]).toBe('TypeError: fetch failed');
    const [bare] = suggestFixes({ error: { message: failure.message }, codeLine: 'await fetch(`http://127.0.0.1:${port}/health`);' });
    expect(bare?.rule).toBe('fetch-failed');
    expect(bare?.detail).toContain('`error.cause`');
    expect(bare?.detail).toContain('fetch(`http://127.0.0.1:${port}/health`)'); // names the call on the line
    const withCause = suggestFixes({ error: { message: failure.output } });
    const fetchFailed = withCause.find((s) => s.rule === 'fetch-failed');
    expect(fetchFailed?.detail).toMatch(/its cause is `Error: connect ECONNREFUSED 127\.0\.0\.1:\d+` — nothing listens/);
    expect(withCause.map((s) => s.rule)).toContain('econnrefused');
  });
});

describe('runtime failures', () => {
  it('heap out of memory under --max-old-space-size=16 names the growing array', async () => {
    const source = 'const cache = [];\nfor (;;) cache.push({ data: new Array(100).fill(1) });\n';
    const failure = await nodeFailure({ 'oom.js': source }, 'oom.js', ['--max-old-space-size=16']);
    expect(failure.message).toContain('JavaScript heap out of memory');
    const [top] = suggestFixes({ error: { message: failure.message }, fault: { file: 'oom.js', line: 2, via: 'stack' }, codeLine: source.split('\n')[1] });
    expect(top?.rule).toBe('heap-out-of-memory');
    expect(top?.detail).toContain('--max-old-space-size');
    expect(top?.detail).toContain('the unbounded growth of `cache` (`cache.push(…)` on this line');
    const [withFlag] = suggestFixes({ error: { message: `${failure.message}\n(node --max-old-space-size=16 oom.js)` } });
    expect(withFlag?.detail).toContain('set to 16 MB here by `--max-old-space-size=16`');
  }, 60_000);

  it('maximum call stack names the recursive call', async () => {
    const { top } = await topFor({ 'a.js': 'function walk(node) { return walk(node.next ?? node); }\nwalk({});\n' }, 'a.js');
    expect(top.rule).toBe('stack-overflow');
    expect(top.title).toBe('walk recurses without end');
    expect(top.detail).toContain('`walk(node.next ?? node)`');
  });

  it('unhandled rejection with a string reason names the floating call', async () => {
    const source = "function save() { return Promise.reject('disk full'); }\nsave();\n";
    const failure = await nodeFailure({ 'a.js': source }, 'a.js');
    expect(failure.message).toContain('The promise rejected with the reason "disk full"');
    const [top] = suggestFixes({ error: { message: failure.message }, fault: { file: 'a.js', line: 2, via: 'stack' }, codeLine: 'save();' });
    expect(top?.rule).toBe('unhandled-rejection');
    expect(top?.detail).toContain('A promise rejected with `disk full`');
    expect(top?.detail).toContain('`save()` on this line is neither awaited');
  });

  it.each([
    ["JSON.parse('<html><body>Not found</body></html>');", 'starts with `<`: it is HTML'],
    ['JSON.parse(undefined);', 'is `undefined`'],
    ['JSON.parse({ a: 1 });', 'is already an object'],
    ["JSON.parse('');", 'is empty or cut short'],
    ['const body = \'{"a": 1,}\';\nJSON.parse(body);', 'is not strict JSON at position'],
  ])('JSON.parse: %s', async (code, expected) => {
    const { top } = await topFor({ 'a.js': `${code}\n` }, 'a.js');
    expect(top.rule).toBe('json-parse');
    expect(top.detail).toContain(expected);
  });

  it('JSON.parse names its argument from the code line', async () => {
    const { top } = await topFor({ 'a.js': "const text = '<!doctype html>';\nconst data = JSON.parse(text);\n" }, 'a.js');
    expect(top.detail).toContain('`text` starts with `<`');
  });

  it('ERR_INVALID_ARG_TYPE names the argument and the call', async () => {
    const { top } = await topFor({ 'a.js': "const fs = require('node:fs');\nfs.readFileSync(process.env.ORCHESTRA_UNSET_CONFIG_PATH);\n" }, 'a.js');
    expect(top.rule).toBe('invalid-arg-type');
    expect(top.title).toBe('The path argument got undefined');
    expect(top.detail).toContain('The `path` argument in `fs.readFileSync(process.env.ORCHESTRA_UNSET_CONFIG_PATH)` must be of type string');
    expect(top.detail).toContain('missing environment variable');
  });

  it('node:assert strictEqual gives actual and expected', async () => {
    const failure = await nodeFailure({ 'a.js': "const assert = require('node:assert');\nconst sum = (a, b) => a - b;\nassert.strictEqual(sum(1, 1), 2);\n" }, 'a.js');
    const [top] = suggestFixes({ error: { message: failure.output }, fault: failure.fault, codeLine: failure.codeLine });
    expect(top?.rule).toBe('node-assert');
    expect(top?.detail).toContain('`assert.strictEqual` failed: `sum(1, 1)` is `0`, expected `2`');
  });

  it('node:assert ok names the falsy expression', async () => {
    const failure = await nodeFailure({ 'a.js': "const assert = require('node:assert');\nconst ready = false;\nassert.ok(ready);\n" }, 'a.js');
    const [top] = suggestFixes({ error: { message: failure.message }, codeLine: failure.codeLine });
    expect(top?.rule).toBe('node-assert');
    expect(top?.detail).toContain('`ready` was falsy');
  });

  it('node:assert deepStrictEqual gives the first difference', async () => {
    const failure = await nodeFailure({ 'a.js': "const assert = require('node:assert');\nassert.deepStrictEqual({ a: 1, b: 2 }, { a: 1, b: 3 });\n" }, 'a.js');
    const [top] = suggestFixes({ error: { message: failure.message }, codeLine: failure.codeLine });
    expect(top?.rule).toBe('node-assert');
    expect(top?.detail).toContain('first difference — actual `b: 2');
    expect(top?.detail).toContain('expected `b: 3');
  });
});
