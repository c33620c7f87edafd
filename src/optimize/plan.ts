// corridor plan's programme: which candidates to build, and when, at the
// least present value of capex, such that every year there is a routing (each
// flow split freely over its listed routes) that meets every target in force.
// One mixed-integer programme; see docs/planning.md for the formulation.
import { effectiveCapacity, type EventFilter } from '../engine/capacity.js';
import type { Model, ProjectModel } from '../engine/model.js';
import { isMet, required, targetYearIndices } from '../engine/targets.js';
import { flowVolume, routingRows } from './network.js';
import type { Program, Row, Solution, Solver, SolveOptions } from './solver.js';
import { costsOf } from '../appraise/appraise.js';
import { capexPresentValue, discountFactor, discountingOf, presentValue as presentValue_ } from '../appraise/cashflow.js';

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

/** What the plan maximises or minimises: the PV of capex (the default), or net present value (appraisal). */
export type Objective = 'capex' | 'npv';

/** With --objective npv: per candidate built, what it adds (last in: the plan against the plan without it), million USD. */
export interface NetValue {
  /** Net present value of the plan against building nothing, routing free in both. */
  readonly npv: number;
  readonly pvBenefits: number;
  readonly pvCosts: number;
  /** By candidate: PV of the benefits it adds to the plan, and its NPV (undefined when not built). */
  readonly candidatePvBenefits: readonly (number | undefined)[];
  readonly candidateNpv: readonly (number | undefined)[];
}

export type PlanOutcome =
  | { readonly feasible: true; readonly online: Decisions; readonly pv: readonly number[]; readonly value?: NetValue }
  | { readonly feasible: false; readonly short: readonly ShortTargetYear[] };

export interface PlanOptions extends SolveOptions {
  readonly objective?: Objective;
  /** Leave the targets out (the NPV plan without a target, beside the one with). */
  readonly ignoreTargets?: boolean;
  /** Break an NPV plan's ties in three solves, as a least-cost plan's are (the reference the one-solve method is tested against). */
  readonly threeSolves?: boolean;
}

/** Present value of a candidate's capex if it opens in `year`, spread by its profile, at the planning rate. */
export function presentValue(model: Model, k: ProjectModel, year: number): number {
  return capexPresentValue(k.capexMusd ?? 0, k.capexProfile, year, model.planning.discountRate, model.planning.baseYear);
}

/** The same at the appraisal's rate (what plan.csv's pv column shows for an NPV plan). */
export const economicCapexPv = (model: Model, k: ProjectModel, year: number): number =>
  capexPresentValue(k.capexMusd ?? 0, k.capexProfile, year, model.economics.discountRate, model.economics.baseYear);

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
export function gains(model: Model, base: number[][], k: ProjectModel, year: number, events?: EventFilter): Gain[] {
  const caps = effectiveCapacity(withDecisions({ ...model, candidates: [k] }, [year]), events);
  const out: Gain[] = [];
  caps.forEach((cap, c) => cap.forEach((v, y) => v !== base[c]![y] && out.push({ c, y, delta: v - base[c]![y]! })));
  return out;
}

/** One opening: candidate k (index into model.candidates) in `year`, its PV of costs and its capacity gains. */
export interface Column {
  k: number;
  year: number;
  pv: number;
  gains: Gain[];
}

export function solvePlan(model: Model, solver: Solver, options: PlanOptions = {}): PlanOutcome {
  const npv = options.objective === 'npv';
  const planned = options.ignoreTargets ? { ...model, targets: [] } : model;
  const base = effectiveCapacity(model);
  const cost = (k: ProjectModel, year: number) => (npv ? pvCosts(model, k, year) : presentValue(model, k, year));
  const openings: Column[] = model.candidates.flatMap((k, i) =>
    Array.from({ length: k.latest - k.online + 1 }, (_, j) => ({ k: i, year: k.online + j, pv: cost(k, k.online + j), gains: gains(model, base, k, k.online + j) })),
  );
  const programme = buildProgramme(planned, base, openings, npv);
  const solve = (p: Program, what: string): Solution => solver.solve(p, what, options);
  const latest = npv && !options.threeSolves ? weightedPlan(programme, openings, model, solver, options) : lexicographicPlan(programme, openings, model, solve);
  if (!latest) return { feasible: false, short: shortfalls(planned, solver, options) };
  const online: (number | undefined)[] = model.candidates.map(() => undefined);
  const pv: number[] = model.candidates.map(() => 0);
  openings.forEach((o, j) => {
    if (latest.x[programme.zCol(j)]! > 0.5) {
      online[o.k] = o.year;
      pv[o.k] = npv ? economicCapexPv(model, model.candidates[o.k]!, o.year) : o.pv;
    }
  });
  return { feasible: true, online, pv, ...(npv ? { value: netValue(model, programme, openings, online, solve) } : {}) };
}

