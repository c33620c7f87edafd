// The Monte Carlo aggregate's per-cell statistics: for each cell (metric ×
// year), its values as counts per DDSketch bucket, their sum (rounded to
// 1e-6, so exact and order-independent), count, min, and the largest value
// (the max) with how many runs had it. A run adds ~1,600 cells, and
// DDSketch.accept (a dense JS array that re-centres itself as keys arrive,
// behind several objects per cell) was a sixth of a run's cost: here a
// cell's numbers sit together in one typed array and its bucket counts in a
// typed window, and a real DDSketch is filled from the counts only when a
// quantile is asked for — the library's own quantile, from its own mapping's
// keys and the same counts, so the same result as accepting every value.
import { DDSketch } from '@datadog/sketches-js';
import { Scratch } from './scratch.js';

const SUM = 0;
const COUNT = 1;
/** The largest value (the sketch's max), and how many times it came. */
const TOP = 2;
const AT_TOP = 3;
const MIN = 4;
const ZERO = 5;
/** Numbers per cell: one cache line of doubles. */
const STRIDE = 8;
/** Windows of bucket counts grow by this many keys. */
const CHUNK = 128;
/** Sums are of values × SUM_SCALE, rounded: integers, added exactly in any order. */
export const SUM_SCALE = 1e6;

/**
 * The multiplier of DDSketch's logarithmic mapping, worked out as the library
 * does (KeyMapping: 1 / log1p(γ − 1); LogarithmicMapping: × ln 2), so that a
 * key costs one logarithm and no method calls; used only if it gives the
 * mapping's own keys on values across 1e-12 … 1e12.
 */
function directMultiplier(mapping: DDSketch['mapping'], accuracy: number): number | undefined {
  const multiplier = (1 / Math.log1p((2 * accuracy) / (1 - accuracy))) * Math.log(2);
  for (let x = 1e-12; x < 1e12; x *= 1.0137) if (Math.ceil(Math.log2(x) * multiplier) !== mapping.key(x)) return undefined;
  return multiplier;
}

/**
 * Counts per bucket key in a window that grows in chunks as keys arrive.
 * 32-bit counts (a cell counts one value per run: 4 billion runs would take
 * weeks): half the memory of doubles, and most of an add's time is waiting
 * for its count's cache line.
 */
interface Window {
  offset: number;
  counts: Uint32Array;
}

function addToWindow(w: Window, key: number, weight: number): void {
  let i = key - w.offset;
  if (i < 0 || i >= w.counts.length) {
    const lo = Math.min(key, w.offset);
    const hi = Math.max(key, w.offset + w.counts.length - 1);
    const from = Math.floor(lo / CHUNK) * CHUNK;
    const next = new Uint32Array(Math.ceil((hi + 1 - from) / CHUNK) * CHUNK);
    next.set(w.counts, w.offset - from);
    w.counts = next;
    w.offset = from;
    i = key - from;
  }
  w.counts[i] = w.counts[i]! + weight;
}

const newWindow = (key: number): Window => ({ offset: Math.floor(key / CHUNK) * CHUNK, counts: new Uint32Array(CHUNK) });

/** Empty statistics of `cells` cells. */
function emptyStats(cells: number): Float64Array {
  const stats = new Float64Array(cells * STRIDE);
  for (let i = 0; i < cells; i++) {
    stats[i * STRIDE + TOP] = -Infinity;
    stats[i * STRIDE + MIN] = Infinity;
  }
  return stats;
}

/** Adds value v, n times, to the statistics of the cell at `at`. */
function addStats(s: Float64Array, at: number, v: number, n: number): void {
  // Integers below 2^53: n × round(v·1e6) is the sum of n additions, exactly.
  s[at + SUM] = s[at + SUM]! + Math.round(v * SUM_SCALE) * n;
  s[at + COUNT] = s[at + COUNT]! + n;
  if (v < s[at + MIN]!) s[at + MIN] = v;
  if (v > s[at + TOP]!) {
    s[at + TOP] = v;
    s[at + AT_TOP] = n;
  } else if (v === s[at + TOP]) s[at + AT_TOP] = s[at + AT_TOP]! + n;
}

/** Which bucket of which store a value falls in, as DDSketch.accept decides (its mapping and thresholds). */
class Buckets {
  readonly mapping: DDSketch['mapping'];
  /** ⌈log2(v) × multiplier⌉ is the mapping's key (checked here); undefined: ask the mapping. */
  private readonly multiplier: number | undefined;
  /** The mapping's smallest value with a key of its own (smaller ones count as zero). */
  private readonly minPossible: number;

