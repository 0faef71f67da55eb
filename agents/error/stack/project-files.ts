/**
 * The project's files as `locate` sees them: addressed by root-relative paths, never outside the
 * root (a `..` path or a symlink leading out reads as absent), bounded in size, each read at most
 * once per call. Reads go through the caller's `readFile` when given (the GitHub App reads through
 * the API), else through the file system.
 */
import type { Dirent } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errnoCode } from './caught.js';

/** Default largest file read (source maps of big bundles run to several MB). */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Files listed at most when a path has to be found by its tail (a Java package path, a subproject). */
const MAX_LISTED_FILES = 50_000;
const MAX_LIST_DEPTH = 24;
const UNLISTED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', 'bower_components', '.venv', 'venv', '__pycache__', '.tox', '.gradle', '.idea', '.vscode', '.next', '.nuxt', 'coverage', '.cache', '.yarn', '.pnpm-store']);
const ABSENT_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'EINVAL']);

/** The caller's reader and size limit (see `LocateOptions`). */
export interface ProjectFilesOptions {
  readFile?: (path: string) => Promise<string | undefined>;
  maxFileBytes?: number;
}

function isAbsentError(error: unknown): boolean {
  return ABSENT_CODES.has(errnoCode(error) ?? '');
}

/** True when `path` lies inside `root` (both absolute); `root` itself is not inside. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The files under one root, read through one reader, cached for the life of the instance (one `locate` call). */
export class ProjectFiles {
  /** Absolute, normalised. */
  readonly root: string;
  private readonly maxBytes: number;
  private readonly custom: ((path: string) => Promise<string | undefined>) | undefined;
  private readonly contents = new Map<string, Promise<string | undefined>>();
  private readonly existing = new Map<string, Promise<boolean>>();
  private readonly stats = new Map<string, Promise<string | undefined>>();
  private realRoot: Promise<string | undefined> | undefined;
  private listing: Promise<string[]> | undefined;

  constructor(root: string, options: ProjectFilesOptions = {}) {
    this.root = resolve(root);
    this.maxBytes = options.maxFileBytes !== undefined && options.maxFileBytes > 0 ? options.maxFileBytes : DEFAULT_MAX_FILE_BYTES;
    this.custom = options.readFile;
  }

  /** The root-relative path (forward slashes) of an absolute path inside the root. */
  relativePath(absolute: string): string | undefined {
    const path = resolve(absolute);
    if (!isInside(this.root, path)) return undefined;
    return relative(this.root, path).split(sep).join('/');
  }

  /** The absolute path of a root-relative one, or undefined when it would leave the root. */
  absolutePath(rel: string): string | undefined {
    if (rel === '' || rel.includes('\0')) return undefined;
    const path = resolve(this.root, rel);
    return isInside(this.root, path) ? path : undefined;
  }

  /** Whether the file exists and may be read: inside the root (symlinks followed), not over the size limit. */
  exists(rel: string): Promise<boolean> {
    let known = this.existing.get(rel);
    if (!known) {
      known = this.custom ? this.read(rel).then((text) => text !== undefined) : this.statFile(rel).then((stamp) => stamp !== undefined);
      this.existing.set(rel, known);
    }
    return known;
  }

  /** The file's text, or undefined when absent, outside the root or larger than the limit. */
  read(rel: string): Promise<string | undefined> {
    let text = this.contents.get(rel);
    if (!text) {
      text = this.load(rel);
      this.contents.set(rel, text);
    }
    return text;
  }

  private async load(rel: string): Promise<string | undefined> {
    const path = this.absolutePath(rel);
    if (!path) return undefined;
    if (this.custom) {
      // The reader may be virtual (the GitHub API); when the path is also on this disk, a symlink
      // out of the root is refused here as well.
      if (await this.leavesRootOnDisk(path)) return undefined;
      const text = await this.custom(path);
      return typeof text === 'string' && text.length <= this.maxBytes ? text : undefined;
    }
    if ((await this.statFile(rel)) === undefined) return undefined;
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (isAbsentError(error)) return undefined;
      throw error;
    }
  }

  private realRootPath(): Promise<string | undefined> {
    this.realRoot ??= realpath(this.root).catch((error: unknown) => {
      if (isAbsentError(error)) return undefined;
      throw error;
    });
    return this.realRoot;
  }

  /** True when `path` exists on this disk and its real path is outside the real root. */
  private async leavesRootOnDisk(path: string): Promise<boolean> {
    const realRoot = await this.realRootPath();
    if (realRoot === undefined) return false;
    try {
      return !isInside(realRoot, await realpath(path));
    } catch (error) {
      if (isAbsentError(error)) return false;
      throw error;
    }
  }

  /**
   * A stamp that changes when the file changes (size, times, inode), for caches that outlive a call;
   * undefined when the file is absent or is read through the caller's `readFile` (nothing to stat).
   */
  stamp(rel: string): Promise<string | undefined> {
    return this.custom ? Promise.resolve(undefined) : this.statFile(rel);
  }

  /** The stamp of a regular file whose real path (symlinks followed) is inside the real root, within the size limit. */
  private statFile(rel: string): Promise<string | undefined> {
    let stamp = this.stats.get(rel);
    if (!stamp) {
      stamp = this.statUncached(rel);
      this.stats.set(rel, stamp);
    }
    return stamp;
  }

  private async statUncached(rel: string): Promise<string | undefined> {
    const path = this.absolutePath(rel);
    if (!path) return undefined;
    const realRoot = await this.realRootPath();
    if (realRoot === undefined) return undefined;
    try {
      const real = await realpath(path);
      if (!isInside(realRoot, real)) return undefined;
      const info = await stat(real);
      return info.isFile() && info.size <= this.maxBytes ? `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}` : undefined;
    } catch (error) {
      if (isAbsentError(error)) return undefined;
      throw error;
    }
  }

  /**
   * Project files (root-relative) whose path is `tail` or ends with `/tail`, shortest first. Lists
   * the tree once per instance (dependency and tool folders skipped, bounded); a root that is not a
   * local folder lists nothing.
   */
  async filesEndingWith(tail: string): Promise<string[]> {
    this.listing ??= this.list();
    const files = await this.listing;
    const suffix = `/${tail}`;
    return files.filter((file) => file === tail || file.endsWith(suffix)).sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  }

  private async list(): Promise<string[]> {
    const files: string[] = [];
    const queue: { dir: string; rel: string; depth: number }[] = [{ dir: this.root, rel: '', depth: 0 }];
    for (let next = 0; next < queue.length && files.length < MAX_LISTED_FILES; next++) {
      const { dir, rel, depth } = queue[next]!;
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isAbsentError(error)) continue;
        throw error;
      }
      for (const entry of entries) {
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        // Symlinks are not followed: they may lead out of the root.
        if (entry.isFile()) files.push(childRel);
        else if (entry.isDirectory() && depth < MAX_LIST_DEPTH && !UNLISTED_FOLDERS.has(entry.name)) queue.push({ dir: join(dir, entry.name), rel: childRel, depth: depth + 1 });
        if (files.length >= MAX_LISTED_FILES) break;
      }
    }
    return files;
  }
}
