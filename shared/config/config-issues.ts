/**
 * Turns schema violations into messages a user can act on: the key path (`review.failOn`), what is
 * expected there and what the file has instead, plus "did you mean" for misspelt keys. Values that
 * look like credentials are never echoed.
 */
import { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { secretKindForKey } from '../governance/redact.js';
import { secretShape } from './secret-shape.js';

/** One problem in a config file. */
export interface ConfigIssue {
  /** Path to the offending key, as segments. */
  path: readonly (string | number)[];
  /** The path as users write it: `review.rules["security/x"]`, `error.logs[2]`; empty for the whole file. */
  key: string;
  /** What is wrong and what is expected, without the key. */
  message: string;
  /** Whether the issue is about the key itself (unknown, forbidden) rather than its value. */
  atKey?: boolean;
  /** 1-based position in the file, when known. */
  line?: number;
  column?: number;
}

/** Shown instead of a value that looks like a credential. */
export const SECRET_ADVICE =
  'config files are committed and shared, so they must not hold credentials: remove it and provide it through an environment variable (LLM keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, or the variable named by llm.apiKeyEnv)';

/** Formats a key path as users write it (empty for the whole file). */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && secretShape(segment)) out += '[<credential, not shown>]';
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Describes a found value briefly, hiding anything that looks like a credential. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a mapping (object)';
  if (typeof value === 'string') {
    if (secretShape(value)) return 'a value that looks like a credential (not shown)';
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping (object)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

/** The value at `path` inside `data`, or undefined. Own properties only. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The object schema reached by following `path` through wrappers, records and lists. */
function objectSchemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | undefined {
  let current: z.ZodType | undefined = schema;
  let index = 0;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
      current = current.unwrap() as z.ZodType;
      continue;
    }
    if (index === path.length) return current instanceof z.ZodObject ? current : undefined;
    const segment = path[index++]!;
    if (current instanceof z.ZodObject) current = (current.shape as Record<PropertyKey, z.ZodType>)[segment];
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return undefined;
    if (current === undefined) return undefined;
  }
}

/** Expected-vs-found text for one zod issue. */
function explain(issue: z.core.$ZodIssue, found: unknown): string {
  const foundText = `found ${describeFound(found)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, ${foundText}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, ${foundText}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; ${foundText}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
      if (issue.origin === 'array' || issue.origin === 'set') return `expected ${op} ${bound} items, ${foundText}`;
      if (issue.origin === 'string') return `expected ${op} ${bound} characters, ${foundText}`;
      return `expected a number ${op} ${bound}, ${foundText}`;
    }
    case 'invalid_key':
      return `invalid key: ${issue.issues[0]?.message ?? 'not allowed here'}`;
    case 'invalid_format':
    case 'custom':
      return issue.message.startsWith('expected') ? `${issue.message}, ${foundText}` : `${issue.message}; ${foundText}`;
    default:
      return `${issue.message}; ${foundText}`;
  }
}

/**
 * Converts a zod error to config issues: one per unknown key (with a suggestion), one per other
 * violation. `data` is the parsed file content, used to say what was found.
 */
export function issuesFromZod(error: z.ZodError, data: unknown, schema: z.ZodType): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(objectSchemaAt(schema, path)?.shape ?? {});
      for (const name of issue.keys) {
        const keyPath = [...path, name];
        issues.push({ path: keyPath, key: formatKeyPath(keyPath), atKey: true, message: unknownKeyMessage(name, known) });
      }
      continue;
    }
    const atKey = issue.code === 'invalid_key';
    issues.push({ path, key: formatKeyPath(path), message: explain(issue, valueAt(data, path)), ...(atKey ? { atKey } : {}) });
  }
  return issues;
}

function unknownKeyMessage(name: string, known: readonly string[]): string {
  if (secretShape(name)) return `unknown key that looks like a credential (not shown); ${SECRET_ADVICE}`;
  if (secretKindForKey(name) !== undefined) return `a key named like a credential is not allowed; ${SECRET_ADVICE}`;
  const suggestion = didYouMean(name, known);
  if (suggestion) return `unknown key; did you mean "${suggestion}"?`;
  return known.length > 0 ? `unknown key; allowed keys here: ${known.join(', ')}` : 'unknown key';
}
