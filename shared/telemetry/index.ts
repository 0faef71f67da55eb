/** Telemetry: per-host Prometheus metrics and redacted structured logs. */
export { createMetrics, type Metrics, type MetricsOptions, type MetricLabel, type BoundCounter } from './create-metrics.js';
export { instrumentBus } from './instrument-bus.js';
export { recordRuntimeMetrics } from './record-runtime-metrics.js';
export { createLogger, LOG_LEVELS, REDACT_PATHS, type CreateLoggerOptions, type LogLevel, type OrchestraLogger } from './create-logger.js';
