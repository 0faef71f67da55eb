/**
 * Wordings no runtime on this machine prints: Firefox (SpiderMonkey), Safari (JavaScriptCore),
 * Node before 16 (V8's older wording), chai/vitest, mocha, browsers. Each message below is quoted
 * as that engine or tool prints it (its own source or documentation); the real-run tests cover
 * everything that can run here.
 */
import { describe, expect, it } from '@jest/globals';
import { suggestFixes } from '../../../../agents/error/fix/index.js';

function top(message: string, codeLine?: string, column?: number) {
  const all = suggestFixes({ error: { message }, ...(codeLine !== undefined ? { codeLine, fault: { file: 'src/a.js', line: 3, ...(column !== undefined ? { column } : {}), via: 'stack' as const } } : {}) });
  return all[0];
}

describe('reading a property of undefined in other engines', () => {
  it("older V8: Cannot read property 'x' of undefined", () => {
    const s = top("TypeError: Cannot read property 'name' of undefined", 'const n = user.profile.name;');
    expect(s?.rule).toBe('undefined-property');
    expect(s?.detail).toContain('`user.profile` is undefined here; guard with `user.profile?.name` or check why `profile` is missing');
  });

  it('Safari: undefined is not an object (evaluating …)', () => {
    const s = top("TypeError: undefined is not an object (evaluating 'user.profile.name')");
    expect(s?.rule).toBe('undefined-property');
    expect(s?.detail).toContain('`user.profile` is undefined here; guard with `user.profile?.name`');
  });

  it('Safari: null is not an object with an index', () => {
    const s = top("TypeError: null is not an object (evaluating 'rows[0]')");
    expect(s?.detail).toContain('`rows` is null here; guard with `rows?.[0]`');
  });

  it('Firefox: x is undefined, with the code line naming the property', () => {
    const s = top('TypeError: user.profile is undefined', 'const n = user.profile.name;');
    expect(s?.rule).toBe('undefined-property');
    expect(s?.detail).toContain('guard with `user.profile?.name`');
  });

  it("Firefox: can't access property", () => {
    const s = top(`TypeError: can't access property "name", user.profile is undefined`);
    expect(s?.detail).toContain('`user.profile` is undefined here; guard with `user.profile?.name`');
  });

  it('Firefox: too much recursion', () => {
    expect(top('InternalError: too much recursion')?.rule).toBe('stack-overflow');
  });
});

describe('test runners that are not installed here', () => {
  it('chai / vitest: expected … to equal …', () => {
    const s = top("AssertionError: expected 'draft' to equal 'published'", "expect(post.status).to.equal('published');");
    expect(s?.rule).toBe('chai-assertion');
    expect(s?.detail).toContain("`post.status` is `'draft'`, expected it to equal `'published'`");
  });

  it('vitest: expected … to be … // Object.is equality', () => {
    const s = top('AssertionError: expected { a: 1 } to be { a: 1 } // Object.is equality');
    expect(s?.detail).toContain('compare objects with `deep.equal`/`toEqual`');
  });

  it('mocha: Timeout of 2000ms exceeded', () => {
    const s = top('Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called; if returning a Promise, ensure it resolves.');
    expect(s?.rule).toBe('test-timeout');
    expect(s?.detail).toContain('within 2000 ms');
    expect(s?.detail).toContain('`this.timeout(10000)`');
  });

  it('vitest: Test timed out in 5000ms', () => {
    expect(top('Error: Test timed out in 5000ms.')?.rule).toBe('test-timeout');
  });
});

describe('other wordings', () => {
  it('browser: Uncaught (in promise)', () => {
    const s = top('Uncaught (in promise) Error: 401 Unauthorized', 'loadProfile();');
    expect(s?.rule).toBe('unhandled-rejection');
    expect(s?.detail).toContain('`loadProfile()` on this line is neither awaited');
  });

  it('git over SSH: Permission denied (publickey)', () => {
    const s = top('git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.');
    expect(s?.rule).toBe('permission-denied');
    expect(s?.title).toBe('SSH key refused');
    expect(s?.detail).toContain('`ssh -T git@github.com`');
  });

  it('a Java NullPointerException without a helpful message lists the candidates on the line', () => {
    const s = top('Exception in thread "main" java.lang.NullPointerException', 'String s = repo.find(id).getName();');
    expect(s?.rule).toBe('null-pointer');
    expect(s?.detail).toContain('One of `repo`, `repo.find(id)` is null where its method is called');
  });

  it('Java OutOfMemoryError', () => {
    const s = top('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space');
    expect(s?.rule).toBe('heap-out-of-memory');
    expect(s?.detail).toContain('`-Xmx`');
  });

  it('TS2307 for a relative path', () => {
    const s = top("src/app.ts(1,22): error TS2307: Cannot find module './config' or its corresponding type declarations.");
    expect(s?.rule).toBe('ts2307');
    expect(s?.detail).toContain('`./config.js`');
  });

  it('TS1259 esModuleInterop', () => {
    const s = top(`error TS1259: Module '"express"' can only be default-imported using the 'esModuleInterop' flag`);
    expect(s?.rule).toBe('ts1192');
    expect(s?.detail).toContain('"esModuleInterop": true');
  });
});
