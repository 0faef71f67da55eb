import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EslintInstanceCache } from '../../../../agents/review/style/eslint-instance-cache.js';
import { lintFiles } from '../../../../agents/review/style/lint-files.js';
import { compileForNode } from './compile-for-node.js';
import { makeTempRepo, removeTempRepos, writeRepoFile } from './temp-repo.js';

// The worker runs the compiled module under Node's own loader, in a real worker thread.
const DRIVER = `
import { parentPort } from 'node:worker_threads';
import styleWorker from './agents/review/style/style-worker.js';
parentPort.on('message', async (input) => {
  try {
    parentPort.postMessage({ findings: await styleWorker(input) });
  } catch (error) {
    parentPort.postMessage({ error: { name: error.name, message: error.message } });
  }
});
`;

let worker: Worker;
type Reply = { findings?: unknown[]; error?: { name: string; message: string } };
/** Sends one task to the worker and waits for its reply (tasks run one at a time). */
async function ask(input: unknown): Promise<Reply> {
  const reply = new Promise<Reply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  worker.postMessage(input);
  try {
    return await reply;
  } finally {
    worker.removeAllListeners('error');
  }
}

beforeAll(async () => {
  const out = await makeTempRepo();
  await compileForNode('agents/review/style/style-worker.ts', out);
  await writeFile(join(out, 'driver.mjs'), DRIVER);
  worker = new Worker(join(out, 'driver.mjs'));
});

afterAll(async () => {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  await worker.terminate();
  await exited;
  expect(worker.listenerCount('message')).toBe(0);
  await removeTempRepos();
});

const ESM = JSON.stringify({ type: 'module' });
const CODE = 'const unused = 1\nif (a == b) run();\n';

describe('the style-validator inside a worker thread', () => {
  it('returns the same findings as in the main thread (plain data across postMessage)', async () => {
    const root = await makeTempRepo();
    const files = [
      { path: 'a.js', text: CODE },
      { path: 'b.ts', text: 'let n: any = 1;\nexport { n };\n' },
    ];
    const here = await lintFiles(root, files, { cache: new EslintInstanceCache() });
    const there = await ask({ root, files });
    expect(there.error).toBeUndefined();
    expect(there.findings).toEqual(here);
    expect(here.length).toBeGreaterThan(3);
  });

  it('applies an edited config at once: the stale instance is replaced, and Node re-imports the file', async () => {
    const root = await makeTempRepo({ 'package.json': ESM, 'eslint.config.js': "export default [{ rules: { semi: 'error' } }];\n" });
    const input = { root, files: [{ path: 'a.js', text: CODE }] };
    const before = await ask(input);
    expect((before.findings as { ruleId: string }[]).map((f) => f.ruleId)).toEqual(['eslint/semi']);
    await writeRepoFile(root, 'eslint.config.js', "export default [{ rules: { eqeqeq: 'error' } }];\n");
    const after = await ask(input);
    expect((after.findings as { ruleId: string }[]).map((f) => f.ruleId)).toEqual(['eslint/eqeqeq']);
  });

  it('reports a plugin that is not installed with Node’s own message, as one finding', async () => {
    const root = await makeTempRepo({
      'package.json': ESM,
      'eslint.config.js': "import nope from 'eslint-plugin-nope';\nexport default [{ plugins: { nope } }];\n",
    });
    const reply = await ask({ root, files: [{ path: 'a.js', text: CODE }, { path: 'b.js', text: CODE }] });
    expect(reply.findings).toHaveLength(1);
    expect(reply.findings![0]).toMatchObject({
      ruleId: 'style/config-error',
      file: 'eslint.config.js',
      range: { start: { line: 1, column: 18 } },
      help: 'Install the missing package (npm install --save-dev eslint-plugin-nope) or remove it from the config.',
    });
    expect((reply.findings![0] as { message: string }).message).toMatch(/Cannot find package 'eslint-plugin-nope'/);
  });

  it('rejects malformed task input with InvalidInputError naming the key', async () => {
    const reply = await ask({ root: '/tmp', files: [{ path: 'a.js', text: 1 }] });
    expect(reply.error?.name).toBe('InvalidInputError');
    expect(reply.error?.message).toMatch(/files\.0\.text/);
  });
});
