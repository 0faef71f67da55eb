/**
 * A workspace session with a host's overrides (the editor's settings) and its trust, on a real git
 * repository: overrides beat the config file and a refused one leaves the file's value; in a folder
 * that is not trusted the repository's ESLint config (a module: code) is never loaded and the test
 * runner stays off, and trusting the folder lifts both.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceSession } from '../../../agents/session/workspace-session.js';
import type { ConfigOverride } from '../../../shared/config/index.js';
import { makeRepo, type TempRepo } from '../../helpers/git-repo.js';

/** Cyclomatic complexity 5. */
const GRADE = "export function grade(score) {\n  if (score > 90) return 'A';\n  if (score > 80) return 'B';\n  if (score > 70) return 'C';\n  if (score == 60) return 'D';\n  return 'F';\n}\n";
const settings = { agents: ['syntax', 'style', 'security', 'complexity'] as ('syntax' | 'style' | 'security' | 'complexity')[], newCodeOnly: false };
const cyclomatic = (value: unknown): ConfigOverride => ({ path: ['review', 'complexity', 'cyclomatic'], value, origin: 'workspace settings' });

let repo: TempRepo;
let session: WorkspaceSession;
let marker = '';

const ruleIds = () => (session.findings.get('src/grade.js') ?? []).map((f) => f.ruleId);
const complexityMessage = () => (session.findings.get('src/grade.js') ?? []).find((f) => f.agent === 'complexity-analyzer')?.message;

beforeAll(async () => {
  repo = makeRepo('orchestra-session-settings-');
  marker = join(repo.dir, '..', `${repo.dir.split('/').pop()}-eslint-config-loaded`);
  repo.write('package.json', JSON.stringify({ name: 'fixture', type: 'module' }));
  // Loading this config is running the repository's code: it leaves a marker file.
  repo.write('eslint.config.js', `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'loaded');\nexport default [{ rules: { eqeqeq: 'error' } }];\n`);
  repo.write('src/grade.js', GRADE);
  repo.write('orchestra.config.json', JSON.stringify({ review: { complexity: { cyclomatic: 3 }, agents: { tests: { run: true } } }, permissions: { trustedRepository: true } }));
  repo.commit('initial');
  session = await WorkspaceSession.create({ root: repo.dir, version: 'test', threads: 0, trusted: false });
});

afterAll(async () => {
  await session?.close();
  repo?.cleanup();
  if (marker) rmSync(marker, { force: true });
});

describe('a session in a folder that is not trusted', () => {
  it("reviews with the file's config but never loads the repository's ESLint config nor runs its tests", async () => {
    const result = await session.review(['src/grade.js'], settings);
    expect(complexityMessage()).toMatch(/cyclomatic complexity of 5 \(threshold 3\)/);
    expect(ruleIds()).not.toContain('eslint/eqeqeq');
    expect(existsSync(marker)).toBe(false);
    expect(result.notices).toContain('The test runner stays off: this folder is not trusted, and running its tests would run its code. Trust the folder to let it run.');
  });

  it('lets overrides beat the file, and keeps the last overrides on a plain reload', async () => {
    await session.reloadConfig([cyclomatic(4)]);
    await session.review(['src/grade.js'], settings);
    expect(complexityMessage()).toMatch(/\(threshold 4\)/);
    await session.reloadConfig();
    expect(session.effectiveConfig.review.complexity.cyclomatic).toBe(4);
    await session.reloadConfig([cyclomatic(10)]);
    await session.review(['src/grade.js'], settings);
    expect(complexityMessage()).toBeUndefined();
  });

  it("drops a refused override, keeping the file's value, and lists it", async () => {
    await session.reloadConfig([cyclomatic(0)]);
    expect(session.overrideProblems.map((p) => [p.key, p.message])).toEqual([['review.complexity.cyclomatic', 'expected a number at least 1, found number 0']]);
    expect(session.effectiveConfig.review.complexity.cyclomatic).toBe(3);
    await session.review(['src/grade.js'], settings);
    expect(complexityMessage()).toMatch(/\(threshold 3\)/);
  });
});

describe('the same session once the folder is trusted', () => {
  it("loads the repository's ESLint config and lets the test runner run", async () => {
    session.trusted = true;
    await session.reloadConfig([]);
    const result = await session.review(['src/grade.js'], settings);
    expect(existsSync(marker)).toBe(true);
    expect(ruleIds()).toContain('eslint/eqeqeq');
    expect(result.notices.join('\n')).not.toMatch(/test runner stays off/);
    // The runner was started: with no test setup in the repository, it says it found none.
    expect(result.notices.join('\n')).toMatch(/No test runner found in /);
  });
});
