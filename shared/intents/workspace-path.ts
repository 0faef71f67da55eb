/**
 * Paths in commands are relative to the workspace and stay inside it. A host joins them to the
 * workspace root and matches `*` as a glob (picomatch), never through a shell, so the only
 * characters allowed are those of ordinary file names: ASCII letters, digits and `. _ - @ + *`,
 * with `/` between segments. Everything else (absolute paths, `~`, `..`, back-slashes, spaces,
 * quotes, `;`, `$`, `|`…) is refused with a message that says what to write instead.
 */

/** Longest path accepted, in characters. */
export const MAX_PATH_LENGTH = 256;

/**
 * The shape of a normalised path, also published in the JSON schema: `.` (the root), or segments of
 * `[A-Za-z0-9_.@+*-]` holding at least one character that is not a dot (so never `.` or `..`),
 * joined by single slashes. Each segment matches one way only (its leading dots end at the first
 * other character, and `/` is outside the class), so matching is linear.
 */
export const WORKSPACE_PATH_PATTERN = /^(?:\.|\.*[\w@+*-][\w.@+*-]*(?:\/\.*[\w@+*-][\w.@+*-]*)*)$/;

/** A segment that is only dots (`.`, `..`, `...`) names no file of its own and may climb out. */
const ONLY_DOTS = /^\.+$/;

/** Why `path` (already normalised) is not a workspace path, or `undefined` when it is one. */
export function workspacePathProblem(path: string): string | undefined {
  if (path === '.') return undefined;
  if (path.length === 0) return 'the path is empty';
  if (path.length > MAX_PATH_LENGTH) return `the path is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.split('/').some((segment) => ONLY_DOTS.test(segment))) return 'a path may not contain "." or ".." segments (it must stay inside the workspace)';
  if (!WORKSPACE_PATH_PATTERN.test(path)) return 'a path may hold only letters, digits and . _ - @ + * with / between folders';
  return undefined;
}

/** The result of {@link normalizeWorkspacePath}. */
export type NormalizedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly problem: string };

/**
 * Turns what a person typed (`src/`, `./src//app`, `logs/app.log`) into the normal form
 * (`src`, `src/app`, `logs/app.log`; the workspace root is `.`), or explains why it is refused.
 */
export function normalizeWorkspacePath(raw: string): NormalizedPath {
  if (raw.length > MAX_PATH_LENGTH) return { ok: false, problem: `the path is longer than ${MAX_PATH_LENGTH} characters` };
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
    return { ok: false, problem: 'absolute paths are refused: give a path inside the workspace, e.g. src/' };
  }
  if (raw.startsWith('~')) return { ok: false, problem: 'paths outside the workspace (~) are refused: give a path inside it, e.g. src/' };
  if (raw.includes('\\')) return { ok: false, problem: 'write paths with forward slashes (src/app), not back-slashes' };
  const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { ok: false, problem: 'paths may not leave the workspace (..)' };
  const path = segments.length === 0 ? '.' : segments.join('/');
  const problem = workspacePathProblem(path);
  return problem === undefined ? { ok: true, path } : { ok: false, problem };
}
