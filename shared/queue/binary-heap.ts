/**
 * An indexed binary min-heap. Each item remembers its slot (`heapIndex`), so removing an arbitrary
 * item (a cancelled job) costs O(log n) instead of a scan. An item lives in at most one heap at a time.
 */

/** What a heap item carries: its current slot, or -1 when it is in no heap. */
export interface HeapNode {
  heapIndex: number;
}

/** A binary min-heap ordered by `before(a, b)` ("a comes out first"). */
export class BinaryHeap<T extends HeapNode> {
  private readonly items: T[] = [];

  /** @param before strict order: true when `a` must be popped before `b`. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The item that {@link pop} would return, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item. */
  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** Removes and returns the first item. */
  pop(): T | undefined {
    const first = this.items[0];
    if (first === undefined) return undefined;
    this.removeAt(0);
    return first;
  }

  /** Removes an item if it is in this heap; returns whether it was. */
  remove(item: T): boolean {
    const index = item.heapIndex;
    if (index < 0 || this.items[index] !== item) return false;
    this.removeAt(index);
    return true;
  }

  /** Removes every item and returns them in pop order. */
  popAll(): T[] {
    const out: T[] = [];
    for (let item = this.pop(); item !== undefined; item = this.pop()) out.push(item);
    return out;
  }

  private removeAt(index: number): void {
    const items = this.items;
    const removed = items[index]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (index === items.length) return;
    items[index] = last;
    last.heapIndex = index;
    this.up(index);
    this.down(last.heapIndex);
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!this.before(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.before(items[right]!, items[left]!) ? right : left;
      const childItem = items[child]!;
      if (!this.before(childItem, item)) break;
      items[index] = childItem;
      childItem.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
