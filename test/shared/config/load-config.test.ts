import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../shared/config/load-config.js';
import { defaultConfig } from '../../../shared/config/config-schema.js';
import { InvalidInputError } from '../../../shared/errors/errors.js';

const roots: string[] = [];
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'orchestra-config-'));
  roots.push(root);
});
afterAll(async () => {
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function put(name: string, text: string): Promise<string> {
  const file = join(root, name);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

describe('loadConfig: finding the file', () => {
  it('returns the defaults when there is no config file', async () => {
    expect(await loadConfig({ cwd: root })).toEqual({ config: defaultConfig(), file: undefined, rootDir: root });
  });

  it.each(['orchestra.config.json', 'orchestra.config.yaml', 'orchestra.config.yml', '.github/orchestra.yml'])('finds %s', async (name) => {
    const text = name.endsWith('.json') ? '{"review": {"failOn": "never"}}' : 'review:\n  failOn: never\n';
    const file = await put(name, text);
    const loaded = await loadConfig({ cwd: root });
    expect(loaded.file).toBe(file);
    expect(loaded.config.review.failOn).toBe('never');
  });

  it('refuses two competing config files and names both', async () => {
    await put('orchestra.config.json', '{}');
    await put('.github/orchestra.yml', '');
    const error = await loadConfig({ cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('orchestra.config.json, .github/orchestra.yml');
  });

  it('uses an explicit file (relative to cwd) even when others exist', async () => {
    await put('orchestra.config.json', '{}');
    const file = await put('configs/ci.yaml', 'github:\n  inlineComments: false\n');
    const loaded = await loadConfig({ cwd: root, file: 'configs/ci.yaml' });
    expect(loaded.file).toBe(file);
    expect(loaded.config.github.inlineComments).toBe(false);
  });

  it('fails clearly when the explicit file is missing', async () => {
    await expect(loadConfig({ cwd: root, file: 'nope.yml' })).rejects.toThrow(/Config file .*nope\.yml does not exist/);
  });

  it('fails clearly when the explicit file has an unknown extension', async () => {
    await put('orchestra.toml', '');
    await expect(loadConfig({ cwd: root, file: 'orchestra.toml' })).rejects.toThrow(/must end in \.json, \.yaml or \.yml/);
  });
});

describe('loadConfig: errors point at the file and key', () => {
  it('names the file relative to the root and the key path', async () => {
    await put('.github/orchestra.yml', 'review:\n  filter: everything\n');
    const error = (await loadConfig({ cwd: root }).catch((e: unknown) => e)) as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.where).toEqual({ file: '.github/orchestra.yml', key: 'review.filter' });
    expect(error.message).toContain('.github/orchestra.yml:2:11 review.filter: expected one of "added", "diff_context", "file", "nofilter"');
  });

  it('refuses a huge file before parsing it', async () => {
    await put('orchestra.config.yaml', `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expect(loadConfig({ cwd: root })).rejects.toThrow(/is 2097155 bytes; config files are limited to 262144 bytes/);
  });

  it('refuses a directory where the file should be', async () => {
    await mkdir(join(root, 'orchestra.config.json'));
    await expect(loadConfig({ cwd: root })).rejects.toThrow(/is not a file/);
  });

  it('stops when the signal is aborted', async () => {
    await expect(loadConfig({ cwd: root, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'CancelledError' });
  });
});
