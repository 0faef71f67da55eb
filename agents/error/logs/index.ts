/** The error swarm's log analyzer: errors out of logs and tool output, grouped by fingerprint. */
export { analyzeLog, LogAnalyzer, type LogAnalyzerOptions } from './analyze-log.js';
export { fingerprintError, normalizeMessage } from './fingerprint.js';
export { stripAnsi } from './strip-ansi.js';
