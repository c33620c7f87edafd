// A binary min-heap of (time, constraint, version) triples in typed arrays,
// ordered by time, then constraint index (so ties resolve the same way on
// every run). Stale entries are skipped by the caller through `version`.

const lessThan = (t1: number, k1: number, t2: number, k2: number): boolean => t1 < t2 || (t1 === t2 && k1 < k2);

export class EventHeap {
  private time = new Float64Array(64);
  private key = new Int32Array(64);
  private ver = new Int32Array(64);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(time: number, key: number, version: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!lessThan(time, key, this.time[parent]!, this.key[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.time[i] = time;
    this.key[i] = key;
    this.ver[i] = version;
  }

  /** Removes the smallest entry; read it first with `topTime`/`topKey`/`topVersion`. */
  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const t = this.time[last]!;
    const k = this.key[last]!;
    const v = this.ver[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && lessThan(this.time[child + 1]!, this.key[child + 1]!, this.time[child]!, this.key[child]!)) child++;
      if (!lessThan(this.time[child]!, this.key[child]!, t, k)) break;
      this.move(child, i);
      i = child;
    }
    this.time[i] = t;
    this.key[i] = k;
    this.ver[i] = v;
  }

  get topTime(): number {
    return this.time[0]!;
  }
  get topKey(): number {
    return this.key[0]!;
  }
  get topVersion(): number {
    return this.ver[0]!;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.key[to] = this.key[from]!;
    this.ver[to] = this.ver[from]!;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const time = new Float64Array(n);
    const key = new Int32Array(n);
    const ver = new Int32Array(n);
    time.set(this.time);
    key.set(this.key);
    ver.set(this.ver);
    this.time = time;
    this.key = key;
    this.ver = ver;
  }
}
