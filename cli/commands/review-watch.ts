/**
 * `orchestra review --watch`: reviews once, then again whenever reviewable files change (chokidar,
 * debounced), until interrupted. Each run re-reviews the whole scope; the cache makes unchanged
 * files free, so a one-file edit analyses one file.
 */
import { watch } from 'chokidar';
import { relative, sep } from 'node:path';
import { isCancellation } from '../../shared/errors/errors.js';
import { isReviewable } from '../../agents/review/swarm/collect-files.js';
import type { ReviewSwarm } from '../../agents/review/swarm/review-swarm.js';
import type { CommandIO } from '../command.js';
import { emitReport, exitCodeFor, type ReviewCliOptions } from './review.js';

const DEBOUNCE_MS = 150;
const IGNORED = /(^|[/\\])(node_modules|\.git|dist|build|coverage)([/\\]|$)/;

/** Runs until `signal` fires; resolves with the last review's exit code. */
export async function watchAndReview(swarm: ReviewSwarm, options: ReviewCliOptions, io: CommandIO, signal: AbortSignal): Promise<number> {
  let exitCode = 0;
  let running: AbortController | undefined;
  const once = async () => {
    running?.abort();
    const controller = (running = new AbortController());
    const onStop = () => controller.abort();
    signal.addEventListener('abort', onStop, { once: true });
    try {
      const result = await swarm.review({ root: options.root, ...options.request, signal: controller.signal });
      if (io.stdout.isTTY) io.stdout.write('\u001b[2J\u001b[H');
      await emitReport(result, options, io);
      exitCode = exitCodeFor(result, options.failOn);
      io.stderr.write(`orchestra review: watching ${options.root} for changes (Ctrl-C to stop)\n`);
    } catch (error) {
      if (!isCancellation(error)) io.stderr.write(`orchestra review: ${(error as Error).message}\n`);
    } finally {
      signal.removeEventListener('abort', onStop);
    }
  };
  await once();
  const watcher = watch(options.root, {
    ignored: (path: string) => IGNORED.test(path),
    ignoreInitial: true,
    awaitWriteFinish: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const onChange = (path: string) => {
    const rel = relative(options.root, path).split(sep).join('/');
    if (!isReviewable(rel)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void once(), DEBOUNCE_MS);
  };
  watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(timer);
  running?.abort();
  await watcher.close();
  return exitCode;
}
