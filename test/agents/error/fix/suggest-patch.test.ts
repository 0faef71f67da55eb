/**
 * suggestPatch with LangChain's FakeListChatModel standing in for the provider (no real model is
 * reachable from tests): what the model receives (bounded, redacted, grounded on the code frame and
 * the failing test), and what happens to each kind of answer. Files are never written.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BaseMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPatch, suggestPatch } from '../../../../agents/error/fix/index.js';
import type { FaultLocation } from '../../../../agents/error/types.js';
import { CancelledError } from '../../../../shared/errors/errors.js';
import { makeRepo } from '../../../helpers/git-repo.js';
import type { TempRepo } from '../../../helpers/git-repo.js';

const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const USER_JS = [
  "import { S3Client } from '@aws-sdk/client-s3';",
  '',
  `const s3 = new S3Client({ credentials: { accessKeyId: '${AWS_KEY}', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } });`,
  '',
  'export function displayName(user) {',
  '  const n = user.profile.name;',
  '  return n.trim();',
  '}',
  '',
  'export { s3 };',
  '',
].join('\n');
const TEST_EXCERPT = [
  "  ● displayName › works without a profile",
  '',
  "    TypeError: Cannot read properties of undefined (reading 'name')",
  '',
  '      at displayName (src/user.js:6:28)',
  "      at Object.<anonymous> (test/user.test.js:4:12)",
  '',
  "    test('works without a profile', () => { expect(displayName({})).toBe(''); });",
].join('\n');
const MESSAGE = "TypeError: Cannot read properties of undefined (reading 'name')";
const FAULT: FaultLocation = { file: 'src/user.js', line: 6, column: 28, function: 'displayName', via: 'stack' };

const FIX = [
  '--- a/src/user.js',
  '+++ b/src/user.js',
  '@@ -5,4 +5,4 @@',
  ' export function displayName(user) {',
  '-  const n = user.profile.name;',
  "+  const n = user.profile?.name ?? '';",
  '   return n.trim();',
  ' }',
].join('\n');

let repo: TempRepo;

beforeEach(() => {
  repo = makeRepo('orchestra-fix-llm-');
  repo.write('src/user.js', USER_JS);
  repo.commit('initial');
});

afterEach(() => {
  repo.cleanup();
});

/** A fake model answering `responses` in turn, recording every prompt it receives. */
function fakeModel(responses: string[], options: { sleep?: number } = {}): { model: FakeListChatModel; prompts: BaseMessage[][] } {
  const prompts: BaseMessage[][] = [];
  const model = new FakeListChatModel({
    responses,
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
    callbacks: [{ handleChatModelStart: (_llm, messages) => void prompts.push(...messages) }],
  });
  return { model, prompts };
}

function promptText(prompts: BaseMessage[][]): string {
  return prompts.flat().map((m) => m.text).join('\n');
}

describe('suggestPatch accepts', () => {
  it('a correct diff in a ```diff block: checked, canonical, with the explanation, nothing written', async () => {
    const { model } = fakeModel([`\`user.profile\` is undefined for users without a profile.\n\n\`\`\`diff\n${FIX}\n\`\`\`\n`]);
    const result = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT, testExcerpt: TEST_EXCERPT });
    expect(result.rejected).toBeUndefined();
    expect(result.suggestion).toMatchObject({ rule: 'llm', title: 'Patch for src/user.js', detail: '`user.profile` is undefined for users without a profile.', confidence: 0.5 });
    const patch = result.suggestion?.patch ?? '';
    expect(patch).toContain("+  const n = user.profile?.name ?? '';");
    expect(patch.startsWith('--- a/src/user.js\n+++ b/src/user.js\n@@ ')).toBe(true);
    await expect(checkPatch(repo.dir, patch)).resolves.toEqual({ ok: true, files: ['src/user.js'] });
    expect(readFileSync(join(repo.dir, 'src/user.js'), 'utf8')).toBe(USER_JS);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('a raw diff without a fence, with wrong hunk counts', async () => {
    const { model } = fakeModel([`Here is the fix:\n${FIX.replace('@@ -5,4 +5,4 @@', '@@ -5,7 +5,3 @@')}\n`]);
    const result = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT });
    expect(result.rejected).toBeUndefined();
    expect(result.suggestion?.detail).toBe('Here is the fix:');
  });

  it('context copied from a redacted line: matched against the real line, and the patch shown applies', async () => {
    const touchingSecretLine = [
      '--- a/src/user.js',
      '+++ b/src/user.js',
      '@@ -3,4 +3,4 @@',
      " const s3 = new S3Client({ credentials: { accessKeyId: '[REDACTED:aws-access-key]', secretAccessKey: '[REDACTED:secret]' } });",
      ' ',
      '-export function displayName(user) {',
      "+export function displayName(user = {}) {",
      '   const n = user.profile.name;',
    ].join('\n');
    const { model } = fakeModel([`\`\`\`diff\n${touchingSecretLine}\n\`\`\``]);
    const result = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT });
    expect(result.rejected).toBeUndefined();
    expect(result.suggestion?.patch).toContain('+export function displayName(user = {}) {');
    await expect(checkPatch(repo.dir, result.suggestion?.patch ?? '')).resolves.toEqual({ ok: true, files: ['src/user.js'] });
  });
});

