/**
 * Taint values for the intra-procedural analysis. A value is either clean (`undefined`: a constant
 * or something the analysis proved harmless) or a {@link Taint}: where it came from, how strong
 * that source is, the steps it took, and which sink classes it was sanitised for.
 */

/** How much the analysis trusts that a value is attacker-controlled, weakest first. */
export const Level = {
  /** Not constant, origin unknown (a global, an unknown call). Reported at `info` at most. */
  Unknown: 1,
  /** A function parameter, process.argv / env: outside data for a library. */
  Param: 2,
  /** An archive entry name (zip slip). */
  Archive: 3,
  /** A request, message or event payload. */
  User: 4,
} as const;

/** One of the {@link Level} values. */
export type Level = (typeof Level)[keyof typeof Level];

/** Sink classes a value can be sanitised for (a bit mask). */
export const Clean = {
  Code: 1,
  Command: 2,
  Path: 4,
  Sql: 8,
  NoSql: 16,
  Regex: 32,
  /** A key guarded against `__proto__`, `constructor` and `prototype`. */
  Proto: 64,
  /** A key guarded against `__proto__` only: enough for a one-level write, not for deep merges. */
  ProtoKey: 128,
  All: 255,
  /** Everything except prototype-pollution keys (hasOwnProperty on a source object is not a key guard). */
  AllButProto: 63,
} as const;

/** A point in the source, as UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

/** One step of a taint path (an assignment, a call it went through). */
export interface TaintStep extends Span {
  message: string;
}

/** A tainted value. Immutable: helpers return new objects. */
export interface Taint {
  readonly level: Level;
  /** Describes the source (`req.query`, `parameter cmd`). */
  readonly source: string;
  /** Where the source expression is. */
  readonly origin: Span;
  /** Intermediate steps, oldest first, at most {@link MAX_STEPS}. */
  readonly steps: readonly TaintStep[];
  /** Sink classes this value was sanitised for ({@link Clean} bits). */
  readonly sanitized: number;
  /** Went through path.resolve / normalize / join: a prefix check on it is meaningful. */
  readonly normalized?: boolean;
  /** Coerced to a string (template, concatenation, String()): cannot carry query operators. */
  readonly stringish?: boolean;
  /** Constant text around the value when it was built by concatenation or interpolation (for SQL detection). */
  readonly literal?: string;
}

/** Most steps kept in a taint path. */
export const MAX_STEPS = 6;

/** A value: clean (`undefined`) or tainted. */
export type Value = Taint | undefined;

/** Makes a source taint. */
export function source(level: Level, label: string, span: Span): Taint {
  return { level, source: label, origin: { start: span.start, end: span.end }, steps: [], sanitized: 0 };
}

/** The stronger of two values; sanitisation survives only where both parts are sanitised. */
export function join(a: Value, b: Value): Value {
  if (!a) return b;
  if (!b) return a;
  const strong = b.level > a.level ? b : a;
  const sanitized = a.sanitized & b.sanitized;
  const literal = a.literal || b.literal ? `${a.literal ?? ''}${b.literal ?? ''}`.slice(0, 400) : undefined;
  if (strong.sanitized === sanitized && strong.literal === literal && (strong.normalized ?? false) === ((a.normalized ?? false) && (b.normalized ?? false))) return strong;
  return { ...strong, sanitized, literal, normalized: (a.normalized ?? false) && (b.normalized ?? false) };
}

/** Joins many values. */
export function joinAll(values: Iterable<Value>): Value {
  let out: Value;
  for (const v of values) out = join(out, v);
  return out;
}

/** Adds a step to the path (keeping the first and the latest steps when it grows long). */
export function step(value: Value, message: string, span: Span): Value {
  if (!value) return value;
  const steps = value.steps.length >= MAX_STEPS ? [...value.steps.slice(0, 1), ...value.steps.slice(-(MAX_STEPS - 2))] : [...value.steps];
  steps.push({ message, start: span.start, end: span.end });
  return { ...value, steps };
}

/** Marks a value sanitised for some classes. */
export function sanitize(value: Value, bits: number): Value {
  if (!value || (value.sanitized & bits) === bits) return value;
  return { ...value, sanitized: value.sanitized | bits };
}

/** Returns a copy with extra properties. */
export function withProps(value: Value, props: Partial<Pick<Taint, 'normalized' | 'stringish' | 'literal'>>): Value {
  if (!value) return value;
  return { ...value, ...props };
}

/** True when a value is tainted, at least at `min`, and not sanitised for `bit`. */
export function reaches(value: Value, bit: number, min: Level = Level.Unknown): value is Taint {
  return value !== undefined && value.level >= min && (value.sanitized & bit) === 0;
}
