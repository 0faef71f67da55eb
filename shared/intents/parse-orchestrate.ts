/**
 * orchestrate: "Chain syntax -> security -> summary for all changed files", "Create pipeline:
 * lint -> test -> report", "Set up cascade: if error then debug then fix then test",
 * `/chain syntax -> security`, `/cascade if error: debug -> fix`.
 *
 *   orchestrate := [HEADER] KEYWORD [:] [CONDITION] STEP {SEP STEP} [SCOPE]
 *               |  STEP SEP STEP {SEP STEP} [SCOPE]          (arrows alone make a chain)
 *   KEYWORD     := chain | sequence | pipeline | workflow | cascade
 *   CONDITION   := (if | when | on) … (error | failure | crash | findings | issues) [SEP]
 *   SEP         := -> | → | => | > | , | then | and (then) | next | finally | followed by
 *   STEP        := {NOISE} NAME {NOISE}                       ("run the tests", "security scan")
 */
import { MAX_STEPS, STEP_NAMES, type ORCHESTRATION_KINDS, type StepName } from './intent-schema.js';
import { fail, isIn, NATURAL_CONFIDENCE, phraseAt, quote, textOf, type FamilyResult, type Mode } from './grammar.js';
import { scopeFields, splitScope } from './parse-scope.js';
import type { TokenizedCommand, Word } from './tokenize.js';
import {
  CONDITION_NOISE,
  CONDITION_OPENERS,
  CONDITION_WORDS,
  FILLER,
  ORCHESTRATION_HEADER,
  ORCHESTRATION_WORDS,
  QUESTION_OPENERS,
  STEP_NOISE,
  STEP_SEPARATORS,
  STEP_WORDS,
} from './vocabulary.js';

type Kind = (typeof ORCHESTRATION_KINDS)[number];

const EXAMPLES = ['Chain syntax -> security -> summary for all changed files', 'Create pipeline: lint -> test -> report', 'Set up cascade: if error then debug then fix then test'];

/** True when the command composes steps: a keyword, an arrow, or "if … then". */
export function looksLikeOrchestration(words: readonly Word[], at: number): boolean {
  if (words.some((word) => word.kind === 'arrow')) return true;
  // "what is in the pipeline?" asks; it does not compose.
  if (words.some((word) => isIn(word, ORCHESTRATION_WORDS))) return !isIn(words[at], QUESTION_OPENERS);
  return (phraseAt(words, at, ['if']) || phraseAt(words, at, ['when'])) && words.some((word) => word.key === 'then');
}

function isSeparator(word: Word): boolean {
  return word.kind === 'arrow' || word.kind === 'comma' || word.kind === 'colon' || isIn(word, STEP_SEPARATORS);
}

/** Reads "if error", "when tests fail": the condition and the index after it. */
function readCondition(words: readonly Word[], at: number): { condition: 'error' | 'findings'; end: number } | { problem: FamilyResult } {
  let condition: 'error' | 'findings' | undefined;
  let i = at + 1;
  for (; i < words.length && !isSeparator(words[i]!); i++) {
    const word = words[i]!;
    const value = word.kind === 'word' ? CONDITION_WORDS.get(word.key) : undefined;
    if (value !== undefined) {
      if (condition !== undefined && condition !== value) return { problem: fail('One condition per cascade: "error" or "findings".', EXAMPLES) };
      condition = value;
    } else if (!isIn(word, CONDITION_NOISE) && !isIn(word, FILLER)) {
      return { problem: fail(`A cascade's condition is "if error" or "if findings"; ${quote(word.key)} is neither.`, EXAMPLES) };
    }
  }
  if (condition === undefined) return { problem: fail('If what? A cascade runs "if error" or "if findings".', EXAMPLES) };
  return { condition, end: i };
}

