/**
 * The small readers the rules stand on: the receiver of a property access on a source line, calls
 * on a line, `require` → `import`, and the diff inside a model's answer.
 */
import { describe, expect, it } from '@jest/globals';
import { chainAt, cleanCodeLine, findCalls, findPropertyAccesses, inlineCode, receiverBefore } from '../../../../agents/error/fix/code-line.js';
import { extractDiff } from '../../../../agents/error/fix/patch/extract-diff.js';
import { requireToImport } from '../../../../agents/error/fix/rules/esm-cjs-rules.js';

describe('findPropertyAccesses', () => {
  it.each([
    ['const n = user.profile.name;', 'name', ['user.profile']],
    ['const n = getUser(id).name;', 'name', ['getUser(id)']],
    ['const n = (await load()).name;', 'name', ['(await load())']],
    ['const n = a?.b?.name;', 'name', ['a?.b']],
    ["const n = this.cache['name'];", 'name', ['this.cache']],
    ['const first = rows[0].id;', '0', ['rows']],
    ['const n = users.names;', 'name', []],
    ['x = a.name + b.c.name', 'name', ['a', 'b.c']],
    ["console.log('abc'.length)", 'length', ["'abc'"]],
  ])('%s reads .%s from %j', (line, prop, receivers) => {
    expect(findPropertyAccesses(line, prop).map((a) => a.receiver)).toEqual(receivers);
  });

  it('stops at operators and keywords', () => {
    expect(receiverBefore('return !user', 'return !user'.length)).toBe('user');
    expect(receiverBefore('a = ', 4)).toBeUndefined();
  });
});

describe('findCalls', () => {
  it('finds calls, skipping keywords and definitions', () => {
    expect(findCalls("if (ok) await save(doc, { id: 1 }); function walk(n) { return walk(n - 1); }").map((c) => c.text)).toEqual(['save(doc, { id: 1 })', 'walk(n - 1)']);
  });
});

describe('chainAt', () => {
  it('reads the member chain at a column', () => {
    const line = 'const first: string = rows[0].toUpperCase();';
    expect(chainAt(line, line.indexOf('rows'))).toBe('rows[0].toUpperCase');
  });
});

describe('cleanCodeLine and inlineCode', () => {
  it('removes a code-frame gutter and control characters', () => {
    expect(cleanCodeLine('> 12 |   const n = user.name;\u0000')).toBe('const n = user.name;');
    expect(cleanCodeLine('   ')).toBeUndefined();
  });

  it('keeps code spans intact', () => {
    expect(inlineCode('a`b')).toBe('`` a`b ``');
    expect(inlineCode('x'.repeat(500)).length).toBeLessThan(130);
  });
});

describe('requireToImport', () => {
  it.each([
    ["const fs = require('node:fs');", "import fs from 'node:fs';"],
    ['const { join, dirname } = require("node:path");', 'import { join, dirname } from \'node:path\';'],
    ["const { readFile: read } = require('node:fs/promises');", "import { readFile as read } from 'node:fs/promises';"],
    ["const parse = require('yaml').parse;", "import { parse } from 'yaml';"],
    ["const x = require(name);", undefined],
  ])('%s', (line, expected) => {
    expect(requireToImport(line)).toBe(expected);
  });
});

describe('extractDiff', () => {
  const diff = '--- a/x.js\n+++ b/x.js\n@@ -1 +1 @@\n-a\n+b';

  it('takes a ```diff block and keeps the prose', () => {
    expect(extractDiff(`Because.\n\n\`\`\`diff\n${diff}\n\`\`\`\nDone.`)).toEqual({ ok: true, diff: `${diff}\n`, explanation: 'Because. Done.' });
  });

  it('takes an unlabelled fence holding a diff, and a raw diff', () => {
    expect(extractDiff(`\`\`\`\n${diff}\n\`\`\``)).toMatchObject({ ok: true, diff: `${diff}\n` });
    expect(extractDiff(`Fix:\n${diff}`)).toMatchObject({ ok: true, diff: `${diff}\n`, explanation: 'Fix:' });
  });

  it('says why there is none', () => {
    expect(extractDiff('Add a check.')).toEqual({ ok: false, reason: 'the answer holds no unified diff' });
    expect(extractDiff('```js\nx()\n```')).toEqual({ ok: false, reason: 'the answer has code blocks but none is a unified diff (--- / +++ headers and @@ hunks)' });
  });
});