describe('suggestPatch refuses', () => {
  it('a diff that does not apply, with the reason', async () => {
    const stale = FIX.replace(' export function displayName(user) {', ' export function getDisplayName(user) {');
    const { model } = fakeModel([`\`\`\`diff\n${stale}\n\`\`\``]);
    const result = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT });
    expect(result.suggestion).toBeUndefined();
    expect(result.rejected).toBe("the model's patch was refused: src/user.js: hunk 1 (@@ -5,4 +5,4 @@) does not apply: its context or removed lines are not in the file");
  });

  it('a diff touching ../outside or /etc/passwd', async () => {
    const escape = ['--- a/../outside/x.js', '+++ b/../outside/x.js', '@@ -1 +1 @@', '-a', '+b'].join('\n');
    const passwd = ['--- /etc/passwd', '+++ /etc/passwd', '@@ -1 +1 @@', '-root:x:0:0:root:/root:/bin/bash', '+root::0:0:root:/root:/bin/bash'].join('\n');
    const { model } = fakeModel([`\`\`\`diff\n${escape}\n\`\`\``, `\`\`\`diff\n${passwd}\n\`\`\``]);
    const first = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT });
    expect(first.rejected).toBe('the model\'s patch was refused: the path "../outside/x.js" leaves the root');
    const second = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT });
    expect(second.rejected).toBe('the model\'s patch was refused: the path "/etc/passwd" is absolute; only paths relative to the root are accepted');
  });

  it('a prose-only answer (no patch, with a reason)', async () => {
    const { model } = fakeModel(['You should check whether `user.profile` exists before reading `name`.']);
    await expect(suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT })).resolves.toEqual({ rejected: 'no patch: the answer holds no unified diff' });
  });

  it('a code block that is not a diff', async () => {
    const { model } = fakeModel(["```js\nconst n = user.profile?.name ?? '';\n```"]);
    await expect(suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT })).resolves.toEqual({
      rejected: 'no patch: the answer has code blocks but none is a unified diff (--- / +++ headers and @@ hunks)',
    });
  });

  it('a diff that would write a redaction marker into the code', async () => {
    const leak = FIX.replace("+  const n = user.profile?.name ?? '';", "+  const n = user.profile?.name ?? '[REDACTED:aws-access-key]';");
    const { model } = fakeModel([`\`\`\`diff\n${leak}\n\`\`\``]);
    const result = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT });
    expect(result.rejected).toBe("the model's patch was refused: the patch would write a redaction marker into src/user.js");
  });

  it('a fault outside the root, without asking the model', async () => {
    const { model, prompts } = fakeModel([`\`\`\`diff\n${FIX}\n\`\`\``]);
    const result = await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: { ...FAULT, file: '../etc/passwd' } });
    expect(result.rejected).toBe('the fault\'s file is not usable: the path "../etc/passwd" leaves the root');
    expect(prompts).toEqual([]);
  });

  it('a failing model call, with its message redacted', async () => {
    class FailingModel extends FakeListChatModel {
      override async _generate(): Promise<never> {
        throw new Error('401 Unauthorized: invalid key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD');
      }
    }
    const result = await suggestPatch({ model: new FailingModel({ responses: [] }), root: repo.dir, message: MESSAGE, fault: FAULT });
    expect(result.rejected).toMatch(/^the model call failed: 401 Unauthorized: invalid key \[REDACTED:[a-z-]+\]$/);
  });
});

describe('the prompt', () => {
  it('is grounded on the code frame, the failing test and the error, and holds no secret of the code', async () => {
    const { model, prompts } = fakeModel(['no idea']);
    await suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT, testExcerpt: `${TEST_EXCERPT}\n    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` });
    const text = promptText(prompts);
    expect(text).not.toContain(AWS_KEY);
    expect(text).not.toContain('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(text).toContain("accessKeyId: '[REDACTED:aws-access-key]'");
    expect(text).toContain('>  6 |   const n = user.profile.name;');
    expect(text).toContain('   5 | export function displayName(user) {');
    expect(text).toContain('File: src/user.js (the error is at line 6, in displayName)');
    expect(text).toContain(MESSAGE);
    expect(text).toContain("test('works without a profile'");
    expect(text).toContain('`user.profile` is undefined here; guard with `user.profile?.name`'); // the knowledge-base hint
  });

  it('is bounded: ±20 lines of code, long lines and a long test excerpt cut, a 100 KB message clipped', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `const v${i} = ${i}; // ${'x'.repeat(i === 100 ? 5000 : 10)}`);
    repo.write('src/big.js', `${lines.join('\n')}\n`);
    const { model, prompts } = fakeModel(['no idea']);
    await suggestPatch({
      model,
      root: repo.dir,
      message: `${MESSAGE}\n${'m'.repeat(100_000)}`,
      fault: { file: 'src/big.js', line: 100, via: 'stack' },
      testExcerpt: Array.from({ length: 500 }, (_, i) => `test line ${i}`).join('\n'),
    });
    const text = promptText(prompts);
    expect(text).toContain('  80 | const v79 = 79;');
    expect(text).toContain('120 | const v119 = 119;');
    expect(text).not.toContain('const v78 =');
    expect(text).not.toContain('const v120 =');
    expect(text).not.toContain('x'.repeat(1000));
    expect(text).toContain('test line 59');
    expect(text).not.toContain('test line 60');
    expect(text.length).toBeLessThan(30_000);
  });
});

describe('cancellation', () => {
  it('an aborted signal rejects with CancelledError before calling the model', async () => {
    const { model, prompts } = fakeModel([`\`\`\`diff\n${FIX}\n\`\`\``]);
    await expect(suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(prompts).toEqual([]);
  });

  it('aborting while the model answers rejects with CancelledError', async () => {
    const { model } = fakeModel([`\`\`\`diff\n${FIX}\n\`\`\``], { sleep: 300 });
    const controller = new AbortController();
    const pending = suggestPatch({ model, root: repo.dir, message: MESSAGE, fault: FAULT, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});
