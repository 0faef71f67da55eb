import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { allLinesChanged, pullRequestDiff, type PullRequestFile } from '../../../github-app/review/pull-request-diff.js';

describe('pullRequestDiff (GitHub pull request files → changed lines)', () => {
  it('maps GitHub hunks to added and context lines on the new side', () => {
    const { diff, withoutPatch } = pullRequestDiff([
      { filename: 'a.js', status: 'modified', patch: '@@ -1,3 +1,4 @@\n const a = 1;\n-const b = 2;\n+const b = 3;\n+const c = 4;\n const d = 5;' },
      { filename: 'dir with space/ü "q".ts', status: 'added', patch: '@@ -0,0 +1,2 @@\n+x\n+y' },
      { filename: 'gone.js', status: 'removed', patch: '@@ -1 +0,0 @@\n-x' },
    ]);
    expect([...diff.keys()]).toEqual(['a.js', 'dir with space/ü "q".ts']);
    expect([...diff.get('a.js')!.added]).toEqual([2, 3]);
    expect([...diff.get('a.js')!.context].sort()).toEqual([1, 2, 3, 4]);
    expect(diff.get('dir with space/ü "q".ts')).toMatchObject({ status: 'added' });
    expect(withoutPatch.size).toBe(0);
  });

  it('treats a file without a patch (too large, binary) as wholly changed once its text is known, and a pure rename as unchanged', () => {
    const { diff, withoutPatch } = pullRequestDiff([
      { filename: 'big.js', status: 'modified' },
      { filename: 'moved.js', status: 'renamed', previous_filename: 'old.js', changes: 0 },
    ]);
    expect([...withoutPatch]).toEqual(['big.js']);
    expect(diff.has('moved.js')).toBe(false);
    allLinesChanged(diff.get('big.js')!, 'a\nb\nc');
    expect([...diff.get('big.js')!.added]).toEqual([1, 2, 3]);
  });

  it('reports malformed patches as notices and keeps going', () => {
    const { diff, withoutPatch, notices } = pullRequestDiff([
      { filename: 'bad.js', status: 'modified', patch: '@@ -x,y +z @@\n+oops' },
      { filename: 'ok.js', status: 'added', patch: '@@ -0,0 +1 @@\n+fine' },
    ]);
    expect(diff.has('ok.js')).toBe(true);
    expect(withoutPatch.has('bad.js') || diff.get('bad.js')!.added.size === 0).toBe(true);
    expect(notices.length + (withoutPatch.has('bad.js') ? 0 : 1)).toBeGreaterThanOrEqual(1);
  });

  it('never throws on hostile file lists', () => {
    const file = fc.record({
      filename: fc.oneof(fc.string({ maxLength: 50 }), fc.constant('')),
      status: fc.constantFrom('added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged'),
      patch: fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.constant('@@ -1,2 +1,2 @@\n-a\n+b\n c')), { nil: undefined }),
      changes: fc.option(fc.nat(10), { nil: undefined }),
    }) as fc.Arbitrary<PullRequestFile>;
    fc.assert(fc.property(fc.array(file, { maxLength: 20 }), (files) => {
      const { diff } = pullRequestDiff(files);
      for (const change of diff.values()) for (const line of change.added) expect(change.context.has(line)).toBe(true);
    }), { numRuns: 300 });
  });
});
