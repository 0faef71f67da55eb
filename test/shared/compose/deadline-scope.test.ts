import { describe, expect, it } from '@jest/globals';
import { DeadlineScope } from '../../../shared/compose/deadline-scope.js';
import { CancelledError, DeadlineExceededError } from '../../../shared/errors/errors.js';
import { abortListeners, forever, trackTimers, untilAborted } from './helpers.js';

describe('DeadlineScope', () => {
  it('fires with a DeadlineExceededError naming the work and its budget', async () => {
    const scope = new DeadlineScope({ deadlineMs: 20, label: 'step "x"' });
    await untilAborted(scope.signal);
    expect(scope.signal.reason).toBeInstanceOf(DeadlineExceededError);
    expect((scope.signal.reason as DeadlineExceededError).message).toBe('step "x" ran past its 20 ms deadline');
    expect((scope.signal.reason as DeadlineExceededError).deadlineMs).toBe(20);
    expect(scope.remainingMs()).toBe(0);
    scope.dispose();
  });

  it("passes the parent's cancellation on, keeping its kind, and wraps foreign reasons", () => {
    const parent = new AbortController();
    const child = new DeadlineScope({ signal: parent.signal });
    const foreign = new Error('user pressed stop');
    parent.abort(foreign);
    expect(child.signal.reason).toBeInstanceOf(CancelledError);
    expect((child.signal.reason as CancelledError).cause).toBe(foreign);

    const outer = new DeadlineScope({});
    const inner = new DeadlineScope({ signal: outer.signal });
    const expired = new DeadlineExceededError('late', 5);
    outer.abort(expired);
    expect(inner.signal.reason).toBe(expired);
  });

  it('starts fired when the parent already fired', () => {
    const parent = new AbortController();
    parent.abort();
    const scope = new DeadlineScope({ signal: parent.signal, deadlineMs: 1000 });
    expect(scope.aborted).toBe(true);
    expect(abortListeners(parent.signal)).toBe(0);
  });

  it("takes the earlier of its own and the parent's deadline", async () => {
    const outer = new DeadlineScope({ deadlineMs: 15 });
    const inner = new DeadlineScope({ signal: outer.signal, deadlineMs: 10_000, parentDeadline: outer.deadline, label: 'inner' });
    expect(inner.deadline).toBe(outer.deadline);
    await untilAborted(inner.signal);
    expect(inner.signal.reason).toBeInstanceOf(DeadlineExceededError);
    inner.dispose();
    outer.dispose();
  });

  it('race() rejects at the deadline even when the work ignores its signal', async () => {
    const scope = new DeadlineScope({ deadlineMs: 10, label: 'hung' });
    await expect(scope.race(forever())).rejects.toBeInstanceOf(DeadlineExceededError);
    scope.dispose();
  });

  it("race() reports the scope's reason rather than the work's AbortError", async () => {
    const scope = new DeadlineScope({});
    const work = new Promise((_, reject) => scope.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const raced = scope.race(work);
    scope.abort(new CancelledError('stop'));
    await expect(raced).rejects.toMatchObject({ name: 'CancelledError', message: 'stop' });
  });

  it('race() passes results through; many races share one listener, removed on dispose', async () => {
    const scope = new DeadlineScope({});
    await expect(scope.race(Promise.resolve(7))).resolves.toBe(7);
    await expect(scope.race(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const many = Array.from({ length: 50 }, (_, i) => scope.race(Promise.resolve(i)));
    expect(abortListeners(scope.signal)).toBe(1);
    await expect(Promise.all(many)).resolves.toHaveLength(50);
    scope.dispose();
    expect(abortListeners(scope.signal)).toBe(0);
  });

  it('race() rejects every pending race when the scope fires', async () => {
    const scope = new DeadlineScope({});
    const pending = [scope.race(forever()), scope.race(forever())];
    scope.abort(new CancelledError('stop all'));
    await expect(Promise.all(pending)).rejects.toMatchObject({ message: 'stop all' });
    await expect(pending[1]).rejects.toMatchObject({ message: 'stop all' });
  });

  it('dispose() clears its timer and its listener on the parent without firing', () => {
    const parent = new AbortController();
    const timers = trackTimers();
    try {
      const scope = new DeadlineScope({ signal: parent.signal, deadlineMs: 60_000 });
      expect(timers.live()).toBe(1);
      expect(abortListeners(parent.signal)).toBe(1);
      scope.dispose();
      expect(timers.live()).toBe(0);
      expect(abortListeners(parent.signal)).toBe(0);
      expect(scope.aborted).toBe(false);
    } finally {
      timers.restore();
    }
  });
});
