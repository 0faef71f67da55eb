/**
 * Per-agent task statistics over a ring window of the most recent tasks: latency percentiles, error
 * rate, totals, CPU and memory estimates. Allocated lazily (on an agent's first task) so idle agents
 * cost nothing; the window is two typed arrays, so recording allocates nothing.
 */
export class HealthWindow {
  private readonly latencies: Float64Array;
  private readonly failures: Uint8Array;
  private next = 0;
  private filled = 0;
  private failuresInWindow = 0;
  /** Tasks finished (succeeded or failed) since spawn. */
  processed = 0;
  /** Tasks failed since spawn. */
  failed = 0;
  /** CPU time measured in the agents' handle() calls, in milliseconds. */
  cpuMs = 0;
  /** Heap growth observed during the agent's latest task (bytes, never negative). */
  memoryBytes = 0;

  constructor(size: number) {
    this.latencies = new Float64Array(size);
    this.failures = new Uint8Array(size);
  }

  /** Records one finished task. */
  record(latencyMs: number, ok: boolean, cpuMs: number, heapDelta: number): void {
    const slot = this.next;
    if (this.filled === this.latencies.length) this.failuresInWindow -= this.failures[slot]!;
    else this.filled++;
    this.latencies[slot] = latencyMs;
    this.failures[slot] = ok ? 0 : 1;
    if (!ok) {
      this.failuresInWindow++;
      this.failed++;
    }
    this.next = slot + 1 === this.latencies.length ? 0 : slot + 1;
    this.processed++;
    this.cpuMs += cpuMs;
    this.memoryBytes = Math.max(0, heapDelta);
  }

  /** Failed / finished over the window (0..1); 0 before any task. */
  get errorRate(): number {
    return this.filled === 0 ? 0 : this.failuresInWindow / this.filled;
  }

  /** Latency percentile (0..100, nearest rank) over the window; 0 before any task. */
  percentile(p: number): number {
    if (this.filled === 0) return 0;
    const sorted = this.latencies.slice(0, this.filled).sort();
    const rank = Math.min(this.filled - 1, Math.max(0, Math.ceil((p / 100) * this.filled) - 1));
    return sorted[rank]!;
  }
}
