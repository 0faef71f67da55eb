/**
 * What the per-family grammars (parse-*.ts) share: their result type, how they fail, and the
 * small matchers they are built from (a phrase at a position, an agent kind, the first meaningful
 * word). A family either produces a body or fails with a reason; it never guesses past a word it
 * does not know.
 */
import type { AgentKind, IntentBody } from './intent-schema.js';
import type { Token, TokenizedCommand, Word } from './tokenize.js';
import { FILLER, KIND_HEADS, KIND_PREFIXES, KIND_TAILS } from './vocabulary.js';

/** Slash commands name their family, so their arguments are read more literally (bare words may be paths). */
export type Mode = 'natural' | 'slash';

/** What one family's grammar made of a command. */
export type FamilyResult =
  | { readonly ok: true; readonly body: IntentBody; readonly confidence: number; readonly rule: string }
  | { readonly ok: false; readonly reason: string; readonly suggestions: readonly string[]; readonly unknown?: readonly Word[] };

/** Confidence of a natural-language command whose every word was understood. */
export const NATURAL_CONFIDENCE = 0.9;

/** A failure; `unknown` lists the words not understood, for "did you mean". */
export function fail(reason: string, suggestions: readonly string[] = [], unknown?: readonly Word[]): FamilyResult {
  return unknown === undefined ? { ok: false, reason, suggestions } : { ok: false, reason, suggestions, unknown };
}

/** Echoes a piece of the input in a message: quoted, at most 40 characters. */
export function quote(text: string): string {
  return `"${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`;
}

/** The typed text of some words (each token once, in order), for messages. */
export function textOf(tokens: readonly Token[], words: readonly Word[]): string {
  const seen = new Set<number>();
  const parts: string[] = [];
  for (const word of words) {
    if (seen.has(word.token)) continue;
    seen.add(word.token);
    parts.push(tokens[word.token]?.raw ?? word.key);
  }
  return parts.join(' ');
}

/** "I understood … but not …": the failure for words no table knows. */
export function unknownWords(cmd: TokenizedCommand, unknown: readonly Word[], understood: string, suggestions: readonly string[]): FamilyResult {
  const what = textOf(cmd.tokens, unknown);
  return fail(`I understood ${understood}, but not ${quote(what)}. Say one thing per command, in words Orchestra knows (try "help").`, suggestions, unknown);
}

/** True when the words at `at` are `phrase` (word keys). */
export function phraseAt(words: readonly Word[], at: number, phrase: readonly string[]): boolean {
  return phrase.every((key, offset) => {
    const word = words[at + offset];
    return word !== undefined && word.kind === 'word' && word.key === key;
  });
}

/** True for a word whose key is in `table`. */
export function isIn(word: Word | undefined, table: ReadonlySet<string> | ReadonlyMap<string, unknown>): boolean {
  return word !== undefined && word.kind === 'word' && table.has(word.key);
}

/** Index of the first word that is not a filler ("please", "can you"), or `words.length`. */
export function firstMeaningful(words: readonly Word[], from = 0): number {
  let i = from;
  while (i < words.length && isIn(words[i], FILLER)) i++;
  return i;
}

/**
 * An agent kind named at `at`: an optional prefix (`code`), the head (`security`) and any tails
 * (`scanner agents`). Returns the kind and the index after the phrase.
 */
export function kindAt(words: readonly Word[], at: number): { kind: AgentKind; end: number } | undefined {
  let i = at;
  if (isIn(words[i], KIND_PREFIXES) && isIn(words[i + 1], KIND_HEADS)) i++;
  const head = words[i];
  const kind = head?.kind === 'word' ? KIND_HEADS.get(head.key) : undefined;
  if (kind === undefined) return undefined;
  i++;
  while (isIn(words[i], KIND_TAILS)) i++;
  return { kind, end: i };
}
