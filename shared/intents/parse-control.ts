/**
 * Control of running agents and pending requests: stop ("stop the log watcher", "stop
 * security-scanner-1", "stop everything", `/stop`), approve and deny (`/approve [id]`, "deny
 * request #12"). Each takes at most one argument: an agent kind or id, or a request id.
 */
import { IDENTIFIER_PATTERN } from './intent-schema.js';
import { fail, isIn, kindAt, NATURAL_CONFIDENCE, phraseAt, quote, type FamilyResult, type Mode } from './grammar.js';
import type { Token, TokenizedCommand, Word } from './tokenize.js';
import { ALL_WORDS, APPROVE_VERBS, DENY_VERBS, FILLER, REQUEST_NOISE, STOP_VERBS } from './vocabulary.js';

const STOP_EXAMPLES = ['stop the log watcher', 'stop security-scanner-1', '/stop'];
const ANSWER_EXAMPLES = ['/approve', '/approve 7f3c9a2e', '/deny 7f3c9a2e'];

/** "approve all": never in bulk. */
const BULK = new Set(['all', 'every', 'everything', 'each', 'any']);

/** Words around an agent that add nothing ("stop all the running agents"). */
const STOP_NOISE = new Set(['running', 'active', 'spawned', 'current', 'of', 'down']);

/** Index after a stop verb at `at` ("shut down" is two words), or `undefined`. */
export function stopVerbEnd(words: readonly Word[], at: number): number | undefined {
  if (phraseAt(words, at, ['shut', 'down'])) return at + 2;
  return isIn(words[at], STOP_VERBS) ? at + 1 : undefined;
}

/** The tokens from `from` on that say something, each once (a hyphenated id is one token). */
function argumentTokens(cmd: TokenizedCommand, from: number, noise: (word: Word) => boolean): Token[] {
  const meaningful = new Set<number>();
  for (const word of cmd.words.slice(from)) if (!noise(word)) meaningful.add(word.token);
  return [...meaningful].map((index) => cmd.tokens[index]!);
}

/**
 * The one id among `tokens` (a leading "#" dropped). In natural language an id must hold a digit
 * (`security-scanner-1`, a request's UUID): a plain word there is a misunderstanding, not an id.
 */
function identifierIn(tokens: readonly Token[], mode: Mode): string | undefined {
  const id = tokens.length === 1 ? tokens[0]!.raw.replace(/^#/, '') : undefined;
  if (id === undefined || !IDENTIFIER_PATTERN.test(id)) return undefined;
  return mode === 'slash' || /\d/.test(id) ? id : undefined;
}

/** Stop one agent (by id), the agents of one kind, or — with no argument — every agent. */
export function parseStop(cmd: TokenizedCommand, from: number, mode: Mode): FamilyResult {
  const quiet = (word: Word) => word.kind === 'comma' || isIn(word, FILLER) || isIn(word, ALL_WORDS) || isIn(word, STOP_NOISE);
  const rule = mode === 'slash' ? '/stop' : 'stop';
  const confidence = mode === 'slash' ? 1 : NATURAL_CONFIDENCE;
  const rest = cmd.words.slice(from).filter((word) => !quiet(word));
  if (rest.length === 0) return { ok: true, body: { type: 'stop' }, confidence, rule };
  const named = kindAt(rest, 0);
  if (named && named.end === rest.length) return { ok: true, body: { type: 'stop', agent: named.kind }, confidence, rule };
  const tokens = argumentTokens(cmd, from, quiet);
  const id = identifierIn(tokens, mode);
  if (id === undefined) {
    return fail(`Stop takes one agent id or kind (or nothing, for every agent), not ${quote(tokens.map((t) => t.raw).join(' '))}.`, STOP_EXAMPLES);
  }
  return { ok: true, body: { type: 'stop', agent: id }, confidence, rule };
}

/** The answer verb at `at`: approve or deny. */
export function answerAt(words: readonly Word[], at: number): 'approve' | 'deny' | undefined {
  if (isIn(words[at], APPROVE_VERBS)) return 'approve';
  return isIn(words[at], DENY_VERBS) ? 'deny' : undefined;
}

/** Approve or deny a pending request: its id, or none (the only pending one). */
export function parseAnswer(cmd: TokenizedCommand, from: number, mode: Mode, type: 'approve' | 'deny'): FamilyResult {
  const tokens = argumentTokens(cmd, from, (word) => word.kind === 'comma' || isIn(word, FILLER) || isIn(word, REQUEST_NOISE));
  const rule = mode === 'slash' ? `/${type}` : type;
  const confidence = mode === 'slash' ? 1 : NATURAL_CONFIDENCE;
  if (tokens.length === 0) return { ok: true, body: { type }, confidence, rule };
  if (tokens.some((token) => BULK.has(token.raw.toLowerCase()))) {
    return fail(`${type === 'approve' ? 'Approve' : 'Deny'} one request at a time: each was asked for separately, so each is answered separately.`, ANSWER_EXAMPLES);
  }
  const id = identifierIn(tokens, mode);
  if (id === undefined) {
    return fail(`${type === 'approve' ? 'Approve' : 'Deny'} takes one request id (or nothing, for the only pending request), not ${quote(tokens.map((t) => t.raw).join(' '))}.`, ANSWER_EXAMPLES);
  }
  return { ok: true, body: { type, requestId: id }, confidence, rule };
}
