/**
 * The per-file work of the review swarm, for a batch of files: one tree-sitter parse and one lift
 * per file shared by the syntax, security and complexity agents, then ESLint for the batch. It runs
 * the same way on a worker thread (review-worker.ts) and in the calling thread, and holds no state
 * besides the parsers and ESLint instances cached per thread.
 */
import { errorMessage, isCancellation, throwIfAborted } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import { analyzeComplexity, DEFAULT_THRESHOLDS, type ComplexityThresholds } from '../complexity/complexity-findings.js';
import { detectLanguage, isJavaScriptFamily, liftTree, loadTreeSitter, type LiftedTree, type WasmPaths } from '../parsing/index.js';
import { scanSecurity } from '../security/index.js';
import { lintFiles, type StyleOptionsInput } from '../style/index.js';
import { checkSyntax } from '../syntax/check-syntax.js';

/** The per-file agents of the review swarm (the test runner works per project, elsewhere). */
export const FILE_AGENTS = ['syntax', 'style', 'security', 'complexity'] as const;
export type FileAgent = (typeof FILE_AGENTS)[number];

/** One batch of work; plain data so it crosses a worker boundary. */
export interface ReviewBatch {
  root: string;
  files: { path: string; text: string }[];
  agents: FileAgent[];
  thresholds?: ComplexityThresholds;
  style?: StyleOptionsInput;
  wasmPaths?: WasmPaths;
  /** The syntax agent runs on these files in another batch: ESLint's parse errors are left to it. */
  syntaxElsewhere?: boolean;
}

/** What one file produced. */
export interface FileResult {
  path: string;
  /** Findings by agent, so the cache can keep each agent's result separately. */
  findings: Partial<Record<FileAgent, Finding[]>>;
  /** Sum of cyclomatic complexity, for hotspots. */
  complexity: number;
  notices: string[];
}

/** Results of a batch plus time spent per agent (ms). */
export interface BatchResult {
  files: FileResult[];
  timings: Partial<Record<FileAgent, number>>;
}

const now = () => performance.now();

/** Runs the requested agents over a batch. Never throws for one bad file: it becomes a notice. */
export async function analyzeBatch(batch: ReviewBatch, signal?: AbortSignal): Promise<BatchResult> {
  const timings: Partial<Record<FileAgent, number>> = {};
  const add = (agent: FileAgent, ms: number) => (timings[agent] = (timings[agent] ?? 0) + ms);
  const want = new Set(batch.agents);
  const needTree = want.has('syntax') || want.has('security') || want.has('complexity');
  const ts = needTree ? await loadTreeSitter(batch.wasmPaths) : undefined;
  const results: FileResult[] = [];
  for (const file of batch.files) {
    throwIfAborted(signal);
    const result: FileResult = { path: file.path, findings: {}, complexity: 0, notices: [] };
    results.push(result);
    const lang = detectLanguage(file.path);
    if (!lang || !ts) continue;
    let tree;
    let lifted: LiftedTree | undefined;
    try {
      const t0 = now();
      await ts.ensureLanguage(lang);
      tree = ts.parse(lang, file.text, signal ? { signal } : {});
      if (want.has('security') || want.has('complexity')) lifted = liftTree(tree, file.text);
      // Parsing is shared; charge it to the syntax agent when it runs, else to the first user.
      add(want.has('syntax') ? 'syntax' : want.has('security') ? 'security' : 'complexity', now() - t0);
      if (want.has('syntax')) {
        const t = now();
        result.findings.syntax = checkSyntax({ path: file.path, text: file.text, lang, tree });
        add('syntax', now() - t);
      }
      if (want.has('security') && lifted) {
        const t = now();
        result.findings.security = scanSecurity({ path: file.path, text: file.text, lang, tree: lifted });
        add('security', now() - t);
      }
      if (want.has('complexity') && lifted && lang !== 'json') {
        const t = now();
        const c = analyzeComplexity(file.path, lifted, batch.thresholds ?? DEFAULT_THRESHOLDS);
        result.findings.complexity = c.findings;
        result.complexity = c.total;
        add('complexity', now() - t);
      }
      if (lifted?.truncated) result.notices.push(`${file.path} is nested or sized beyond the analysis limits; part of it was not analysed.`);
    } catch (error) {
      if (isCancellation(error)) throw error;
      result.notices.push(`${file.path} could not be analysed: ${errorMessage(error)}`);
    } finally {
      tree?.delete();
    }
  }
  if (want.has('style')) {
    const lintable = batch.files.filter((f) => {
      const lang = detectLanguage(f.path);
      return lang !== undefined && isJavaScriptFamily(lang);
    });
    if (lintable.length > 0) {
      const t = now();
      const findings = await lintFiles(batch.root, lintable, { ...batch.style, parseErrors: want.has('syntax') || batch.syntaxElsewhere ? 'omit' : 'report', ...(signal ? { signal } : {}) });
      add('style', now() - t);
      const byFile = new Map(results.map((r) => [r.path, r]));
      for (const r of results) if (lintable.some((f) => f.path === r.path)) r.findings.style = [];
      for (const finding of findings) {
        const target = byFile.get(finding.file);
        if (target) (target.findings.style ??= []).push(finding);
        else (results[0]!.findings.style ??= []).push(finding); // a config-error finding names the config file
      }
    }
  }
  return { files: results, timings };
}
