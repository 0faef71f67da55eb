/**
 * The core's plain-language command parser: what a person typed to `@orchestra`, the chat panel or
 * the CLI becomes one typed {@link Intent} (validated by `intentSchema`), or a refusal that says
 * what Orchestra understands. Deterministic: no language model, no network, no state.
 *
 * Why a hand-written grammar. The commands are a few dozen short sentences in nine families, with
 * free word order, fillers, plurals and synonyms. The parser packages in the npm registry list
 * (`../.library/env/packages/npm.tsv`) were checked. nearley, peggy/pegjs, ohm-js, chevrotain and
 * parsimmon/arcsecond parse formal languages, where every sentence must fit the grammar; one loose
 * enough for "please spin up a couple of security scanners for src/" is larger and harder to read
 * than the word tables here, and nearley and peggy also compile their grammar files (a build step
 * for the core and the VS Code bundle). moo is only a lexer, which tokenize.ts replaces in about a
 * hundred lines. compromise, natural and wink-nlp tag parts of speech from a lexicon and
 * statistics: useful for open text, but their reading of a word may change with a version bump,
 * which a safety boundary (what may run, at which permission level) must not allow, and the core
 * would carry their lexicons for a vocabulary of a few hundred words.
 * So: a small tokenizer (tokenize.ts), vocabulary tables (vocabulary.ts) and one short grammar per
 * family (parse-*.ts), each listing its productions in its header.
 *
 * The order of work bounds cost and risk:
 * 1. `checkInput`: type, at most 2,000 characters (longer is refused, not cut), no invisible or
 *    bidirectional characters, no shell characters; NFKC.
 * 2. Tokenize; at most {@link MAX_TOKENS} tokens.
 * 3. Refuse destructive requests (revert, rollback, delete…) and prompt injection anywhere in the
 *    text, so that nothing harmless-looking can carry them along.
 * 4. One family grammar, chosen by the first meaningful word (or the slash command). A word it does
 *    not know fails an action ("I understood … but not …"); only questions tolerate two.
 * 5. The body gets its permission level and is validated by `intentSchema`: nothing unvalidated
 *    leaves, whatever a grammar did.
 * Every regular expression here is linear (tested with redos-detector); every loop is bounded by
 * the token count; nothing throws for any string.
 */
import { didYouMean } from '../config/did-you-mean.js';
import { checkInput } from './check-input.js';
import { fail, firstMeaningful, isIn, quote, type FamilyResult, type Mode } from './grammar.js';
import { intentSchema, MONITOR_QUESTIONS, withPermission, type Intent } from './intent-schema.js';
import { answerAt, parseAnswer, parseStop, stopVerbEnd } from './parse-control.js';
import { looksLikeConfigure, parseConfigure } from './parse-configure.js';
import { looksLikeOrchestration, parseOrchestrate } from './parse-orchestrate.js';
import { looksLikeExplain, looksLikeFailureQuestion, looksLikeHelp, looksLikeQuestion, parseExplain, parseHelp, parseLatestFailure, parseMonitor } from './parse-questions.js';
import { parseSpawn, spawnVerbEnd } from './parse-spawn.js';
import { tokenize, type TokenizedCommand, type Word } from './tokenize.js';
import { DESTRUCTIVE_PHRASES, DESTRUCTIVE_WORDS, INJECTION_PHRASES, MEANINGFUL_WORDS, OVERRIDE_OBJECTS, OVERRIDE_VERBS } from './vocabulary.js';

/** What {@link parseCommand} returns. */
export type ParseResult =
  | {
      readonly ok: true;
      /** The validated intent, with the permission level a host must confirm from `execute` up. */
      readonly intent: Intent;
      /** 1 for slash commands; 0.9 for natural language understood word for word; lower for questions with unknown words. */
      readonly confidence: number;
      /** The rule that matched: `/spawn`, `spawn`, `configure.powerMode`, `monitor.status`, … (for logs and tests). */
      readonly matched: string;
    }
  | {
      readonly ok: false;
      /** What went wrong and what Orchestra understands; quotes at most 40 characters of the input. */
      readonly reason: string;
      /** Commands to try instead (corrected spellings first, then examples); at most five. */
      readonly suggestions: string[];
    };

/** Most tokens in one command: enough for any real one, and it bounds every grammar's work. */
export const MAX_TOKENS = 64;

