// What the tables report beyond volumes: flows through elements, utilization,
// bottlenecks and congested transit times. Definitions:
// - a constraint's flow is the sum of the volumes of the routes it binds
//   (all routes for `total`, the class's routes for a class);
// - utilization = flow / effective capacity; a closed element (capacity 0)
//   has no utilization (NaN, an empty cell) and is not binding: nothing
//   presses on it (it blocks its routes, see `blocks`);
// - binding: utilization ≥ 1 − 1e-9;
// - bottleneck of a year: the open element with the highest utilization
//   (ties, within BINDING_TOLERANCE: smallest id, so that rounding, which
//   differs between machines, never picks among elements at capacity); of a
//   route: a closed element on it if any, else the one with the highest
//   utilization;
// - transit: Σ t0 · (1 + α · u^β) over the route's links (transit_days) and
//   nodes (dwell_days), u the element's highest utilization for the cargo.
import type { Model } from './model.js';

export const BINDING_TOLERANCE = 1e-9;
/** Whether a constraint with this utilization binds; NaN marks a closed element, which does not (its flow is 0). */
export const binding = (utilization: number): boolean => utilization >= 1 - BINDING_TOLERANCE;
/** Whether a constraint stops its routes from taking more: it binds, or it is closed. */
export const blocks = (utilization: number): boolean => Number.isNaN(utilization) || binding(utilization);

/** Whether utilization u (of element e) ranks above the best so far: higher by more than the tolerance, or tied and of a smaller id. */
const ranksAbove = (u: number, e: number, bestU: number, best: number): boolean =>
  u > bestU + BINDING_TOLERANCE || (u >= bestU - BINDING_TOLERANCE && (best < 0 || e < best));

export interface Measures {
  readonly constraintFlow: Float64Array;
  readonly utilization: Float64Array;
  /** Sum of route volumes through each element (all cargo). */
  readonly elementFlow: Float64Array;
  readonly routeTransit: Float64Array;
  /** Element index of each route's bottleneck, −1 when it has no capacity. */
  readonly routeBottleneck: Int32Array;
  readonly yearBottleneck: Int32Array;
  readonly yearMaxUtilization: Float64Array;
  /** Per year, the open elements with a binding constraint (ascending index, so by id). */
  readonly yearBinding: readonly (readonly number[])[];
}

/** A year in which no element binds (shared: nothing writes to it). */
const NONE: readonly number[] = Object.freeze([]);

/** The arrays the measures of a run are written into (see RunBuffers in simulate.ts). */
export class MeasureBuffers {
  readonly constraintFlow: Float64Array;
  readonly elementFlow: Float64Array;
  readonly utilization: Float64Array;
  readonly yearBottleneck: Int32Array;
  readonly yearMaxUtilization: Float64Array;
  readonly yearBinding: (readonly number[])[];
  readonly sum: Float64Array;
  /** Per year, the list a binding year's elements are written into (yearBinding points to it then): made once, not per run. */
  readonly bindingLists: number[][];

  constructor(model: Model) {
    const Y = model.years;
    this.constraintFlow = new Float64Array(model.constraints.length * Y);
    this.elementFlow = new Float64Array(model.elements.length * Y);
    this.utilization = new Float64Array(model.constraints.length * Y);
    this.yearBottleneck = new Int32Array(Y);
    this.yearMaxUtilization = new Float64Array(Y);
    this.yearBinding = new Array<readonly number[]>(Y).fill(NONE);
    this.sum = new Float64Array(Y);
    this.bindingLists = Array.from({ length: Y }, () => []);
  }

  fits(model: Model): boolean {
    return this.constraintFlow.length === model.constraints.length * model.years && this.elementFlow.length === model.elements.length * model.years;
  }
}

/**
 * Flows, utilization and bottlenecks per constraint, element and year (the
 * route measures, transit times and route bottlenecks, are worked out on
 * first use by the run's result: the tables need them, sweeps and Monte
 * Carlo runs do not), into `buffers`, for years [from, to): the caller
 * knows the buffers already hold the others (years whose inputs equal those
 * of the buffers' last run; a year's measures are a function of its capacity
 * and route volumes alone, so working out a kept year again changes nothing).
 */
