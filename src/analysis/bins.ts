// The Monte Carlo aggregate's per-cell statistics: for each cell (metric ×
// year), its values as counts per DDSketch bucket, their sum (rounded to
// 1e-6, so exact and order-independent), count, min, max, and the largest
// value with how many runs had it. A run adds ~1,600 cells, and
// DDSketch.accept (a dense JS array that re-centres itself as keys arrive,
// behind several objects per cell) was a sixth of a run's cost: here a
// cell's numbers sit together in one typed array and its bucket counts in a
// typed window, and a real DDSketch is filled from the counts only when a
// quantile is asked for — the library's own quantile, from its own mapping's
// keys and the same counts, so the same result as accepting every value.
import { DDSketch } from '@datadog/sketches-js';

const SUM = 0;
const COUNT = 1;
const TOP = 2;
const AT_TOP = 3;
const MIN = 4;
const MAX = 5;
const ZERO = 6;
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

export class CellSketches {
  private readonly stats: Float64Array;
  private readonly positive: (Window | undefined)[];
  private readonly negative: (Window | undefined)[];
  private readonly mapping: DDSketch['mapping'];
  /** ⌈log2(v) × multiplier⌉ is the mapping's key (checked in the constructor); undefined: ask the mapping. */
  private readonly multiplier: number | undefined;

  constructor(cells: number, private readonly accuracy: number) {
    this.stats = new Float64Array(cells * STRIDE);
    for (let i = 0; i < cells; i++) {
      this.stats[i * STRIDE + TOP] = -Infinity;
      this.stats[i * STRIDE + MIN] = Infinity;
      this.stats[i * STRIDE + MAX] = -Infinity;
    }
    this.positive = new Array<Window | undefined>(cells).fill(undefined);
    this.negative = new Array<Window | undefined>(cells).fill(undefined);
    this.mapping = new DDSketch({ relativeAccuracy: accuracy }).mapping;
    this.multiplier = directMultiplier(this.mapping, accuracy);
  }

  /** Adds value v to cell i, n times; which bucket follows DDSketch.accept (its mapping and thresholds). */
  add(i: number, v: number, n: number): void {
    const m = this.mapping;
    const s = this.stats;
    const at = i * STRIDE;
    if (v > m.minPossible) {
      const key = this.multiplier !== undefined ? Math.ceil(Math.log2(v) * this.multiplier) : m.key(v);
      const w = this.positive[i];
      const k = w ? key - w.offset : -1;
      // Most keys fall inside the cell's window: counted here; the rest grow it.
      if (w && k >= 0 && k < w.counts.length) w.counts[k] = w.counts[k]! + n;
      else addToWindow(w ?? (this.positive[i] = newWindow(key)), key, n);
    } else if (v < -m.minPossible) {
      const key = m.key(-v);
      addToWindow((this.negative[i] ??= newWindow(key)), key, n);
    } else s[at + ZERO] = s[at + ZERO]! + n;
    // Integers below 2^53: n × round(v·1e6) is the sum of n additions, exactly.
    s[at + SUM] = s[at + SUM]! + Math.round(v * SUM_SCALE) * n;
    s[at + COUNT] = s[at + COUNT]! + n;
    if (v < s[at + MIN]!) s[at + MIN] = v;
    if (v > s[at + MAX]!) s[at + MAX] = v;
    if (v > s[at + TOP]!) {
      s[at + TOP] = v;
      s[at + AT_TOP] = n;
    } else if (v === s[at + TOP]) s[at + AT_TOP] = s[at + AT_TOP]! + n;
  }

  count(i: number): number {
    return this.stats[i * STRIDE + COUNT]!;
  }

  /** Mean of cell i's values (each rounded to 1e-6); NaN if none. */
  mean(i: number): number {
    const n = this.count(i);
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
    s.max = this.stats[at + MAX]!;
    return s;
  }
}