type Programme = ReturnType<typeof buildProgramme>;
type Optimal = Extract<Solution, { status: 'optimal' }>;

/**
 * The least-cost plan with its ties broken, in three solves: the least PV;
 * among plans within 1e-7 of it, the fewest projects; among those, the
 * latest openings. Undefined when no plan meets the targets.
 */
function lexicographicPlan(programme: Programme, openings: readonly Column[], model: Model, solve: (p: Program, what: string) => Solution): Optimal | undefined {
  const first = solve(programme.program, 'the plan');
  if (first.status !== 'optimal') return undefined;
  const keep = programme.objectiveRow(first.objective);
  const fewest = solve({ ...programme.program, sense: 'min', cost: programme.zCost(() => 1), rows: [...programme.program.rows, keep] }, 'the plan');
  if (fewest.status !== 'optimal') throw new Error('the plan became infeasible when its present value was fixed');
  const countRow = programme.zRow(openings.map(() => 1), -Infinity, Math.round(fewest.objective));
  const latest = solve(
    { ...programme.program, sense: 'max', cost: programme.zCost((o) => o.year - model.startYear), rows: [...programme.program.rows, keep, countRow] },
    'the plan',
  );
  if (latest.status !== 'optimal') throw new Error('the plan became infeasible when its number of projects was fixed');
  return latest;
}

/**
 * The NPV plan with its ties broken in one solve: the objective less ε₁ per
 * project built plus ε₂ per year of delay, with τ = 1e-7 × the LP bound (the
 * tolerance of "equal NPV"), ε₁ = τ / (K + 1) so that no number of projects
 * outweighs an NPV difference above τ, and ε₂ = ε₁ / (K·(Y − 1) + 1) so that
 * no delay outweighs one project; solved to an absolute gap below ε₂. The
 * same order as the three solves of the least-cost plan (the most NPV, then
 * the fewest projects, then the latest openings), without the two tie-break
 * MILPs whose equality row made the branch and bound slow (docs/planning.md).
 */
function weightedPlan(programme: Programme, openings: readonly Column[], model: Model, solver: Solver, options: SolveOptions): Optimal | undefined {
  const relaxed = solver.solve({ ...programme.program, integer: undefined }, 'the plan', options);
  if (relaxed.status !== 'optimal') return undefined;
  const K = model.candidates.length;
  const tau = 1e-7 * Math.max(1, Math.abs(relaxed.objective));
  const e1 = tau / (K + 1);
  const e2 = e1 / (K * Math.max(0, model.years - 1) + 1);
  const cost = programme.program.cost.map((c, i) => (i >= programme.zStart ? c - e1 + e2 * (openings[i - programme.zStart]!.year - model.startYear) : c));
  const s = solver.solve({ ...programme.program, cost }, 'the plan', { ...options, mipRelGap: 0, mipAbsGap: e2 / 10 });
  return s.status === 'optimal' ? s : undefined;
}

/**
 * PV of what candidate k costs if it opens in `year`, at the appraisal's
 * discount rate (economics.appraisal): capex then, opex every year after
 * within the horizon, less its residual value at the horizon's end
 * (src/appraise/appraise.ts, costsOf: the same rules as corridor appraise).
 */
export function pvCosts(model: Model, k: ProjectModel, year: number): number {
  const { startYear, costs, residual } = costsOf(model, [{ ...k, online: year }]);
  const d = discountingOf(model.economics);
  return presentValue_(costs, startYear, d.rate, d.baseYear, d.from) - residual * discountFactor(d.rate, model.startYear + model.years - 1, d.baseYear);
}

/**
 * The NPV plan's value against building nothing (routing free in both), and
 * what each built candidate adds last in: the programme solved with every
 * opening fixed, with and without it. Objective = PV benefits − PV costs.
 */