export function measure(model: Model, capacity: Float64Array, routeVolume: Float64Array, buffers: MeasureBuffers, from = 0, to = model.years): void {
  const Y = model.years;
  const C = model.constraints.length;
  const { sums, elementOf } = structureOf(model);
  const { constraintFlow, elementFlow, utilization, yearBottleneck, yearMaxUtilization, yearBinding, sum } = buffers;
  // Every element and constraint is in exactly one route set below (empty sets included), so all are written.
  // Each constraint's and element's flow is the sum of its routes' volumes, added in route order.
  // Many share their routes (a link and its end nodes, an element's total): each set is summed once.
  for (const { routes, elements, constraints } of sums) {
    for (let y = from; y < to; y++) sum[y] = 0;
    for (let i = 0; i < routes.length; i++) {
      const at = routes[i]! * Y;
      for (let y = from; y < to; y++) sum[y] = sum[y]! + routeVolume[at + y]!;
    }
    for (let i = 0; i < elements.length; i++) {
      const at = elements[i]! * Y;
      for (let y = from; y < to; y++) elementFlow[at + y] = sum[y]!;
    }
    for (let i = 0; i < constraints.length; i++) {
      const at = constraints[i]! * Y;
      for (let y = from; y < to; y++) constraintFlow[at + y] = sum[y]!;
    }
  }
  for (let c = 0; c < C; c++) {
    for (let i = c * Y + from; i < c * Y + to; i++) utilization[i] = capacity[i]! > 0 ? constraintFlow[i]! / capacity[i]! : NaN;
  }
  for (let y = from; y < to; y++) {
    let best = -1;
    let bestU = -Infinity;
    const bound = buffers.bindingLists[y]!;
    let n = 0;
    for (let c = 0; c < C; c++) {
      const u = utilization[c * Y + y]!;
      if (Number.isNaN(u)) continue;
      const e = elementOf[c]!;
      if (ranksAbove(u, e, bestU, best)) {
        bestU = u;
        best = e;
      }
      if (binding(u)) n = insertSorted(bound, n, e);
    }
    if (bound.length !== n) bound.length = n;
    yearBottleneck[y] = best;
    yearMaxUtilization[y] = best >= 0 ? bestU : NaN;
    yearBinding[y] = n > 0 ? bound : NONE;
  }
}

/** Puts e among the first n (ascending, distinct) numbers of `list` unless it is there; returns how many there are. */
function insertSorted(list: number[], n: number, e: number): number {
  let j = n;
  while (j > 0 && list[j - 1]! > e) j--;
  if (j > 0 && list[j - 1] === e) return n;
  for (let k = n; k > j; k--) list[k] = list[k - 1]!;
  list[j] = e;
  return n + 1;
}

/** A set of routes (ascending) and the elements and constraints whose flow is their sum. */
interface RouteSum {
  routes: Int32Array;
  elements: number[];
  constraints: number[];
}

interface Structure {
  sums: RouteSum[];
  elementOf: Int32Array;
}

/** The network's index arrays, built once per routes array (a what-if that changes only params keeps it). */
const structures = new WeakMap<object, Structure>();

function structureOf(model: Model): Structure {
  const known = structures.get(model.routes);
  if (known && known.elementOf.length === model.constraints.length) return known;
  const byElement: number[][] = model.elements.map(() => []);
  const byConstraint: number[][] = model.constraints.map(() => []);
  model.routes.forEach((route, r) => {
    for (const e of route.elements) byElement[e]!.push(r);
    for (const c of route.constraints) byConstraint[c]!.push(r);
  });
  const sets = new Map<string, RouteSum>();
  const setOf = (routes: number[]) => {
    const key = routes.join(',');
    let set = sets.get(key);
    if (!set) sets.set(key, (set = { routes: Int32Array.from(routes), elements: [], constraints: [] }));
    return set;
  };
  byElement.forEach((routes, e) => setOf(routes).elements.push(e));
  byConstraint.forEach((routes, c) => setOf(routes).constraints.push(c));
  const structure = { sums: [...sets.values()], elementOf: Int32Array.from(model.constraints, (con) => con.element) };
  structures.set(model.routes, structure);
  return structure;
}

/**
 * For each element, the first element (smallest index) whose flow is the
 * same sum of the same routes: `measure` writes both from one sum, so their
 * flows are equal in every year of every run of the network (a link and its
 * end nodes, a corridor's chain of single-route elements).
 */
export function flowTwins(model: Model): Int32Array {
  const twins = new Int32Array(model.elements.length);
  for (const { elements } of structureOf(model).sums) for (const e of elements) twins[e] = elements[0]!;
  return twins;
}

/** Transit times and bottlenecks per route and year, from the utilization of a run. */
export function routeMeasures(model: Model, utilization: Float64Array): { routeTransit: Float64Array; routeBottleneck: Int32Array } {
  const Y = model.years;
  const routeTransit = new Float64Array(model.routes.length * Y);
  const routeBottleneck = new Int32Array(model.routes.length * Y).fill(-1);
  model.routes.forEach((route, r) => {
    // The route's constraints grouped by element, in path order (static over years).
    const groups = route.elements.map((e) => route.constraints.filter((c) => model.constraints[c]!.element === e));
    // An off-network route's own days (it has no elements): the flow's, at its position.
    const flow = model.flows[route.flow];
    const own = route.offNetwork && flow ? flow.routeDays[flow.routes.indexOf(r)] : undefined;
    for (let y = 0; y < Y; y++) {
      let best = -1;
      let bestU = -Infinity;
      let days = own ? own[y]! : 0;
      route.elements.forEach((e, k) => {
        const group = groups[k]!;
        let u = 0;
        let closed = false;
        for (const c of group) {
          const uc = utilization[c * Y + y]!;
          if (Number.isNaN(uc)) closed = true;
          else u = Math.max(u, uc);
        }
        const rank = closed ? Infinity : u; // a closed element is what blocks the route
        if (group.length > 0 && (rank === Infinity ? bestU !== Infinity || e < best : ranksAbove(rank, e, bestU, best))) {
          bestU = rank;
          best = e;
        }
        const el = model.elements[e]!;
        days += el.baseDays[y]! * (1 + el.bprAlpha * Math.pow(closed ? 1 : u, el.bprBeta));
      });
      routeTransit[r * Y + y] = days;
      routeBottleneck[r * Y + y] = best;
    }
  });
  return { routeTransit, routeBottleneck };
}
