/**
 * Plain-language commands to typed intents: `parseCommand` (the deterministic grammar), the intent
 * schema hosts execute against (and a language model may fill through tool calling), the
 * permission level of each intent, and the slash command that says an intent back.
 */
export { parseCommand, EXAMPLE_COMMANDS, MAX_TOKENS, type ParseResult } from './parse-command.js';
export { checkInput, MAX_INPUT_CHARS, type CheckedInput } from './check-input.js';
export {
  AGENT_GROUPS,
  AGENT_KINDS,
  CASCADE_CONDITIONS,
  EXPLAIN_TARGET_PATTERN,
  HELP_TOPICS,
  IDENTIFIER_PATTERN,
  MAX_SCOPE_PATHS,
  MAX_SPAWN_COUNT,
  MAX_STEPS,
  MONITOR_PERIODS,
  MONITOR_QUESTIONS,
  MONITORING_AREAS,
  ORCHESTRATION_KINDS,
  POWER_MODES,
  SENSITIVITY_LEVELS,
  STEP_NAMES,
  intentBodySchema,
  intentJsonSchema,
  intentSchema,
  scopeSchema,
  withPermission,
  type AgentKind,
  type Intent,
  type IntentBody,
  type StepName,
} from './intent-schema.js';
export { AGENT_KIND_PERMISSION, STEP_PERMISSION, requiredPermission } from './intent-permission.js';
export { formatIntent } from './format-intent.js';
export { normalizeWorkspacePath, workspacePathProblem, MAX_PATH_LENGTH, WORKSPACE_PATH_PATTERN, type NormalizedPath } from './workspace-path.js';
