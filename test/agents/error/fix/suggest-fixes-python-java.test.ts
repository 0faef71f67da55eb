/**
 * The knowledge base against real Python and Java failures, when python3 / java are installed
 * (each suite is skipped, and says so, when its runtime is missing).
 */
import { describe, expect, it } from '@jest/globals';
import { suggestFixes } from '../../../../agents/error/fix/index.js';
import type { FixSuggestion } from '../../../../agents/error/types.js';
import { available, faultIn, run, tempDir } from './real-failures.js';

const hasPython = available('python3');
const hasJava = available('java', ['-version']);

/** The last line of a Python traceback is the error (`AttributeError: …`), warnings aside. */
function pythonError(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines.reverse().find((line) => /^[\w.]+(?:Error|Exception|Warning)\b|^[\w.]+: /.test(line)) ?? '';
}

async function python(source: string, extra: Record<string, string> = {}): Promise<{ top: FixSuggestion | undefined; all: FixSuggestion[]; message: string }> {
  const tmp = await tempDir();
  try {
    for (const [path, content] of Object.entries(extra)) await tmp.write(path, content, path.endsWith('.sh') ? 0o644 : undefined);
    await tmp.write('main.py', source);
    const result = await run('python3', ['main.py'], tmp.dir);
    const message = pythonError(result.stderr);
    let located: ReturnType<typeof faultIn> | undefined;
    try {
      located = faultIn(result.stderr, tmp.dir);
    } catch {
      located = undefined;
    }
    const all = suggestFixes({ error: { message }, ...(located !== undefined ? { fault: located.fault, codeLine: located.codeLine } : {}) });
    return { top: all[0], all, message };
  } finally {
    await tmp.dispose();
  }
}

