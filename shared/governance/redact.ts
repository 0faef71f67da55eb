/**
 * Redaction: secrets and personal data are removed before anything is stored (audit trail, memory)
 * or logged. {@link redactString} rewrites known secret formats and PII inside text;
 * {@link redact} walks any value, redacting strings and replacing the whole value of keys named
 * like secrets (`password`, `apiKey`, `authorization`, …). The output of {@link redact} is always
 * plain JSON data (no cycles, no class instances), so it can be written as-is.
 *
 * What is redacted (markers are `[REDACTED:<kind>]`): PEM private key blocks; GitHub, GitLab,
 * AWS access key, Slack, Stripe, Google, npm, OpenAI/Anthropic and SendGrid keys; JWTs;
 * `Authorization:` header values and `Bearer` tokens; the password in `scheme://user:pass@host`;
 * values assigned to secret-looking names (`password=…`, `"token": "…"`, `DB_SECRET: …`);
 * e-mail addresses; payment card numbers that pass the Luhn check; phone numbers (international
 * `+…` form, and North-American `(555) 123-4567` / `555-123-4567` forms); public IPv4 addresses
 * (loopback and private ranges are kept: they identify no person).
 *
 * Every rule runs in linear time on any input (see secret-patterns.ts).
 */
import { SECRET_RULES, redactedMarker, secretKindForKey } from './secret-patterns.js';

export { redactedMarker, secretKindForKey } from './secret-patterns.js';

/** Redacts secrets and PII inside a string. Idempotent: redacting twice changes nothing more. */
export function redactString(s: string): string {
  let out = s;
  for (const rule of SECRET_RULES) {
    if (rule.mayMatch(out)) out = rule.apply(out);
  }
  return out;
}

/** Options for {@link redact}. */
export interface RedactOptions {
  /** Nesting beyond this depth is replaced by `"[MaxDepth]"`. Default 32. */
  maxDepth?: number;
}

/** A JSON value: what {@link redact} returns. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Deep-redacts any value into plain JSON data: strings through {@link redactString}; the value of
 * a key named like a secret is replaced whole (`{ password: 'x' }` → `{ password: '[REDACTED:password]' }`,
 * even when the value is an object); object keys are redacted too (an e-mail used as a key).
 * Objects with `toJSON` (Date, URL) are converted first; Errors keep name, message and stack;
 * Maps become `[key, value]` pairs, Sets arrays, binary data `"[Binary N bytes]"`; cycles become
 * `"[Circular]"`; functions and symbols are dropped from objects like JSON does.
 */
export function redact(value: unknown, options: RedactOptions = {}): JsonValue {
  return walk(value, options.maxDepth ?? 32, new Set());
}

function walk(value: unknown, depth: number, ancestors: Set<object>): JsonValue {
  switch (typeof value) {
    case 'string':
      return redactString(value);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return redactString(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.has(obj)) return '[Circular]';
  if (depth <= 0) return '[MaxDepth]';
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return `[Binary ${(obj as ArrayBufferLike).byteLength} bytes]`;
  ancestors.add(obj);
  try {
    return walkObject(obj, depth - 1, ancestors);
  } finally {
    ancestors.delete(obj);
  }
}

function walkObject(obj: object, depth: number, ancestors: Set<object>): JsonValue {
  if (Array.isArray(obj)) return obj.map((item) => walk(item, depth, ancestors));
  if (obj instanceof Map) return [...obj].map(([k, v]) => [walk(k, depth, ancestors), walk(v, depth, ancestors)]);
  if (obj instanceof Set) return [...obj].map((item) => walk(item, depth, ancestors));
  if (obj instanceof Error) return walkError(obj, depth, ancestors);
  const toJSON = readProperty(obj, 'toJSON');
  if (typeof toJSON === 'function') {
    let converted: unknown;
    try {
      converted = (toJSON as () => unknown).call(obj);
    } catch {
      return '[Unreadable]';
    }
    if (converted !== obj) return walk(converted, depth, ancestors);
  }
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(obj)) {
    const raw = readProperty(obj, key);
    if (typeof raw === 'function' || typeof raw === 'symbol' || raw === undefined) continue;
    const kind = secretKindForKey(key);
    const redacted = kind !== undefined && raw !== null && typeof raw !== 'boolean' ? redactedMarker(kind) : walk(raw, depth, ancestors);
    setOwn(out, redactString(key), redacted);
  }
  return out;
}

function walkError(error: Error, depth: number, ancestors: Set<object>): JsonValue {
  const out: { [key: string]: JsonValue } = { name: redactString(String(error.name)), message: redactString(String(error.message)) };
  if (typeof error.stack === 'string') out.stack = redactString(error.stack);
  if (error.cause !== undefined) out.cause = walk(error.cause, depth, ancestors);
  for (const key of Object.keys(error)) {
    if (key in out) continue;
    const raw = readProperty(error, key);
    const kind = secretKindForKey(key);
    if (raw === undefined || typeof raw === 'function') continue;
    setOwn(out, redactString(key), kind !== undefined && raw !== null ? redactedMarker(kind) : walk(raw, depth, ancestors));
  }
  return out;
}

/** Reads a property without letting a throwing getter escape. */
function readProperty(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

/** Defines an own data property, so a key named `__proto__` stays data instead of changing the prototype. */
function setOwn(target: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
