/**
 * What the memory store accepts as a value: plain JSON. Values are checked before they are written,
 * because `JSON.stringify` silently drops or rewrites what it cannot represent (`undefined`, functions,
 * `NaN`, a `Date`, a `Map`) and the store must give back exactly what it was given.
 */
import { InvalidInputError } from '../errors/errors.js';

/** A JSON value as the store stores and returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Property paths rendered like `value.items[2].at`. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name ? `a ${name}` : 'an object';
}

/** Explains why `value` at `path` is not plain JSON, or returns undefined when it is. */
function findProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot represent; store null or a string instead`;
    case 'undefined':
      return `${path} is undefined, which JSON drops; use null or leave the property out`;
    case 'bigint':
      return `${path} is a bigint, which JSON cannot represent; store it as a string`;
    case 'function':
    case 'symbol':
      return `${path} is a ${typeof value}, which JSON cannot represent`;
    default:
      break;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (seen.has(object)) return `${path} refers back to one of its parents (a cycle); JSON cannot represent cycles`;
  if (Array.isArray(object)) {
    seen.add(object);
    for (let i = 0; i < object.length; i++) {
      if (!(i in object)) return `${childPath(path, i)} is an empty array slot, which JSON turns into null; fill it`;
      const problem = findProblem(object[i], childPath(path, i), seen);
      if (problem) return problem;
    }
    seen.delete(object);
    return undefined;
  }
  const proto = Object.getPrototypeOf(object) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const hint = object instanceof Date ? '; store date.toISOString() or a number instead' : '; convert it to a plain object or array';
    return `${path} is ${describe(object)}, which does not survive a JSON round trip${hint}`;
  }
  if (Object.getOwnPropertySymbols(object).length > 0) return `${path} has symbol keys, which JSON drops`;
  seen.add(object);
  for (const [key, child] of Object.entries(object)) {
    const problem = findProblem(child, childPath(path, key), seen);
    if (problem) return problem;
  }
  seen.delete(object);
  return undefined;
}

/**
 * Serialises a value that must be plain JSON, or throws an {@link InvalidInputError} that names the
 * offending property path (`value.items[2].at`) and what to do about it. `where` says which entry was
 * being written, for the message.
 */
export function toJsonText(value: unknown, where: string): string {
  const problem = findProblem(value, 'value', new Set());
  if (problem) throw new InvalidInputError(`${where}: ${problem}`, { key: where });
  return JSON.stringify(value);
}
