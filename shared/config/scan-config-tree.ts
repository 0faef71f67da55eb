/**
 * Checks on the raw parsed tree that the schema cannot make, run before it: nesting depth (a
 * hostile file must not exhaust the stack), keys that would touch prototypes (`__proto__`), and
 * credentials pasted anywhere in the file. Iterative, so depth is bounded by the check itself.
 */
import { SECRET_ADVICE, formatKeyPath, type ConfigIssue } from './config-issues.js';
import { secretShape } from './secret-shape.js';

/** Keys that reach into prototypes when assigned; never meaningful in a config file. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any real config (the schema is four levels deep). */
export const MAX_CONFIG_DEPTH = 32;

/** Most issues collected before the scan stops: enough to fix a file, bounded for a hostile one. */
const MAX_ISSUES = 50;

/** Returns issues for forbidden keys, credentials and excessive nesting in a parsed config tree. */
export function scanConfigTree(data: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const kind = secretShape(value);
      if (kind) issues.push({ path, key: formatKeyPath(path), message: `looks like ${kind}; ${SECRET_ADVICE}` });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_CONFIG_DEPTH) {
      issues.push({ path, key: formatKeyPath(path), message: `nested more than ${MAX_CONFIG_DEPTH} levels deep; Orchestra config is at most a few levels deep` });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    // Reverse so issues come out in document order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const childPath = [...path, key];
      if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) {
        issues.push({ path: childPath, key: formatKeyPath(childPath), atKey: true, message: `the key "${key}" is not allowed (it could alter object prototypes)` });
        continue;
      }
      if (typeof key === 'string' && secretShape(key)) {
        issues.push({ path: childPath, key: formatKeyPath(childPath), atKey: true, message: `a key that looks like a credential; ${SECRET_ADVICE}` });
        continue;
      }
      stack.push({ value: child, path: childPath });
    }
  }
  return issues;
}
