/**
 * configure: "Set all background agents to low-power mode", "Increase error monitoring
 * sensitivity to critical", "Turn off the complexity agent for tests/",
 * `/configure background low-power`, `/configure complexity-analyzer off tests/`.
 *
 *   configure := {NOISE} SETTING and TARGET in any order, then [for PATHS]
 *   SETTING   := POWER (low/normal power, eco mode)
 *              | SWITCH (turn off, disable, pause; turn on, enable, resume; enabled=false)
 *              | [AREA] sensitivity … LEVEL          (the last level word is the level)
 *   TARGET    := KIND | background agents | all agents | nothing (= all)
 *
 * Exactly one setting per command; a word that is neither setting, target nor noise fails it.
 */
import { MONITORING_AREAS, type AgentKind } from './intent-schema.js';
import { fail, firstMeaningful, isIn, kindAt, NATURAL_CONFIDENCE, phraseAt, unknownWords, type FamilyResult, type Mode } from './grammar.js';
import { splitScope } from './parse-scope.js';
import type { TokenizedCommand, Word } from './tokenize.js';
import {
  ALL_WORDS,
  AREA_PHRASES,
  BACKGROUND_WORDS,
  CONFIGURE_NOISE,
  CONFIGURE_VERBS,
  DISABLE_WORDS,
  ENABLE_WORDS,
  FILLER,
  LEVEL_WORDS,
  LOW_POWER_WORDS,
  NORMAL_POWER_WORDS,
  POWER_WORDS,
  SENSITIVITY_WORDS,
  QUESTION_OPENERS,
  SPAWN_PHRASES,
} from './vocabulary.js';

const EXAMPLES = ['Set all background agents to low-power mode', 'Turn off the complexity agent for tests/', 'Increase error monitoring sensitivity to critical'];

type Setting = { powerMode: 'low' | 'normal' } | { enabled: boolean } | { sensitivity: 'info' | 'warning' | 'error' | 'critical'; area: (typeof MONITORING_AREAS)[number] };

/** True when the command reads as a change of settings (natural language). */
export function looksLikeConfigure(cmd: TokenizedCommand, at: number): boolean {
  const { words } = cmd;
  if (SPAWN_PHRASES.some((phrase) => phraseAt(words, at, phrase))) return false;
  if (isIn(words[at], CONFIGURE_VERBS)) return true;
  // "low-power mode for background agents", but not "which agents use the most power?"
  return !cmd.question && !isIn(words[at], QUESTION_OPENERS) && words.some((word) => isIn(word, POWER_WORDS) || isIn(word, SENSITIVITY_WORDS));
}

