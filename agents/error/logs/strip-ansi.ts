/**
 * ANSI escape removal for tool output. Written here rather than imported: `strip-ansi` is only a
 * transitive copy in this repository, and on coloured CI logs its one expression was the analyzer's
 * hottest spot. Here text without any escape is returned at once; CSI sequences (colours, cursor
 * moves: nearly all escapes in logs) go through a simple expression that V8 runs several times
 * faster; OSC sequences (titles, hyperlinks) are removed up to their terminator, spaces included
 * (`ansi-regex` stops at a space and leaves half a title); what is left (charset selections, 8-bit
 * CSI) goes through the full `ansi-regex` pattern.
 */

/** ECMA-48 CSI: ESC [, parameter bytes, intermediate bytes, one final byte. */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
/** OSC (titles, hyperlinks): ESC ], any text, then BEL, ESC \ or the 8-bit ST. */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const OSC = /\u001b\][^\u0007\u001b\u009c\n]*(?:\u0007|\u001b\\|\u009c)/g;
/** String terminators of OSC sequences: BEL, ESC \ and the 8-bit ST. */
const ST = '(?:\\u0007|\\u001B\\u005C|\\u009C)';
/** The `ansi-regex` pattern (v6), with ST terminators. */
const ANSI = new RegExp(
  [
    `[\\u001B\\u009B][[\\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]+)*|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]*)*)?${ST})`,
    '(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PR-TZcf-nq-uy=><~]))',
  ].join('|'),
  'g',
);

/** Removes ANSI colour, cursor and title sequences; returns `text` itself when it has none. */
export function stripAnsi(text: string): string {
  if (text.indexOf('\u001b') === -1 && text.indexOf('\u009b') === -1) return text;
  let rest = text.replace(CSI, '');
  if (rest.indexOf('\u001b') === -1 && rest.indexOf('\u009b') === -1) return rest;
  // OSC payloads may hold spaces (a window title), which the ansi-regex pattern does not allow.
  rest = rest.replace(OSC, '');
  return rest.indexOf('\u001b') === -1 && rest.indexOf('\u009b') === -1 ? rest : rest.replace(ANSI, '');
}
