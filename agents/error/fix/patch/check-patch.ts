/**
 * Checking that a unified diff applies cleanly to the files under a root, without writing
 * anything: paths are checked first (relative, inside the root, no `.git`, no links, no binary),
 * then each file's hunks are parsed with jsdiff `parsePatch` and applied in memory with
 * `applyPatch` (exact context, no fuzz), and, when the root is in a git work tree, `git apply
 * --check` must agree. The accepted patch is rewritten from the real before/after contents, so what
 * is shown is canonical and applies as shown.
 */
import { readFile } from 'node:fs/promises';
import { FILE_HEADERS_ONLY, applyPatch, createTwoFilesPatch, parsePatch } from 'diff';
import type { StructuredPatch } from 'diff';
import { CancelledError } from '../../../../shared/errors/errors.js';
import { gitApplyCheck } from './git-apply-check.js';
import { checkRelativePath, resolveUnderRoot } from './patch-paths.js';
import { formatHunks, readPatch } from './read-patch.js';
import type { LooseFilePatch } from './read-patch.js';

/** Patches larger than this are refused (a fix for one fault is small). */
export const MAX_PATCH_BYTES = 512 * 1024;
/** Files larger than this are not patched. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** What {@link checkPatch} answers. */
export type PatchCheck = { ok: true; files: string[] } | { ok: false; reason: string };

/** Options of {@link verifyPatch}. */
export interface VerifyPatchOptions {
  signal?: AbortSignal;
  /** Also run `git apply --check` when the root is in a git work tree. Default true. */
  git?: boolean;
  /**
   * Let `[REDACTED:kind]` markers in context and removed lines stand for the text they replaced
   * (the model saw a redacted code frame), and refuse added lines that contain a marker.
   */
  redactedContext?: boolean;
}

/** A verified patch: the files it touches and the canonical patch text (a/ b/ prefixes). */
export type VerifiedPatch = { ok: true; files: string[]; patch: string } | { ok: false; reason: string };

/**
 * Checks that `patch` applies cleanly to the files under `root`. Never writes a file. Refuses
 * absolute paths, paths outside the root (also through symbolic links), `.git`, binary patches,
 * renames, mode changes and patches that change nothing.
 */
export async function checkPatch(root: string, patch: string): Promise<PatchCheck> {
  const verified = await verifyPatch(root, patch);
  return verified.ok ? { ok: true, files: verified.files } : { ok: false, reason: verified.reason };
}

/** {@link checkPatch}, also returning the canonical patch; the options serve the model path. */
export async function verifyPatch(root: string, patch: string, options: VerifyPatchOptions = {}): Promise<VerifiedPatch> {
  if (typeof patch !== 'string' || patch.trim().length === 0) return { ok: false, reason: 'the patch is empty' };
  if (typeof root !== 'string' || root.length === 0) return { ok: false, reason: 'no root folder was given' };
  if (Buffer.byteLength(patch) > MAX_PATCH_BYTES) return { ok: false, reason: `the patch is larger than ${MAX_PATCH_BYTES / 1024} KB` };
  if (patch.includes('\u0000')) return { ok: false, reason: 'the patch contains binary data' };
  const read = readPatch(patch);
  if (!read.ok) return read;

  const seen = new Set<string>();
  const parts: string[] = [];
  for (const file of read.files) {
    throwIfCancelled(options.signal);
    const applied = await applyFile(root, file, seen, options);
    if (!applied.ok) return applied;
    parts.push(applied.patch);
  }
  const canonical = parts.join('');
  if (options.git !== false) {
    const git = await gitApplyCheck(root, canonical, options.signal);
    throwIfCancelled(options.signal);
    if (!git.ok) return git;
  }
  return { ok: true, files: [...seen], patch: canonical };
}

type FileOutcome = { ok: true; patch: string } | { ok: false; reason: string };

