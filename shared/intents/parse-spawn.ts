/**
 * spawn: "Spawn 3 security scanner agents for src/", "Create a code review swarm for my current
 * changes", "Start a log watcher on logs/app.log", `/spawn security-scanner 2 src/`.
 *
 *   spawn   := VERB [COUNT] KIND [COUNT] [SCOPE]        (words in any order after the verb)
 *   VERB    := spawn | create | start | launch | run | add | spin up | fire up | set up | watch | …
 *   COUNT   := digits | one … fifty | a couple of       ("a few", "many" ask for a number)
 *   KIND    := [code|unit] HEAD {TAIL}                  (security scanner agents, code review swarm)
 */
import { AGENT_KINDS, MAX_SPAWN_COUNT, type AgentKind } from './intent-schema.js';
import { fail, firstMeaningful, isIn, kindAt, NATURAL_CONFIDENCE, phraseAt, unknownWords, type FamilyResult, type Mode } from './grammar.js';
import { scopeFields, splitScope } from './parse-scope.js';
import type { TokenizedCommand, Word } from './tokenize.js';
import { LOG_VERBS, NUMBER_WORDS, SPAWN_PHRASES, SPAWN_VERBS, VAGUE_COUNTS } from './vocabulary.js';

/** Words that add nothing to a spawn ("another security scanner", "3 agents"). */
const SPAWN_NOISE = new Set(['another', 'copy', 'agent', 'bot', 'worker', 'instance']);

const EXAMPLES = ['Spawn 3 security scanner agents for src/', 'Start a log watcher on logs/app.log', '/spawn review-swarm 1 changed'];

/** Index after a spawn verb at `at` ("spin up" is two words), or `undefined`. */
export function spawnVerbEnd(words: readonly Word[], at: number): number | undefined {
  const phrase = SPAWN_PHRASES.find((p) => phraseAt(words, at, p));
  if (phrase) return at + phrase.length;
  return isIn(words[at], SPAWN_VERBS) ? at + 1 : undefined;
}

/** Parses the words after the verb (`from`); `verb` is the verb's key, if one was typed. */
export function parseSpawn(cmd: TokenizedCommand, from: number, mode: Mode, verb?: string): FamilyResult {
  const split = splitScope(cmd.words.slice(from), cmd.tokens, mode);
  if (!split.ok) return fail(split.reason, EXAMPLES);
  const { command, scope } = split;
  let count: number | undefined;
  let kind: AgentKind | undefined;
  const unknown: Word[] = [];
  for (let i = firstMeaningful(command); i < command.length; i = firstMeaningful(command, i)) {
    const word = command[i]!;
    const named = kindAt(command, i);
    const value = word.kind === 'number' ? word.value : NUMBER_WORDS.get(word.key);
    if (value !== undefined) {
      if (count !== undefined) return fail(`Two counts (${count} and ${value}): say how many agents once.`, EXAMPLES);
      count = value;
      i++;
    } else if (isIn(word, VAGUE_COUNTS)) {
      return fail(`How many agents? Say a number from 1 to ${MAX_SPAWN_COUNT}.`, EXAMPLES);
    } else if (named) {
      if (kind !== undefined && kind !== named.kind) return fail(`One kind of agent per command: ${kind} or ${named.kind}?`, [`spawn 1 ${kind}`, `spawn 1 ${named.kind}`]);
      kind = named.kind;
      i = named.end;
    } else if (isIn(word, SPAWN_NOISE) || word.kind === 'comma') {
      i++;
    } else {
      unknown.push(word);
      i++;
    }
  }
  if (count !== undefined && count > MAX_SPAWN_COUNT) {
    return fail(`At most ${MAX_SPAWN_COUNT} agents can be started by one command (asked for ${count > 1e9 ? 'more than a billion' : count}).`, EXAMPLES);
  }
  if (count !== undefined && count < 1) return fail('Start at least one agent.', EXAMPLES);
  if (kind === undefined && verb !== undefined && LOG_VERBS.has(verb)) kind = 'log-watcher';
  if (unknown.length > 0) return unknownWords(cmd, unknown, `"spawn${kind ? ` ${kind}` : ''}"`, EXAMPLES);
  if (kind === undefined) return fail(`Which kind of agent? ${AGENT_KINDS.join(', ')}.`, EXAMPLES);

  if (kind === 'log-watcher') {
    if (scope.changed) return fail('A log watcher follows one log file, not the current changes: "start a log watcher on logs/app.log".', EXAMPLES);
    if (scope.paths.length > 1) return fail('A log watcher follows one log file: start one watcher per file.', EXAMPLES);
    const file = scope.paths[0];
    return spawned(kind, count ?? 1, file === undefined ? {} : { file }, mode);
  }
  return spawned(kind, count ?? 1, scopeFields(scope), mode);
}

function spawned(agentKind: AgentKind, count: number, scope: { paths?: string[]; changed?: boolean; file?: string }, mode: Mode): FamilyResult {
  return { ok: true, body: { type: 'spawn', agentKind, count, scope }, confidence: mode === 'slash' ? 1 : NATURAL_CONFIDENCE, rule: mode === 'slash' ? '/spawn' : 'spawn' };
}
