// An indexed binary min-heap of constraints by fill time: each constraint is
// in it at most once, with its latest fill time, so a rate change moves its
// entry up or down instead of pushing a new one (no stale entries to skip,
// and the heap never holds more than the network's constraints). Ordered by
// time, then constraint index, so ties resolve the same way on every run.

export class FillHeap {
  /** Fill time of each constraint (read only while it is in the heap). */
  readonly time: Float64Array;
  /** Heap order: constraint indices. */
  private readonly order: Int32Array;
  /** Constraint → its position in `order`, −1 when not in the heap. */
  private readonly at: Int32Array;
  size = 0;

  constructor(constraints: number) {
    this.time = new Float64Array(constraints);
    this.order = new Int32Array(constraints);
    this.at = new Int32Array(constraints).fill(-1);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.at[this.order[i]!] = -1;
    this.size = 0;
  }

  /** The constraint that fills first (the heap must not be empty). */
  get top(): number {
    return this.order[0]!;
  }

  /** Puts constraint c in the heap with fill time t, or moves it there. */
  set(c: number, t: number): void {
    const { time, at } = this;
    const i = at[c]!;
    if (i < 0) {
      time[c] = t;
      this.up(this.size++, c);
    } else {
      const earlier = t < time[c]!;
      time[c] = t;
      if (earlier) this.up(i, c);
      else this.down(i, c);
    }
  }

  /** Takes constraint c out of the heap, if it is there. */
  remove(c: number): void {
    const i = this.at[c]!;
    if (i < 0) return;
    this.at[c] = -1;
    const last = --this.size;
    if (i === last) return;
    const moved = this.order[last]!;
    // The last entry fills the hole: it may belong above it (a hole deep in another branch) or below.
    if (i > 0 && this.before(moved, this.order[(i - 1) >> 1]!)) this.up(i, moved);
    else this.down(i, moved);
  }

  /** Takes the top out. */
  pop(): void {
    this.remove(this.order[0]!);
  }

  private before(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && a < b);
  }

  /** Places constraint c at position i or above. */
  private up(i: number, c: number): void {
    const { order, at } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = order[parent]!;
      if (!this.before(c, p)) break;
      order[i] = p;
      at[p] = i;
      i = parent;
    }
    order[i] = c;
    at[c] = i;
  }

  /** Places constraint c at position i or below. */
  private down(i: number, c: number): void {
    const { order, at, size } = this;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.before(order[child + 1]!, order[child]!)) child++;
      const k = order[child]!;
      if (!this.before(k, c)) break;
      order[i] = k;
      at[k] = i;
      i = child;
    }
    order[i] = c;
    at[c] = i;
  }
}
