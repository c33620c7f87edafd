// The routing of one year as linear rows: a column per route (its volume,
// Mt/year), a row per flow (its routes carry at most its demand) and a row
// per capacity constraint that a route passes (the routes through it carry at
// most its effective capacity). Spill order and `shares` are behaviour and do
// not appear: each flow may split its demand over its routes in any way.
import type { Model } from '../engine/model.js';
import type { Row } from './solver.js';

export interface RoutingRows {
  readonly rows: Row[];
  /** Row of each flow's demand, or −1 for a flow without routes. */
  readonly flowRow: readonly number[];
  /** Row of each constraint's capacity, or −1 for a constraint no route passes. */
  readonly constraintRow: readonly number[];
}

/** Routes through each constraint, worked out once per model. */
const routesThrough = new WeakMap<Model, number[][]>();

export function routesOf(model: Model): number[][] {
  let by = routesThrough.get(model);
  if (!by) {
    by = model.constraints.map(() => []);
    model.routes.forEach((r, i) => r.constraints.forEach((c) => by![c]!.push(i)));
    routesThrough.set(model, by);
  }
  return by;
}

/**
 * Rows for one year. Columns are route indices shifted by `offset` (several
 * years in one programme); `capacity(c)` and `demand(f)` are that year's.
 */
export function routingRows(model: Model, capacity: (c: number) => number, demand: (f: number) => number, offset = 0): RoutingRows {
  const rows: Row[] = [];
  const flowRow = model.flows.map((f, i) => {
    if (f.routes.length === 0) return -1;
    rows.push({ cols: f.routes.map((r) => r + offset), coefs: f.routes.map(() => 1), lower: -Infinity, upper: demand(i) });
    return rows.length - 1;
  });
  // The optimisers' view of route choice: the network alone carries the free-flow demand.
  if (model.offNetworkClosed) {
    model.routes.forEach((r, i) => r.offNetwork && rows.push({ cols: [i + offset], coefs: [1], lower: -Infinity, upper: 0 }));
  }
  const constraintRow = routesOf(model).map((routes, c) => {
    if (routes.length === 0) return -1;
    rows.push({ cols: routes.map((r) => r + offset), coefs: routes.map(() => 1), lower: -Infinity, upper: capacity(c) });
    return rows.length - 1;
  });
  return { rows, flowRow, constraintRow };
}

/** Σ of the volumes of flow f's routes in a solution `x` (columns shifted by `offset`). */
export function flowVolume(model: Model, f: number, x: ArrayLike<number>, offset = 0): number {
  let sum = 0;
  for (const r of model.flows[f]!.routes) sum += Math.max(0, x[r + offset]!);
  return sum;
}
