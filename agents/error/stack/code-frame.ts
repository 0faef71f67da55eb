/**
 * The source lines around a location with a marker, as `@babel/code-frame` prints them, without
 * colour. Only the lines shown are handed to Babel, and long lines (a minified bundle) are cropped
 * around the column, so the cost does not grow with the file.
 */
import { codeFrameColumns } from '@babel/code-frame';

const LINES_ABOVE = 2;
const LINES_BELOW = 3;
/** Characters of a long line shown around the column. */
const CROP_WIDTH = 160;

/** Lines around `line` (1-based) with a `>` marker and, given a 1-based `column`, a caret; '' when the line is not in `source`. */
export function codeFrame(source: string, line: number, column?: number): string {
  if (typeof source !== 'string' || !Number.isInteger(line) || line < 1) return '';
  const first = Math.max(1, line - LINES_ABOVE);
  const window = linesBetween(source, first, line + LINES_BELOW);
  if (window.length < line - first + 1) return '';
  let col = column !== undefined && Number.isInteger(column) && column >= 1 ? column : undefined;
  if (window.some((text) => text.length > CROP_WIDTH)) {
    const center = col ?? 1;
    const start = Math.max(0, center - CROP_WIDTH / 2);
    for (let i = 0; i < window.length; i++) {
      const text = window[i]!;
      const cropped = text.slice(start, start + CROP_WIDTH);
      window[i] = `${start > 0 && text.length > start ? '…' : ''}${cropped}${text.length > start + CROP_WIDTH ? '…' : ''}`;
    }
    if (col !== undefined && start > 0) col = col - start + 1;
  }
  const target = window[line - first]!;
  if (col !== undefined) col = Math.min(col, target.length + 1);
  // Babel numbers lines from the start of what it is given: pad with empty lines up to the window.
  const snippet = '\n'.repeat(first - 1) + window.join('\n');
  return codeFrameColumns(snippet, { start: col === undefined ? { line } : { line, column: col } }, { highlightCode: false, linesAbove: LINES_ABOVE, linesBelow: LINES_BELOW });
}

/** Lines `from`..`to` (1-based, inclusive, fewer at the end of the text) without splitting the whole text. */
function linesBetween(source: string, from: number, to: number): string[] {
  const out: string[] = [];
  let lineNo = 1;
  let pos = 0;
  while (pos <= source.length && lineNo <= to) {
    let end = source.indexOf('\n', pos);
    if (end < 0) end = source.length;
    if (lineNo >= from) out.push(source.slice(pos, end).replace(/\r$/, ''));
    pos = end + 1;
    lineNo++;
  }
  return out;
}
