// The system optimum: per year, the most the network could carry with each
// flow free to split its demand over its listed routes (then, among those
// routings, the one of least Σ cost_per_t × volume), and the value of one
// more Mt/year of each capacity to that optimum. See docs/planning.md.
import type { Model } from '../engine/model.js';
import { flowVolume, routingRows, type RoutingRows } from './network.js';
import type { Program, Row, Solver } from './solver.js';

export interface OptimumResult {
  readonly model: Model;
  /** The optimum's own demand per flow and year, `[f * years + y]` (with `unserved: carry`, its own carry-over). */
  readonly flowDemand: Float64Array;
  readonly flowServed: Float64Array;
  readonly routeVolume: Float64Array;
  /** Optimal total served per year. */
  readonly served: Float64Array;
  /** Right derivative of the optimal total in each constraint's capacity, `[c * years + y]`. */
  readonly value: Float64Array;
}

/** Relative tolerance of "optimal" when a second objective or the value LP keeps the total at its optimum. */
const OPTIMUM_TOLERANCE = 1e-9;

/** Solves every year; `capacity` is the effective capacity `[c * years + y]` (the behavioural run's). */
export function solveOptimum(model: Model, capacity: Float64Array, solver: Solver): OptimumResult {
  const Y = model.years;
  const F = model.flows.length;
  const R = model.routes.length;
  const out = {
    model,
    flowDemand: new Float64Array(F * Y),
    flowServed: new Float64Array(F * Y),
    routeVolume: new Float64Array(R * Y),
    served: new Float64Array(Y),
    value: new Float64Array(model.constraints.length * Y),
  };
  const carried = new Float64Array(F);
  const hasCost = model.routes.some((r) => (r.costPerT ?? 0) !== 0);
  for (let y = 0; y < Y; y++) {
    const demand = model.flows.map((f, i) => f.demand[y]! + carried[i]!);
    const net = routingRows(model, (c) => capacity[c * Y + y]!, (f) => demand[f]!);
    const what = String(model.startYear + y);
    const most = solveRouting(solver, net.rows, R, 'max', () => 1, what);
    const x = hasCost ? leastCost(model, solver, net.rows, most.objective, what) : most.x;
    for (let r = 0; r < R; r++) out.routeVolume[r * Y + y] = Math.max(0, x[r]!);
    model.flows.forEach((f, i) => {
      const served = Math.min(demand[i]!, flowVolume(model, i, x));
      out.flowDemand[i * Y + y] = demand[i]!;
      out.flowServed[i * Y + y] = served;
      carried[i] = f.unserved === 'carry' ? demand[i]! - served : 0;
    });
    out.served[y] = most.objective;
    // Worked out once a year, and only if some constraint is tight with a nonzero dual.
    let face: DualFace | undefined;
    const faceOnce = () => (face ??= dualFace(net, most.x, R));
    for (let c = 0; c < model.constraints.length; c++) {
      out.value[c * Y + y] = capacityValue(solver, net, c, most, faceOnce, what);
    }
  }
  return out;
}

function solveRouting(solver: Solver, rows: readonly Row[], columns: number, sense: 'max' | 'min', cost: (r: number) => number, what: string) {
  const p: Program = { sense, cost: Array.from({ length: columns }, (_, r) => cost(r)), lower: new Array(columns).fill(0), upper: new Array(columns).fill(Infinity), rows };
  const s = solver.solve(p, what);
  // Zero volumes are always feasible: an infeasible routing is a bug, not an input.
  if (s.status !== 'optimal') throw new Error(`the routing programme for ${what} is infeasible`);
  return s;
}

/** Among the routings that carry `total`, one of least Σ cost_per_t × volume (routes without a cost count 0). */
function leastCost(model: Model, solver: Solver, rows: readonly Row[], total: number, what: string): Float64Array {
  const all = model.routes.map((_, r) => r);
  // The total is kept exactly: the solver's own feasibility tolerance (1e-7) absorbs its rounding.
  const keep: Row = { cols: all, coefs: all.map(() => 1), lower: total, upper: Infinity };
  return solveRouting(solver, [...rows, keep], all.length, 'min', (r) => model.routes[r]!.costPerT ?? 0, what).x;
}

/**
 * How many Mt/year more the optimum carries per extra Mt/year of constraint
 * c's capacity: the right derivative of the optimal total V(b) in b_c. V is
 * the minimum of bᵀy over the dual feasible set {y ≥ 0 : Aᵀy ≥ 1}, so its
 * right derivative is the least y_c over the dual optimal face: one LP,
 * unique where a raw dual is not (two equal elements in series: both 0). The
 * face is written by complementary slackness with the optimal routing x (any
 * optimal x gives the same face): y_j = 0 for a row with slack, Σ_{j∋r} y_j = 1
 * for a route r that carries volume. A constraint with slack, or with a zero
 * dual in the solver's own optimum, has value 0 without that LP.
 */
function capacityValue(solver: Solver, net: RoutingRows, c: number, most: { rowDual: Float64Array }, face: () => DualFace, what: string): number {
  const row = net.constraintRow[c]!;
  if (row < 0) return 0;
  const { loose, rows } = face();
  if (loose[row] || Math.abs(most.rowDual[row]!) <= 1e-12) return 0;
  const p: Program = {
    sense: 'min',
    cost: net.rows.map((_, j) => (j === row ? 1 : 0)),
    lower: new Array(net.rows.length).fill(0),
    upper: loose.map((l) => (l ? 0 : Infinity)),
    rows,
  };
  const s = solver.solve(p, `the value of capacity in ${what}`);
  if (s.status !== 'optimal') throw new Error(`the dual optimal face of ${what} is empty`);
  return Math.round(s.objective * 1e9) / 1e9;
}

/** The year's dual optimal face, the same for every constraint: which rows have slack, and a row per route. */
interface DualFace {
  loose: boolean[];
  rows: Row[];
}

function dualFace(net: RoutingRows, x: Float64Array, routes: number): DualFace {
  const loose = net.rows.map((r) => r.upper - r.cols.reduce((s, col) => s + x[col]!, 0) > OPTIMUM_TOLERANCE * Math.max(1, r.upper));
  const routeRows: number[][] = Array.from({ length: routes }, () => []);
  net.rows.forEach((r, j) => r.cols.forEach((col) => routeRows[col]!.push(j)));
  const rows: Row[] = [];
  routeRows.forEach((js, r) => {
    if (js.length > 0) rows.push({ cols: js, coefs: js.map(() => 1), lower: 1, upper: x[r]! > OPTIMUM_TOLERANCE ? 1 : Infinity });
  });
  return { loose, rows };
}