/** One step between separators: exactly one step name, any amount of noise. */
function readStep(cmd: TokenizedCommand, segment: readonly Word[]): StepName | FamilyResult {
  const names = segment.filter((word) => isIn(word, STEP_WORDS));
  const unknown = segment.filter((word) => !isIn(word, STEP_WORDS) && !isIn(word, STEP_NOISE) && !isIn(word, FILLER));
  if (unknown.length > 0) {
    return fail(`Unknown step ${quote(textOf(cmd.tokens, unknown))}. Steps are: ${STEP_NAMES.join(', ')}.`, EXAMPLES, unknown);
  }
  if (names.length === 0) return fail(`The step ${quote(textOf(cmd.tokens, segment))} names no step. Steps are: ${STEP_NAMES.join(', ')}.`, EXAMPLES);
  const distinct = new Set(names.map((word) => STEP_WORDS.get(word.key)!));
  if (distinct.size > 1) return fail(`${quote(textOf(cmd.tokens, segment))} names ${distinct.size} steps: separate them with "->" or "then".`, EXAMPLES);
  return STEP_WORDS.get(names[0]!.key)!;
}

/** Parses a composition from `from`; `given` is the kind a slash command named (`/chain`). */
export function parseOrchestrate(cmd: TokenizedCommand, from: number, mode: Mode, given?: Kind): FamilyResult {
  // Step names are bare words, so even after /chain a bare word is a step, never a path.
  const split = splitScope(cmd.words.slice(from), cmd.tokens, 'natural');
  if (!split.ok) return fail(split.reason, EXAMPLES);
  const { command, scope } = split;

  let kind = given;
  let start = 0;
  const keywordAt = given === undefined ? command.findIndex((word) => isIn(word, ORCHESTRATION_WORDS)) : -1;
  if (keywordAt >= 0) {
    const header = command.slice(0, keywordAt).filter((word) => !isIn(word, ORCHESTRATION_HEADER) && !isIn(word, FILLER));
    if (header.length > 0) return fail(`I understood a ${command[keywordAt]!.key}, but not ${quote(textOf(cmd.tokens, header))} before it.`, EXAMPLES, header);
    kind = ORCHESTRATION_WORDS.get(command[keywordAt]!.key)!;
    start = keywordAt + 1;
  }
  while (start < command.length && (command[start]!.kind === 'colon' || isIn(command[start], FILLER))) start++;

  let condition: 'error' | 'findings' | undefined;
  if (isIn(command[start], CONDITION_OPENERS)) {
    const read = readCondition(command, start);
    if ('problem' in read) return read.problem;
    condition = read.condition;
    start = read.end;
  }

  const steps: StepName[] = [];
  let segment: Word[] = [];
  const flush = (): FamilyResult | undefined => {
    if (segment.length === 0) return undefined;
    const step = readStep(cmd, segment);
    segment = [];
    if (typeof step !== 'string') return step;
    steps.push(step);
    return undefined;
  };
  for (const word of command.slice(start)) {
    if (!isSeparator(word)) {
      segment.push(word);
      continue;
    }
    const problem = flush();
    if (problem) return problem;
  }
  const problem = flush();
  if (problem) return problem;

  kind ??= condition === undefined ? 'chain' : 'cascade';
  if (steps.length === 0) return fail(`Which steps? For example "${kind} syntax -> security -> summary". Steps are: ${STEP_NAMES.join(', ')}.`, EXAMPLES);
  if (steps.length > MAX_STEPS) return fail(`At most ${MAX_STEPS} steps in one ${kind}.`, EXAMPLES);
  if (kind === 'cascade' && condition === undefined) return fail('A cascade runs when something happens: "cascade: if error then debug then fix then test".', EXAMPLES);
  if (kind !== 'cascade' && condition !== undefined) return fail(`Only a cascade has a condition: "set up cascade: if ${condition} then …".`, EXAMPLES);
  if (kind !== 'cascade' && steps.length < 2) return fail(`A ${kind} needs at least two steps, e.g. "${kind} ${steps[0]} -> summary".`, EXAMPLES);
  const fields = scopeFields(scope);
  const body = { type: 'orchestrate' as const, kind, steps, ...(condition === undefined ? {} : { condition }), ...(Object.keys(fields).length > 0 ? { scope: fields } : {}) };
  return { ok: true, body, confidence: mode === 'slash' ? 1 : NATURAL_CONFIDENCE, rule: mode === 'slash' ? `/${kind}` : kind };
}
