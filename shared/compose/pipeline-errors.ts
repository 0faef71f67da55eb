/**
 * Turns schema issues into messages that say where and what to fix:
 * `ci.pipeline.yml:12:17: steps[1].deadlineMs (step "fix"): expected number, received string`.
 */
import type { z } from 'zod';

/** A path into the pipeline document. */
export type DocPath = readonly PropertyKey[];

/** Finds the line and column of a path in the source, when there is a source. */
export type Locate = (path: DocPath, key?: string) => { line: number; col: number } | undefined;

/** `steps[1].parallel[0].capability`. */
export function formatKey(path: DocPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** The name of the innermost step a path lies in, read from the raw document. */
export function stepNameAt(root: unknown, path: DocPath): string | undefined {
  let value: unknown = root;
  let name: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (value === null || typeof value !== 'object') break;
    value = (value as Record<PropertyKey, unknown>)[part as string];
    const inStepList = (path[i - 1] === 'steps' || path[i - 1] === 'parallel') && typeof part === 'number';
    if (inStepList && value !== null && typeof value === 'object') {
      const n = (value as Record<string, unknown>)['name'];
      name = typeof n === 'string' ? n : undefined;
    }
  }
  return name;
}

/** One located problem. */
export interface Problem {
  path: DocPath;
  message: string;
  /** For an unknown key: the key itself (its own line is shown). */
  key?: string;
}

/** Picks the union branch the writer most likely meant: the one not failing on its type at the union's own path. */
function unionProblems(issue: z.core.$ZodIssueInvalidUnion, base: DocPath): Problem[] {
  const plausible = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (plausible.length === 1) return plausible[0]!.flatMap((i) => toProblems(i, base));
  return [{ path: [...base, ...issue.path], message: 'expected a reference string ("$previous.ok") or a condition object ({ ref, equals })' }];
}

/** Flattens a zod issue to problems with full paths. */
export function toProblems(issue: z.core.$ZodIssue, base: DocPath = []): Problem[] {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union') return unionProblems(issue, base.concat(issue.path));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], key, message: `unknown key "${key}"${hint(path)}` }));
  }
  return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
}

function hint(path: DocPath): string {
  const last = path[path.length - 1];
  if (typeof last === 'number' || path.length === 0) {
    return path.length === 0
      ? ' (a pipeline has: name, description, deadlineMs, strategy, steps)'
      : ' (a step has: name, capability | agent | parallel, type, input, when, deadlineMs)';
  }
  return '';
}

/** Renders problems (at most `limit`), each with its location, key and step. */
export function renderProblems(problems: readonly Problem[], root: unknown, locate: Locate, file: string | undefined, limit = 5): string {
  const lines = problems.slice(0, limit).map((p) => {
    const pos = locate(p.path, p.key);
    const where = [file ?? (pos ? '<pipeline>' : undefined), pos?.line, pos?.col].filter((x) => x !== undefined).join(':');
    const step = stepNameAt(root, p.path);
    const stepText = step === undefined ? '' : ` (step "${step}")`;
    return `${where ? `${where}: ` : ''}${formatKey(p.path)}${stepText}: ${p.message}`;
  });
  if (problems.length > limit) lines.push(`… and ${problems.length - limit} more`);
  return lines.join('\n');
}
