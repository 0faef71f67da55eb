/**
 * The log analyzer: reads a log or a tool's output (jest, vitest, mocha, node:test, pytest, tsc,
 * ESLint, npm, GitHub Actions, application logs), extracts its errors with their stack traces,
 * groups them by fingerprint and flags rate spikes. Streaming and bounded: lines are read as chunks
 * arrive, an over-long line is cut, binary junk is skipped, and the groups kept are capped.
 *
 *   chunks → LineReader (decode, ANSI, lines) → LogExtractor (blocks → LogError) → ErrorGroups
 */
import type { LogAnalysis } from '../types.js';
import { BugIndicatingError, InvalidInputError, throwIfAborted } from '../../../shared/errors/errors.js';
import type { Severity } from './app-lines.js';
import { ErrorGroups } from './error-groups.js';
import { LineReader } from './line-reader.js';
import { LogExtractor } from './log-extractor.js';

/** Settings of the analyzer; every one has a default. */
export interface LogAnalyzerOptions {
  /** Characters kept of one line (≈ bytes for ASCII); the rest of a longer line is skipped. Default 64 KiB. */
  maxLineBytes?: number;
  /** Groups kept; further distinct errors are counted in `stats.overflow`. Default 1,000. */
  maxGroups?: number;
  /** `warn` also reports warnings (WARN lines, ESLint warnings, `::warning`). Default `error`. */
  minLevel?: 'error' | 'warn';
  /** Width of a spike window for logs with timestamps, in milliseconds. Default 60,000. */
  spikeWindowMs?: number;
  /** Width of a spike window for logs without timestamps, in lines. Default 1,000. */
  spikeWindowLines?: number;
  /** A window is a spike at this many times the group's median count per window. Default 4. */
  spikeFactor?: number;
  /** … and at least this many occurrences. Default 5. */
  spikeMinCount?: number;
  /** Stops `analyzeLog` between chunks (with a `CancelledError`). */
  signal?: AbortSignal;
}

const DEFAULTS = {
  maxLineBytes: 64 * 1024,
  maxGroups: 1000,
  spikeWindowMs: 60_000,
  spikeWindowLines: 1000,
  spikeFactor: 4,
  spikeMinCount: 5,
} as const;

/** Text is fed to the reader in slices of this many characters (or bytes), keeping copies small. */
const SLICE = 1 << 20;

function positive(options: LogAnalyzerOptions, key: keyof typeof DEFAULTS): number {
  const value = options[key] ?? DEFAULTS[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidInputError(`LogAnalyzerOptions.${key} must be a positive number, got ${String(value)}`, { key });
  }
  return value;
}

/** Incremental analyzer: `push` chunks as they arrive, `end` for the result. */
export class LogAnalyzer {
  private readonly reader: LineReader;
  private readonly extractor: LogExtractor;
  private readonly groups: ErrorGroups;
  private result: LogAnalysis | undefined;

  constructor(options: LogAnalyzerOptions = {}) {
    const minLevel: Severity = options.minLevel === 'warn' ? 'warn' : 'error';
    this.groups = new ErrorGroups({
      maxGroups: Math.floor(positive(options, 'maxGroups')),
      windowMs: positive(options, 'spikeWindowMs'),
      windowLines: Math.ceil(positive(options, 'spikeWindowLines')),
      spikeFactor: positive(options, 'spikeFactor'),
      spikeMinCount: positive(options, 'spikeMinCount'),
    });
    this.extractor = new LogExtractor(minLevel, (error, key) => this.groups.add(error, key));
    this.reader = new LineReader(Math.max(256, Math.floor(positive(options, 'maxLineBytes'))), (text, lineNo, cr) => this.extractor.line(text, lineNo, cr));
  }

  /** Reads a chunk of the log (any split: mid-line, mid-character, mid-escape). */
  push(chunk: string | Uint8Array): void {
    if (this.result) throw new BugIndicatingError('LogAnalyzer.push() after end()');
    if (typeof chunk === 'string') {
      if (chunk.length <= SLICE) {
        this.reader.push(chunk);
        return;
      }
      for (let at = 0; at < chunk.length; ) {
        let end = Math.min(chunk.length, at + SLICE);
        // Never between the two halves of a surrogate pair (the byte count would see two bad halves).
        const last = chunk.charCodeAt(end - 1);
        if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end--;
        this.reader.push(chunk.slice(at, end));
        at = end;
      }
    } else {
      for (let at = 0; at < chunk.byteLength; at += SLICE) this.reader.push(chunk.byteLength <= SLICE ? chunk : chunk.subarray(at, at + SLICE));
    }
  }

  /** Ends the input and returns the analysis (the same object on later calls). */
  end(): LogAnalysis {
    if (this.result) return this.result;
    this.reader.end();
    this.extractor.end();
    const stats: LogAnalysis['stats'] = { ...this.reader.stats };
    if (this.groups.overflow > 0) stats.overflow = this.groups.overflow;
    this.result = { formats: this.extractor.formats(), groups: this.groups.list(), spikes: this.groups.spikes(), stats };
    return this.result;
  }
}

/**
 * Analyzes a whole log: a string, bytes, or a stream of chunks (an async iterable or a Node
 * readable), read as it arrives.
 */
export async function analyzeLog(
  input: string | Uint8Array | AsyncIterable<string | Uint8Array> | NodeJS.ReadableStream,
  options: LogAnalyzerOptions = {},
): Promise<LogAnalysis> {
  const analyzer = new LogAnalyzer(options);
  const signal = options.signal;
  throwIfAborted(signal);
  if (typeof input === 'string' || input instanceof Uint8Array) {
    analyzer.push(input);
    return analyzer.end();
  }
  for await (const chunk of input as AsyncIterable<unknown>) {
    throwIfAborted(signal);
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) analyzer.push(chunk);
    else throw new InvalidInputError(`analyzeLog: a stream chunk must be a string or bytes, got ${chunk === null ? 'null' : typeof chunk}`);
  }
  return analyzer.end();
}
