/**
 * Finds which ESLint config governs a file, the way ESLint 10 does: the nearest `eslint.config.*`
 * from the file's folder upwards (its `ConfigLoader.locateConfigFileToUse`, same names, same order).
 * ESLint still does its own lookup when it lints; this one only picks the cached instance, tells
 * "no config" (use the built-in one) from "user config", and spots legacy `.eslintrc*` files that
 * ESLint 10 no longer reads. Each folder is listed at most once per locator, so a review of many
 * files in few folders costs a handful of `readdir` calls.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** ESLint 10's flat config names, in the order its lookup tries them (lib/config/config-loader.js). */
export const FLAT_CONFIG_FILENAMES = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  'eslint.config.mts',
  'eslint.config.cts',
] as const;

/** Legacy (eslintrc) config names, which ESLint 10's flat API ignores. */
export const LEGACY_CONFIG_FILENAMES = ['.eslintrc.js', '.eslintrc.cjs', '.eslintrc.yaml', '.eslintrc.yml', '.eslintrc.json', '.eslintrc'] as const;

/** Where a file's config comes from. */
export type EslintConfigLocation =
  /** A flat config ESLint will load. */
  | { kind: 'flat'; path: string }
  /** No flat config, but a legacy one ESLint 10 ignores (inside the reviewed root). */
  | { kind: 'legacy'; path: string }
  /** No config at all. */
  | { kind: 'none' };

/** True when `dir` is `root` or inside it. */
function isWithin(root: string, dir: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Locates configs for files under one reviewed root, caching folder listings for its lifetime. */
export class EslintConfigLocator {
  private readonly listings = new Map<string, Promise<Set<string>>>();
  private readonly flatByDir = new Map<string, Promise<string | undefined>>();

  /** @param root Absolute path of the reviewed root: legacy configs are looked for inside it only. */
  constructor(private readonly root: string) {}

  /** The config governing the file at absolute path `file`. */
  async locate(file: string): Promise<EslintConfigLocation> {
    const dir = dirname(file);
    const flat = await this.flatConfigFrom(dir);
    if (flat !== undefined) return { kind: 'flat', path: flat };
    const legacy = await this.legacyConfigFrom(dir);
    return legacy !== undefined ? { kind: 'legacy', path: legacy } : { kind: 'none' };
  }

  /** Nearest flat config from `dir` up to the file system root, as ESLint's `find-up` walks. */
  private flatConfigFrom(dir: string): Promise<string | undefined> {
    let found = this.flatByDir.get(dir);
    if (!found) {
      found = (async () => {
        const here = await this.firstFileNamed(dir, FLAT_CONFIG_FILENAMES);
        if (here !== undefined) return here;
        const parent = dirname(dir);
        return parent === dir ? undefined : this.flatConfigFrom(parent);
      })();
      this.flatByDir.set(dir, found);
    }
    return found;
  }

  /** Nearest legacy config from `dir` up to the reviewed root (never above it, e.g. not `~/.eslintrc`). */
  private async legacyConfigFrom(dir: string): Promise<string | undefined> {
    for (let current = dir; isWithin(this.root, current); current = dirname(current)) {
      const here = await this.firstFileNamed(current, LEGACY_CONFIG_FILENAMES);
      if (here !== undefined) return here;
      if (dirname(current) === current) break;
    }
    return undefined;
  }

  /** The first of `names` that is a file (or a link to one) in `dir`, as an absolute path. */
  private async firstFileNamed(dir: string, names: readonly string[]): Promise<string | undefined> {
    const entries = await this.list(dir);
    for (const name of names) {
      if (!entries.has(name)) continue;
      const path = join(dir, name);
      try {
        if ((await stat(path)).isFile()) return path;
      } catch {
        // Deleted since the listing, or a dangling link: ESLint's lookup would skip it too.
      }
    }
    return undefined;
  }

  /** Names in `dir` that could be config files; a missing or unreadable folder has none. */
  private list(dir: string): Promise<Set<string>> {
    let listing = this.listings.get(dir);
    if (!listing) {
      listing = readdir(dir).then(
        (names) => new Set(names.filter((n) => n.startsWith('eslint.config.') || n.startsWith('.eslintrc'))),
        () => new Set<string>(),
      );
      this.listings.set(dir, listing);
    }
    return listing;
  }
}
