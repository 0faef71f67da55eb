import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BinaryHeap } from '../../../shared/queue/binary-heap.js';

interface Item {
  heapIndex: number;
  key: number;
  seq: number;
}

const byKeyThenSeq = (a: Item, b: Item): boolean => a.key < b.key || (a.key === b.key && a.seq < b.seq);
const items = (keys: number[]): Item[] => keys.map((key, seq) => ({ heapIndex: -1, key, seq }));
const sortedRef = (list: Item[]): Item[] => [...list].sort((a, b) => a.key - b.key || a.seq - b.seq);

describe('BinaryHeap', () => {
  it('pops in order, ties in insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }), (keys) => {
        const heap = new BinaryHeap<Item>(byKeyThenSeq);
        const list = items(keys);
        for (const item of list) heap.push(item);
        expect(heap.size).toBe(list.length);
        expect(heap.popAll()).toEqual(sortedRef(list));
        expect(heap.size).toBe(0);
        expect(list.every((item) => item.heapIndex === -1)).toBe(true);
      }),
    );
  });

  it('removes arbitrary items and keeps the order of the rest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 100 }), fc.array(fc.nat()), (keys, picks) => {
        const heap = new BinaryHeap<Item>(byKeyThenSeq);
        const list = items(keys);
        for (const item of list) heap.push(item);
        const removed = new Set<Item>();
        for (const pick of picks) {
          const item = list[pick % list.length]!;
          expect(heap.remove(item)).toBe(!removed.has(item));
          removed.add(item);
        }
        expect(heap.popAll()).toEqual(sortedRef(list.filter((item) => !removed.has(item))));
      }),
    );
  });

  it('refuses to remove an item that lives in another heap', () => {
    const a = new BinaryHeap<Item>(byKeyThenSeq);
    const b = new BinaryHeap<Item>(byKeyThenSeq);
    const [x, y] = items([1, 2]);
    a.push(x!);
    b.push(y!);
    expect(a.remove(y!)).toBe(false);
    expect(a.peek()).toBe(x);
    expect(b.pop()).toBe(y);
    expect(a.pop()).toBe(x);
    expect(a.pop()).toBeUndefined();
  });
});
