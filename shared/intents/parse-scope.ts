/**
 * The scope of a command: "for src/ and tests/", "on logs/app.log", "for my current changes",
 * "for the whole repo". A scope starts at a preposition and runs to the end of the command, but
 * only where what follows reads as a scope: "set the sensitivity for error monitoring to critical"
 * has none, since "error monitoring" names no folder. Path-like tokens anywhere in the command
 * (`/spawn security-scanner 2 src/`) belong to the scope too. Every path is validated here, so a
 * bad one ("../../etc", "/etc", "src;rm") fails the whole command with the reason.
 */
import { COMMON_FOLDERS, CHANGED_WORDS, SCOPE_NOISE, SCOPE_PREPOSITIONS, WHOLE_WORKSPACE_WORDS, KNOWN_WORDS } from './vocabulary.js';
import { isIn, quote, type Mode } from './grammar.js';
import type { Token, Word } from './tokenize.js';
import { normalizeWorkspacePath } from './workspace-path.js';
import { MAX_SCOPE_PATHS } from './intent-schema.js';

/** What a scope says; `whole` means the person named the whole workspace (an empty scope). */
export interface ScopeParts {
  readonly paths: readonly string[];
  readonly changed: boolean;
  readonly whole: boolean;
}

/** The command without its scope, and the scope; or why a path in it is refused. */
export type SplitScope = { readonly ok: true; readonly command: readonly Word[]; readonly scope: ScopeParts } | { readonly ok: false; readonly reason: string };

type Tail = { kind: 'scope'; paths: string[]; changed: boolean; whole: boolean } | { kind: 'problem'; reason: string } | { kind: 'none' };

function pathProblem(raw: string, problem: string): string {
  return `The path ${quote(raw)} cannot be used: ${problem}.`;
}

/** Reads the words after a preposition as a scope, if they are one. */
function readTail(words: readonly Word[], tokens: readonly Token[]): Tail {
  const paths: string[] = [];
  let changed = false;
  let whole = false;
  for (const word of words) {
    if (word.kind === 'path') {
      const raw = tokens[word.token]!.raw;
      const normalized = normalizeWorkspacePath(raw);
      if (!normalized.ok) return { kind: 'problem', reason: pathProblem(raw, normalized.problem) };
      paths.push(normalized.path);
    } else if (word.kind === 'comma') {
      continue;
    } else if (word.kind !== 'word') {
      return { kind: 'none' };
    } else if (CHANGED_WORDS.has(word.key)) {
      changed = true;
    } else if (WHOLE_WORKSPACE_WORDS.has(word.key)) {
      whole = true;
    } else if (SCOPE_NOISE.has(word.key) || SCOPE_PREPOSITIONS.has(word.key)) {
      continue;
    } else if (COMMON_FOLDERS.has(tokens[word.token]!.raw.toLowerCase()) && !tokens[word.token]!.raw.includes('-')) {
      paths.push(tokens[word.token]!.raw);
    } else {
      return { kind: 'none' };
    }
  }
  return paths.length > 0 || changed || whole ? { kind: 'scope', paths, changed, whole } : { kind: 'none' };
}

/** "turn on …", "switch everything on for src/": `on` is a particle there, not where a scope starts. */
function isParticle(words: readonly Word[], at: number): boolean {
  if (words[at]!.key !== 'on') return false;
  const previous = words[at - 1]?.key;
  return previous === 'turn' || previous === 'switch' || isIn(words[at + 1], SCOPE_PREPOSITIONS);
}

/**
 * Separates the scope from the rest of `words`. In slash mode the arguments need no preposition: a
 * bare word that no table knows is a path (`/spawn security-scanner 2 src`) and `changed` is the
 * current changes (`/spawn review-swarm changed`).
 */
export function splitScope(words: readonly Word[], tokens: readonly Token[], mode: Mode): SplitScope {
  let command = words;
  let tail: Tail = { kind: 'none' };
  for (let i = 0; i < words.length; i++) {
    if (!isIn(words[i], SCOPE_PREPOSITIONS) || isParticle(words, i)) continue;
    const read = readTail(words.slice(i + 1), tokens);
    if (read.kind === 'problem') return { ok: false, reason: read.reason };
    if (read.kind === 'scope') {
      command = words.slice(0, i);
      tail = read;
      break;
    }
  }
  const paths: string[] = [];
  const rest: Word[] = [];
  let changed = false;
  for (const word of command) {
    const raw = tokens[word.token]!.raw;
    if (mode === 'slash' && isIn(word, CHANGED_WORDS)) {
      changed = true;
      continue;
    }
    const bare = mode === 'slash' && word.kind === 'word' && !raw.includes('-') && !KNOWN_WORDS.has(word.key);
    if (word.kind !== 'path' && !bare) {
      rest.push(word);
      continue;
    }
    const normalized = normalizeWorkspacePath(raw);
    if (!normalized.ok) return { ok: false, reason: pathProblem(raw, normalized.problem) };
    paths.push(normalized.path);
  }
  const all = [...new Set(tail.kind === 'scope' ? [...paths, ...tail.paths] : paths)];
  if (all.length > MAX_SCOPE_PATHS) return { ok: false, reason: `Too many paths (${all.length}; at most ${MAX_SCOPE_PATHS}): name their common folder instead.` };
  const scope = tail.kind === 'scope' ? { paths: all, changed: changed || tail.changed, whole: tail.whole } : { paths: all, changed, whole: false };
  return { ok: true, command: rest, scope };
}

/** The `paths`/`changed` part of an intent's scope: only the keys that were said. */
export function scopeFields(scope: ScopeParts): { paths?: string[]; changed?: boolean } {
  return { ...(scope.paths.length > 0 ? { paths: [...scope.paths] } : {}), ...(scope.changed ? { changed: true } : {}) };
}
