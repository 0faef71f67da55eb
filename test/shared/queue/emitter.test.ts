import { describe, expect, it } from '@jest/globals';
import { Emitter } from '../../../shared/queue/emitter.js';

describe('Emitter', () => {
  it('delivers to listeners until they unsubscribe', () => {
    const emitter = new Emitter<number>(() => {});
    const seen: number[] = [];
    const sub = emitter.event((n) => seen.push(n));
    emitter.fire(1);
    sub.dispose();
    emitter.fire(2);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount).toBe(0);
  });

  it('isolates a throwing listener and reports what it threw', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>((error) => errors.push(error));
    const seen: string[] = [];
    const boom = new Error('listener bug');
    emitter.event(() => {
      throw boom;
    });
    emitter.event((s) => seen.push(s));
    emitter.fire('x');
    expect(seen).toEqual(['x']);
    expect(errors).toEqual([boom]);
  });

  it('drops listeners on dispose and ignores later subscriptions', () => {
    const emitter = new Emitter<void>(() => {});
    let calls = 0;
    emitter.event(() => calls++);
    emitter.dispose();
    emitter.event(() => calls++).dispose();
    emitter.fire();
    expect(calls).toBe(0);
    expect(emitter.listenerCount).toBe(0);
  });
});
