import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { detectTestRunner, detectTestRunners } from '../../../../agents/review/tests/detect-test-runner.js';
import { linkJest, tempProject } from './temp-project.js';

const cleanups: (() => Promise<void>)[] = [];
async function project(files: Record<string, string>): Promise<string> {
  const p = await tempProject(files);
  cleanups.push(p.dispose);
  return p.root;
}
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((d) => d()));
});

describe('detectTestRunner', () => {
  it.each([
    ['scripts.test names vitest before jest is a dependency', { 'package.json': JSON.stringify({ scripts: { test: 'vitest run' }, devDependencies: { jest: '30' } }) }, 'vitest', /scripts\.test runs vitest/],
    ['node --test in scripts.test', { 'package.json': JSON.stringify({ scripts: { test: 'node --test test/' } }) }, 'node-test', /node --test/],
    ['a mocha devDependency', { 'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' }, devDependencies: { mocha: '10' } }) }, 'mocha', /depends on mocha/],
    ['a jest config file', { 'package.json': '{}', 'jest.config.mjs': 'export default {}' }, 'jest', /jest\.config\.mjs/],
    ['a vitest config file and no package.json', { 'vitest.config.ts': 'export default {}' }, 'vitest', /vitest\.config\.ts/],
    ['a .mocharc.yml', { '.mocharc.yml': 'spec: test' }, 'mocha', /\.mocharc\.yml/],
    ['node --test in another script', { 'package.json': JSON.stringify({ scripts: { 'test:unit': 'node --experimental-test-coverage --test' } }) }, 'node-test', /scripts\.test:unit/],
    ['pytest.ini', { 'pytest.ini': '[pytest]\n' }, 'pytest', /pytest\.ini/],
    ['pyproject.toml with [tool.pytest.ini_options]', { 'pyproject.toml': '[project]\nname="x"\n[tool.pytest.ini_options]\naddopts="-q"\n' }, 'pytest', /pyproject/],
    ['test_*.py under tests/', { 'tests/test_x.py': 'def test_a(): pass\n' }, 'pytest', /test_x\.py/],
  ])('detects %s', async (_what, files, runner, reason) => {
    const detected = await detectTestRunner(await project(files));
    expect(detected?.runner).toBe(runner);
    expect(detected?.reason).toMatch(reason);
  });

  it('prefers the local node_modules/.bin binary and otherwise uses npx --no-install (never a download)', async () => {
    const withBin = await project({ 'package.json': JSON.stringify({ devDependencies: { jest: '30' } }) });
    await linkJest(withBin);
    expect(await detectTestRunner(withBin)).toMatchObject({ command: join(withBin, 'node_modules', '.bin', 'jest'), args: [] });
    const without = await project({ 'package.json': JSON.stringify({ devDependencies: { mocha: '10' } }) });
    expect(await detectTestRunner(without)).toMatchObject({ command: 'npx', args: ['--no-install', 'mocha'] });
  });

  it('runs node:test with this node and pytest through python -m pytest', async () => {
    expect(await detectTestRunner(await project({ 'package.json': JSON.stringify({ scripts: { test: 'node --test' } }) }))).toMatchObject({ command: process.execPath, args: [] });
    expect(await detectTestRunner(await project({ 'conftest.py': '' }))).toMatchObject({ command: 'python3', args: ['-m', 'pytest'] });
  });

  it('finds one runner per language in a mixed project, JavaScript first', async () => {
    const runners = await detectTestRunners(await project({ 'package.json': JSON.stringify({ scripts: { test: 'jest' } }), 'pytest.ini': '[pytest]\n' }));
    expect(runners.map((r) => [r.runner, r.language])).toEqual([
      ['jest', 'js'],
      ['pytest', 'python'],
    ]);
  });

  it('finds nothing in a project without tests', async () => {
    expect(await detectTestRunner(await project({ 'README.md': '# hi', 'package.json': JSON.stringify({ scripts: { build: 'tsc' } }) }))).toBeUndefined();
  });

  it('says which file to fix when package.json is broken', async () => {
    await expect(detectTestRunner(await project({ 'package.json': '{"scripts": {' }))).rejects.toThrow(/package\.json in .* is not valid JSON/);
    await expect(detectTestRunner(await project({ 'package.json': JSON.stringify({ scripts: { test: 42 } }) }))).rejects.toThrow(/'scripts\.test'/);
    await expect(detectTestRunner('/nonexistent/orchestra-folder')).rejects.toThrow(/Cannot list the project folder/);
  });
});
