/**
 * Text in, clean lines out: what every trace parser reads. Colour codes and terminal escapes are
 * removed, line endings normalised, and the timestamp GitHub Actions puts before each line of a raw
 * job log dropped, so a frame reads the same wherever it was copied from.
 */

/** Lines longer than this are never frames or headers (a minified bundle echoed into a log, binary noise). */
export const MAX_LINE_LENGTH = 4096;

// CSI sequences (colours, cursor moves), OSC sequences (hyperlinks, titles) and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
const ACTIONS_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;

/** Splits text into lines without escapes, carriage returns or GitHub Actions timestamps. */
export function traceLines(text: string): string[] {
  let clean = text.includes('\x1b') ? text.replace(ESCAPES, '') : text;
  if (clean.includes('\r')) clean = clean.replace(/\r\n?/g, '\n');
  const lines = clean.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const first = line.charCodeAt(0);
    if (first >= 48 && first <= 57 && ACTIONS_TIMESTAMP.test(line)) lines[i] = line.replace(ACTIONS_TIMESTAMP, '');
  }
  return lines;
}

/** Width of a line's leading white space (a tab counts 4). */
export function indentOf(line: string): number {
  let width = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32) width += 1;
    else if (c === 9) width += 4;
    else break;
  }
  return width;
}

/** A line of a code frame that a runner prints between an error and its frames (`> 12 | code`, `   |  ^`, a caret line). */
export function isCodeFrameLine(trimmed: string): boolean {
  return /^>?\s*\d+\s*\|/.test(trimmed) || trimmed.startsWith('|') || /^\^+~*$/.test(trimmed);
}
