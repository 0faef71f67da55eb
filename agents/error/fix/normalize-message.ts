/**
 * Error text as the rules read it. Messages come from logs: they may carry ANSI colours, carriage
 * returns, control characters, or be huge. Rules see a bounded, cleaned copy, so every pattern runs
 * on at most {@link MAX_MESSAGE} characters.
 */

/** Rules read at most this many characters of a message (the error's first lines carry what they need). */
export const MAX_MESSAGE = 16_000;

/** ANSI CSI/OSC sequences, matched with bounded runs only. */
// eslint-disable-next-line no-control-regex -- ANSI escapes start with ESC
const ANSI = /\u001b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]|\u001b\][^\u0007\u001b]{0,512}(?:\u0007|\u001b\\)/g;

/** Removes colours and control characters (keeps newlines and tabs), unifies line ends, bounds the length. */
export function normalizeMessage(message: unknown): string {
  if (typeof message !== 'string') return '';
  let s = message.length > MAX_MESSAGE * 2 ? message.slice(0, MAX_MESSAGE * 2) : message;
  s = s.replace(ANSI, '');
  s = s.replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  s = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, ' ');
  return s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE) : s;
}

/**
 * The error type a message names itself: `TypeError` in `TypeError: x`, `TypeError` in
 * `TypeError [ERR_INVALID_ARG_TYPE]: …`, `java.lang.NullPointerException`,
 * `json.decoder.JSONDecodeError`. Only the first line is read.
 */
export function errorTypeOf(message: string): string | undefined {
  const firstLine = message.slice(0, 500).split('\n', 1)[0] ?? '';
  const match =
    /^(?:Uncaught |Exception in thread "[^"]{0,100}" )?(?<type>[A-Za-z_$][\w$]{0,60}(?:\.[A-Za-z_$][\w$]{0,60}){0,8})(?: \[[A-Z_]{1,60}\])?:/.exec(
      firstLine.trimStart(),
    );
  const type = match?.groups?.type;
  if (type === undefined) return undefined;
  // `Error`, `TypeError`, `AssertionError`, `java.lang.NullPointerException`, `OSError` … but not `Note:` or `src/a.ts`.
  return /(?:Error|Exception|Warning|Failure|Rejection)$/.test(type) || type === 'FATAL ERROR' ? type : undefined;
}

/** Clips a captured value to one bounded line. */
export function clipValue(value: string, max = 300): string {
  const s = value.replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max) : s;
}