(hasPython ? describe : describe.skip)('Python (real python3)', () => {
  it("AttributeError: 'NoneType' names the None receiver", async () => {
    const { top, message } = await python('class User:\n    profile = None\n\nuser = User()\nprint(user.profile.name)\n');
    expect(message).toBe("AttributeError: 'NoneType' object has no attribute 'name'");
    expect(top?.rule).toBe('none-attribute');
    expect(top?.detail).toContain('`user.profile` is None here; check `if user.profile is not None:` before reading `.name`');
  });

  it("'NoneType' object is not subscriptable names the indexed value", async () => {
    const { top } = await python('def load():\n    pass\n\nconfig = load()\nprint(config["port"])\n');
    expect(top?.rule).toBe('none-attribute');
    expect(top?.detail).toContain('`config` is None where it is indexed');
  });

  it('ModuleNotFoundError says how to install it', async () => {
    const { top } = await python('import requests_not_installed_xyz\n');
    expect(top?.rule).toBe('python-module-not-found');
    expect(top?.detail).toContain('`python -m pip install requests_not_installed_xyz`');
  });

  it('ModuleNotFoundError of a submodule points at the package layout', async () => {
    const { top } = await python('import json.nothing_here\n');
    expect(top?.rule).toBe('python-module-not-found');
    expect(top?.detail).toContain('`json` is found but not `json.nothing_here`');
  });

  it('FileNotFoundError on a relative path explains the working directory', async () => {
    const { top } = await python('with open("data/settings.json") as f:\n    print(f.read())\n');
    expect(top?.rule).toBe('enoent');
    expect(top?.detail).toContain('`data/settings.json` is relative');
  });

  it('RecursionError names the function', async () => {
    const { top } = await python('def walk(n):\n    return walk(n + 1)\n\nwalk(0)\n');
    expect(top?.rule).toBe('stack-overflow');
    expect(top?.title).toBe('walk recurses without end');
    expect(top?.detail).toContain('`walk(n + 1)`');
  });

  it('JSONDecodeError on empty input', async () => {
    const { top } = await python('import json\njson.loads("")\n');
    expect(top?.rule).toBe('json-parse');
    expect(top?.detail).toContain('is empty or cut short');
  });

  it('ConnectionRefusedError', async () => {
    const source = [
      'import socket',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()',
      'c = socket.socket()',
      'c.connect(("127.0.0.1", port))',
    ].join('\n');
    const { top, message } = await python(`${source}\n`);
    expect(message).toContain('ConnectionRefusedError');
    expect(top?.rule).toBe('econnrefused');
  });

  it('Address already in use', async () => {
    const source = [
      'import socket',
      'a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen()',
      'b = socket.socket(); b.bind(("127.0.0.1", a.getsockname()[1]))',
    ].join('\n');
    const { top, message } = await python(`${source}\n`);
    expect(message).toContain('[Errno 98] Address already in use');
    expect(top?.rule).toBe('eaddrinuse');
  });

  it('KeyError names the dictionary and the key', async () => {
    const { top } = await python('settings = {"host": "x"}\nprint(settings["port"])\n');
    expect(top?.rule).toBe('key-error');
    expect(top?.detail).toContain(`\`settings\` has no key \`'port'\` here: read it with \`settings.get('port')\``);
  });

  it('NameError names the identifier', async () => {
    const { top } = await python('print(totl)\n');
    expect(top?.rule).toBe('not-defined');
    expect(top?.detail).toContain('`totl` is not defined where it is used');
  });

  it('PermissionError on a script without the execute bit', async () => {
    const { top } = await python('import subprocess\nsubprocess.run(["./deploy.sh"])\n', { 'deploy.sh': '#!/bin/sh\necho hi\n' });
    expect(top?.rule).toBe('permission-denied');
    expect(top?.detail).toContain('`chmod +x ./deploy.sh`');
  });

  it('cannot unpack non-iterable NoneType names the source', async () => {
    const { top } = await python('def pair():\n    return None\n\na, b = pair()\n');
    expect(top?.rule).toBe('not-iterable');
    expect(top?.detail).toContain('`pair()` is `NoneType`, not an iterable');
  });

  it("'str' object is not callable names the shadowed name", async () => {
    const { top } = await python('str = "count"\nlabel = str(3)\n');
    expect(top?.rule).toBe('not-a-function');
    expect(top?.detail).toContain('`str` holds a `str` value, not a function');
  });

  it('a coroutine never awaited', async () => {
    const tmp = await tempDir();
    try {
      await tmp.write('main.py', 'import asyncio\n\nasync def fetch_data():\n    return 1\n\nfetch_data()\n');
      const result = await run('python3', ['-W', 'always', 'main.py'], tmp.dir);
      const message = result.stderr.split('\n').find((line) => line.includes('was never awaited')) ?? '';
      const [top] = suggestFixes({ error: { message } });
      expect(top?.rule).toBe('never-awaited');
      expect(top?.detail).toContain('`await fetch_data(…)`');
    } finally {
      await tmp.dispose();
    }
  });
});

(hasJava ? describe : describe.skip)('Java (real java)', () => {
  async function java(source: string): Promise<{ all: FixSuggestion[]; message: string }> {
    const tmp = await tempDir();
    try {
      await tmp.write('Main.java', source);
      const result = await run('java', ['Main.java'], tmp.dir);
      const message = result.stderr.split('\n').find((line) => /Exception|Error/.test(line)) ?? '';
      const located = faultIn(result.stderr, tmp.dir);
      return { all: suggestFixes({ error: { message }, fault: located.fault, codeLine: located.codeLine }), message };
    } finally {
      await tmp.dispose();
    }
  }

  it('a helpful NullPointerException on a local variable names it from the code line', async () => {
    const source = [
      'public class Main {',
      '  static String find(int id) { return null; }',
      '  public static void main(String[] args) {',
      '    String name = find(1);',
      '    System.out.println(name.length());',
      '  }',
      '}',
    ].join('\n');
    const { all, message } = await java(source);
    expect(message).toContain('Cannot invoke "String.length()"');
    expect(all[0]?.rule).toBe('null-pointer');
    expect(all[0]?.detail).toContain('`name` is null when calling `String.length()`');
  }, 60_000);

  it('a NullPointerException on a returned value names the method', async () => {
    const source = [
      'public class Main {',
      '  static String find(int id) { return null; }',
      '  public static void main(String[] args) {',
      '    System.out.println(find(1).trim());',
      '  }',
      '}',
    ].join('\n');
    const { all } = await java(source);
    expect(all[0]?.rule).toBe('null-pointer');
    expect(all[0]?.detail).toContain('`Main.find(int)` returned null');
  }, 60_000);
});

