/**
 * The benchmark harness. Each measured case prints ONE JSON line on stdout:
 * {"bench":"bus","case":"…","metric":"…","ours":…,"peer":"node:events","peer_value":…,"ratio":…,"runs":5,"stat":"median"}
 * `ratio` is oriented so that higher is better for us: ours/peer for throughputs, peer/ours when
 * lower is better (latencies, sizes; the line then says `"better":"lower"`). A case with no peer
 * (a target of our own) prints `"peer":null` and, where a target exists, `"target"`.
 * A human-readable table goes to stderr.
 */

/** One printed result line. */
export interface BenchLine {
  bench: string;
  case: string;
  metric: string;
  ours: number;
  peer: string | null;
  peer_value: number | null;
  ratio: number | null;
  runs: number;
  stat: 'median' | 'p50' | 'p99' | 'max' | 'total';
  better?: 'lower' | 'higher';
  target?: number;
  unit?: string;
}

/** A suite: `bench/NAME.bench.ts` default-exports one. */
export interface BenchSuite {
  name: string;
  run(report: (line: BenchLine) => void): Promise<void>;
}

/** Median of numbers (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Runs ours and each peer `runs` times, interleaved (ours, peer1, peer2, ours, …) so machine noise
 * hits all alike, and returns the per-contender samples.
 */
export async function interleave(
  runs: number,
  contenders: Record<string, () => number | Promise<number>>,
): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(contenders)) samples[name] = [];
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of Object.entries(contenders)) {
      (globalThis as { gc?: () => void }).gc?.();
      samples[name]!.push(await fn());
    }
  }
  return samples;
}

/** Builds a line comparing ours with one peer, computing the oriented ratio. */
export function compare(
  base: Omit<BenchLine, 'ours' | 'peer' | 'peer_value' | 'ratio'>,
  ours: number,
  peer: string | null,
  peerValue: number | null,
): BenchLine {
  const lower = base.better === 'lower';
  let ratio: number | null = null;
  if (peerValue !== null && Number.isFinite(peerValue) && ours > 0 && peerValue > 0) {
    ratio = lower ? peerValue / ours : ours / peerValue;
  }
  return { ...base, ours: round(ours), peer, peer_value: peerValue === null ? null : round(peerValue), ratio: ratio === null ? null : round(ratio) };
}

/** Rounds to 4 significant digits for readable output. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

/** Seconds from a high-resolution start mark. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
