/**
 * Turns a unified diff (as `git diff` prints it) into the changed lines of each new file.
 * Parsing is jsdiff's `parsePatch`; this module only maps hunks to line sets and wraps malformed
 * input in an error that says what is wrong.
 */
import { parsePatch } from 'diff';
import { InvalidInputError, errorMessage } from '../../../shared/errors/errors.js';

/** What changed in one file of the new side. */
export interface FileChange {
  /** Path on the new side, relative to the repository root, forward slashes. */
  path: string;
  /** Path on the old side when the file was renamed. */
  oldPath?: string;
  status: 'added' | 'modified' | 'renamed';
  /** 1-based lines of the new file that were added or modified. */
  added: Set<number>;
  /** 1-based lines of the new file inside a hunk: added lines plus context lines. */
  context: Set<number>;
}

/** Changed files by new path. */
export type DiffMap = Map<string, FileChange>;

function stripPrefix(name: string | undefined): string | undefined {
  if (name === undefined || name === '/dev/null') return undefined;
  // git prints a/ and b/ prefixes; names with spaces may be quoted.
  const unquoted = name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
  return unquoted.replace(/^[ab]\//, '');
}

/** Parses a unified diff; throws InvalidInputError naming the problem for malformed input. */
export function parseUnifiedDiff(text: string, source = 'diff'): DiffMap {
  let patches: ReturnType<typeof parsePatch>;
  try {
    patches = parsePatch(text);
  } catch (error) {
    throw new InvalidInputError(`Could not parse the ${source}: ${errorMessage(error)}. Expected a unified diff as printed by \`git diff\`.`, {}, { cause: error });
  }
  const map: DiffMap = new Map();
  for (const patch of patches) {
    const path = stripPrefix(patch.newFileName);
    if (path === undefined) continue; // deleted file: nothing on the new side
    const oldPath = stripPrefix(patch.oldFileName);
    const status = oldPath === undefined ? 'added' : oldPath !== path ? 'renamed' : 'modified';
    const change: FileChange = { path, status, added: new Set(), context: new Set() };
    if (status === 'renamed') change.oldPath = oldPath;
    for (const hunk of patch.hunks) {
      let line = hunk.newStart;
      for (const l of hunk.lines) {
        const marker = l[0];
        if (marker === '+') {
          change.added.add(line);
          change.context.add(line);
          line++;
        } else if (marker === ' ') {
          change.context.add(line);
          line++;
        }
        // '-' lines and '\ No newline at end of file' do not exist on the new side.
      }
    }
    map.set(path, change);
  }
  return map;
}
