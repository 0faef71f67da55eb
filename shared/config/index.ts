/** The Orchestra config: schema, parsing, loading and JSON schema generation. */
export { configSchema, defaultConfig, type OrchestraConfig, type OrchestraConfigInput } from './config-schema.js';
export { reviewConfigSchema } from './review-config-schema.js';
export { parseConfig, validateConfig, configFormat, DEFAULT_MAX_CONFIG_BYTES, type ConfigValidation, type ParseConfigOptions } from './parse-config.js';
export { loadConfig, CONFIG_FILE_NAMES, type LoadConfigOptions, type LoadedConfig } from './load-config.js';
export { formatKeyPath, type ConfigIssue } from './config-issues.js';
export { generateJsonSchema, configJsonSchema, JSON_SCHEMA_PATH, type GenerateJsonSchemaOptions, type GeneratedJsonSchema } from './generate-json-schema.js';
export { llmApiKey } from './llm-api-key.js';
export { secretShape } from './secret-shape.js';
export { applyConfigOverrides, type ConfigOverride, type RejectedOverride, type AppliedOverrides } from './apply-config-overrides.js';
