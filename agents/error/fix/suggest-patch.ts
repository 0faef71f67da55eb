/**
 * A model-written patch for a located fault. The model sees a bounded, redacted prompt (the code
 * frame ±20 lines, the failing test excerpt, the error, a rule-based hint); its answer must hold a
 * unified diff (a ```diff block or a raw diff), and the diff must apply cleanly to the real files
 * under the root (see patch/check-patch.ts) before it is returned. Nothing is written: the caller
 * gets the patch, or the reason there is none.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { CancelledError } from '../../../shared/errors/errors.js';
import { redactString } from '../../../shared/governance/index.js';
import type { FaultLocation, FixSuggestion } from '../types.js';
import { extractDiff } from './patch/extract-diff.js';
import { MAX_FILE_BYTES, verifyPatch } from './patch/check-patch.js';
import { checkRelativePath, resolveUnderRoot } from './patch/patch-paths.js';
import { buildPatchPrompt } from './patch/patch-prompt.js';
import { suggestFixes } from './suggest-fixes.js';
import { readFile } from 'node:fs/promises';

/** What {@link suggestPatch} takes. */
export interface SuggestPatchInput {
  model: BaseChatModel;
  /** The project root; the fault's file and every file the patch touches must be inside it. */
  root: string;
  /** The error message (redacted before the model sees it). */
  message: string;
  fault: FaultLocation;
  /** The failing test's output or source around the assertion, if any (bounded and redacted). */
  testExcerpt?: string;
  signal?: AbortSignal;
}

/** A checked patch as a suggestion, or why there is none. */
export interface SuggestPatchResult {
  suggestion?: FixSuggestion;
  rejected?: string;
}

/** How sure a model patch is: it applies, but nothing has run it. */
const LLM_CONFIDENCE = 0.5;

/**
 * Asks the model for a patch at the fault and returns it only when it applies cleanly. Resolves
 * with `rejected` (a reason) for every expected failure — unreadable fault file, a model error, an
 * answer without a diff, a diff that does not apply or leaves the root — and rejects only with
 * `CancelledError` when `signal` aborts.
 */
export async function suggestPatch(input: SuggestPatchInput): Promise<SuggestPatchResult> {
  const { model, root, fault, signal } = input;
  throwIfCancelled(signal);
  if (typeof fault?.file !== 'string' || !Number.isInteger(fault.line) || fault.line < 1) return { rejected: 'the fault has no usable file and line' };
  const checked = checkRelativePath(fault.file.replace(/^\.\//, ''));
  if (!checked.ok) return { rejected: `the fault's file is not usable: ${checked.reason}` };
  const where = await resolveUnderRoot(root, checked.path);
  if (!where.ok) return { rejected: `the fault's file is not usable: ${where.reason}` };
  if (!where.exists) return { rejected: `${checked.path} does not exist under the root` };
  let source: string;
  try {
    const bytes = await readFile(where.absolute);
    if (bytes.length > MAX_FILE_BYTES) return { rejected: `${checked.path} is too large to patch` };
    if (bytes.includes(0)) return { rejected: `${checked.path} is a binary file` };
    source = bytes.toString('utf8');
  } catch (error) {
    return { rejected: `${checked.path} could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  const message = typeof input.message === 'string' ? input.message : '';
  const codeLine = source.replace(/\r\n?/g, '\n').split('\n')[fault.line - 1];
  const hint = suggestFixes({ error: { message }, fault, ...(codeLine !== undefined ? { codeLine } : {}) })[0];
  const messages = buildPatchPrompt({
    file: checked.path,
    source,
    line: fault.line,
    message,
    ...(fault.function !== undefined ? { functionName: fault.function } : {}),
    ...(typeof input.testExcerpt === 'string' ? { testExcerpt: input.testExcerpt } : {}),
    ...(hint !== undefined ? { hint: `${hint.title}: ${hint.detail}` } : {}),
  });

  let answer: string;
  try {
    const reply = await model.invoke(messages, signal !== undefined ? { signal } : {});
    answer = reply.text;
  } catch (error) {
    throwIfCancelled(signal);
    return { rejected: `the model call failed: ${redactString(error instanceof Error ? error.message : String(error)).slice(0, 300)}` };
  }
  throwIfCancelled(signal);

  const extracted = extractDiff(answer);
  if (!extracted.ok) return { rejected: `no patch: ${extracted.reason}` };
  const verified = await verifyPatch(root, extracted.diff, { redactedContext: true, ...(signal !== undefined ? { signal } : {}) });
  if (!verified.ok) return { rejected: `the model's patch was refused: ${verified.reason}` };
  const explanation = redactString(extracted.explanation);
  return {
    suggestion: {
      rule: 'llm',
      title: `Patch for ${verified.files.join(', ')}`,
      detail: explanation.length > 0 ? explanation : `A model-written change to ${verified.files.join(', ')}, checked to apply cleanly; review it and run the failing test.`,
      patch: verified.patch,
      confidence: LLM_CONFIDENCE,
    },
  };
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new CancelledError('Patch suggestion cancelled', { cause: signal.reason });
}
