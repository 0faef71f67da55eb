/**
 * The naive baseline a person reading the top of a Node trace would use: the first `at …` frame
 * that is not a runtime internal (`node:…`, `internal/…`, `<anonymous>`, `[eval]`), whatever file
 * it is in. Also lists the frames that fall inside a folder, for the crash premise.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A frame's file and line as printed. */
export interface PrintedFrame {
  file: string;
  line: number;
}

const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?\s*$/;

function isInternal(file: string): boolean {
  return file.startsWith('node:') || file.startsWith('internal/') || file.startsWith('<') || file.startsWith('[') || file === 'native';
}

/** Every frame of `output`, in order, internals excluded. */
export function printedFrames(output: string): PrintedFrame[] {
  const frames: PrintedFrame[] = [];
  for (const text of output.split(/\r?\n/)) {
    const m = FRAME.exec(text);
    if (!m) continue;
    const file = m[1]!.replace(/^file:\/\//, '');
    if (!isInternal(file)) frames.push({ file, line: Number(m[2]) });
  }
  return frames;
}

/** `file` relative to `root` with forward slashes, or undefined when outside it. */
export function underRoot(root: string, file: string): string | undefined {
  if (!isAbsolute(file)) return undefined;
  const rel = relative(resolve(root), file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** The baseline's pick: the first non-internal frame, relative to `root` (file undefined when outside it). */
export function firstFrame(output: string, root: string): { file?: string; line: number } | undefined {
  const frame = printedFrames(output)[0];
  if (!frame) return undefined;
  return { file: underRoot(root, frame.file), line: frame.line };
}
