/**
 * Fetches a published package version into a cache folder with the ordinary npm client
 * (`npm pack NAME@VERSION`, registry only) and unpacks it. Nothing fetched here is committed: the
 * cache lives in bench/.cache (gitignored).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The registry could not be reached (or the package is gone): the quality bench skips. */
export class PackageFetchError extends Error {
  override readonly name = 'PackageFetchError';
}

/** Returns the unpacked package folder (`<cache>/<name>@<version>/package`), fetching it if needed. */
export async function fetchPackage(name: string, version: string, cacheDir: string, signal?: AbortSignal): Promise<string> {
  const home = join(cacheDir, `${name.replace('/', '__')}@${version}`);
  const dir = join(home, 'package');
  if (existsSync(dir)) return dir;
  await mkdir(cacheDir, { recursive: true });
  const tmp = await mkdtemp(join(cacheDir, '.fetch-'));
  try {
    let tgz: string;
    try {
      const { stdout } = await run('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', tmp], { timeout: 120_000, signal, maxBuffer: 1 << 20 });
      tgz = join(tmp, stdout.trim().split('\n').pop() ?? '');
    } catch (error) {
      throw new PackageFetchError(`npm pack ${name}@${version} failed (offline or not published): ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    const out = join(tmp, 'x');
    await mkdir(out);
    await run('tar', ['--warning=no-unknown-keyword', '-xzf', tgz, '-C', out], { timeout: 120_000, signal, maxBuffer: 16 << 20 });
    // Most tarballs hold `package/`; a few use another top folder.
    const [top] = await readdir(out);
    if (!top) throw new PackageFetchError(`${name}@${version}: empty tarball`);
    await mkdir(home, { recursive: true });
    await rename(join(out, top), dir);
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
