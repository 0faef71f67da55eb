/**
 * The stable versions of a package as published on the registry, in version order, from the ordinary
 * npm client (`npm view NAME versions --json`), cached beside the tarballs so a second run works
 * offline. The releases a case commits are derived from this list, not typed by hand.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PackageFetchError } from '../quality/fetch-package.js';

const run = promisify(execFile);

const STABLE = /^(\d+)\.(\d+)\.(\d+)$/;

/** Compares two stable `x.y.z` versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = STABLE.exec(a);
  const pb = STABLE.exec(b);
  if (!pa || !pb) throw new RangeError(`not a stable version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return 0;
}

/** Every stable version of `name` on the registry, oldest first. */
export async function publishedVersions(name: string, cacheDir: string, signal?: AbortSignal): Promise<string[]> {
  const file = join(cacheDir, `${name.replace('/', '__')}.versions.json`);
  let list: unknown;
  if (existsSync(file)) {
    list = JSON.parse(await readFile(file, 'utf8'));
  } else {
    try {
      const { stdout } = await run('npm', ['view', name, 'versions', '--json'], { timeout: 120_000, signal, maxBuffer: 16 << 20 });
      list = JSON.parse(stdout);
    } catch (error) {
      throw new PackageFetchError(`npm view ${name} versions failed (offline?): ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    await mkdir(cacheDir, { recursive: true });
    await writeFile(file, JSON.stringify(list));
  }
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw new PackageFetchError(`npm view ${name} versions: not a list of versions`);
  return (list as string[]).filter((v) => STABLE.test(v)).sort(compareVersions);
}

/** The published stable versions from `from` to `to`, both included; throws when either is not published. */
export function versionRange(all: readonly string[], from: string, to: string): string[] {
  for (const v of [from, to]) if (!all.includes(v)) throw new RangeError(`version ${v} is not published (or not stable)`);
  return all.filter((v) => compareVersions(v, from) >= 0 && compareVersions(v, to) <= 0);
}
