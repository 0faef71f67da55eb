/**
 * Typed events in VS Code's style: an {@link Event} is a function that subscribes a listener and
 * returns a {@link Disposable}; an {@link Emitter} owns it and fires it. Each event has its own
 * payload type. (Lives here until the core grows a shared `lifecycle/event.ts`.)
 */
import { toDisposable, type Disposable } from '../lifecycle/disposable.js';

/** Subscribes a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (event: T) => void) => Disposable;

/** Owns one {@link Event}: subscribers attach through {@link Emitter.event}, the owner calls {@link Emitter.fire}. */
export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<{ fn: (event: T) => void }>();
  private disposed = false;

  /**
   * @param onListenerError receives what a listener throws: one listener's bug must not stop the
   * others, nor the owner that fired the event.
   */
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** The event to expose publicly. Subscribing to a disposed emitter returns a no-op disposable. */
  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => {});
    const entry = { fn: listener };
    this.listeners.add(entry);
    return toDisposable(() => this.listeners.delete(entry));
  };

  /** Calls every listener with the payload, in subscription order. */
  fire(event: T): void {
    for (const entry of this.listeners) {
      try {
        entry.fn(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Number of subscribed listeners: tests use it to prove nothing leaked. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Drops every listener; later subscriptions are no-ops. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
