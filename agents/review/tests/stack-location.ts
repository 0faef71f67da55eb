/**
 * Reads locations out of JavaScript stack traces and splits a runner's failure text into the
 * assertion message and the stack, so a failing test is pinned to the assertion line in its file.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A location in a file, 1-based. */
export interface StackLocation {
  file: string;
  line: number;
  column: number;
}

const FRAME = /^\s*at\s+(?:.*?\()?((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^()\n]*?):(\d+):(\d+)\)?\s*$/;

/** The frames of a stack trace that name a file, in order (at most `max`). */
export function stackFrames(stack: string, max = 200): StackLocation[] {
  const out: StackLocation[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    out.push({ file, line: Number(m[2]), column: Number(m[3]) });
    if (out.length >= max) break;
  }
  return out;
}

/** True when `file` lies inside `root` (both absolute). */
export function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The frame that best locates a failure: the first one in `testFile` when given, else the first
 * one inside `root` that is not a dependency.
 */
export function locateInStack(stack: string, root: string, testFile?: string): StackLocation | undefined {
  const frames = stackFrames(stack);
  if (testFile) {
    const wanted = resolve(root, testFile);
    const hit = frames.find((f) => resolve(root, f.file) === wanted);
    if (hit) return hit;
  }
  return frames.find((f) => isInside(root, resolve(root, f.file)) && !/[\\/]node_modules[\\/]/.test(f.file));
}

/**
 * Splits failure text (`Error: message…\n    at …`) into the message (without a leading
 * `Error:`/`AssertionError [CODE]:` label) and the stack lines.
 */
export function splitFailureText(text: string): { message: string; stack: string } {
  const lines = text.split('\n');
  const firstFrame = lines.findIndex((l) => /^\s*at\s/.test(l));
  const head = (firstFrame < 0 ? lines : lines.slice(0, firstFrame)).join('\n').trim();
  const stack = firstFrame < 0 ? '' : lines.slice(firstFrame).join('\n');
  const message = stripErrorLabel(head);
  return { message, stack };
}

/** The first non-empty line of a message. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** Removes a leading error label: `Error: `, `AssertionError [ERR_ASSERTION]: `, `[Error [CODE]: `. */
export function stripErrorLabel(text: string): string {
  return text.replace(/^\[?[A-Za-z.]*(?:Error|Exception)(?: \[[A-Z0-9_]+\])?:[ \t]*/, '');
}
