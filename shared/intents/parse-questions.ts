/**
 * Read-only families: monitor ("How are the agents?", "Which agents are using the most
 * resources?", "Show me what the agents found today", "What patterns have the learners
 * identified?", `/status`, `/discoveries`), explain (`/explain <fingerprint or rule>`, "what does
 * security/sql-injection mean?"; `/explain` alone, "what broke the build?", "why did it fail?": the
 * latest failure the error swarm traced) and help.
 *
 * Questions are phrased in many ways, so monitor is the one family that tolerates a couple of
 * words it does not know (each lowers the confidence): a misread question shows the wrong view,
 * it changes nothing. Actions never get that leeway.
 */
import { EXPLAIN_TARGET_PATTERN, MONITOR_QUESTIONS } from './intent-schema.js';
import { fail, isIn, kindAt, NATURAL_CONFIDENCE, phraseAt, quote, textOf, unknownWords, type FamilyResult, type Mode } from './grammar.js';
import type { Token, TokenizedCommand, Word } from './tokenize.js';
import { EXPLAIN_NOISE, EXPLAIN_VERBS, FAILURE_WORDS, FILLER, HELP_TOPIC_WORDS, HELP_WORDS, MONITOR_TOPICS, PERIOD_PHRASES, QUESTION_NOISE, QUESTION_OPENERS } from './vocabulary.js';

type Question = (typeof MONITOR_QUESTIONS)[number];

const MONITOR_EXAMPLES = ['How are the agents?', 'Which agents are using the most resources?', 'Show me what the agents found today', '/status'];
const EXPLAIN_EXAMPLES = ['/explain security/sql-injection', '/explain 3f2a9c1b7d4e5f60', '/explain', 'what broke the build?'];

/** Unknown words a natural question may hold before it is refused. */
const MAX_UNKNOWN_IN_QUESTION = 2;

const HELP_PHRASES: readonly (readonly string[])[] = [['what', 'can', 'you'], ['what', 'do', 'you'], ['how', 'do', 'i'], ['how', 'to'], ['how', 'can', 'i']];

/** "help", "what can you do?", "how do I …", or a bare "?". */
export function looksLikeHelp(cmd: TokenizedCommand, at: number): boolean {
  if (cmd.words.length === 0) return cmd.question;
  return isIn(cmd.words[at], HELP_WORDS) || HELP_PHRASES.some((phrase) => phraseAt(cmd.words, at, phrase));
}

/** Help, about a family if one is named. Never fails: anything after "help" is at worst ignored. */
export function parseHelp(cmd: TokenizedCommand, from: number, mode: Mode): FamilyResult {
  // The last family named is the most specific: "help me set up a pipeline" is about pipelines.
  const topic = cmd.words.slice(from).findLast((word) => isIn(word, HELP_TOPIC_WORDS));
  const body = topic === undefined ? { type: 'help' as const } : { type: 'help' as const, topic: HELP_TOPIC_WORDS.get(topic.key)! };
  return { ok: true, body, confidence: mode === 'slash' ? 1 : NATURAL_CONFIDENCE, rule: mode === 'slash' ? '/help' : 'help' };
}

const FINGERPRINT = /^[0-9a-f]{8,64}$/i;

/** A token that can only be a rule id or a fingerprint. */
function isRuleLike(token: Token): boolean {
  return (token.kind === 'path' && token.raw.includes('/') && !token.raw.startsWith('/')) || FINGERPRINT.test(token.raw);
}

/** "explain …", or "what/why …" about a rule id or fingerprint. */
export function looksLikeExplain(cmd: TokenizedCommand, at: number): boolean {
  const word = cmd.words[at];
  if (isIn(word, EXPLAIN_VERBS)) return true;
  return word !== undefined && (word.key === 'what' || word.key === 'why') && cmd.tokens.some(isRuleLike);
}

/** "what broke the build?", "why did the tests fail?": what/why with a word of failure, and no rule id. */
export function looksLikeFailureQuestion(cmd: TokenizedCommand, at: number): boolean {
  const word = cmd.words[at];
  if (word === undefined || (word.key !== 'what' && word.key !== 'why')) return false;
  return cmd.words.slice(at + 1).some((w) => isIn(w, FAILURE_WORDS)) && !cmd.tokens.some(isRuleLike);
}

/**
 * The latest failure: any wording is accepted once {@link looksLikeFailureQuestion} holds (reading an
 * explanation changes nothing), but a path in it is not ignored silently: it is refused.
 */
export function parseLatestFailure(cmd: TokenizedCommand): FamilyResult {
  const path = cmd.tokens.find((t) => t.kind === 'path');
  if (path !== undefined) return fail(`The latest failure is explained as a whole, not for ${quote(path.raw)}: ask "what broke the build?" or /explain a fingerprint.`, EXPLAIN_EXAMPLES);
  return { ok: true, body: { type: 'explain' }, confidence: 0.7, rule: 'explain.latest-failure' };
}

