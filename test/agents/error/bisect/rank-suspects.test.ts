import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rankSuspects } from '../../../../agents/error/bisect/index.js';
import { makeRepo, type TempRepo } from '../../../helpers/git-repo.js';
import { importCommits } from './history.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

const lines = (n: number, edit: Record<number, string> = {}): string =>
  Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';

/** app.js written by Ada; line 5 rewritten by Bob, line 8 by Cy; util.js by Bob. */
function setup(): { repo: TempRepo; shas: string[] } {
  const repo = makeRepo('orchestra-test-blame-');
  repos.push(repo);
  const shas = importCommits(repo, [
    { message: 'add app', files: { 'src/app.js': lines(12), 'src/util.js': lines(3) }, author: { name: 'Ada', email: 'ada@example.invalid' } },
    { message: 'tweak line 5', files: { 'src/app.js': lines(12, { 5: 'bob was here' }) }, author: { name: 'Bob', email: 'bob@example.invalid' } },
    { message: 'tweak line 8', files: { 'src/app.js': lines(12, { 5: 'bob was here', 8: 'cy was here' }) }, author: { name: 'Cy', email: 'cy@example.invalid' } },
  ]);
  return { repo, shas };
}

describe('rankSuspects', () => {
  it('ranks the commits that last touched the faulting lines first, with scores and lines', async () => {
    const { repo, shas } = setup();
    const suspects = await rankSuspects({
      repo: repo.dir,
      locations: [
        { file: 'src/app.js', line: 5 },
        { file: join(repo.dir, 'src/app.js'), line: 5 }, // the same line, absolute
        { file: './src/app.js', line: 8 },
        { file: 'src/missing.js', line: 1 },
        { file: 'src/app.js', line: 999 },
        { file: '/elsewhere/app.js', line: 3 },
      ],
    });
    // Bob and Cy each wrote one faulting line (the repeated location counts once): the tie goes to the newer commit.
    expect(suspects.map((s) => s.author.name)).toEqual(['Cy', 'Bob', 'Ada']);
    const [cy, bob, ada] = suspects;
    expect(bob).toMatchObject({ sha: shas[1], subject: 'tweak line 5', lines: [{ file: 'src/app.js', line: 5, exact: true }] });
    expect(cy).toMatchObject({ sha: shas[2], lines: [{ file: 'src/app.js', line: 8, exact: true }] });
    // Ada wrote the neighbours (3, 4, 6, 7 around 5; 6, 7, 9, 10 around 8): 6 lines at 0.1.
    expect(ada!.lines.every((l) => !l.exact)).toBe(true);
    expect(ada!.lines.map((l) => l.line)).toEqual([3, 4, 6, 7, 9, 10]);
    expect(bob!.score).toBeCloseTo(1 / 2.6, 3);
    expect(ada!.score).toBeCloseTo(0.6 / 2.6, 3);
    expect(bob!.score + cy!.score + ada!.score).toBeCloseTo(1, 2);
    expect(bob!.date).toMatch(/^2023-11-14T\d\d:\d\d:\d\d\+00:00$/);
    expect(bob!.author.email).toBe('bob@example.invalid');
  });

  it('counts uncommitted lines in the working tree but blames no commit for them; rev blames a commit instead', async () => {
    const { repo, shas } = setup();
    repo.write('src/util.js', lines(3, { 2: 'edited, not committed' }));
    const dirty = await rankSuspects({ repo: repo.dir, locations: [{ file: 'src/util.js', line: 2 }], context: 0 });
    expect(dirty).toEqual([]);
    const atHead = await rankSuspects({ repo: repo.dir, locations: [{ file: 'src/util.js', line: 2 }], context: 0, rev: 'HEAD' });
    expect(atHead).toMatchObject([{ sha: shas[0], score: 1, lines: [{ file: 'src/util.js', line: 2, exact: true }] }]);
  });

  it('returns nothing for locations it cannot blame', async () => {
    const { repo } = setup();
    expect(await rankSuspects({ repo: repo.dir, locations: [] })).toEqual([]);
    expect(await rankSuspects({ repo: repo.dir, locations: [{ file: 'nope.js', line: 1 }, { file: 'src/app.js', line: 0 }] })).toEqual([]);
    await expect(rankSuspects({ repo: '/', locations: [] })).rejects.toThrow(/not inside a git work tree/);
  });
});
