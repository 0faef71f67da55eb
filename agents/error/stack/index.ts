/**
 * The error swarm's stack tracer: finds and parses stack traces (V8/Node, Chrome, Firefox, Safari,
 * CPython and pytest, JVM, Go, .NET, with their cause chains), locates them in the project (source
 * maps to the original TypeScript, the first frame in the project's own code) and prints code frames.
 */
export { codeFrame } from './code-frame.js';
export { locate, type LocateOptions, type LocateResult } from './locate.js';
export { parseStackTrace, parseStackTraces } from './parse-stack-traces.js';
