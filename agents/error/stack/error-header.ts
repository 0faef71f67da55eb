/**
 * The `Type: message` line(s) of a trace. JavaScript, Java and .NET print it above the frames, often
 * with something in between (a multi-line message, a runner's code frame) and sometimes with a
 * prefix (`Uncaught`, `Exception in thread "main"`, `Unhandled exception.`, a log line's preamble).
 */
import { MAX_LINE_LENGTH, isCodeFrameLine } from './trace-lines.js';

/** What a header line says: the error's type when it names one, and its message. */
export interface ErrorHeader {
  errorType?: string;
  message: string;
}

/** A header found above a trace's frames. */
export interface FoundHeader extends ErrorHeader {
  /** Line index of the header. */
  index: number;
}

/** How far above the first frame a header is looked for. */
const LOOKBACK = 25;
const MAX_MESSAGE_LINES = 20;
const MAX_MESSAGE_LENGTH = 4000;

const PREFIX = /^(?:Uncaught (?:\(in promise\) )?|Unhandled [Ee]xception[.:]? |Unhandled [Rr]ejection:? |Exception in thread "[^"]*" |Error: Uncaught )/;
const NAME = /^((?:[A-Za-z_$][\w$]*[.$])*[A-Za-z_$][\w$]*)(?: \[([\w.-]+)\])?(?::(?: ([\s\S]*))?)?$/;
const CONVENTIONAL = /(?:Error|Exception|Throwable|Failure|Fault|Warning|Rejection|Panic|Abort|Interrupt|Exit|Timeout|Violation)$/;
const ANYWHERE = /(?:^|[\s:\]>|])((?:[A-Za-z_$][\w$]*\.)*(?:[A-Z][\w$]*)?(?:Error|Exception))(?: \[[\w.-]+\])?(?:: (.*))?$/;

/** Language-specific leniency when reading a header. */
export interface HeaderRules {
  /** Names with a package (`com.acme.Oops`, `errors.Invalid`) count even without a conventional suffix. */
  dottedNames?: boolean;
}

/** Reads `Type: message` from one line's text; undefined when it does not look like an error's header. */
export function parseHeaderText(text: string, rules: HeaderRules = {}): ErrorHeader | undefined {
  let t = text.trim();
  if (t.length === 0 || t.length > MAX_LINE_LENGTH) return undefined;
  t = t.replace(PREFIX, '');
  // util.inspect of an error without a stack: `[Error: message]`.
  const bracket = /^\[([\s\S]*)\](?: \{)?$/.exec(t);
  if (bracket) t = bracket[1]!;
  const m = NAME.exec(t);
  if (m) {
    const name = m[1]!;
    const last = name.slice(name.lastIndexOf('.') + 1);
    if (CONVENTIONAL.test(last) || (rules.dottedNames && name.includes('.') && /^[a-z]/.test(name))) {
      return { errorType: name, message: (m[3] ?? '').trim() };
    }
  }
  const anywhere = ANYWHERE.exec(t);
  if (anywhere) return { errorType: anywhere[1]!, message: (anywhere[2] ?? '').trim() };
  return undefined;
}

/**
 * The header of a trace whose first frame is at `firstFrame`: the nearest line above it (not above
 * `floor`, where the previous trace ended) that reads as an error; else the line right above the
 * frames as a bare message; else an empty message. Lines in between (a multi-line message) are added
 * to the message, a runner's code frame is not.
 */
export function findHeader(lines: readonly string[], firstFrame: number, floor: number, rules: HeaderRules = {}): FoundHeader | undefined {
  const lowest = Math.max(floor, firstFrame - LOOKBACK);
  for (let j = firstFrame - 1; j >= lowest; j--) {
    const trimmed = lines[j]!.trim();
    if (trimmed === '' || isCodeFrameLine(trimmed)) continue;
    const header = parseHeaderText(trimmed, rules);
    if (header) return { ...header, message: withContinuation(header.message, lines, j + 1, firstFrame), index: j };
  }
  // No `Type: message` line (an assertion library's message, a thrown string). Under a test runner's
  // title (`● name`, `FAIL …`, `×`), the text between the title and the frames is the message;
  // elsewhere only the line right above the frames is.
  for (let j = firstFrame - 1; j >= lowest; j--) {
    const trimmed = lines[j]!.trim();
    if (trimmed.length > MAX_LINE_LENGTH) break;
    if (!TITLE.test(trimmed)) continue;
    const message = withContinuation('', lines, j + 1, firstFrame);
    if (message === '') break;
    let index = j + 1;
    while (lines[index]!.trim() === '' || isCodeFrameLine(lines[index]!.trim())) index++;
    return { message, index };
  }
  for (let j = firstFrame - 1; j >= Math.max(floor, firstFrame - 3); j--) {
    const trimmed = lines[j]!.trim();
    if (trimmed === '' || isCodeFrameLine(trimmed)) continue;
    if (trimmed.length <= MAX_LINE_LENGTH) return { message: trimmed.replace(PREFIX, ''), index: j };
    break;
  }
  return undefined;
}

/** A test runner's title or separator line, above which text belongs to something else. */
const TITLE = /^(?:●|✕|×|✗|FAIL\b|⎯|={3,}|-{3,}|_{3,})/;

/** The message continued over the lines from `from` to `to` (exclusive), without code frames, bounded. */
export function withContinuation(message: string, lines: readonly string[], from: number, to: number): string {
  if (to <= from) return message;
  const parts = [message];
  for (let j = from; j < to && parts.length <= MAX_MESSAGE_LINES; j++) {
    const trimmed = lines[j]!.trim();
    if (trimmed !== '' && isCodeFrameLine(trimmed)) continue;
    parts.push(trimmed);
  }
  return clampMessage(parts.join('\n').replace(/\n{3,}/g, '\n\n').trim());
}

/** Messages are bounded: a trace's message is for reading, not a copy of a log. */
export function clampMessage(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}
