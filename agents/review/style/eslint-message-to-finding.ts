/**
 * Turns one ESLint message into a finding (without its fingerprint, which needs the whole file).
 * Keeps ESLint's fix as the finding's fix and its suggestions as alternative fixes, with offsets into
 * the caller's content (so applying them is a plain splice, and a GitHub suggestion block can be
 * built from them).
 */
import type { ESLint, Linter, Rule } from 'eslint';
import type { Finding, Fix, Severity } from '../../../shared/findings/finding.js';

/** A finding before {@link assignFingerprints} gives it a fingerprint. */
export type FindingDraft = Omit<Finding, 'fingerprint'>;

/** What the conversion needs besides the message. */
export interface MessageContext {
  /** Id of the agent reporting. */
  agent: string;
  /** Path relative to the reviewed root, forward slashes. */
  file: string;
  /**
   * 1 when the content starts with a byte order mark: ESLint strips it and its fix ranges count
   * from after it, while {@link TextEdit} offsets count in the content as given.
   */
  bomOffset: number;
  /** Rule metadata for the file's results (`ESLint#getRulesMetaForResults`). */
  rulesMeta: ESLint.LintResultData['rulesMeta'];
}

/** Rule id of ESLint's fatal parse errors: the syntax agent reports the same problem. */
export const PARSE_ERROR_RULE_ID = 'eslint/parse-error';
/** Rule id of a file ESLint could not check at all (nesting too deep for its parser, too large). */
export const FILE_SKIPPED_RULE_ID = 'style/file-skipped';
/** Rule id of ESLint's "unused eslint-disable directive" reports. */
export const UNUSED_DIRECTIVE_RULE_ID = 'eslint/unused-disable-directive';

/** A parser that ran out of stack: valid code nested too deep, not a syntax error for the syntax agent. */
const OUT_OF_STACK = /stack space|call stack size/i;

function severityOf(message: Linter.LintMessage): Severity {
  if (message.fatal && OUT_OF_STACK.test(message.message)) return 'info';
  return message.severity === 2 ? 'error' : 'warning';
}

function ruleIdOf(message: Linter.LintMessage): string {
  if (message.fatal) return OUT_OF_STACK.test(message.message) ? FILE_SKIPPED_RULE_ID : PARSE_ERROR_RULE_ID;
  if (message.ruleId) return `eslint/${message.ruleId}`;
  // The one other kind of rule-less message ESLint reports while linting.
  return /eslint-(enable|disable)/.test(message.message) ? UNUSED_DIRECTIVE_RULE_ID : 'eslint/core';
}

function toFix(description: string, fix: Rule.Fix, bomOffset: number): Fix {
  return { description, edits: [{ start: fix.range[0] + bomOffset, end: fix.range[1] + bomOffset, text: fix.text }] };
}

/** Converts one ESLint message. */
export function eslintMessageToFinding(message: Linter.LintMessage, context: MessageContext): FindingDraft {
  const ruleId = ruleIdOf(message);
  const line = Math.max(1, message.line || 1);
  const column = Math.max(1, message.column || 1);
  const finding: FindingDraft = {
    ruleId,
    agent: context.agent,
    severity: severityOf(message),
    message:
      ruleId === FILE_SKIPPED_RULE_ID
        ? `Not style-checked: the code is nested too deeply for ESLint's parser (${message.message}).`
        : message.message,
    file: context.file,
    // ESLint's end column points just past the last character, as SARIF's `endColumn` does.
    range: { start: { line, column }, end: { line: message.endLine ?? line, column: message.endColumn ?? column } },
    tags: ruleId === PARSE_ERROR_RULE_ID ? ['syntax'] : ['style'],
  };
  const meta = message.ruleId ? context.rulesMeta[message.ruleId] : undefined;
  if (meta?.docs?.description) finding.help = meta.docs.description;
  if (meta?.docs?.url) finding.helpUrl = meta.docs.url;
  if (message.fix) {
    const what = message.ruleId ? `'${message.ruleId}'` : 'the directive';
    finding.fix = toFix(`Apply ESLint's fix for ${what}`, message.fix, context.bomOffset);
  }
  if (message.suggestions && message.suggestions.length > 0) {
    finding.suggestions = message.suggestions.map((s) => toFix(s.desc, s.fix, context.bomOffset));
  }
  return finding;
}
