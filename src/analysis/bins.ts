// Per-cell counts by DDSketch bucket: the Monte Carlo aggregate adds ~1,250
// values a run, and DDSketch.accept (a dense store that re-centres itself as
// it grows) was a sixth of a run's cost. Here a value costs a logarithm and
// an increment into a typed window of counts; a real DDSketch is filled from
// the counts only when a quantile is asked for, so the quantiles are the
// library's own, from the same bucket keys (its mapping) and the same counts.
import { DDSketch } from '@datadog/sketches-js';

/** Counts per bucket key in a window that grows in chunks as keys arrive. */
class KeyWindow {
  offset = 0;
  counts = new Float64Array(0);

  add(key: number, weight: number): void {
    let i = key - this.offset;
    if (i < 0 || i >= this.counts.length) i = this.grow(key);
    this.counts[i] = this.counts[i]! + weight;
  }

  private grow(key: number): number {
    const CHUNK = 128;
    const used = this.counts.length > 0;
    const lo = used ? Math.min(key, this.offset) : key - CHUNK / 2;
    const hi = used ? Math.max(key, this.offset + this.counts.length - 1) : key + CHUNK / 2;
    const from = Math.floor(lo / CHUNK) * CHUNK;
    const next = new Float64Array(Math.ceil((hi + 1 - from) / CHUNK) * CHUNK);
    if (used) next.set(this.counts, this.offset - from);
    this.counts = next;
    this.offset = from;
    return key - from;
  }

  /** Adds every non-empty bucket to a DDSketch store. */
  fill(store: DDSketch['store']): void {
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! > 0) store.add(i + this.offset, this.counts[i]!);
  }
}

/** One cell's values as bucket counts, with the count, min and max a sketch keeps. */
export class SketchBins {
  private static readonly sketchOf = (accuracy: number) => new DDSketch({ relativeAccuracy: accuracy });
  private readonly mapping: DDSketch['mapping'];
  private readonly positive = new KeyWindow();
  private negative: KeyWindow | undefined;
  private zero = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(private readonly accuracy: number) {
    this.mapping = SketchBins.sketchOf(accuracy).mapping;
  }

  /** As DDSketch.accept: which bucket a value falls in follows the sketch's own mapping and thresholds. */
  accept(value: number, weight = 1): void {
    const m = this.mapping;
    if (value > m.minPossible) this.positive.add(m.key(value), weight);
    else if (value < -m.minPossible) (this.negative ??= new KeyWindow()).add(m.key(-value), weight);
    else this.zero += weight;
    this.count += weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** The DDSketch holding these counts (its sum is not kept: nothing here reads it). */
  sketch(): DDSketch {
    const s = SketchBins.sketchOf(this.accuracy);
    this.positive.fill(s.store);
    if (this.negative) this.negative.fill(s.negativeStore);
    s.zeroCount = this.zero;
    s.count = this.count;
    s.min = this.min;
    s.max = this.max;
    return s;
  }
}
