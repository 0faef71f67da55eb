import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { makeRepo } from '../helpers/git-repo.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'orchestra.js');
const cache = mkdtempSync(join(tmpdir(), 'orchestra-bin-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

async function orchestra(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, env: { ...process.env, XDG_CACHE_HOME: cache }, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the built orchestra command (worker pool, real process)', () => {
  it('is built (npm test builds first; run `npm run build` when running jest alone)', () => {
    expect(existsSync(join(root, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'agents', 'review', 'swarm', 'review-worker.js'))).toBe(true);
  });

  it('reviews a real repository on worker threads, writes SARIF, and re-reviews from the cache', async () => {
    const repo = makeRepo('orchestra-bin-');
    try {
      repo.write('src/run.js', "const cp = require('child_process');\nexports.run = (req) => cp.execSync('git ' + req.body.args);\n");
      for (let i = 0; i < 40; i++) repo.write(`src/mod${i}.js`, `exports.f${i} = (a) => a + ${i};\n`);
      repo.commit('init');
      const first = await orchestra(repo.dir, 'review', '--all', '--workers', '2', '--format', 'sarif', '--output', 'out.sarif');
      expect(first.code).toBe(1);
      const sarif = JSON.parse(readFileSync(join(repo.dir, 'out.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
      expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('security/command-injection');
      const again = await orchestra(repo.dir, 'review', '--all', '--workers', '2', '--format', 'json');
      expect(again.code).toBe(1);
      expect((JSON.parse(again.stdout) as { summary: { files: number } }).summary.files).toBe(41);
      expect((await orchestra(repo.dir, '--help')).stdout).toMatch(/Usage: orchestra <command>/);
      expect((await orchestra(repo.dir, 'nonsense')).code).toBe(2);
    } finally {
      repo.cleanup();
    }
  });
});
