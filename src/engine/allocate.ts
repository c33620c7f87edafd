// Water-filling allocation, event-driven.
//
// Every active "claimant" (a flow under `spill`, or one route of a flow under
// `shares`) grows its volume at a rate equal to its demand, on its current
// route, as a clock τ runs from 0 to 1: at τ = 1 a claimant that was never
// blocked is fully served. When a capacity constraint fills up, every
// claimant on it moves to its next route that has no full constraint (or
// stops, if none is left). A min-heap holds the time each constraint will
// fill at its current rate; a switch touches only the constraints of the two
// routes involved, so a year costs O((routes × route length) · log C). A
// small network scans an array of fill times instead (Allocator.scan).
import { FillHeap } from './heap.js';
import type { Model } from './model.js';

/**
 * Constraints up to which a scan finds the next one to fill faster than the
 * heap (see `Allocator.scan`): on bench's generated networks a scan took
 * half the heap's time at 56 constraints, 0.8× at 115 and 185, 1.1× at 290.
 */
const SCAN_LIMIT = 200;

export class Allocator {
  /** Claimant → its routes (flat, in offer order). */
  private readonly claimRouteStart: Int32Array;
  private readonly claimRoutes: Int32Array;
  /** Claimant → its flow and share of the flow's demand. */
  readonly claimFlow: Int32Array;
  private readonly claimShare: Float64Array;
  /** Route → its constraints (flat). */
  private readonly routeConStart: Int32Array;
  private readonly routeCons: Int32Array;
  private readonly routeClaim: Int32Array;
  /** Constraint → routes through it (flat). */
  private readonly conRouteStart: Int32Array;
  private readonly conRoutes: Int32Array;

  // Per-year state, reused.
  private readonly load: Float64Array;
  private readonly rate: Float64Array;
  private readonly lastT: Float64Array;
  private readonly full: Uint8Array;
  /** Route → how many of its constraints are full (open when none). */
  private readonly fullOn: Int32Array;
  private readonly demand: Float64Array;
  private readonly current: Int32Array;
  /** Position in claimRoutes of the claimant's current route. */
  private readonly currentAt: Int32Array;
  private readonly enteredAt: Float64Array;
  private readonly heap: FillHeap;
  /**
   * A small network (SCAN_LIMIT constraints or fewer) keeps each constraint's
   * fill time here and finds the next by a scan instead of the heap: the
   * same times, computed at the same moments, and the same order (earliest,
   * ties to the smallest index), without the heap's upkeep. A constraint that
   * is full or not filling (rate 0) has Infinity, as it is not in the heap.
   */
  private readonly scan: boolean;
  private readonly fillAt: Float64Array;

  /** `scan`: by a scan or by the heap, whatever the size (tests compare the two). */
  constructor(model: Model, options: { scan?: boolean } = {}) {
    const claims: { flow: number; share: number; routes: number[] }[] = [];
    model.flows.forEach((f, i) => {
      if (f.allocation === 'shares') for (const r of f.routes) claims.push({ flow: i, share: model.routes[r]!.share ?? 0, routes: [r] });
      else claims.push({ flow: i, share: 1, routes: [...f.routes] });
    });
    [this.claimRouteStart, this.claimRoutes] = flatten(claims.map((c) => c.routes));
    this.claimFlow = Int32Array.from(claims, (c) => c.flow);
    this.claimShare = Float64Array.from(claims, (c) => c.share);
    [this.routeConStart, this.routeCons] = flatten(model.routes.map((r) => r.constraints));
    this.routeClaim = new Int32Array(model.routes.length);
    claims.forEach((c, i) => c.routes.forEach((r) => (this.routeClaim[r] = i)));
    const byCon: number[][] = model.constraints.map(() => []);
    model.routes.forEach((r, i) => r.constraints.forEach((c) => byCon[c]!.push(i)));
    [this.conRouteStart, this.conRoutes] = flatten(byCon);
    const C = model.constraints.length;
    const K = claims.length;
    this.load = new Float64Array(C);
    this.rate = new Float64Array(C);
    this.lastT = new Float64Array(C);
    this.full = new Uint8Array(C);
    this.fullOn = new Int32Array(model.routes.length);
    this.demand = new Float64Array(K);
    this.current = new Int32Array(K);
    this.currentAt = new Int32Array(K);
    this.enteredAt = new Float64Array(K);
    this.scan = options.scan ?? C <= SCAN_LIMIT;
    this.heap = new FillHeap(C);
    this.fillAt = new Float64Array(C);
  }

