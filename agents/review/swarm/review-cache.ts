/**
 * The review cache: each agent's findings for a file, keyed by a hash of the file's path and
 * content, the agent, and everything that changes its result (Orchestra's version, the review
 * settings, the ESLint config's content). Re-reviewing after a one-file edit analyses that file
 * only. It lives in the core's memory store (crash-safe; another process holding it just means no
 * cache for this run) in the user's cache folder, never in the repository.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import type { Disposable } from '../../../shared/lifecycle/disposable.js';
import { MemoryStore } from '../../../shared/memory/index.js';

const NAMESPACE = 'review';
const TTL_MS = 30 * 24 * 3600 * 1000;

/** Default cache folder for a reviewed root: `$XDG_CACHE_HOME/orchestra/review/<hash of root>`. */
export function defaultCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'orchestra', 'review', createHash('sha256').update(root).digest('hex').slice(0, 16));
}

/** sha256 of the parts, hex. */
export function hashOf(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/** Cached per-agent findings. */
export class ReviewCache implements Disposable {
  private constructor(
    private readonly store: MemoryStore,
    private readonly salt: string,
  ) {}

  /**
   * Opens the cache. Returns the cache, or a notice saying why there is none this run (the folder is
   * locked by another review, unwritable, …): a review never fails for want of a cache.
   */
  static async open(dir: string, salt: string): Promise<{ cache?: ReviewCache; notice?: string }> {
    try {
      const store = await MemoryStore.open(dir, { maxBytes: 256 * 1024 * 1024, defaultTtlMs: TTL_MS });
      return { cache: new ReviewCache(store, salt) };
    } catch (error) {
      return { notice: `The review cache in ${dir} is not available (${errorMessage(error)}); every file is analysed this run.` };
    }
  }

  /** The key of one agent's result for one file's content. */
  key(agent: string, path: string, text: string): string {
    return hashOf(this.salt, agent, path, text).slice(0, 40);
  }

  get(key: string): Finding[] | undefined {
    const value = this.store.get(NAMESPACE, key);
    return Array.isArray(value) ? (value as unknown as Finding[]) : undefined;
  }

  async set(key: string, findings: Finding[]): Promise<void> {
    await this.store.put(NAMESPACE, key, findings);
  }

  async close(): Promise<void> {
    await this.store.gc().catch(() => undefined);
    await this.store.close();
  }

  dispose(): void {
    this.store.dispose();
  }
}
