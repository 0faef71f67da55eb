/**
 * Application log lines with a level: logback/log4j (`2024-05-01 12:00:00.123 [main] ERROR a.B - msg`),
 * Python logging (`ERROR:root:msg`, `2024-05-01 12:00:00,123 - app - ERROR - msg`), bracketed and
 * logfmt levels (`[error]`, `level=error msg="…"`), CLI-style `error: …`, and JSON lines (pino and
 * bunyan numeric levels, winston/ECS/GCP string levels) with their embedded error and stack.
 */

/** Levels the analyzer reports: `warn` only when asked to. */
export type Severity = 'fatal' | 'error' | 'warn';

/** A log line at error (or warning) level. */
export interface LevelLine {
  severity: Severity;
  message: string;
  /** ISO 8601, when the line starts with a date and time. */
  timestamp?: string;
}

/** A JSON log line at error (or warning) level. */
export interface JsonLevelLine extends LevelLine {
  /** The logged error's own stack (`err.stack`), lines as the runtime wrote them. */
  stack?: string;
  /** The logged error's `type: message`, when it had one. */
  detail?: string;
}

/** The first upper-case level word of a line decides: an INFO line that mentions ERROR is not an error. */
const LEVEL_WORD = /(?<![\w.$-])(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|SEVERE|CRITICAL|CRIT|ALERT|FATAL|EMERG|PANIC)(?![\w$-])/;
/** Lower- or mixed-case levels that only count in a recognisable shape. */
const LEVEL_SHAPED = /(?:\[(?:[\w-]+:)?(error|fatal|crit|critical|alert|emerg|warn|warning)\]|<(error|fatal|crit|warn|warning)>|\b(?:level|lvl|severity)=["']?(error|fatal|critical|warn|warning|err)\b)/i;
const CLI_ERROR = /^(fatal|error|FATAL|ERROR)(?:\[[\w-]{1,20}\])?: (.+)$/;
/** A date and time at the start of a line, bracketed or not. */
const LEADING_TIME = /^\[?(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\]?/;

/** Severity of a level word, or undefined for levels below warning. */
function severityOf(word: string, minLevel: Severity): Severity | undefined {
  switch (word.toUpperCase()) {
    case 'FATAL':
    case 'EMERG':
    case 'PANIC':
    case 'ALERT':
      return 'fatal';
    case 'ERROR':
    case 'ERR':
    case 'SEVERE':
    case 'CRITICAL':
    case 'CRIT':
      return 'error';
    case 'WARN':
    case 'WARNING':
      return minLevel === 'warn' ? 'warn' : undefined;
    default:
      return undefined;
  }
}

/** The ISO 8601 form of a line's leading date and time, when it has one. */
export function leadingTimestamp(text: string): string | undefined {
  const m = LEADING_TIME.exec(text);
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}${m[5] ? `.${m[5]}` : ''}${m[6] ?? ''}`;
}

/**
 * A plain-text log line at error level (or warning, with `minLevel: 'warn'`): the level word must be
 * the line's first, at its start or after a timestamp or a bracketed prefix.
 */
export function parseLevelLine(text: string, indent: number, minLevel: Severity): LevelLine | undefined {
  const body = indent > 0 ? text.slice(indent) : text;
  const cli = CLI_ERROR.exec(body);
  if (cli) return { severity: cli[1]!.toLowerCase() === 'fatal' ? 'fatal' : 'error', message: cli[2]! };
  const first = body.charCodeAt(0);
  const prefixed = (first >= 48 && first <= 57) || first === 91 || first === 60; // digit, [ or <
  const word = LEVEL_WORD.exec(body);
  if (word && word.index <= 120 && (word.index === 0 || prefixed)) {
    const severity = severityOf(word[1]!, minLevel);
    if (!severity) return undefined;
    return withTime(body, severity, messageAfter(body, word.index + word[0].length));
  }
  if (word && word.index <= 120 && prefixed) return undefined;
  const shaped = LEVEL_SHAPED.exec(body);
  if (!shaped || shaped.index > 120 || !(shaped.index === 0 || prefixed || shaped[3])) return undefined;
  const severity = severityOf(shaped[1] ?? shaped[2] ?? shaped[3]!, minLevel);
  if (!severity) return undefined;
  if (shaped[3]) {
    const msg = /\b(?:msg|message)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(body);
    return withTime(body, severity, msg ? (msg[1] ?? msg[2]!) : body);
  }
  return withTime(body, severity, messageAfter(body, shaped.index + shaped[0].length));
}

function withTime(body: string, severity: Severity, message: string): LevelLine {
  const timestamp = leadingTimestamp(body);
  return timestamp ? { severity, message, timestamp } : { severity, message };
}

/** The message after the level: without separators, a logback logger name or a Python `name:`. */
function messageAfter(body: string, from: number): string {
  let rest = body.slice(from).replace(/^[\]\s:|>-]+/, '');
  // logback/log4j: `a.b.Logger - msg` (a dotted name, so a message that has " - " in it is kept).
  const logger = /^(?:\[[^\]]{0,80}\]\s+)?[\w$]+(?:\.[\w$]+)+(?:\[[^\]]{0,80}\])?\s+-\s+(.*)$/.exec(rest);
  if (logger) rest = logger[1]!;
  else if (body.charCodeAt(from) === 58) {
    // Python's default format: LEVEL:logger.name:message
    const python = /^[\w.]+:(.*)$/.exec(rest);
    if (python) rest = python[1]!;
  }
  return rest.trim() || body.trim();
}

const JSON_LEVEL_HINT = /"(?:level|severity|log\.level|@l|lvl)"\s*:/;

/** A JSON log line (pino, bunyan, winston, ECS, GCP) at error level, with its error's stack. */
export function parseJsonLine(text: string, minLevel: Severity): JsonLevelLine | undefined {
  if (!JSON_LEVEL_HINT.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const level = record.level ?? record.severity ?? record['log.level'] ?? record['@l'] ?? record.lvl;
  let severity: Severity | undefined;
  if (typeof level === 'number') {
    // pino and bunyan: 40 warn, 50 error, 60 fatal.
    severity = level >= 60 ? 'fatal' : level >= 50 ? 'error' : level >= 40 && minLevel === 'warn' ? 'warn' : undefined;
  } else if (typeof level === 'string') {
    severity = severityOf(level, minLevel);
  }
  if (!severity) return undefined;
  const err = pickObject(record.err) ?? pickObject(record.error) ?? pickObject(record.exception);
  const errMessage = str(err?.message);
  const errType = str(err?.type) ?? str(err?.name);
  const message = str(record.msg) ?? str(record.message) ?? str(record['@m']) ?? str(record['@mt']) ?? errMessage ?? text;
  const line: JsonLevelLine = { severity, message };
  const stack = str(err?.stack) ?? str(record.stack) ?? str(record['@x']);
  if (stack) line.stack = stack;
  if (errMessage || errType) line.detail = errType && errMessage ? `${errType}: ${errMessage}` : (errMessage ?? errType);
  const time = record.time ?? record.timestamp ?? record['@timestamp'] ?? record['@t'];
  if (typeof time === 'number' && Number.isFinite(time) && Math.abs(time) < 8.64e15) line.timestamp = new Date(time).toISOString();
  else if (typeof time === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(time)) line.timestamp = time;
  return line;
}

function pickObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp (7 fraction digits allowed); a timestamp
 * without a zone is read as UTC, which keeps the windows of one log consistent.
 */
export function timestampMillis(iso: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?/.exec(iso);
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isFinite(time) ? time : undefined;
}
