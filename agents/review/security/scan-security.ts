/**
 * `scanSecurity`: the security scan of one file as a plain synchronous function, so the CLI can
 * run it on the worker pool and the agent can wrap it. One parse (or the caller's tree), one lift,
 * one analysis walk; compiled state (grammars, regex verdicts) is cached across files.
 */
import type { Tree } from 'web-tree-sitter';
import { CancelledError, InvalidInputError } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import { assignFingerprints } from '../../../shared/findings/fingerprint.js';
import { isJavaScriptFamily, type LanguageId } from '../parsing/language-id.js';
import { liftTree, type LiftedTree } from '../parsing/lift-tree.js';
import { loadedTreeSitter } from '../parsing/load-tree-sitter.js';
import type { TreeSitterService } from '../parsing/tree-sitter-service.js';
import { FindingCollector } from './finding-collector.js';
import { analyzeJavaScript } from './js/js-analyzer.js';
import { analyzePython } from './python/py-analyzer.js';
import { isTestPath } from './secrets.js';

/** The agent id findings carry. */
export const SECURITY_AGENT_ID = 'security-scanner';

/** A file to scan. */
export interface SecurityScanFile {
  /** Path relative to the reviewed root, forward slashes. */
  path: string;
  text: string;
  lang: LanguageId;
  /**
   * The file already parsed from exactly `text`, shared with other agents: a lifted tree (cheapest,
   * nothing to parse or lift) or a web-tree-sitter tree (lifted here, not deleted here).
   */
  tree?: LiftedTree | Tree;
}

/** Options for {@link scanSecurity}. */
export interface SecurityScanOptions {
  /** The loaded tree-sitter service; defaults to the process-wide one (`await loadTreeSitter()` first). */
  treeSitter?: TreeSitterService;
  /** Files larger than this many UTF-16 code units are not scanned (one `info` finding says so). Default 2,000,000. */
  maxSize?: number;
  /** Nesting deeper than this is not analysed (one `info` finding says so). Default 1,000. */
  maxDepth?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_SIZE = 2_000_000;

/**
 * Scans one file and returns its security findings with fingerprints, in file order.
 * Never throws on bad input: binary content, oversized files and pathological nesting produce an
 * `info` finding (`security/skipped`) instead. Throws CancelledError when `signal` fires and
 * InvalidInputError when tree-sitter is not loaded.
 */
export function scanSecurity(file: SecurityScanFile, options: SecurityScanOptions = {}): Finding[] {
  const { signal } = options;
  if (signal?.aborted) throw new CancelledError('Security scan cancelled', { cause: signal.reason });
  if (file.lang === 'json') return [];
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  if (file.text.length > maxSize) return [skipped(file, `the file is ${formatSize(file.text.length)}, over the ${formatSize(maxSize)} scan limit`)];
  if (looksBinary(file.text)) return [skipped(file, 'the file looks binary (it contains NUL bytes)')];
  const lifted = obtainTree(file, options);
  const collector = new FindingCollector(file.path, lifted, SECURITY_AGENT_ID);
  const analysisOptions = { isTestFile: isTestPath(file.path), ...(signal ? { signal } : {}) };
  try {
    if (isJavaScriptFamily(file.lang)) analyzeJavaScript(lifted, collector, analysisOptions);
    else if (file.lang === 'python') analyzePython(lifted, collector, analysisOptions);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // Stack exhaustion on pathological input: keep what was found and say the rest was skipped.
    collector.add({ cls: 'skipped', at: { start: 0, end: 0 }, message: 'Security scan stopped early: the file nests too deeply to analyse completely' });
  }
  if (signal?.aborted) throw new CancelledError('Security scan cancelled', { cause: signal.reason });
  if (lifted.truncated) {
    collector.add({ cls: 'skipped', at: { start: 0, end: 0 }, message: `Part of the file was not scanned: it nests deeper than ${options.maxDepth ?? 1000} levels` });
  }
  return assignFingerprints(collector.findings(), (line) => lifted.lineText(line));
}

function isLifted(tree: LiftedTree | Tree): tree is LiftedTree {
  return 'root' in tree && 'lineText' in tree;
}

function obtainTree(file: SecurityScanFile, options: SecurityScanOptions): LiftedTree {
  const maxDepth = options.maxDepth ?? 1000;
  if (file.tree && isLifted(file.tree)) return file.tree;
  if (file.tree) return liftTree(file.tree, file.text, { maxDepth });
  const service = options.treeSitter ?? loadedTreeSitter();
  if (!service) throw new InvalidInputError('tree-sitter is not loaded: await loadTreeSitter() (or pass options.treeSitter) before scanSecurity()');
  const tree = service.parse(file.lang, file.text, options.signal ? { signal: options.signal } : {});
  try {
    return liftTree(tree, file.text, { maxDepth });
  } finally {
    tree.delete();
  }
}

function skipped(file: SecurityScanFile, reason: string): Finding {
  const range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  const collector = new FindingCollector(file.path, { position: () => ({ line: 1, column: 1 }) }, SECURITY_AGENT_ID);
  collector.add({ cls: 'skipped', at: { start: 0, end: 0 }, message: `Not scanned for security issues: ${reason}` });
  const [finding] = collector.findings();
  return assignFingerprints([{ ...finding!, range }], () => '')[0]!;
}

function looksBinary(text: string): boolean {
  const probe = text.length > 8192 ? text.slice(0, 8192) : text;
  return probe.includes('\u0000');
}

function formatSize(units: number): string {
  return units >= 1_000_000 ? `${(units / 1_000_000).toFixed(1)} MB` : `${Math.round(units / 1000)} kB`;
}