  constructor(accuracy: number) {
    this.mapping = new DDSketch({ relativeAccuracy: accuracy }).mapping;
    this.multiplier = directMultiplier(this.mapping, accuracy);
    this.minPossible = this.mapping.minPossible;
  }

  /** 1: the positive store, −1: the negative store (key of −v), 0: the zero count. */
  store(v: number): 1 | -1 | 0 {
    return v > this.minPossible ? 1 : v < -this.minPossible ? -1 : 0;
  }

  /** The key of v in its store (of −v in the negative store; 0 for the zero count). */
  key(v: number, store: 1 | -1 | 0): number {
    if (store === 0) return 0;
    const x = store * v;
    return this.multiplier !== undefined ? Math.ceil(Math.log2(x) * this.multiplier) : this.mapping.key(x);
  }
}

/**
 * One batch's cells, bucketed where its runs ran (in a worker, when there
 * are workers): per cell its statistics and (bucket, count) entries, which
 * CellSketches.merge adds on the main thread, so that the main thread, which
 * also runs, does not take every value's logarithm.
 */
export interface BatchBins {
  stats: Float64Array;
  /** Cell i's entries are [start[i], start[i + 1]). */
  start: Int32Array;
  keys: Int32Array;
  counts: Uint32Array;
  /** 1: the positive store, −1: the negative store, 0: the zero count (key 0). */
  stores: Int8Array;
}

/** Builds BatchBins from values added cell by cell in any order; finish sorts the entries by cell. */
export class BatchBinsBuilder {
  private readonly buckets: Buckets;
  private readonly stats: Float64Array;
  /** Entries as they came, each with its cell. */
  private readonly scratch: Entries;
  /** Gives the entry arrays back (in finish). */
  private readonly release: () => void;
  /** Entries of each cell. */
  private readonly perCell: Int32Array;
  private entries = 0;

  /** For `cells` cells of at most `runs` values each. */
  constructor(cells: number, runs: number, accuracy: number) {
    this.buckets = bucketsFor(accuracy);
    const n = cells * runs;
    const { value, release } = entries.take(
      (e) => e.keys.length >= n,
      () => ({ cell: new Int32Array(n), keys: new Int32Array(n), counts: new Uint32Array(n), stores: new Int8Array(n) }),
    );
    this.scratch = value;
    this.release = release;
    this.stats = emptyStats(cells);
    this.perCell = new Int32Array(cells);
  }

  /** Adds value v to cell i, n times. */
  add(i: number, v: number, n: number): void {
    const e = this.scratch;
    const store = this.buckets.store(v);
    e.cell[this.entries] = i;
    e.keys[this.entries] = this.buckets.key(v, store);
    e.counts[this.entries] = n;
    e.stores[this.entries++] = store;
    this.perCell[i]!++;
    addStats(this.stats, i * STRIDE, v, n);
  }

  /** The batch's bins: entries sorted by cell (in the order they came within a cell), in new arrays. */
  finish(): BatchBins {
    const cells = this.perCell.length;
    const start = new Int32Array(cells + 1);
    for (let i = 0; i < cells; i++) start[i + 1] = start[i]! + this.perCell[i]!;
    // Counting sort: perCell becomes each cell's next place.
    const at = this.perCell;
    at.set(start.subarray(0, cells));
    const n = this.entries;
    const keys = new Int32Array(n);
    const counts = new Uint32Array(n);
    const stores = new Int8Array(n);
    const e = this.scratch;
    for (let k = 0; k < n; k++) {
      const j = at[e.cell[k]!]!++;
      keys[j] = e.keys[k]!;
      counts[j] = e.counts[k]!;
      stores[j] = e.stores[k]!;
    }
    this.release();
    return { stats: this.stats, start, keys, counts, stores };
  }
}

/** The builders' entry arrays, reused by every batch of a thread (a builder copies out what it returns). */
interface Entries {
  cell: Int32Array;
  keys: Int32Array;
  counts: Uint32Array;
  stores: Int8Array;
}
const entries = new Scratch<Entries>();

/** The bucket mapping of an accuracy, made once (its check runs thousands of logarithms). */
const bucketsByAccuracy = new Map<number, Buckets>();
const bucketsFor = (accuracy: number): Buckets => {
  let b = bucketsByAccuracy.get(accuracy);
  if (!b) bucketsByAccuracy.set(accuracy, (b = new Buckets(accuracy)));
  return b;
};

export class CellSketches {
  private readonly stats: Float64Array;
  private readonly positive: (Window | undefined)[];
  private readonly negative: (Window | undefined)[];
  private readonly buckets: Buckets;

