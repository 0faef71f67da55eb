/**
 * The knowledge base: every rule the fix-suggester knows, in the order ties are broken (more
 * specific first). Add a rule to the file of its family under `rules/`, then list it here through
 * that family's array; `test/agents/error/fix` checks every pattern for linear-time matching.
 */
import type { FixRule } from './fix-rule.js';
import { ASSERTION_RULES } from './rules/assertion-rules.js';
import { CALL_RULES } from './rules/call-rules.js';
import { ESM_CJS_RULES } from './rules/esm-cjs-rules.js';
import { MODULE_RULES } from './rules/module-rules.js';
import { NULLISH_RULES } from './rules/nullish-rules.js';
import { RUNTIME_RULES } from './rules/runtime-rules.js';
import { SYSTEM_RULES } from './rules/system-rules.js';
import { TYPESCRIPT_RULES } from './rules/typescript-rules.js';

/** All rules, in tie-break order. Ids are unique. */
export const KNOWLEDGE_BASE: readonly FixRule[] = Object.freeze([
  ...NULLISH_RULES,
  ...ESM_CJS_RULES,
  ...CALL_RULES,
  ...MODULE_RULES,
  ...TYPESCRIPT_RULES,
  ...SYSTEM_RULES,
  ...RUNTIME_RULES,
  ...ASSERTION_RULES,
]);