const MAX_SUGGESTIONS = 5;

/** Examples shown when nothing was understood: one per family. */
export const EXAMPLE_COMMANDS: readonly string[] = [
  'Spawn 3 security scanner agents for src/',
  'Turn off the complexity agent for tests/',
  'Chain syntax -> security -> summary for all changed files',
  'How are the agents?',
  '/help',
];

const UNDERSTOOD =
  'Orchestra understands: starting agents ("spawn 3 security scanners for src/"), settings ("turn off the complexity agent for tests/"), ' +
  'chains, pipelines and cascades ("chain syntax -> security -> summary"), questions ("how are the agents?"), stop, approve, deny, explain and help.';

const SLASH_PATTERN = /^\/([A-Za-z][A-Za-z-]{0,31})(?=\s|$)/;
function isMonitorQuestion(name: string): name is (typeof MONITOR_QUESTIONS)[number] {
  return (MONITOR_QUESTIONS as readonly string[]).includes(name);
}
const SLASH_COMMANDS = [...MONITOR_QUESTIONS, 'monitor', 'spawn', 'configure', 'config', 'chain', 'pipeline', 'cascade', 'stop', 'approve', 'deny', 'explain', 'help'] as const;
/** Most misspelt words corrected in one command. */
const MAX_CORRECTIONS = 3;
/** Longest corrected command offered as a suggestion. */
const MAX_SUGGESTION_CHARS = 200;

/** Refuses destructive requests and prompt injection wherever they appear. */
function refusal(cmd: TokenizedCommand): FamilyResult | undefined {
  const { words } = cmd;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.kind !== 'word') continue;
    const phrase = DESTRUCTIVE_PHRASES.find(([first, second]) => word.key === first && words[i + 1]?.key === second);
    if (DESTRUCTIVE_WORDS.has(word.key) || phrase) {
      return fail(
        `Refused: ${quote(phrase ? phrase.join(' ') : cmd.tokens[word.token]!.raw)} asks for a destructive change. Orchestra's commands never revert, roll back or delete anything: ` +
          'do that yourself in git, or stop or turn off agents instead. Nothing was done.',
        ['stop the log watcher', 'Turn off the complexity agent for tests/', '/help'],
      );
    }
    const overrides = OVERRIDE_VERBS.has(word.key) && words.slice(i + 1, i + 5).some((next) => isIn(next, OVERRIDE_OBJECTS));
    const injected = INJECTION_PHRASES.some((p) => p.every((key, k) => words[i + k]?.kind === 'word' && words[i + k]!.key === key));
    if (overrides || injected) {
      return fail('Refused: this reads as instructions to an AI assistant, not an Orchestra command. Nothing was done.', EXAMPLE_COMMANDS);
    }
  }
  return undefined;
}

/** A natural-language command: the family is chosen by its first meaningful word. */
function parseNatural(cmd: TokenizedCommand): FamilyResult {
  const { words } = cmd;
  const at = firstMeaningful(words);
  if (looksLikeHelp(cmd, at)) return parseHelp(cmd, at + 1, 'natural');
  if (at >= words.length) return fail(`There is no command in that. ${UNDERSTOOD}`, EXAMPLE_COMMANDS);
  const answer = answerAt(words, at);
  if (answer) return parseAnswer(cmd, at + 1, 'natural', answer);
  if (looksLikeExplain(cmd, at)) return parseExplain(cmd, at, 'natural');
  if (looksLikeFailureQuestion(cmd, at)) return parseLatestFailure(cmd);
  if (looksLikeOrchestration(words, at)) return parseOrchestrate(cmd, 0, 'natural');
  const stopEnd = stopVerbEnd(words, at);
  if (stopEnd !== undefined) return parseStop(cmd, stopEnd, 'natural');
  if (looksLikeConfigure(cmd, at)) return parseConfigure(cmd, 0, 'natural');
  const spawnEnd = spawnVerbEnd(words, at);
  if (spawnEnd !== undefined) return parseSpawn(cmd, spawnEnd, 'natural', words[at]!.key);
  if (looksLikeQuestion(cmd, at)) return parseMonitor(cmd, 0, 'natural');
  const first = words[at]!;
  const raw = cmd.tokens[first.token]!.raw;
  return fail(`I don't know what to do with ${quote(raw)}. ${UNDERSTOOD}`, EXAMPLE_COMMANDS, [first]);
}

