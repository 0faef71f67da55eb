import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDiffFilter } from '../../../../agents/review/diff/diff-filter.js';
import { changedLines } from '../../../../agents/review/diff/git-diff.js';
import { parseUnifiedDiff } from '../../../../agents/review/diff/parse-unified-diff.js';
import type { Finding } from '../../../../shared/findings/finding.js';
import { makeRepo, type TempRepo } from '../../../helpers/git-repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});
function repo(): TempRepo {
  const r = makeRepo();
  repos.push(r);
  return r;
}

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';

function finding(file: string, line: number): Finding {
  return {
    ruleId: 'test/rule',
    agent: 'test',
    severity: 'warning',
    message: 'm',
    file,
    range: { start: { line, column: 1 }, end: { line, column: 2 } },
    fingerprint: `${file}:${line}`,
  };
}

describe('parseUnifiedDiff', () => {
  it('maps hunks to added and context lines of the new file', () => {
    const diff = parseUnifiedDiff(
      ['diff --git a/x.ts b/x.ts', '--- a/x.ts', '+++ b/x.ts', '@@ -1,3 +1,4 @@', ' a', '-b', '+c', '+d', ' e', ''].join('\n'),
    );
    const x = diff.get('x.ts')!;
    expect(x.status).toBe('modified');
    expect([...x.added]).toEqual([2, 3]);
    expect([...x.context].sort()).toEqual([1, 2, 3, 4]);
  });

  it('reports renames and skips deletions', () => {
    const diff = parseUnifiedDiff(
      [
        'diff --git a/old.ts b/new.ts', 'similarity index 90%', 'rename from old.ts', 'rename to new.ts', '--- a/old.ts', '+++ b/new.ts', '@@ -1 +1 @@', '-a', '+b',
        'diff --git a/gone.ts b/gone.ts', 'deleted file mode 100644', '--- a/gone.ts', '+++ /dev/null', '@@ -1 +0,0 @@', '-x', '',
      ].join('\n'),
    );
    expect([...diff.keys()]).toEqual(['new.ts']);
    expect(diff.get('new.ts')).toMatchObject({ status: 'renamed', oldPath: 'old.ts' });
  });

  it('rejects a malformed hunk with a message that says what was expected', () => {
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ -1,2 +1,5 @@\n+only one\n', 'webhook diff')).toThrow(/Could not parse the webhook diff.*unified diff/);
  });

  it('never crashes on arbitrary text (fuzz): it parses or throws InvalidInputError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('', '--- a/f\n+++ b/f\n@@ -1 +1 @@\n'), (junk, header) => {
        try {
          parseUnifiedDiff(header + junk);
        } catch (error) {
          expect((error as Error).name).toBe('InvalidInputError');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('changedLines (real git)', () => {
  it('worktree: modified lines, staged changes and untracked files', async () => {
    const r = repo();
    r.write('a.js', lines(10));
    r.write('b.js', lines(3));
    r.commit('init');
    r.write('a.js', lines(10).replace('line 5\n', 'changed 5\nadded\n'));
    r.write('c.js', 'one\ntwo\n');
    r.write('b.js', lines(3) + 'staged\n');
    r.git('add', 'b.js');
    const { diff } = await changedLines(r.dir, { kind: 'worktree' });
    expect([...diff.get('a.js')!.added]).toEqual([5, 6]);
    expect([...diff.get('b.js')!.added]).toEqual([4]);
    expect([...diff.get('c.js')!.added]).toEqual([1, 2]);
    expect(diff.get('c.js')!.status).toBe('added');
  });

  it('base: compares with the merge base, ignoring commits that landed on the base since', async () => {
    const r = repo();
    r.write('a.js', lines(5));
    r.commit('init');
    r.git('checkout', '-q', '-b', 'feature');
    r.write('a.js', lines(5).replace('line 2', 'feature 2'));
    r.commit('feature work');
    r.git('checkout', '-q', 'main');
    r.write('main-only.js', 'x\n');
    r.commit('main moved on');
    r.git('checkout', '-q', 'feature');
    const { diff } = await changedLines(r.dir, { kind: 'base', base: 'main' });
    expect([...diff.keys()]).toEqual(['a.js']);
    expect([...diff.get('a.js')!.added]).toEqual([2]);
  });

  it('range: base...head commits', async () => {
    const r = repo();
    r.write('src/x.ts', lines(4));
    const base = r.commit('init');
    r.write('src/x.ts', lines(4) + 'more\n');
    const head = r.commit('more');
    const { diff } = await changedLines(r.dir, { kind: 'range', base, head });
    expect([...diff.get('src/x.ts')!.added]).toEqual([5]);
  });

  it('a repository without commits: every file is new', async () => {
    const r = repo();
    r.write('a.js', 'x\ny\n');
    const { diff } = await changedLines(r.dir, { kind: 'worktree' });
    expect([...diff.get('a.js')!.added]).toEqual([1, 2]);
  });

  it('a folder that is not a git repo and an unknown ref give clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-nogit-'));
    try {
      await expect(changedLines(dir, { kind: 'worktree' })).rejects.toThrow(/not inside a git repository.*--all/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const r = repo();
    r.write('a', 'a\n');
    r.commit('init');
    await expect(changedLines(r.dir, { kind: 'base', base: 'no-such-branch' })).rejects.toThrow(/"no-such-branch" does not exist/);
    await expect(changedLines(r.dir, { kind: 'base', base: '--output=/tmp/pwned' })).rejects.toThrow(/not a valid git ref/);
  });
});

describe('applyDiffFilter', () => {
  const diff = parseUnifiedDiff(['--- a/x.ts', '+++ b/x.ts', '@@ -1,3 +1,4 @@', ' a', '-b', '+c', '+d', ' e', ''].join('\n'));
  const fs = [finding('x.ts', 1), finding('x.ts', 2), finding('x.ts', 9), finding('other.ts', 2)];
  const report = (mode: Parameters<typeof applyDiffFilter>[2]) => applyDiffFilter(fs, diff, mode).map((f) => f.shouldReport);

  it('marks rather than drops, per reviewdog mode', () => {
    expect(report('added')).toEqual([false, true, false, false]);
    expect(report('diff_context')).toEqual([true, true, false, false]);
    expect(report('file')).toEqual([true, true, true, false]);
    expect(report('nofilter')).toEqual([true, true, true, true]);
    expect(applyDiffFilter(fs, diff, 'added').map((f) => f.inDiff)).toEqual([true, true, false, false]);
  });

  it('keeps a finding already suppressed unreported', () => {
    const suppressed = { ...finding('x.ts', 2), shouldReport: false };
    expect(applyDiffFilter([suppressed], diff, 'nofilter')[0]!.shouldReport).toBe(false);
  });
});