  constructor(cells: number, private readonly accuracy: number) {
    this.stats = emptyStats(cells);
    this.positive = new Array<Window | undefined>(cells).fill(undefined);
    this.negative = new Array<Window | undefined>(cells).fill(undefined);
    this.buckets = bucketsFor(accuracy);
  }

  /** Adds value v to cell i, n times; which bucket follows DDSketch.accept (its mapping and thresholds). */
  add(i: number, v: number, n: number): void {
    const store = this.buckets.store(v);
    this.count(i, store, this.buckets.key(v, store), n);
    addStats(this.stats, i * STRIDE, v, n);
  }

  /** Adds a batch's bins (any batches, in any order: counts and statistics add up the same). */
  merge(b: BatchBins): void {
    const s = this.stats;
    for (let i = 0; i + 1 < b.start.length; i++) {
      // Most entries are positive values whose key falls in the cell's window: those are added here
      // with the window read once per cell (addToWindow's in-range case, inlined: calling it per
      // entry measured 4.8-7.1 us a run against 4.3-4.5), the rest by `count`, which may grow or
      // make the window.
      let w = this.positive[i];
      for (let e = b.start[i]!; e < b.start[i + 1]!; e++) {
        if (w !== undefined && b.stores[e] === 1) {
          const j = b.keys[e]! - w.offset;
          if (j >= 0 && j < w.counts.length) {
            w.counts[j] = w.counts[j]! + b.counts[e]!;
            continue;
          }
        }
        this.count(i, b.stores[e]! as 1 | -1 | 0, b.keys[e]!, b.counts[e]!);
        w = this.positive[i];
      }
      const at = i * STRIDE;
      if (b.stats[at + COUNT] === 0) continue;
      s[at + SUM] = s[at + SUM]! + b.stats[at + SUM]!;
      s[at + COUNT] = s[at + COUNT]! + b.stats[at + COUNT]!;
      if (b.stats[at + MIN]! < s[at + MIN]!) s[at + MIN] = b.stats[at + MIN]!;
      if (b.stats[at + TOP]! > s[at + TOP]!) {
        s[at + TOP] = b.stats[at + TOP]!;
        s[at + AT_TOP] = b.stats[at + AT_TOP]!;
      } else if (b.stats[at + TOP] === s[at + TOP]) s[at + AT_TOP] = s[at + AT_TOP]! + b.stats[at + AT_TOP]!;
    }
  }

  /** Counts n values of cell i in bucket `key` of a store (the zero count for store 0). */
  private count(i: number, store: 1 | -1 | 0, key: number, n: number): void {
    if (store === 0) {
      this.stats[i * STRIDE + ZERO] = this.stats[i * STRIDE + ZERO]! + n;
      return;
    }
    const windows = store === 1 ? this.positive : this.negative;
    addToWindow((windows[i] ??= newWindow(key)), key, n);
  }

  /** Values in cell i. */
  values(i: number): number {
    return this.stats[i * STRIDE + COUNT]!;
  }

  /** Mean of cell i's values (each rounded to 1e-6); NaN if none. */
  mean(i: number): number {
    const n = this.values(i);
    return n > 0 ? this.stats[i * STRIDE + SUM]! / SUM_SCALE / n : NaN;
  }

  /** The largest value and how many times it came. */
  top(i: number): { value: number; count: number } {
    return { value: this.stats[i * STRIDE + TOP]!, count: this.stats[i * STRIDE + AT_TOP]! };
  }

  /** A DDSketch holding cell i's counts, min and max (not its sum: nothing here reads it). */
  sketch(i: number): DDSketch {
    const s = new DDSketch({ relativeAccuracy: this.accuracy });
    // The extreme keys first: the store then sizes itself once instead of re-centring at every new key.
    const fill = (w: Window | undefined, store: DDSketch['store']) => {
      if (!w) return;
      const keys: number[] = [];
      for (let k = 0; k < w.counts.length; k++) if (w.counts[k]! > 0) keys.push(k);
      if (keys.length > 1) [keys[1], keys[keys.length - 1]] = [keys[keys.length - 1]!, keys[1]!];
      for (const k of keys) store.add(k + w.offset, w.counts[k]!);
    };
    fill(this.positive[i], s.store);
    fill(this.negative[i], s.negativeStore);
    const at = i * STRIDE;
    s.zeroCount = this.stats[at + ZERO]!;
    s.count = this.stats[at + COUNT]!;
    s.min = this.stats[at + MIN]!;
    s.max = this.stats[at + TOP]!;
    return s;
  }
}