/** A slash command: `/name arguments`. */
function parseSlash(name: string, cmd: TokenizedCommand): FamilyResult {
  const mode: Mode = 'slash';
  if (isMonitorQuestion(name)) return parseMonitor(cmd, 0, mode, name);
  switch (name) {
    case 'monitor':
      return parseMonitor(cmd, 0, mode);
    case 'spawn':
      return parseSpawn(cmd, 0, mode);
    case 'configure':
    case 'config':
      return parseConfigure(cmd, 0, mode);
    case 'chain':
    case 'pipeline':
    case 'cascade':
      return parseOrchestrate(cmd, 0, mode, name);
    case 'stop':
      return parseStop(cmd, 0, mode);
    case 'approve':
    case 'deny':
      return parseAnswer(cmd, 0, mode, name);
    case 'explain':
      return parseExplain(cmd, 0, mode);
    case 'help':
      return parseHelp(cmd, 0, mode);
  }
  const guess = didYouMean(name, SLASH_COMMANDS);
  return fail(`Unknown command ${quote(`/${name}`)}. Commands: ${SLASH_COMMANDS.map((c) => `/${c}`).join(', ')}.`, guess === undefined ? EXAMPLE_COMMANDS : [`/${guess}`, ...EXAMPLE_COMMANDS]);
}

/** The command again with misspelt words corrected ("secrity" → "security"), if that parses. */
function corrected(prefix: string, cmd: TokenizedCommand, unknown: readonly Word[]): string | undefined {
  const replacements = new Map<number, string>();
  // A handful of typos is worth correcting; a wall of unknown words is not (and would cost time).
  for (const word of unknown.slice(0, MAX_CORRECTIONS)) {
    const token = cmd.tokens[word.token]!;
    if (token.kind !== 'word' || token.raw.includes('-')) continue;
    const guess = word.key.length >= 3 && word.key.length <= 20 ? didYouMean(word.key, MEANINGFUL_WORDS) : undefined;
    if (guess !== undefined) replacements.set(word.token, guess);
  }
  if (replacements.size === 0) return undefined;
  const text = prefix + cmd.tokens.map((token, i) => replacements.get(i) ?? (token.kind === 'arrow' ? '->' : token.raw)).join(' ');
  if (text.length > MAX_SUGGESTION_CHARS) return undefined;
  return parse(text, false).ok ? text : undefined;
}

function parse(text: string, correct: boolean): ParseResult {
  const checked = checkInput(text);
  if (!checked.ok) return { ok: false, reason: checked.reason, suggestions: [...EXAMPLE_COMMANDS] };
  const slash = SLASH_PATTERN.exec(checked.text);
  const name = slash?.[1]?.toLowerCase();
  const prefix = name === undefined ? '' : `/${name} `;
  const cmd = tokenize(slash ? checked.text.slice(slash[0].length) : checked.text);
  if (cmd.tokens.length > MAX_TOKENS) {
    return { ok: false, reason: `The command has too many words (${cmd.tokens.length}; at most ${MAX_TOKENS}). Type one command at a time.`, suggestions: [...EXAMPLE_COMMANDS] };
  }
  const result = refusal(cmd) ?? (name === undefined ? parseNatural(cmd) : parseSlash(name, cmd));
  if (!result.ok) {
    const fix = correct && result.unknown !== undefined ? corrected(prefix, cmd, result.unknown) : undefined;
    const suggestions = [...new Set([...(fix === undefined ? [] : [fix]), ...result.suggestions])].slice(0, MAX_SUGGESTIONS);
    return { ok: false, reason: fix === undefined ? result.reason : `${result.reason} Did you mean ${quote(fix)}?`, suggestions };
  }
  const validated = intentSchema.safeParse(withPermission(result.body));
  if (!validated.success) {
    const issue = validated.error.issues[0];
    return { ok: false, reason: `That command does not make a valid request: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), suggestions: [...EXAMPLE_COMMANDS] };
  }
  return { ok: true, intent: validated.data, confidence: result.confidence, matched: result.rule };
}

/**
 * Parses what a person typed into one intent, or explains why not. Never throws, for any string
 * (or any value, from untyped callers); the intent is always valid against `intentSchema`.
 */
export function parseCommand(text: string): ParseResult {
  return parse(text, true);
}
