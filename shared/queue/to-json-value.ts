/**
 * Job data and results may cross a process boundary (a Redis-backed queue stores them as JSON), and
 * `JSON.stringify` silently drops or rewrites what it cannot carry (`undefined`, functions, `NaN`, a
 * `Date`, a `Map`). So the in-process queue checks them the same way and copies them: a job sees
 * exactly what a remote worker would, and a caller mutating its object after `add` changes nothing.
 */
import { InvalidInputError } from '../errors/errors.js';

/** A plain JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused (it would overflow the stack of a recursive encoder). */
const MAX_DEPTH = 256;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Advice for a non-plain object, by constructor name. */
function adviceFor(kind: string): string {
  switch (kind) {
    case 'Date':
      return 'pass date.toISOString() or date.getTime()';
    case 'Map':
      return 'pass Object.fromEntries(map)';
    case 'Set':
      return 'pass [...set]';
    case 'URL':
      return 'pass url.href';
    default:
      return 'pass plain objects, arrays, strings, finite numbers, booleans or null';
  }
}

function fail(path: string, problem: string): never {
  throw new InvalidInputError(`${path} ${problem}`, { key: path });
}

/**
 * Checks that `value` is plain JSON and returns a deep copy of it.
 * @param path how to name the value in errors, e.g. `data` gives `data.files[2] is undefined …`.
 * @throws InvalidInputError naming the first offending path (in `where.key`) and what to pass instead.
 */
export function toJsonValue(value: unknown, path = 'value'): JsonValue {
  return copy(value, path, new Set(), 0);
}

function copy(value: unknown, path: string, ancestors: Set<object>, depth: number): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      return fail(path, `is ${value}, which JSON cannot carry: use null or a string`);
    case 'undefined':
      return fail(path, 'is undefined, which JSON drops: use null or leave the key out');
    case 'bigint':
      return fail(path, 'is a bigint, which JSON cannot carry: pass it as a string');
    case 'function':
    case 'symbol':
      return fail(path, `is a ${typeof value}, which JSON cannot carry: pass data, not behaviour`);
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= MAX_DEPTH) fail(path, `is nested more than ${MAX_DEPTH} levels deep: flatten it`);
  if (ancestors.has(object)) fail(path, 'refers back to an object that contains it (a cycle), which JSON cannot carry');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const out: JsonValue[] = new Array<JsonValue>(object.length);
      for (let i = 0; i < object.length; i++) out[i] = copy(object[i], childPath(path, i), ancestors, depth + 1);
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (proto as { constructor?: { name?: string } }).constructor?.name || 'object with a prototype';
      fail(path, `is a ${kind}, not a plain object: ${adviceFor(kind)}`);
    }
    if (Object.getOwnPropertySymbols(object).length > 0) fail(path, 'has symbol keys, which JSON drops: use string keys');
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(object)) {
      const child = copy((object as Record<string, unknown>)[key], childPath(path, key), ancestors, depth + 1);
      // defineProperty: a key named "__proto__" must stay data, not set the copy's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: child, enumerable: true, writable: true, configurable: true });
      else out[key] = child;
    }
    return out;
  } finally {
    ancestors.delete(object);
  }
}
