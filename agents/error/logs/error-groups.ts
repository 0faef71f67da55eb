/**
 * Groups errors by fingerprint within bounds (a maximum number of groups; occurrences beyond it are
 * only counted), keeps each group's first occurrence, first and last sighting, and a per-window
 * histogram from which rate spikes are found: windows of time when the log has timestamps, of lines
 * when it does not.
 */
import type { ErrorGroup, LogError, RateSpike } from '../types.js';
import { timestampMillis } from './app-lines.js';
import { fingerprintError } from './fingerprint.js';

/** Settings of grouping and spike detection. */
export interface GroupingOptions {
  maxGroups: number;
  /** Width of a time window, in milliseconds. */
  windowMs: number;
  /** Width of a window in lines, for errors without a timestamp. */
  windowLines: number;
  /** A window is a spike when its count is at least this many times the group's median. */
  spikeFactor: number;
  /** … and at least this count. */
  spikeMinCount: number;
}

/** Windows kept per group; past it, windows are merged in pairs (the window doubles). */
const MAX_WINDOWS = 256;
/** Spikes reported at most, strongest first. */
const MAX_SPIKES = 100;
/** Fingerprints cached by the exact text they were computed from (texts up to 1,000 characters). */
const FINGERPRINT_CACHE = 4096;
const MAX_CACHED_KEY = 1000;

interface GroupState {
  group: ErrorGroup;
  /** Window index (already shifted) → count. */
  windows: Map<number, number>;
  shift: number;
  byTime: boolean;
  /** The timestamps carried no zone: window labels are written without one too. */
  zoneless: boolean;
}

export class ErrorGroups {
  private readonly groups = new Map<string, GroupState>();
  private readonly cache = new Map<string, string>();
  /** Occurrences of errors that found no room for a group of their own. */
  overflow = 0;

  constructor(private readonly options: GroupingOptions) {}

  /** Adds one occurrence; true when it started a new group (whose `first` is `error` itself). */
  add(error: LogError, key: string): boolean {
    const fingerprint = this.fingerprint(key);
    const time = error.timestamp === undefined ? undefined : timestampMillis(error.timestamp);
    const at = { logLine: error.logLine, ...(error.timestamp ? { timestamp: detach(error.timestamp) } : {}) };
    let state = this.groups.get(fingerprint);
    if (state) {
      state.group.count++;
      state.group.lastSeen = at;
    } else {
      if (this.groups.size >= this.options.maxGroups) {
        this.overflow++;
        return false;
      }
      detachError(error);
      state = {
        group: { fingerprint, first: error, count: 1, firstSeen: at, lastSeen: at },
        windows: new Map(),
        shift: 0,
        byTime: time !== undefined,
        zoneless: error.timestamp !== undefined && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(error.timestamp),
      };
      this.groups.set(fingerprint, state);
    }
    this.countWindow(state, time, error.logLine);
    return state.group.count === 1;
  }

  private fingerprint(key: string): string {
    if (key.length > MAX_CACHED_KEY) return fingerprintError(key);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const fingerprint = fingerprintError(key);
    if (this.cache.size >= FINGERPRINT_CACHE) this.cache.clear();
    this.cache.set(detach(key), fingerprint);
    return fingerprint;
  }

  private countWindow(state: GroupState, time: number | undefined, logLine: number): void {
    let index: number;
    if (state.byTime) {
      if (time === undefined) return;
      index = Math.floor(time / this.options.windowMs);
    } else {
      index = Math.floor((logLine - 1) / this.options.windowLines);
    }
    const slot = Math.floor(index / 2 ** state.shift);
    state.windows.set(slot, (state.windows.get(slot) ?? 0) + 1);
    if (state.windows.size > MAX_WINDOWS) {
      // Coarser windows: merge pairs. A spike stays visible, at twice the width.
      const merged = new Map<number, number>();
      for (const [w, n] of state.windows) merged.set(Math.floor(w / 2), (merged.get(Math.floor(w / 2)) ?? 0) + n);
      state.windows = merged;
      state.shift++;
    }
  }

  /** The groups in order of first appearance. */
  list(): ErrorGroup[] {
    return [...this.groups.values()].map((s) => s.group);
  }

  /**
   * Windows whose count is well above the group's median count per window (over the windows in
   * which the group occurred; at least three of them are needed for a median to mean anything).
   */
  spikes(): RateSpike[] {
    const spikes: (RateSpike & { strength: number })[] = [];
    for (const state of this.groups.values()) {
      if (state.windows.size < 3) continue;
      const counts = [...state.windows.values()].sort((a, b) => a - b);
      const mid = counts.length >> 1;
      const baseline = counts.length % 2 ? counts[mid]! : (counts[mid - 1]! + counts[mid]!) / 2;
      for (const [slot, count] of state.windows) {
        if (count < this.options.spikeMinCount || count < this.options.spikeFactor * baseline) continue;
        spikes.push({ fingerprint: state.group.fingerprint, window: this.label(state, slot), count, baseline, strength: count / baseline });
      }
    }
    spikes.sort((a, b) => b.strength - a.strength || b.count - a.count);
    return spikes.slice(0, MAX_SPIKES).map(({ strength: _strength, ...spike }) => spike);
  }

  private label(state: GroupState, slot: number): string {
    const index = slot * 2 ** state.shift;
    if (!state.byTime) return `line ${index * this.options.windowLines + 1}`;
    const iso = new Date(index * this.options.windowMs).toISOString();
    return state.zoneless ? iso.slice(0, -1) : iso;
  }
}

/**
 * A copy of `text` that does not share memory with the chunk it was cut from: a kept error must not
 * pin a whole chunk of the log (V8 slices reference their parent string).
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

function detachError(error: LogError): void {
  error.message = detach(error.message);
  // A one-line stack or context is the line itself (join returns it as is), still cut from its chunk.
  if (error.stack) error.stack = detach(error.stack);
  if (error.context) error.context = detach(error.context);
  if (error.test) error.test = detach(error.test);
  if (error.step) error.step = detach(error.step);
  if (error.timestamp) error.timestamp = detach(error.timestamp);
  if (error.location) error.location = { ...error.location, file: detach(error.location.file) };
}
