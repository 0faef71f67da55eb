/**
 * The per-day cap on reverts, as a small JSON file under the repository's git folder
 * (`<git common dir>/orchestra/revert-cap.json` by default).
 *
 * Why a file in `.git` rather than the memory store: the cap belongs to the repository, so every
 * process and host acting on it (CLI, editor, GitHub App worker) must share one counter; the memory
 * store is a per-host folder held by one process at a time, and would have to be handed in. A file in
 * the common git dir is shared by all worktrees, never committed, and goes away with the clone.
 *
 * A slot is reserved before the approval is requested and released if the revert does not happen
 * (denied, cancelled, failed), so two proposals running at once cannot both take the last slot.
 * Reservations are made under a lock file (`O_EXCL`; a lock older than 10 s is taken over). A crash
 * between reserving and releasing leaves the slot used until the day ends: the cap errs on the safe side.
 * The file is parsed with zod; a corrupt one refuses reverts (fail closed) and says how to fix it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { InvalidInputError, throwIfAborted } from '../../../shared/errors/errors.js';

const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

const capStateSchema = z.object({
  version: z.literal(1),
  /** UTC day the entries belong to, YYYY-MM-DD. */
  day: z.string().regex(/^\d{4}-\d\d-\d\d$/),
  reverts: z.array(z.object({ id: z.string(), culprit: z.string(), at: z.string() })),
});
type CapState = z.output<typeof capStateSchema>;

/** A reserved slot: `release()` gives it back when the revert did not happen. */
export interface CapReservation {
  release(): Promise<void>;
}

/** The daily counter at one path. */
export class RevertCap {
  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reverts counted today. */
  async usedToday(): Promise<number> {
    return (await this.read()).reverts.length;
  }

  /** Takes a slot for `culprit`, or returns undefined when `limit` are already used today. */
  async reserve(culprit: string, limit: number, signal?: AbortSignal): Promise<CapReservation | undefined> {
    const id = randomUUID();
    const taken = await this.locked(signal, async () => {
      const state = await this.read();
      if (state.reverts.length >= limit) return false;
      state.reverts.push({ id, culprit, at: new Date(this.now()).toISOString() });
      await this.write(state);
      return true;
    });
    if (!taken) return undefined;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await this.locked(undefined, async () => {
          const state = await this.read();
          const kept = state.reverts.filter((r) => r.id !== id);
          if (kept.length !== state.reverts.length) await this.write({ ...state, reverts: kept });
        });
      },
    };
  }

  private today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  /** Today's state: a missing file or one from another day reads as no reverts. */
  private async read(): Promise<CapState> {
    const day = this.today();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, day, reverts: [] };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = capStateSchema.safeParse(parsed);
    if (!result.success) {
      throw new InvalidInputError(`The revert counter ${this.path} is not valid JSON of the expected shape; reverts are refused until it is fixed or deleted (deleting it resets today's count).`, {
        file: this.path,
      });
    }
    return result.data.day === day ? result.data : { version: 1, day, reverts: [] };
  }

  private async write(state: CapState): Promise<void> {
    const temp = `${this.path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(temp, this.path);
  }

  private async locked<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const lock = `${this.path}.lock`;
    const giveUp = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      throwIfAborted(signal);
      try {
        const handle = await open(lock, 'wx');
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > STALE_LOCK_MS) {
          await unlink(lock).catch(() => undefined);
          continue;
        }
        if (Date.now() > giveUp) throw new InvalidInputError(`The revert counter is locked by another process (${lock}); try again, or delete the lock if no Orchestra process is running.`, { file: lock });
        await sleep(25);
      }
    }
    try {
      return await fn();
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }
}
