/**
 * ReDoS verdicts with a cache: the structural analysis (regex/redos.ts) finds candidate patterns,
 * and `redos-detector` confirms exponential ones (a pattern it proves safe within its step budget
 * is dropped). Verdicts are cached by pattern and flags, since the same regexes recur across files.
 */
import { isSafePattern } from 'redos-detector';
import { analyzeRedos, type RedosVerdict } from './redos.js';
import type { RegexFlags } from './regex-parser.js';

/** A verdict plus what redos-detector said about it. */
export interface CheckedRedos extends RedosVerdict {
  /** redos-detector's score for confirmed patterns ('infinite', a number, or 'budget' when it ran out of steps). */
  detector?: string;
}

const cache = new Map<string, CheckedRedos | null>();
const CACHE_LIMIT = 10_000;

/**
 * Severity and confidence of a verdict: exponential patterns and unanchored polynomial ones are
 * warnings; a polynomial pattern anchored at the start costs one quadratic attempt, reported as info.
 */
export function redosGrade(v: RedosVerdict): { severity: 'warning' | 'info'; confidence: number } {
  if (v.kind === 'exponential') return { severity: 'warning', confidence: 0.8 };
  return v.anchored ? { severity: 'warning', confidence: 0.35 } : { severity: 'warning', confidence: 0.5 };
}

/** Parses JS regex flag letters. */
export function jsFlags(flags: string): RegexFlags {
  return { ignoreCase: flags.includes('i'), dotAll: flags.includes('s'), multiline: flags.includes('m'), unicode: flags.includes('u') || flags.includes('v') };
}

/** How many redos-detector confirmations one file may spend (each can take tens of ms on a hard pattern). */
export interface RedosBudget {
  confirmations: number;
}

/** A fresh per-file budget. */
export function redosBudget(): RedosBudget {
  return { confirmations: 25 };
}

/**
 * Returns the ReDoS verdict for a pattern, or undefined when it is safe. Exponential candidates are
 * confirmed with redos-detector while the file's budget lasts; past it the structural verdict stands.
 */
export function checkRedos(pattern: string, flags: RegexFlags, budget: RedosBudget = redosBudget()): CheckedRedos | undefined {
  const key = `${flags.ignoreCase ? 'i' : ''}${flags.dotAll ? 's' : ''}${flags.multiline ? 'm' : ''}${flags.unicode ? 'u' : ''}/${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let result: CheckedRedos | undefined = analyzeRedos(pattern, flags);
  if (result?.kind === 'exponential' && budget.confirmations <= 0) return result;
  if (result?.kind === 'exponential') {
    budget.confirmations--;
    try {
      const detector = isSafePattern(pattern, {
        caseInsensitive: flags.ignoreCase,
        dotAll: flags.dotAll,
        multiLine: flags.multiline,
        unicode: flags.unicode,
        maxSteps: 1000,
        maxScore: 200,
      });
      if (detector.safe) result = undefined;
      else result = { ...result, detector: detector.error === 'hitMaxSteps' ? 'budget' : detector.score.infinite ? 'infinite' : String(detector.score.value) };
    } catch {
      // redos-detector rejects some syntax it cannot downgrade: keep the structural verdict.
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result ?? null);
  return result;
}