  /**
   * Allocates one year. `capacity(c)` is constraint c's effective capacity,
   * `flowDemand[f]` each flow's demand; route volumes are written to `volume`.
   */
  allocate(capacity: Float64Array, flowDemand: Float64Array, volume: Float64Array): void {
    const { load, rate, lastT, full, fullOn, fillAt, demand, current, enteredAt, heap } = this;
    for (let r = 0; r < volume.length; r++) {
      volume[r] = 0;
      fullOn[r] = 0;
    }
    // One pass, not a fill per array: a network has tens of constraints, and each fill is a call.
    for (let c = 0; c < full.length; c++) {
      load[c] = 0;
      rate[c] = 0;
      lastT[c] = 0;
      fillAt[c] = Infinity;
      full[c] = 0;
      if (capacity[c]! <= 0) this.fill(c);
    }
    heap.clear();
    // Every claimant enters at τ = 0; each constraint's fill time is then scheduled once, from its
    // total rate (not once per claimant, each moving its heap entry again).
    for (let k = 0; k < demand.length; k++) {
      demand[k] = flowDemand[this.claimFlow[k]!]! * this.claimShare[k]!;
      current[k] = -1;
      if (demand[k]! > 0) this.enter(k, this.claimRouteStart[k]!, 0, capacity, false);
    }
    for (let c = 0; c < full.length; c++) {
      if (full[c] === 0 && rate[c]! > 0) this.schedule(c, Math.max(0, (capacity[c]! - load[c]!) / rate[c]!));
    }
    for (;;) {
      // The next constraint to fill before τ = 1, if any.
      let c = -1;
      let t = 1;
      if (this.scan) {
        for (let j = 0; j < fillAt.length; j++) {
          if (fillAt[j]! < t) {
            c = j;
            t = fillAt[j]!;
          }
        }
        if (c < 0) break;
        fillAt[c] = Infinity;
      } else {
        if (heap.size === 0) break;
        c = heap.top;
        t = heap.time[c]!;
        if (t >= 1) break;
        heap.pop();
      }
      this.fill(c);
      load[c] = capacity[c]!;
      lastT[c] = t;
      for (let i = this.conRouteStart[c]!; i < this.conRouteStart[c + 1]!; i++) {
        const r = this.conRoutes[i]!;
        const k = this.routeClaim[r]!;
        if (current[k] === r) this.leave(k, t, volume, capacity);
      }
    }
    for (let k = 0; k < demand.length; k++) {
      const r = current[k]!;
      if (r >= 0) volume[r] = volume[r]! + demand[k]! * (1 - enteredAt[k]!);
    }
  }

  /** Puts claimant k on its first open route from position `from` on, at time t (`schedule`: push the new fill times). */
  private enter(k: number, from: number, t: number, capacity: Float64Array, schedule = true): void {
    const end = this.claimRouteStart[k + 1]!;
    for (let i = from; i < end; i++) {
      const r = this.claimRoutes[i]!;
      if (this.isOpen(r)) {
        this.current[k] = r;
        this.currentAt[k] = i;
        this.enteredAt[k] = t;
        this.changeRate(r, this.demand[k]!, t, capacity, schedule);
        return;
      }
    }
    this.current[k] = -1;
  }

  /** Takes claimant k off its (now full) route at time t and moves it on. */
  private leave(k: number, t: number, volume: Float64Array, capacity: Float64Array): void {
    const r = this.current[k]!;
    volume[r] = volume[r]! + this.demand[k]! * (t - this.enteredAt[k]!);
    this.changeRate(r, -this.demand[k]!, t, capacity);
    this.enter(k, this.currentAt[k]! + 1, t, capacity);
  }

  private isOpen(r: number): boolean {
    return this.fullOn[r] === 0;
  }

  /** Marks constraint c full, and so every route through it closed. */
  private fill(c: number): void {
    this.full[c] = 1;
    for (let i = this.conRouteStart[c]!; i < this.conRouteStart[c + 1]!; i++) this.fullOn[this.conRoutes[i]!]!++;
  }

  private changeRate(r: number, delta: number, t: number, capacity: Float64Array, schedule = true): void {
    const { load, rate, lastT, full } = this;
    for (let i = this.routeConStart[r]!; i < this.routeConStart[r + 1]!; i++) {
      const c = this.routeCons[i]!;
      if (full[c]) continue;
      load[c] = load[c]! + rate[c]! * (t - lastT[c]!);
      lastT[c] = t;
      rate[c] = rate[c]! + delta;
      if (!schedule) continue;
      if (rate[c]! > 0) this.schedule(c, Math.max(t, t + (capacity[c]! - load[c]!) / rate[c]!));
      else if (this.scan) this.fillAt[c] = Infinity;
      else this.heap.remove(c);
    }
  }

  /** Constraint c fills at τ = `at` at its current rate. */
  private schedule(c: number, at: number): void {
    if (this.scan) this.fillAt[c] = at;
    else this.heap.set(c, at);
  }
}

/** Lists of indices → CSR offsets and values. */
function flatten(lists: readonly (readonly number[])[]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (start[i + 1] = start[i]! + l.length));
  const values = new Int32Array(start[lists.length]!);
  lists.forEach((l, i) => values.set(l, start[i]!));
  return [start, values];
}
