// corridor plan's programme: which candidates to build, and when, at the
// least present value of capex, such that every year there is a routing (each
// flow split freely over its listed routes) that meets every target in force.
// One mixed-integer programme; see docs/planning.md for the formulation.
import { effectiveCapacity } from '../engine/capacity.js';
import type { Model, ProjectModel } from '../engine/model.js';
import { isMet, required, targetYearIndices } from '../engine/targets.js';
import { flowVolume, routingRows } from './network.js';
import type { Program, Row, Solution, Solver, SolveOptions } from './solver.js';

/** A candidate's opening year, or undefined when it is not built; by index into model.candidates. */
export type Decisions = readonly (number | undefined)[];

export interface ShortTargetYear {
  target: number;
  /** Year index. */
  y: number;
  required: number;
  /** The most the target's flows could carry that year with every candidate at its earliest year. */
  best: number;
}

export type PlanOutcome =
  | { readonly feasible: true; readonly online: Decisions; readonly pv: readonly number[] }
  | { readonly feasible: false; readonly short: readonly ShortTargetYear[] };

/** Present value of a candidate's capex if it opens in `year`: a lump sum discounted to the base year. */
export function presentValue(model: Model, k: ProjectModel, year: number): number {
  return (k.capexMusd ?? 0) / (1 + model.planning.discountRate) ** (year - model.planning.baseYear);
}

/** The model with the decided candidates as projects (opening in their year) and the others left out. */
export function withDecisions(model: Model, online: Decisions): Model {
  const built = model.candidates.flatMap((k, i) => (online[i] === undefined ? [] : [{ ...k, online: online[i]! }]));
  const projects = [...model.projects, ...built].sort((a, b) => a.online - b.online || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...model, projects, candidates: model.candidates.filter((_, i) => online[i] === undefined) };
}

/** A capacity change: constraint c gains `delta` Mt/year in year index y. */
interface Gain {
  c: number;
  y: number;
  delta: number;
}

/**
 * What candidate k opening in `year` adds to each capacity, against the
 * scenario without any candidate (a `multiply` or `set` counts as the change
 * it makes there), ramps and events included.
 */
function gains(model: Model, base: number[][], k: ProjectModel, year: number): Gain[] {
  const caps = effectiveCapacity(withDecisions({ ...model, candidates: [k] }, [year]));
  const out: Gain[] = [];
  caps.forEach((cap, c) => cap.forEach((v, y) => v !== base[c]![y] && out.push({ c, y, delta: v - base[c]![y]! })));
  return out;
}

interface Column {
  k: number;
  year: number;
  pv: number;
  gains: Gain[];
}

export function solvePlan(model: Model, solver: Solver, options: SolveOptions = {}): PlanOutcome {
  const base = effectiveCapacity(model);
  const openings: Column[] = model.candidates.flatMap((k, i) =>
    Array.from({ length: k.latest - k.online + 1 }, (_, j) => ({ k: i, year: k.online + j, pv: presentValue(model, k, k.online + j), gains: gains(model, base, k, k.online + j) })),
  );
  const programme = buildProgramme(model, base, openings);
  const solve = (p: Program, what: string): Solution => solver.solve(p, what, options);
  const first = solve(programme.program, 'the plan');
  if (first.status !== 'optimal') return { feasible: false, short: shortfalls(model, solver, options) };
  // Among plans of equal present value: the fewest projects, then the latest openings.
  const pvRow = programme.zRow(openings.map((o) => o.pv), -Infinity, first.objective + 1e-7 * Math.max(1, first.objective));
  const fewest = solve({ ...programme.program, cost: programme.zCost(() => 1), rows: [...programme.program.rows, pvRow] }, 'the plan');
  if (fewest.status !== 'optimal') throw new Error('the plan became infeasible when its present value was fixed');
  const countRow = programme.zRow(openings.map(() => 1), -Infinity, Math.round(fewest.objective));
  const latest = solve(
    { ...programme.program, sense: 'max', cost: programme.zCost((o) => o.year - model.startYear), rows: [...programme.program.rows, pvRow, countRow] },
    'the plan',
  );
  if (latest.status !== 'optimal') throw new Error('the plan became infeasible when its number of projects was fixed');
  const online: (number | undefined)[] = model.candidates.map(() => undefined);
  const pv: number[] = model.candidates.map(() => 0);
  openings.forEach((o, j) => {
    if (latest.x[programme.zCol(j)]! > 0.5) {
      online[o.k] = o.year;
      pv[o.k] = o.pv;
    }
  });
  return { feasible: true, online, pv };
}

/**
 * The MILP. Columns: a volume per route and programme year, then (with
 * `unserved: carry`) a demand per carrying flow and year, then one binary per
 * candidate and opening year. Rows per year: demand, capacity (base + the
 * gains of the chosen openings), targets; per candidate: at most one opening.
 */
