/**
 * Lays values from another source over a validated config, key by key, and validates the result
 * with the one config schema. The editor uses it for the `orchestra.*` settings a person set
 * (schema defaults < the repository's config file < those settings). An override that does not fit
 * the schema is dropped, so the config keeps the value it had, and is returned with what is expected
 * there; the others still apply.
 */
import { configSchema, type OrchestraConfig } from './config-schema.js';
import { formatKeyPath, issuesFromZod } from './config-issues.js';

/** One value to lay over the config. */
export interface ConfigOverride {
  /** Key path inside the config, e.g. `['review', 'complexity', 'cyclomatic']`. */
  readonly path: readonly string[];
  readonly value: unknown;
  /** Where the value comes from, for messages (e.g. "workspace settings"). */
  readonly origin: string;
}

/** An override the schema refused. */
export interface RejectedOverride {
  readonly override: ConfigOverride;
  /** The key as users write it (`review.complexity.cyclomatic`). */
  readonly key: string;
  /** What is expected and what was found (from the schema), e.g. "expected a number at least 1, found number 0". */
  readonly message: string;
}

/** What {@link applyConfigOverrides} returns. */
export interface AppliedOverrides {
  /** The config with every accepted override, defaults filled in. */
  readonly config: OrchestraConfig;
  readonly applied: readonly ConfigOverride[];
  readonly rejected: readonly RejectedOverride[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** Keys that would reach an object's prototype instead of the config. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Sets `value` at `path` in `target` (a fresh JSON copy). A mapping laid over a mapping is merged
 * key by key (as VS Code merges object settings across scopes); anything else replaces.
 */
function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (!isPlainObject(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  const current = node[last];
  node[last] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
}

const startsWith = (path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean =>
  prefix.length <= path.length && prefix.every((segment, i) => String(path[i]) === String(segment));

/**
 * Applies `overrides` in order over `base` (a validated config) and validates the result.
 * Overrides the schema refuses are left out (their keys keep `base`'s values) and reported.
 */
export function applyConfigOverrides(base: OrchestraConfig, overrides: readonly ConfigOverride[]): AppliedOverrides {
  const rejected: RejectedOverride[] = [];
  let accepted = overrides.filter((o) => {
    if (o.path.length > 0 && o.path.every((segment) => !UNSAFE_KEYS.has(segment))) return true;
    rejected.push({ override: o, key: formatKeyPath(o.path), message: 'not a key of the Orchestra config' });
    return false;
  });
  for (;;) {
    const data = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    for (const o of accepted) setAt(data, o.path, o.value === undefined ? undefined : JSON.parse(JSON.stringify(o.value)));
    const result = configSchema.safeParse(data);
    if (result.success) return { config: result.data, applied: accepted, rejected: rejected.sort((a, b) => overrides.indexOf(a.override) - overrides.indexOf(b.override)) };
    const issues = issuesFromZod(result.error, data, configSchema);
    const culprits = new Map<ConfigOverride, string>();
    for (const issue of issues) {
      // The issue is at the override's key or inside its value (a list item, a mapping's key).
      const owner = [...accepted].reverse().find((o) => startsWith(issue.path, o.path));
      if (owner && !culprits.has(owner)) culprits.set(owner, issue.key === formatKeyPath(owner.path) ? issue.message : `${issue.key}: ${issue.message}`);
    }
    // `base` is valid, so every issue comes from an override; if none can be named, refuse them all.
    if (culprits.size === 0) for (const o of accepted) culprits.set(o, issues[0]?.message ?? 'does not fit the config schema');
    for (const [o, message] of culprits) rejected.push({ override: o, key: formatKeyPath(o.path), message });
    accepted = accepted.filter((o) => !culprits.has(o));
  }
}
