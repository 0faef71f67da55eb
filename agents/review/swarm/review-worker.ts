/**
 * Worker-thread entry of the review swarm: the core's WorkerPool (piscina) loads this module and
 * calls its default export with one batch. Each thread keeps its own tree-sitter parsers and ESLint
 * instances warm across batches.
 */
import { analyzeBatch, type BatchResult, type ReviewBatch } from './analyze-batch.js';

/** Analyses one batch on this thread. */
export default function reviewBatch(batch: ReviewBatch): Promise<BatchResult> {
  return analyzeBatch(batch);
}
