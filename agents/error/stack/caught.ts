/**
 * Recognising the errors this folder expects (a missing file, a malformed URL, a bad source map) by
 * name and code rather than `instanceof`: errors thrown by Node's core come from another realm under
 * test runners that sandbox modules, where `instanceof TypeError` is false for a real TypeError.
 */

/** True for an error object whose `name` is one of `names`. */
export function isErrorNamed(error: unknown, ...names: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && names.includes(name);
}

/** The `code` of a Node system error (`ENOENT` …), if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
