/** The style-validator: ESLint through its Node API, as review findings with fixes. */
export { StyleValidatorAgent, type StyleValidatorAgentOptions } from './style-validator-agent.js';
export { lintFiles, STYLE_AGENT_ID, LEGACY_CONFIG_RULE_ID, RULE_CRASH_RULE_ID, type LintFile, type LintFilesOptions } from './lint-files.js';
export { EslintInstanceCache } from './eslint-instance-cache.js';
export { CONFIG_ERROR_RULE_ID } from './config-error-finding.js';
export { FILE_SKIPPED_RULE_ID, PARSE_ERROR_RULE_ID, UNUSED_DIRECTIVE_RULE_ID } from './eslint-message-to-finding.js';
export {
  styleOptionsSchema,
  styleOverridesSchema,
  styleTaskInputSchema,
  parseStyleOptions,
  type StyleOptions,
  type StyleOptionsInput,
  type StyleTaskInput,
} from './style-options.js';