function buildProgramme(model: Model, base: number[][], columns: Column[]) {
  const R = model.routes.length;
  const carry = model.flows.map((f, i) => (f.unserved === 'carry' ? i : -1)).filter((i) => i >= 0);
  const inForce = targetYearIndices(model);
  const lastYear = Math.max(-1, ...inForce.map((t) => t.y));
  // Without carry, only the years in which a target applies constrain the plan.
  const years = carry.length > 0 ? Array.from({ length: lastYear + 1 }, (_, y) => y) : [...new Set(inForce.map((t) => t.y))].sort((a, b) => a - b);
  const yearPos = new Map(years.map((y, i) => [y, i]));
  const demandCol = (f: number, y: number) => years.length * R + yearPos.get(y)! * carry.length + carry.indexOf(f);
  const zStart = years.length * R + years.length * carry.length;
  const zCol = (j: number) => zStart + j;
  const n = zStart + columns.length;
  const rows: Row[] = [];
  const gainsAt = new Map<string, { col: number; delta: number }[]>();
  columns.forEach((o, j) => o.gains.forEach((g) => {
    const key = `${g.c}/${g.y}`;
    if (!gainsAt.has(key)) gainsAt.set(key, []);
    gainsAt.get(key)!.push({ col: zCol(j), delta: g.delta });
  }));
  for (const y of years) {
    const offset = yearPos.get(y)! * R;
    const net = routingRows(model, (c) => base[c]![y]!, (f) => model.flows[f]!.demand[y]!, offset);
    const constraintOf = new Map(net.constraintRow.flatMap((row, c) => (row >= 0 ? [[row, c] as const] : [])));
    const flowOf = new Map(net.flowRow.flatMap((row, f) => (row >= 0 ? [[row, f] as const] : [])));
    net.rows.forEach((row, i) => {
      const c = constraintOf.get(i) ?? -1;
      const f = flowOf.get(i) ?? -1;
      if (c >= 0) {
        const extra = gainsAt.get(`${c}/${y}`) ?? [];
        rows.push({ ...row, cols: [...row.cols, ...extra.map((e) => e.col)], coefs: [...row.coefs, ...extra.map((e) => -e.delta)] });
      } else if (f >= 0 && carry.includes(f)) {
        rows.push({ ...row, cols: [...row.cols, demandCol(f, y)], coefs: [...row.coefs, -1], upper: 0 });
      } else rows.push(row);
    });
    for (const f of carry) {
      // d(f, y) = D(f, y) + d(f, y − 1) − Σ x(f, y − 1): the plan's routing carries its own unserved volume.
      const own = model.flows[f]!.routes;
      const cols = y === 0 ? [demandCol(f, y)] : [demandCol(f, y), demandCol(f, y - 1), ...own.map((r) => r + offset - R)];
      const coefs = y === 0 ? [1] : [1, -1, ...own.map(() => 1)];
      const D = model.flows[f]!.demand[y]!;
      rows.push({ cols, coefs, lower: D, upper: D });
    }
  }
  for (const { target, y } of inForce) {
    const t = model.targets[target]!;
    const offset = yearPos.get(y)! * R;
    const cols = t.flows.flatMap((f) => model.flows[f]!.routes.map((r) => r + offset));
    const coefs = cols.map(() => 1);
    if (t.kind === 'volume') rows.push({ cols, coefs, lower: t.level[y]!, upper: Infinity });
    else {
      const carried = t.flows.filter((f) => carry.includes(f));
      const share = t.level[y]!;
      const fixed = required(t, y, (f) => (carry.includes(f) ? 0 : model.flows[f]!.demand[y]!));
      rows.push({ cols: [...cols, ...carried.map((f) => demandCol(f, y))], coefs: [...coefs, ...carried.map(() => -share)], lower: fixed, upper: Infinity });
    }
  }
  model.candidates.forEach((_, k) => {
    const own = columns.flatMap((o, j) => (o.k === k ? [zCol(j)] : []));
    if (own.length > 0) rows.push({ cols: own, coefs: own.map(() => 1), lower: -Infinity, upper: 1 });
  });
  const zCost = (of: (o: Column) => number) => Array.from({ length: n }, (_, i) => (i >= zStart ? of(columns[i - zStart]!) : 0));
  const program: Program = {
    sense: 'min',
    cost: zCost((o) => o.pv),
    lower: new Array(n).fill(0),
    upper: Array.from({ length: n }, (_, i) => (i >= zStart ? 1 : Infinity)),
    integer: Array.from({ length: n }, (_, i) => i >= zStart),
    rows,
  };
  const zRow = (coefs: number[], lower: number, upper: number): Row => ({ cols: columns.map((_, j) => zCol(j)), coefs, lower, upper });
  return { program, zCol, zCost, zRow };
}

/**
 * Why no plan exists: each target-year that stays short even with every
 * candidate at its earliest year, and by how much. Empty when every
 * target-year can be met on its own but not all together (they compete for
 * capacity), or when only the carried-over demand makes the difference.
 */
function shortfalls(model: Model, solver: Solver, options: SolveOptions): ShortTargetYear[] {
  const all = effectiveCapacity(withDecisions(model, model.candidates.map((k) => k.online)));
  const out: ShortTargetYear[] = [];
  for (const { target, y } of targetYearIndices(model)) {
    const demand = (f: number) => model.flows[f]!.demand[y]!;
    const best = mostForTarget(model, solver, target, y, (c) => all[c]![y]!, demand, options);
    const need = required(model.targets[target]!, y, demand);
    if (!isMet(best, need)) out.push({ target, y, required: need, best });
  }
  return out;
}

/** The most the flows of target `target` could carry in year index y with free routing, within `capacity` and `demand`. */
export function mostForTarget(
  model: Model,
  solver: Solver,
  target: number,
  y: number,
  capacity: (c: number) => number,
  demand: (f: number) => number,
  options: SolveOptions = {},
): number {
  const t = model.targets[target]!;
  const net = routingRows(model, capacity, demand);
  const mine = new Set(t.flows.flatMap((f) => model.flows[f]!.routes));
  const p: Program = {
    sense: 'max',
    cost: model.routes.map((_, r) => (mine.has(r) ? 1 : 0)),
    lower: model.routes.map(() => 0),
    upper: model.routes.map(() => Infinity),
    rows: net.rows,
  };
  const s = solver.solve(p, `target ${t.id} in ${model.startYear + y}`, options);
  // Zero volumes are always feasible.
  if (s.status !== 'optimal') throw new Error(`the routing programme for target ${t.id} in ${model.startYear + y} is infeasible`);
  return t.flows.reduce((sum, f) => sum + flowVolume(model, f, s.x), 0);
}