async function applyFile(root: string, file: LooseFilePatch, seen: Set<string>, options: VerifyPatchOptions): Promise<FileOutcome> {
  if (file.binary) return { ok: false, reason: 'binary patches are not accepted' };
  if (file.renameOrCopy) return { ok: false, reason: 'renames and copies are not accepted' };
  if (file.oldName === null && file.newName === null) return { ok: false, reason: 'a file header names /dev/null on both sides' };
  const names = stripPrefixes(file.oldName, file.newName);
  const oldPath = names.oldName !== null ? checkRelativePath(names.oldName) : undefined;
  const newPath = names.newName !== null ? checkRelativePath(names.newName) : undefined;
  if (oldPath !== undefined && !oldPath.ok) return oldPath;
  if (newPath !== undefined && !newPath.ok) return newPath;
  if (oldPath !== undefined && newPath !== undefined && oldPath.path !== newPath.path) return { ok: false, reason: `renames are not accepted (${oldPath.path} → ${newPath.path})` };
  const path = (newPath ?? oldPath)?.path as string;
  const creating = oldPath === undefined;
  const deleting = newPath === undefined;
  if (seen.has(path)) return { ok: false, reason: `the patch changes ${path} twice` };
  seen.add(path);
  if (!creating && !deleting && file.oldMode !== undefined && file.newMode !== undefined && file.oldMode !== file.newMode) {
    return { ok: false, reason: `mode changes are not accepted (${path})` };
  }
  if (file.newMode !== undefined && !/^100(?:644|755)$/.test(file.newMode)) return { ok: false, reason: `${path}: only regular files are accepted (mode ${file.newMode})` };
  if (file.hunks.length === 0) return { ok: false, reason: `the patch has no hunk for ${path}` };
  if (options.redactedContext === true && file.hunks.some((h) => h.lines.some((l) => l[0] === '+' && REDACTED.test(l)))) {
    return { ok: false, reason: `the patch would write a redaction marker into ${path}` };
  }

  const where = await resolveUnderRoot(root, path);
  if (!where.ok) return where;
  if (creating && where.exists) return { ok: false, reason: `the patch creates ${path}, which already exists` };
  if (!creating && !where.exists) return { ok: false, reason: `${path} does not exist under the root` };
  let original = '';
  if (!creating) {
    let bytes: Buffer;
    try {
      bytes = await readFile(where.absolute);
    } catch (error) {
      return { ok: false, reason: `${path} could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (bytes.length > MAX_FILE_BYTES) return { ok: false, reason: `${path} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
    if (bytes.includes(0)) return { ok: false, reason: `${path} is a binary file` };
    original = bytes.toString('utf8');
  }

  let structured: StructuredPatch;
  try {
    const parsed = parsePatch(formatHunks(creating ? '/dev/null' : `a/${path}`, deleting ? '/dev/null' : `b/${path}`, file.hunks));
    if (parsed.length !== 1 || parsed[0] === undefined) return { ok: false, reason: `the patch for ${path} could not be read` };
    structured = parsed[0];
  } catch (error) {
    return { ok: false, reason: `the patch for ${path} is malformed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const compareLine = options.redactedContext === true ? compareRedacted : undefined;
  const patched = applyPatch(original, structured, compareLine !== undefined ? { compareLine } : {});
  if (patched === false) return { ok: false, reason: `${path}: ${failingHunk(original, structured, compareLine)}` };
  if (deleting && patched.length > 0) return { ok: false, reason: `the patch deletes ${path} but leaves lines in it` };
  if (patched === original) return { ok: false, reason: `the patch changes nothing in ${path}` };
  const canonical = createTwoFilesPatch(creating ? '/dev/null' : `a/${path}`, deleting ? '/dev/null' : `b/${path}`, original, patched, undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
  return { ok: true, patch: canonical.endsWith('\n') ? canonical : `${canonical}\n` };
}

/** Which hunk fails, by applying the hunks one more at a time. */
function failingHunk(original: string, structured: StructuredPatch, compareLine: typeof compareRedacted | undefined): string {
  for (let n = 1; n <= structured.hunks.length; n++) {
    const partial: StructuredPatch = { ...structured, hunks: structured.hunks.slice(0, n) };
    if (applyPatch(original, partial, compareLine !== undefined ? { compareLine } : {}) === false) {
      const h = structured.hunks[n - 1];
      const header = h !== undefined ? ` (@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@)` : '';
      return `hunk ${n}${header} does not apply: its context or removed lines are not in the file`;
    }
  }
  return 'the hunks do not apply in order';
}

/** `a/x` + `b/x` (or /dev/null on one side) → `x`; otherwise the names as written. */
function stripPrefixes(oldName: string | null, newName: string | null): { oldName: string | null; newName: string | null } {
  const oldOk = oldName === null || oldName.startsWith('a/');
  const newOk = newName === null || newName.startsWith('b/');
  if (oldOk && newOk) return { oldName: oldName?.slice(2) ?? null, newName: newName?.slice(2) ?? null };
  return { oldName, newName };
}

const REDACTED = /\[REDACTED:[a-z0-9-]{1,40}\]/;
const REDACTED_ALL = /\[REDACTED:[a-z0-9-]{1,40}\]/g;

/**
 * Line comparison for patches written against a redacted code frame: each marker stands for at
 * least one character; the text around the markers must match exactly and in order.
 */
function compareRedacted(_lineNumber: number, line: string, _operation: string, patchContent: string): boolean {
  if (line === patchContent) return true;
  if (!patchContent.includes('[REDACTED:')) return false;
  const pieces = patchContent.split(REDACTED_ALL);
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (!line.startsWith(first) || line.length < first.length + last.length + pieces.length - 1) return false;
  let at = first.length + 1;
  for (let k = 1; k < pieces.length - 1; k++) {
    const found = line.indexOf(pieces[k] as string, at);
    if (found < 0) return false;
    at = found + (pieces[k] as string).length + 1;
  }
  return line.endsWith(last) && line.length - last.length >= at;
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new CancelledError('Patch check cancelled', { cause: signal.reason });
}
