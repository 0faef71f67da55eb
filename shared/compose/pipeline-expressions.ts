/**
 * The small, side-effect-free expression language of pipeline files: references (`$input`,
 * `$previous`, `$steps.NAME.key`) and conditions on them. Nothing is evaluated as code; lookups
 * read own properties only, so `$previous.constructor` or `__proto__` reach nothing.
 */
import { REFERENCE_PATTERN, type ConditionDefinition } from './pipeline-schema.js';

/** The values a reference can reach during a run. */
export interface ReferenceScope {
  input: unknown;
  previous: unknown;
  steps: ReadonlyMap<string, unknown>;
}

/** True when `value` is a whole-string reference. */
export function isReference(value: unknown): value is string {
  return typeof value === 'string' && REFERENCE_PATTERN.test(value);
}

/** Name of the step a reference reads (`$steps.NAME…`), or undefined for `$input` / `$previous`. */
export function referencedStep(ref: string): string | undefined {
  return ref.startsWith('$steps.') ? ref.split('.')[1] : undefined;
}

/** Reads one own property (or array index) of `value`; anything else is undefined. */
function member(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(key) ? value[Number(key)] : key === 'length' ? value.length : undefined;
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) return (value as Record<string, unknown>)[key];
  return undefined;
}

/** The value a reference points to, or undefined where the path leads nowhere. */
export function resolveReference(ref: string, scope: ReferenceScope): unknown {
  const parts = ref.slice(1).split('.');
  let value: unknown;
  let rest: string[];
  if (parts[0] === 'input') {
    value = scope.input;
    rest = parts.slice(1);
  } else if (parts[0] === 'previous') {
    value = scope.previous;
    rest = parts.slice(1);
  } else {
    value = scope.steps.get(parts[1]!);
    rest = parts.slice(2);
  }
  for (const key of rest) {
    value = member(value, key);
    if (value === undefined) return undefined;
  }
  return value;
}

/**
 * Builds a step's input from its template: strings that are references become their value,
 * `$$…` becomes the literal `$…`, everything else is copied.
 */
export function resolveTemplate(template: unknown, scope: ReferenceScope): unknown {
  if (typeof template === 'string') {
    if (template.startsWith('$$')) return template.slice(1);
    return isReference(template) ? resolveReference(template, scope) : template;
  }
  if (Array.isArray(template)) return template.map((item) => resolveTemplate(item, scope));
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(template)) {
      // defineProperty: a "__proto__" key from the file stays a plain key.
      Object.defineProperty(out, key, { value: resolveTemplate(item, scope), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return template;
}

/** Every reference in a template or condition, for checking them before a run. */
export function referencesIn(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (isReference(v)) found.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Evaluates a validated condition. Comparisons with a non-number are false. */
export function evaluateCondition(condition: ConditionDefinition, scope: ReferenceScope): boolean {
  if (typeof condition === 'string') return truthy(resolveReference(condition, scope));
  if (condition.all !== undefined) return condition.all.every((c) => evaluateCondition(c, scope));
  if (condition.any !== undefined) return condition.any.some((c) => evaluateCondition(c, scope));
  if (condition.not !== undefined) return !evaluateCondition(condition.not, scope);
  const value = resolveReference(condition.ref!, scope);
  if ('equals' in condition && condition.equals !== undefined) return value === condition.equals;
  if ('notEquals' in condition && condition.notEquals !== undefined) return value !== condition.notEquals;
  if (condition.in !== undefined) return condition.in.some((c) => c === value);
  if (condition.exists !== undefined) return (value !== undefined && value !== null) === condition.exists;
  if (condition.truthy !== undefined) return truthy(value) === condition.truthy;
  if (typeof value !== 'number') return false;
  if (condition.gt !== undefined) return value > condition.gt;
  if (condition.gte !== undefined) return value >= condition.gte;
  if (condition.lt !== undefined) return value < condition.lt;
  if (condition.lte !== undefined) return value <= condition.lte;
  return false;
}
