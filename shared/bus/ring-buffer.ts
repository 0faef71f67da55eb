/**
 * A fixed-capacity ring buffer that overwrites its oldest item: the bus keeps recent events in one
 * for dashboards (the "data stream") without growing.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The newest `limit` items, oldest first. */
  toArray(limit = this.count): T[] {
    const n = Math.max(0, Math.min(limit, this.count));
    const out = new Array<T>(n);
    let index = (this.next - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) {
      out[i] = this.items[index] as T;
      index = (index + 1) % this.capacity;
    }
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

/** An unbounded FIFO deque on a growable ring (Array#shift is O(n)). */
export class Deque<T> {
  private buffer: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private length_ = 0;

  get length(): number {
    return this.length_;
  }

  push(item: T): void {
    if (this.length_ === this.buffer.length) this.grow();
    this.buffer[(this.head + this.length_) & (this.buffer.length - 1)] = item;
    this.length_++;
  }

  shift(): T | undefined {
    if (this.length_ === 0) return undefined;
    const item = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.length_--;
    return item;
  }

  clear(): void {
    this.buffer = new Array<T | undefined>(16);
    this.head = 0;
    this.length_ = 0;
  }

  private grow(): void {
    const old = this.buffer;
    const bigger = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.length_; i++) bigger[i] = old[(this.head + i) & (old.length - 1)];
    this.buffer = bigger;
    this.head = 0;
  }
}
