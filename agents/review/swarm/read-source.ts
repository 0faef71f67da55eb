/**
 * Reads one file for review, turning every way a file can be unfit into a notice instead of a
 * crash: deleted since listing, unreadable, a folder, binary (a NUL byte in the first 8,000 bytes,
 * git's own test), over the size limit (SonarJS's default of 1,000 KB), minified, or not valid
 * UTF-8 (decoded with replacement characters, and said so).
 */
import { open } from 'node:fs/promises';
import { errorMessage } from '../../../shared/errors/errors.js';

/** Default size limit in bytes. */
export const DEFAULT_MAX_FILE_BYTES = 1_000_000;

/** A file ready for review, or why it is not. */
export type SourceRead =
  | { ok: true; text: string; bytes: number; notice?: string }
  | { ok: false; reason: 'missing' | 'unreadable' | 'binary' | 'too-large' | 'minified' | 'not-a-file'; notice: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8', { fatal: false });

/** Reads `absolute` (shown to users as `display`). */
export async function readSource(absolute: string, display: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<SourceRead> {
  let handle;
  try {
    handle = await open(absolute, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', notice: `${display} was deleted during the review; skipped.` };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, reason: 'unreadable', notice: `${display} cannot be read (permission denied); skipped.` };
    if (code === 'EISDIR') return { ok: false, reason: 'not-a-file', notice: `${display} is a folder; skipped.` };
    return { ok: false, reason: 'unreadable', notice: `${display} cannot be read (${errorMessage(error)}); skipped.` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, reason: 'not-a-file', notice: `${display} is not a regular file; skipped.` };
    if (stat.size > maxBytes) {
      return {
        ok: false,
        reason: 'too-large',
        notice: `${display} is ${(stat.size / 1e6).toFixed(1)} MB, over the ${(maxBytes / 1e6).toFixed(1)} MB review limit; skipped (raise review.maxFileBytes to include it).`,
      };
    }
    const buffer = await handle.readFile();
    const head = buffer.subarray(0, 8000);
    if (head.includes(0)) return { ok: false, reason: 'binary', notice: `${display} looks binary (it contains NUL bytes); skipped.` };
    let text: string;
    let notice: string | undefined;
    try {
      text = utf8.decode(buffer);
    } catch {
      text = lenient.decode(buffer);
      notice = `${display} is not valid UTF-8; invalid bytes were replaced before review.`;
    }
    if (looksMinified(text)) {
      return { ok: false, reason: 'minified', notice: `${display} looks minified or generated (very long lines); skipped. Review its source instead.` };
    }
    return notice ? { ok: true, text, bytes: buffer.length, notice } : { ok: true, text, bytes: buffer.length };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', notice: `${display} was deleted during the review; skipped.` };
    return { ok: false, reason: 'unreadable', notice: `${display} cannot be read (${errorMessage(error)}); skipped.` };
  } finally {
    await handle.close();
  }
}

/** Minified: over 20 KB with an average line over 500 characters. */
function looksMinified(text: string): boolean {
  if (text.length < 20_000) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > 500;
}
