/**
 * Paths named by a patch, checked before any file is read: relative, inside the root (also after
 * following symbolic links), never into `.git`, never a symbolic link itself.
 */
import { lstat, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** A path check's answer. */
export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Checks a path as written in a patch (prefix already stripped) and returns it normalised
 * (`./a//b` → `a/b`). Absolute paths, `..`, backslashes, control characters and `.git` are refused.
 */
export function checkRelativePath(path: string): PathCheck {
  const shown = JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path);
  if (path.length === 0) return { ok: false, reason: 'the patch names an empty path' };
  if (path.length > 1024) return { ok: false, reason: `the path ${shown} is too long` };
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return { ok: false, reason: `the path ${shown} contains control characters` };
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path)) return { ok: false, reason: `the path ${shown} is absolute; only paths relative to the root are accepted` };
  if (path.includes('\\')) return { ok: false, reason: `the path ${shown} contains a backslash` };
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) return { ok: false, reason: `the path ${shown} names no file` };
  if (segments.includes('..')) return { ok: false, reason: `the path ${shown} leaves the root` };
  if (segments.some((segment) => segment.toLowerCase() === '.git')) return { ok: false, reason: `the path ${shown} is inside .git` };
  return { ok: true, path: segments.join('/') };
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel.length > 0 && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
}

/** Where a checked relative path lives under the root, and whether it exists. */
export type ResolvedPath = { ok: true; absolute: string; exists: boolean } | { ok: false; reason: string };

/**
 * Resolves a checked relative path under `root`, following symbolic links of its folders: the
 * result must stay inside the root's real path. The file itself may not be a symbolic link
 * (git would patch the link, not its target).
 */
export async function resolveUnderRoot(root: string, path: string): Promise<ResolvedPath> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { ok: false, reason: `the root ${JSON.stringify(root)} does not exist` };
  }
  const target = join(realRoot, ...path.split('/'));
  let stat;
  try {
    stat = await lstat(target);
  } catch {
    stat = undefined;
  }
  if (stat?.isSymbolicLink() === true) return { ok: false, reason: `${path} is a symbolic link` };
  if (stat !== undefined && !stat.isFile()) return { ok: false, reason: `${path} is not a regular file` };
  // The nearest existing folder, with links resolved, must be inside the root.
  let folder = dirname(target);
  for (;;) {
    try {
      const realFolder = await realpath(folder);
      if (realFolder !== realRoot && !isInside(realRoot, realFolder)) return { ok: false, reason: `${path} resolves outside the root` };
      break;
    } catch {
      const parent = dirname(folder);
      if (parent === folder) return { ok: false, reason: `${path} resolves outside the root` };
      folder = parent;
    }
  }
  return { ok: true, absolute: target, exists: stat !== undefined };
}