/** Finds the one setting in `words`, marking the words it used. */
function readSetting(words: readonly Word[], used: Set<number>): Setting | string | undefined {
  const found: Setting[] = [];
  const sensitivityAt = words.findIndex((word) => isIn(word, SENSITIVITY_WORDS));
  if (sensitivityAt >= 0) {
    used.add(sensitivityAt);
    let levelAt = -1;
    words.forEach((word, i) => {
      if (isIn(word, LEVEL_WORDS)) levelAt = i;
    });
    if (levelAt < 0) return 'To which level? info, warning, error or critical.';
    used.add(levelAt);
    const level = LEVEL_WORDS.get(words[levelAt]!.key)!;
    // The area right before "sensitivity" ("error monitoring sensitivity") wins; else the first one.
    const free = (phrase: readonly string[], i: number) => phraseAt(words, i, phrase) && phrase.every((_, k) => !used.has(i + k));
    const adjacent = AREA_PHRASES.find(([phrase]) => free(phrase, sensitivityAt - phrase.length));
    let area: Setting | undefined;
    if (adjacent) {
      adjacent[0].forEach((_, k) => used.add(sensitivityAt - adjacent[0].length + k));
      area = { sensitivity: level, area: adjacent[1] };
    }
    for (let i = 0; i < words.length && area === undefined; i++) {
      const match = AREA_PHRASES.find(([phrase]) => free(phrase, i));
      if (match) {
        match[0].forEach((_, k) => used.add(i + k));
        area = { sensitivity: level, area: match[1] };
      }
    }
    if (area === undefined) return `Sensitivity of which area? ${MONITORING_AREAS.join(', ')}.`;
    found.push(area);
  }
  const powerAt = words.findIndex((word, i) => !used.has(i) && isIn(word, POWER_WORDS));
  if (powerAt >= 0) {
    used.add(powerAt);
    const modeAt = words.findIndex((word) => isIn(word, LOW_POWER_WORDS) || isIn(word, NORMAL_POWER_WORDS));
    if (modeAt < 0) return 'Which power mode? low or normal.';
    used.add(modeAt);
    found.push({ powerMode: isIn(words[modeAt], LOW_POWER_WORDS) ? 'low' : 'normal' });
  }
  const switches = words.flatMap((word, i) => (!used.has(i) && (isIn(word, DISABLE_WORDS) || isIn(word, ENABLE_WORDS)) ? [i] : []));
  // "enabled false", "enabled=off": the flag's name, then its value.
  const values = switches.filter((i) => !(words[i]!.key === 'enabled' && switches.includes(i + 1)));
  if (values.length > 0) {
    switches.forEach((i) => used.add(i));
    const enabled = values.map((i) => isIn(words[i], ENABLE_WORDS));
    if (enabled.some((value) => value !== enabled[0])) return 'Both on and off? Say one of them.';
    found.push({ enabled: enabled[0]! });
  }
  if (found.length > 1) return 'One setting per command: change the power mode, switch agents on or off, or set a sensitivity.';
  return found[0];
}

/** Parses a configure command from `from` (after `/configure`, or the whole natural command). */
export function parseConfigure(cmd: TokenizedCommand, from: number, mode: Mode): FamilyResult {
  const split = splitScope(cmd.words.slice(from), cmd.tokens, mode);
  if (!split.ok) return fail(split.reason, EXAMPLES);
  const { command, scope } = split;
  if (scope.changed) return fail('Settings apply to agents or folders, not to the current changes.', EXAMPLES);
  const used = new Set<number>();
  const setting = readSetting(command, used);
  if (typeof setting === 'string') return fail(setting, EXAMPLES);
  if (setting === undefined) return fail('What should change? A power mode (low/normal), on/off, or a sensitivity (info, warning, error, critical).', EXAMPLES);

  let kind: AgentKind | undefined;
  let background = false;
  const unknown: Word[] = [];
  for (let i = firstMeaningful(command); i < command.length; i = firstMeaningful(command, i)) {
    const word = command[i]!;
    const named = used.has(i) ? undefined : kindAt(command, i);
    if (used.has(i) || word.kind === 'comma' || isIn(word, CONFIGURE_NOISE) || isIn(word, ALL_WORDS) || isIn(word, FILLER)) {
      i++;
    } else if (named) {
      if (kind !== undefined && kind !== named.kind) return fail(`One kind of agent per command: ${kind} or ${named.kind}?`, EXAMPLES);
      kind = named.kind;
      i = named.end;
    } else if (isIn(word, BACKGROUND_WORDS)) {
      background = true;
      i++;
    } else {
      unknown.push(word);
      i++;
    }
  }
  const agents: AgentKind | 'all' | 'background' = kind ?? (background ? 'background' : 'all');
  if (unknown.length > 0) return unknownWords(cmd, unknown, `"configure ${agents}"`, EXAMPLES);
  const target = scope.paths.length > 0 ? { agents, paths: [...scope.paths] } : { agents };
  return { ok: true, body: { type: 'configure', target, setting }, confidence: mode === 'slash' ? 1 : NATURAL_CONFIDENCE, rule: mode === 'slash' ? '/configure' : `configure.${Object.keys(setting)[0]}` };
}
