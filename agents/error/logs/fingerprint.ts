/**
 * Error fingerprints: one bug, one fingerprint, whatever run, machine or moment produced the text.
 * `normalizeMessage` replaces the parts of a message that change between occurrences of the same bug
 * (temp folders, UUIDs, timestamps, addresses and ports, hex hashes, ids, durations, positions that a
 * parser quotes inside its message); `fingerprintError` hashes what is left.
 */
import { createHash } from 'node:crypto';
import { stripAnsi } from './strip-ansi.js';

/** Characters of a message that take part in its fingerprint; what follows is detail, not identity. */
const MAX_NORMALISED = 1000;

/** The rules, in order: a later rule sees the placeholders of the earlier ones. */
const RULES: readonly (readonly [RegExp, string | ((match: string, ...groups: string[]) => string)])[] = [
  // node:test's spec reporter shows a wrapped error as `TypeError [Error]:`, its TAP reporter as `TypeError:`.
  [/\b(\w*(?:Error|Exception)) \[(?:Error|ERR_TEST_FAILURE)\]/g, '$1'],
  // Temp folders: the folder right under the temp root is random (mkdtemp), the rest of the path is not.
  [/[A-Za-z]:[\\/](?:Users[\\/][^\\/\s'"`]+[\\/]AppData[\\/]Local[\\/]Temp|Windows[\\/]Temp)[\\/][^\\/\s'"`)]+/g, '<tmp>'],
  [/(?:[A-Za-z]:[\\/]a|\/home\/runner\/work)[\\/]_temp[\\/][^\\/\s'"`)]+/g, '<tmp>'],
  [/\/(?:private\/)?var\/folders\/[^/\s]+\/[^/\s]+\/T\/[^/\s'"`)]+/g, '<tmp>'],
  [/(?<![\w.])\/(?:tmp|var\/tmp|dev\/shm)\/[^/\s'"`)]+/g, '<tmp>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  // Date-times (ISO 8601, RFC 3339, Python's comma millis), then bare dates and times of day.
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b\d{4}[-/]\d{2}[-/]\d{2}\b/g, '<date>'],
  [/(?<![\w:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?![\w:])/g, '<time>'],
  // Addresses and ports.
  [/\[[0-9a-f:]*:[0-9a-f:]*\](?::\d{1,5})?/gi, (m) => (m.includes(']:') ? '<ip>:<port>' : '<ip>')],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, (m) => (m.includes(':') ? '<ip>:<port>' : '<ip>')],
  [/((?<![\w.-])localhost|\/\/[^/\s:@'"`]+):\d{1,5}\b/gi, '$1:<port>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // Durations: "(12 ms)", "in 0.05s", "after 5000ms", "1.734 s".
  [/\b\d+(?:\.\d+)?\s?(?:ms|µs|μs|us|ns|milliseconds?|seconds?|secs?|minutes?|mins?)\b/g, '<dur>'],
  [/\b\d+(?:\.\d+)?[smh]\b/g, '<dur>'],
  [/\b\d+\.\d+ s\b/g, '<dur>'],
  // Positions a parser puts in its message: "(3:14)", "at line 3 column 14", "at position 42".
  [/\(\d+:\d+\)/g, '(<pos>)'],
  [/\b(line|ln|row|column|col|position|pos|offset)(\s*:\s*|\s+)\d+/gi, '$1$2<n>'],
  [/(\.[A-Za-z][\w-]{0,9}):\d+(?::\d+)?\b/g, '$1:<pos>'],
  // Numbers standing alone in quotes, hashes and random ids (one placeholder: a hash that happens to
  // be all hex and an id that is not must not tell two occurrences apart), issue-like and long numbers.
  [/(['"`])-?\d+(?:\.\d+)?\1/g, '$1<n>$1'],
  [/(?<![A-Za-z0-9])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}(?![A-Za-z0-9])/gi, '<id>'],
  [/(?<![A-Za-z0-9])(?=(?:[A-Za-z]*\d){3})(?=[0-9]*[A-Za-z])[A-Za-z0-9]{8,}(?![A-Za-z0-9])/g, '<id>'],
  [/\b(id|pid|uid|gid|tid|port)([=:#]\s?|\s)\d+\b/gi, '$1$2<n>'],
  [/#\d+\b/g, '#<n>'],
  [/(?<![A-Za-z0-9])\d{4,}(?![A-Za-z0-9])/g, '<n>'],
  [/\s+/g, ' '],
];

/**
 * The message with its volatile parts replaced by placeholders (`<tmp>` temp folders, `<uuid>`,
 * `<time>`, `<date>`, `<ip>`, `<port>`, `<hex>` addresses, `<dur>` durations, `<pos>` and `<n>`
 * positions and numbers of 4+ digits, `<id>` hashes and random ids), whitespace collapsed, at most
 * 1,000 characters.
 */
export function normalizeMessage(message: string): string {
  let text = stripAnsi(message);
  if (text.length > MAX_NORMALISED * 4) text = text.slice(0, MAX_NORMALISED * 4);
  for (const [pattern, replacement] of RULES) {
    text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
  }
  return text.trim().slice(0, MAX_NORMALISED);
}

/**
 * A stable 16-hex-digit fingerprint of an error message: the same bug seen with another port, id,
 * temp folder, time or duration gets the same fingerprint; different messages get different ones.
 * The log analyzer groups errors by the fingerprint of their message together with the failing
 * test's name, a compiler's or linter's file, and the exception a log line carried.
 */
export function fingerprintError(message: string): string {
  return createHash('sha1').update(normalizeMessage(message)).digest('hex').slice(0, 16);
}
