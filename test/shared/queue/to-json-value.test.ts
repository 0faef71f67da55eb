import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { toJsonValue } from '../../../shared/queue/to-json-value.js';

function problem(value: unknown): InvalidInputError {
  try {
    toJsonValue(value, 'data');
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected toJsonValue to throw');
}

describe('toJsonValue', () => {
  it('returns an equal deep copy of any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = toJsonValue(value);
        expect(copy).toEqual(value);
        expect(JSON.parse(JSON.stringify(copy))).toEqual(JSON.parse(JSON.stringify(value)));
        if (typeof value === 'object' && value !== null) expect(copy).not.toBe(value);
      }),
    );
  });

  it('copies, so later mutation of the input does not reach the copy', () => {
    const input = { files: ['a.ts'], options: { deep: true } };
    const copy = toJsonValue(input) as typeof input;
    input.files.push('b.ts');
    input.options.deep = false;
    expect(copy).toEqual({ files: ['a.ts'], options: { deep: true } });
  });

  it('accepts an object shared by two branches (not a cycle)', () => {
    const shared = { n: 1 };
    expect(toJsonValue({ a: shared, b: [shared] })).toEqual({ a: { n: 1 }, b: [{ n: 1 }] });
  });

  it('keeps a "__proto__" key as data', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const copy = toJsonValue(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    [{ when: new Date(0) }, 'data.when', /Date.*toISOString/],
    [{ files: ['a', undefined] }, 'data.files[1]', /undefined.*null/],
    [{ n: Number.NaN }, 'data.n', /NaN/],
    [{ n: Infinity }, 'data.n', /Infinity/],
    [{ big: 1n }, 'data.big', /bigint.*string/],
    [{ run: () => 1 }, 'data.run', /function/],
    [{ 'odd key': new Map() }, 'data["odd key"]', /Map.*fromEntries/],
    [{ s: new Set([1]) }, 'data.s', /Set/],
    [{ [Symbol('k')]: 1 }, 'data', /symbol keys/],
    [Object.assign(new (class Custom {})(), {}), 'data', /Custom/],
  ])('rejects %p naming %s', (value, key, message) => {
    const error = problem(value);
    expect(error.where.key).toBe(key);
    expect(error.message).toContain(key);
    expect(error.message).toMatch(message);
  });

  it('rejects a cycle, naming where it closes', () => {
    const node: { child?: unknown } = {};
    node.child = { back: node };
    const error = problem(node);
    expect(error.where.key).toBe('data.child.back');
    expect(error.message).toMatch(/cycle/);
  });

  it('rejects absurd nesting instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(problem(deep).message).toMatch(/nested more than/);
  });
});
