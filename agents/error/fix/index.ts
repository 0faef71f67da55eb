/**
 * The error swarm's fix-suggester. `suggestFixes` gives deterministic suggestions from the
 * knowledge base (`KNOWLEDGE_BASE`), naming the identifiers of the error and the expression on
 * the faulting line; `suggestPatch` asks a LangChain chat model for a unified diff and returns it
 * only after `checkPatch`-style verification that it applies cleanly under the root. Nothing here
 * writes a file.
 */
export { suggestFixes } from './suggest-fixes.js';
export type { SuggestFixesInput } from './suggest-fixes.js';
export { suggestPatch } from './suggest-patch.js';
export type { SuggestPatchInput, SuggestPatchResult } from './suggest-patch.js';
export { KNOWLEDGE_BASE } from './knowledge-base.js';
export { checkPatch } from './patch/check-patch.js';
export type { PatchCheck } from './patch/check-patch.js';
export type { FixInput, FixRule, RuleContext, RuleMatcher, RuleOutcome } from './fix-rule.js';
