/**
 * Splits a checked command into tokens, then into normalised words for the grammar.
 *
 * Tokens keep what was typed (`raw`), so paths, agent ids and rule ids reach the intent exactly;
 * words are what the grammar matches: lower case, singular, possessives and apostrophes dropped,
 * hyphenated words split (`low-power` → `low`, `power`), arrows (`->`, `→`, `=>`, `>`) one `→`.
 * Everything here is a single pass over at most {@link MAX_INPUT_CHARS} characters.
 */
import { ARROW_PATTERN } from './check-input.js';

/** What a token is. A `path` is anything that is not a plain word or number (`src/`, `app.log`, `#12`). */
export type TokenKind = 'word' | 'number' | 'path' | 'arrow' | 'comma' | 'colon';

/** One token as typed. */
export interface Token {
  readonly kind: TokenKind;
  /** The text as typed, quotes and sentence punctuation peeled off. */
  readonly raw: string;
}

/** One unit the grammar matches: a word (or a hyphenated word's part), number, path or separator. */
export interface Word {
  readonly kind: TokenKind;
  /** Normalised: lower-case singular for words, `→` `,` `:` for separators, the raw text for paths and numbers. */
  readonly key: string;
  /** Index of the token it came from. */
  readonly token: number;
  /** Value of a number. */
  readonly value?: number;
}

/** A tokenized command. */
export interface TokenizedCommand {
  readonly tokens: readonly Token[];
  readonly words: readonly Word[];
  /** The command ended with "?". */
  readonly question: boolean;
}

/** One part of a word; a word is parts joined by single hyphens or apostrophes (checked part by part, so matching stays linear). */
const WORD_PART = /^[\p{L}\p{N}_]+$/u;
const WORD_JOINERS = /['’-]/;
const NUMBER_PATTERN = /^\d+$/;
const LEADING = new Set(['"', "'", '“', '”', '‘', '’', '(', '[']);
const TRAILING = new Set(['"', "'", '“', '”', '‘', '’', ')', ']', '!', '?']);
/** Words that end in "s" and are not plurals. */
const NOT_PLURAL = new Set(['does', 'always', 'perhaps', 'towards', 'afterwards', 'status', 'its', 'has', 'was', 'is', 'us', 'yes', 'this', 'his', 'sometimes', 'whereas', 'series', 'news', 'ids', 'pls']);

/** `agents` → `agent`, `discoveries` → `discovery`, `fixes` → `fix`; `status`, `analysis`, `process` stay. */
export function singular(word: string): string {
  if (word.length <= 3 || NOT_PLURAL.has(word) || !word.endsWith('s')) return word;
  if (word.endsWith('ss') || word.endsWith('us') || word.endsWith('is')) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses') || word.endsWith('ches') || word.endsWith('shes') || word.endsWith('xes') || word.endsWith('zes')) return word.slice(0, -2);
  return word.slice(0, -1);
}

/** The grammar's form of one word: lower case, no possessive, no apostrophes, singular. */
export function normalizeWord(word: string): string {
  const lower = word.toLowerCase();
  const noPossessive = lower.endsWith("'s") || lower.endsWith('’s') ? lower.slice(0, -2) : lower;
  return singular(noPossessive.replaceAll("'", '').replaceAll('’', ''));
}

function isSentenceEnd(before: string | undefined): boolean {
  return before !== undefined && before !== '.' && before !== '/';
}

/** Peels quotes, brackets and sentence punctuation off a chunk; reports a trailing "?". */
function peel(chunk: string): { text: string; question: boolean } {
  let start = 0;
  let end = chunk.length;
  let question = false;
  while (start < end && LEADING.has(chunk[start]!)) start++;
  for (;;) {
    const last = chunk[end - 1];
    if (end <= start || last === undefined) break;
    if (TRAILING.has(last)) {
      if (last === '?') question = true;
      end--;
    } else if (last === '.' && end - 1 > start && isSentenceEnd(chunk[end - 2])) {
      // A full stop after a word or a quote ("…on logs/app.log.", "…on "app.log"."), never the dots of "src/.." or "...".
      end--;
    } else {
      break;
    }
  }
  return { text: chunk.slice(start, end), question };
}

function classify(text: string): TokenKind {
  if (text === '→') return 'arrow';
  if (text === ',') return 'comma';
  if (text === ':') return 'colon';
  if (NUMBER_PATTERN.test(text)) return 'number';
  if (text.split(WORD_JOINERS).every((part) => WORD_PART.test(part))) return 'word';
  return 'path';
}

/** Tokenizes a command that passed `checkInput`. */
export function tokenize(text: string): TokenizedCommand {
  const spaced = text
    .replace(ARROW_PATTERN, ' → ')
    .replaceAll(',', ' , ')
    .replace(/:(?=\s|$)/g, ' : ')
    .replaceAll('=', ' ');
  const tokens: Token[] = [];
  const words: Word[] = [];
  let question = false;
  for (const chunk of spaced.split(/\s+/)) {
    const peeled = peel(chunk);
    question ||= peeled.question;
    if (peeled.text === '' || (tokens.length === 0 && peeled.text.toLowerCase() === '@orchestra')) continue;
    const kind = classify(peeled.text);
    const index = tokens.length;
    tokens.push({ kind, raw: peeled.text });
    if (kind === 'word') {
      for (const part of peeled.text.split('-')) words.push({ kind, key: normalizeWord(part), token: index });
    } else if (kind === 'number') {
      words.push({ kind, key: peeled.text, token: index, value: Number(peeled.text) });
    } else {
      words.push({ kind, key: peeled.text, token: index });
    }
  }
  return { tokens, words, question };
}
