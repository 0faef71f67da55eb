/**
 * Lifetimes: whatever subscribes, watches, starts a timer or a process returns a {@link Disposable};
 * owners collect them in a {@link DisposableStore} and free them in one place.
 * Modelled on VS Code's `src/vs/base/common/lifecycle.ts`.
 */

/** Something that holds a resource until {@link Disposable.dispose} is called. Idempotent. */
export interface Disposable {
  dispose(): void;
}

/** Wraps a function as a disposable that runs it at most once. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Collects disposables and disposes them together, in reverse order of addition. */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  /** True once {@link dispose} ran. Adding to a disposed store disposes the item at once. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Adds a disposable and returns it, so `const x = store.add(make())` reads naturally. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      return item;
    }
    this.items.add(item);
    return item;
  }

  /** Removes an item without disposing it. */
  delete(item: Disposable): void {
    this.items.delete(item);
  }

  /** Number of live items: tests use it to prove nothing leaked. */
  get size(): number {
    return this.items.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of [...this.items].reverse()) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    this.items.clear();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed to dispose');
  }
}
