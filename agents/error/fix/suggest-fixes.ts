/**
 * The deterministic fix-suggester: every knowledge-base rule whose matcher accepts the error builds
 * one suggestion from what its pattern captured and the code line at the fault. No model, no I/O,
 * and no generic filler: an error no rule knows gets no suggestion.
 */
import type { FaultLocation, FixSuggestion } from '../types.js';
import { cleanCodeLine } from './code-line.js';
import type { FixInput, FixRule, RuleContext } from './fix-rule.js';
import { KNOWLEDGE_BASE } from './knowledge-base.js';
import { clipValue, errorTypeOf, normalizeMessage } from './normalize-message.js';

/** What {@link suggestFixes} takes: the error, where it was located, and the source line there. */
export interface SuggestFixesInput {
  error: FixInput;
  fault?: FaultLocation;
  /** The source line at `fault` (a code-frame line with its `> 12 | ` gutter is accepted too). */
  codeLine?: string;
}

/**
 * Suggestions for one error, best first (by confidence, then knowledge-base order), at most one
 * per rule. Empty when no rule matches. Never throws on any input.
 */
export function suggestFixes(input: SuggestFixesInput): FixSuggestion[] {
  return suggestWithRules(input, KNOWLEDGE_BASE);
}

/** {@link suggestFixes} over a given rule list (tests of a single rule, a host's extra rules). */
export function suggestWithRules(input: SuggestFixesInput, rules: readonly FixRule[]): FixSuggestion[] {
  const error = typeof input === 'object' && input !== null && typeof input.error === 'object' && input.error !== null ? input.error : undefined;
  if (error === undefined) return [];
  const message = normalizeMessage(error.message);
  if (message.trim().length === 0) return [];
  const givenType = typeof error.errorType === 'string' ? clipValue(error.errorType, 200) : undefined;
  const errorType = givenType !== undefined && givenType.length > 0 ? givenType : errorTypeOf(message);
  const kind = typeof error.kind === 'string' ? error.kind : undefined;
  const format = typeof error.format === 'string' ? error.format : undefined;
  const codeLine = cleanCodeLine(input.codeLine);
  const fault = isFault(input.fault) ? input.fault : undefined;

  const ranked: { suggestion: FixSuggestion; order: number }[] = [];
  rules.forEach((rule, order) => {
    const { matcher } = rule;
    if (matcher.errorType !== undefined && errorType !== undefined && !matcher.errorType.test(errorType)) return;
    if (matcher.kinds !== undefined && kind !== undefined && !matcher.kinds.includes(kind)) return;
    if (matcher.formats !== undefined && format !== undefined && !matcher.formats.includes(format)) return;
    for (let pattern = 0; pattern < matcher.message.length; pattern++) {
      const match = (matcher.message[pattern] as RegExp).exec(message);
      if (match === null) continue;
      const context: RuleContext = {
        groups: groupsOf(match),
        pattern,
        message,
        ...(errorType !== undefined ? { errorType } : {}),
        ...(kind !== undefined ? { kind } : {}),
        ...(format !== undefined ? { format } : {}),
        ...(codeLine !== undefined ? { codeLine } : {}),
        ...(fault !== undefined ? { fault } : {}),
      };
      const outcome = rule.suggest(context);
      if (outcome === undefined) return;
      ranked.push({
        order,
        suggestion: {
          rule: rule.id,
          title: outcome.title ?? rule.title,
          detail: outcome.detail,
          confidence: clamp(outcome.confidence ?? rule.confidence),
        },
      });
      return;
    }
  });
  ranked.sort((a, b) => b.suggestion.confidence - a.suggestion.confidence || a.order - b.order);
  return ranked.map((r) => r.suggestion);
}

function groupsOf(match: RegExpExecArray): Record<string, string> {
  const groups = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(match.groups ?? {})) {
    if (typeof value === 'string' && value.length > 0) groups[name] = clipValue(value);
  }
  return groups;
}

function isFault(fault: unknown): fault is FaultLocation {
  if (typeof fault !== 'object' || fault === null) return false;
  const f = fault as Partial<FaultLocation>;
  return typeof f.file === 'string' && typeof f.line === 'number';
}

function clamp(confidence: number): number {
  if (!Number.isFinite(confidence)) return 0;
  return Math.min(1, Math.max(0, Math.round(confidence * 100) / 100));
}