function netValue(model: Model, programme: ReturnType<typeof buildProgramme>, openings: Column[], online: Decisions, solve: (p: Program, what: string) => Solution): NetValue {
  const z0 = programme.zCol(0);
  const fixed = (decided: Decisions) => {
    const chosen = openings.map((o) => decided[o.k] === o.year);
    const upper = programme.program.upper.map((u, i) => (i >= z0 ? (chosen[i - z0] ? 1 : 0) : u));
    const lower = programme.program.lower.map((l, i) => (i >= z0 ? (chosen[i - z0] ? 1 : 0) : l));
    const s = solve({ ...programme.program, lower, upper, integer: undefined, rows: programme.untargeted }, 'the plan’s value');
    if (s.status !== 'optimal') throw new Error('the routing of a fixed plan is infeasible');
    const pvCost = openings.reduce((sum, o, j) => sum + (chosen[j] ? o.pv : 0), 0);
    return { benefits: s.objective + pvCost, costs: pvCost };
  };
  const plan = fixed(online);
  const nothing = fixed(online.map(() => undefined));
  const candidatePvBenefits = online.map((year, k) => (year === undefined ? undefined : plan.benefits - fixed(online.map((y, i) => (i === k ? undefined : y))).benefits));
  const candidateNpv = candidatePvBenefits.map((b, k) => (b === undefined ? undefined : b - openings.find((o) => o.k === k && o.year === online[k])!.pv));
  const pvBenefits = plan.benefits - nothing.benefits;
  return { npv: pvBenefits - plan.costs, pvBenefits, pvCosts: plan.costs, candidatePvBenefits, candidateNpv };
}

/**
 * The MILP. Columns: a volume per route and programme year, then (with
 * `unserved: carry`) a demand per carrying flow and year, then one binary per
 * candidate and opening year. Rows per year: demand, capacity (base + the
 * gains of the chosen openings), targets; per candidate: at most one opening.
 */
export function buildProgramme(model: Model, base: number[][], columns: Column[], npv = false) {
  const R = model.routes.length;
  const carry = model.flows.map((f, i) => (f.unserved === 'carry' ? i : -1)).filter((i) => i >= 0);
  const inForce = targetYearIndices(model);
  const lastYear = npv ? model.years - 1 : Math.max(-1, ...inForce.map((t) => t.y));
  // Without carry, only the years in which a target applies constrain a least-cost plan; every year has benefits for an NPV plan.
  const years = carry.length > 0 || npv ? Array.from({ length: lastYear + 1 }, (_, y) => y) : [...new Set(inForce.map((t) => t.y))].sort((a, b) => a - b);
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
  const untargeted = rows.slice();
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
  // NPV: each route's volume earns its flow's value per tonne that year, discounted (Mt × USD/t = million USD); each opening costs its PV.
  const e = model.economics;
  const routeValue = (i: number) => {
    const y = years[Math.floor(i / R)]!;
    const r = model.routes[i % R]!;
    return e.valuePerT[r.flow]![y]! * discountFactor(e.discountRate, model.startYear + y, e.baseYear);
  };
  const cost = npv ? Array.from({ length: n }, (_, i) => (i >= zStart ? -columns[i - zStart]!.pv : i < years.length * R ? routeValue(i) : 0)) : zCost((o) => o.pv);
  const program: Program = {
    sense: npv ? 'max' : 'min',
    cost,
    lower: new Array(n).fill(0),
    upper: Array.from({ length: n }, (_, i) => (i >= zStart ? 1 : Infinity)),
    integer: Array.from({ length: n }, (_, i) => i >= zStart),
    rows,
  };
  const zRow = (coefs: number[], lower: number, upper: number): Row => ({ cols: columns.map((_, j) => zCol(j)), coefs, lower, upper });
  /** The objective kept within 1e-7 (relative) of its optimum, for the tie-breaking solves. */
  const objectiveRow = (best: number): Row => {
    const cols = cost.flatMap((c, i) => (c !== 0 ? [i] : []));
    const slack = 1e-7 * Math.max(1, Math.abs(best));
    return { cols, coefs: cols.map((i) => cost[i]!), lower: npv ? best - slack : -Infinity, upper: npv ? Infinity : best + slack };
  };
  const atMostOne = rows.slice(untargeted.length + inForce.length);
  return {
    program, zCol, zCost, zRow, objectiveRow, zStart, inForce,
    untargeted: [...untargeted, ...atMostOne],
    /** The rows by kind, for a programme over several futures (robust.ts): routing, the targets (as inForce), at most one opening each. */
    parts: { routing: untargeted, targets: rows.slice(untargeted.length, untargeted.length + inForce.length), atMostOne },
  };
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