/** Explain one rule id or fingerprint: the one token after `from` that is not noise; none: the latest failure. */
export function parseExplain(cmd: TokenizedCommand, from: number, mode: Mode): FamilyResult {
  const candidates = new Map<number, Token>();
  for (const word of cmd.words.slice(from)) {
    const quiet = word.kind === 'comma' || isIn(word, EXPLAIN_NOISE) || isIn(word, EXPLAIN_VERBS) || isIn(word, FILLER);
    if (!quiet) candidates.set(word.token, cmd.tokens[word.token]!);
  }
  // A hyphenated rule id ("no-unused-vars") is one token even where one of its parts is noise.
  const targets = [...candidates.values()];
  if (targets.length === 0) return { ok: true, body: { type: 'explain' }, confidence: mode === 'slash' ? 1 : 0.7, rule: mode === 'slash' ? '/explain' : 'explain' };
  if (targets.length > 1) return fail(`Explain one thing at a time: a rule id or a fingerprint, not ${quote(targets.map((t) => t.raw).join(' '))}.`, EXPLAIN_EXAMPLES);
  const target = targets[0]!.raw.replace(/^#/, '');
  if (!EXPLAIN_TARGET_PATTERN.test(target) || target.includes('..')) {
    return fail(`${quote(target)} is not a rule id (like security/sql-injection) or a fingerprint (hex digits).`, EXPLAIN_EXAMPLES);
  }
  return { ok: true, body: { type: 'explain', target }, confidence: mode === 'slash' ? 1 : 0.8, rule: mode === 'slash' ? '/explain' : 'explain' };
}

function topicOf(word: Word): Question | undefined {
  if (word.kind !== 'word') return undefined;
  return MONITOR_TOPICS.find(([, words]) => words.has(word.key))?.[0];
}

/** A question ("how…", "show…", "…?") or a bare topic ("status", "findings today"). */
export function looksLikeQuestion(cmd: TokenizedCommand, at: number): boolean {
  const word = cmd.words[at];
  return cmd.question || isIn(word, QUESTION_OPENERS) || (word !== undefined && topicOf(word) !== undefined);
}

/** Parses a question from `from`; `given` is what a slash command asked (`/findings today`). */
export function parseMonitor(cmd: TokenizedCommand, from: number, mode: Mode, given?: Question): FamilyResult {
  const words = cmd.words.slice(from);
  const used = new Set<number>();
  let period: (typeof PERIOD_PHRASES)[number][1] | undefined;
  for (let i = 0; i < words.length && period === undefined; i++) {
    const match = PERIOD_PHRASES.find(([phrase]) => phraseAt(words, i, phrase));
    if (match) {
      period = match[1];
      match[0].forEach((_, k) => used.add(i + k));
    }
  }
  let question = given;
  if (question === undefined) {
    const asked = new Set(words.flatMap((word, i) => (used.has(i) ? [] : [topicOf(word)])));
    question = MONITOR_TOPICS.map(([topic]) => topic).find((topic) => asked.has(topic));
  }
  if (question === undefined) return fail(`What would you like to know about the agents? ${MONITOR_QUESTIONS.join(', ')}.`, MONITOR_EXAMPLES);

  const unknown: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    // "how is the security scanner doing?": the kind does not change what is asked.
    const named = mode === 'natural' ? kindAt(words, i) : undefined;
    if (named) {
      i = named.end - 1;
      continue;
    }
    const known = used.has(i) || word.kind === 'comma' || isIn(word, FILLER) || isIn(word, QUESTION_NOISE) || ((mode === 'natural' || given === undefined) && topicOf(word) !== undefined);
    if (!known) unknown.push(word);
  }
  const allowed = mode === 'slash' ? 0 : MAX_UNKNOWN_IN_QUESTION;
  if (unknown.length > allowed) {
    return mode === 'slash'
      ? fail(`/${question} takes an optional period (last hour, today, yesterday, this week), not ${quote(textOf(cmd.tokens, unknown))}.`, MONITOR_EXAMPLES, unknown)
      : unknownWords(cmd, unknown, `a question about ${question}`, MONITOR_EXAMPLES);
  }
  const body = period === undefined ? { type: 'monitor' as const, question } : { type: 'monitor' as const, question, period };
  const confidence = mode === 'slash' ? 1 : Math.round((NATURAL_CONFIDENCE - 0.1 * unknown.length) * 100) / 100;
  return { ok: true, body, confidence, rule: mode === 'slash' ? `/${question}` : `monitor.${question}` };
}
