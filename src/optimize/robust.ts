// corridor plan --runs N [--confidence P]: one plan for N futures. A
// two-stage stochastic programme in sample-average form: the build decisions
// (which candidate, which year) are shared by every future, each future has
// its own routing (free, as in the least-cost plan), and each target-year must
// be met in at least ⌈P·N⌉ of the futures (a chance constraint: one binary
// per future and target-year that, at 0, releases that future's target row;
// without --confidence, in all N). Minimises the PV of capex, or with
// --objective npv maximises the expected NPV. See docs/planning.md.
import { effectiveCapacity } from '../engine/capacity.js';
import type { Model } from '../engine/model.js';
import type { Future } from './futures.js';
import { buildProgramme, economicCapexPv, gains, presentValue, pvCosts, type Decisions, type Objective } from './plan.js';
import { solveBenders } from './benders.js';
import type { Program, Row, Solution, Solver, SolveOptions } from './solver.js';

export interface RobustOptions extends SolveOptions {
  /** Share of futures in which each target-year must be met, in (0, 1]. */
  readonly confidence: number;
  readonly objective: Objective;
  /** How to solve: Benders decomposition (the default for the PV of capex) or one monolithic MILP (always with --objective npv). */
  readonly method?: 'benders' | 'monolithic';
  /** Break ties as corridor plan does (fewest projects, then latest openings): two more MILPs, each as long as the first (default false). */
  readonly tieBreak?: boolean;
}

export interface InSample {
  target: number;
  /** Year index. */
  y: number;
  /** Share of the N futures whose routing meets it. */
  share: number;
}

export type RobustOutcome =
  | {
      readonly feasible: true;
      readonly online: Decisions;
      /** PV of capex per candidate (at the planning rate; at the appraisal rate with --objective npv). */
      readonly pv: readonly number[];
      /** The programme's objective: PV of capex, or the expected NPV. */
      readonly objective: number;
      /** False when the time limit stopped the solver with a feasible plan; `gap` is then its relative gap. */
      readonly proven: boolean;
      readonly gap: number;
      readonly inSample: readonly InSample[];
      /** How it was solved, and for Benders the number of master solves and cuts. */
      readonly method: 'benders' | 'monolithic';
      readonly iterations?: number;
      readonly cuts?: number;
    }
  /** `best`: per target-year, the share of futures that the widest plan (every candidate at its earliest) meets, the most any plan can (Benders only). */
  | { readonly feasible: false; readonly best?: readonly InSample[] };

const ROBUST_GAP = 1e-6;

/** Futures that must meet each target-year: ⌈P·N⌉ (P·N within 1e-9 of a whole number counts as that number). */
export const futuresNeeded = (confidence: number, n: number): number => Math.ceil(confidence * n - 1e-9);

export function solveRobustPlan(central: Model, futures: readonly Future[], solver: Solver, options: RobustOptions): RobustOutcome {
  const npv = options.objective === 'npv';
  const openings = central.candidates.flatMap((k, i) =>
    Array.from({ length: k.latest - k.online + 1 }, (_, j) => ({ k: i, year: k.online + j, pv: npv ? pvCosts(central, k, k.online + j) : presentValue(central, k, k.online + j) })),
  );
  const Z = openings.length;
  const progs = futures.map((f) => {
    const base = effectiveCapacity(f.model, f.events);
    const columns = openings.map((o) => {
      const k = f.model.candidates.find((c) => c.id === central.candidates[o.k]!.id);
      if (!k) throw new Error(`candidate ${central.candidates[o.k]!.id} is missing in future ${f.run}`);
      return { ...o, gains: gains(f.model, base, k, o.year, f.events) };
    });
    return buildProgramme(f.model, base, columns, npv);
  });
  const targetYears = progs[0]?.inForce ?? [];
  if (progs.some((p) => p.inForce.length !== targetYears.length)) throw new Error('the futures do not share their target-years (a target whose years depend on a drawn param)');
  const relax = options.confidence < 1;
  const need = futuresNeeded(options.confidence, futures.length);
  const bigM = (s: number, r: Row) => Math.max(0, r.lower) + carryBound(futures[s]!.model, r);
  if (!npv && options.method !== 'monolithic') {
    const b = solveBenders(
      { cost: openings.map((o) => o.pv), widest: openings.map((o) => (o.year === central.candidates[o.k]!.online ? 1 : 0)), rows: (progs[0]?.parts.atMostOne ?? []).map((r) => ({ ...r, cols: r.cols.map((c) => c - progs[0]!.zStart) })) },
      progs.map((p, s) => ({ n: p.zStart, upper: p.program.upper.slice(0, p.zStart), routing: p.parts.routing, targets: p.parts.targets, bigM: p.parts.targets.map((r) => bigM(s, r)) })),
      relax ? need : undefined,
      solver,
      { mipRelGap: ROBUST_GAP, ...options },
    );
    const inSample = targetYears.map(({ target, y }, t) => ({ target, y, share: b.met[t] ?? 0 }));
    if (b.status === 'infeasible') return { feasible: false, best: inSample };
    return { feasible: true, ...decided(central, openings, b.z, npv), objective: b.objective, proven: b.status === 'optimal', gap: b.gap, inSample, method: 'benders', iterations: b.iterations, cuts: b.cuts };
  }
  // Columns: the shared openings, then each future's own (routes, carried demand), then the chance binaries.
  let next = Z;
  const offsets = progs.map((p) => ((next += p.zStart), next - p.zStart));
  const wStart = next;
  const col = (s: number, c: number) => (c >= progs[s]!.zStart ? c - progs[s]!.zStart : offsets[s]! + c);
  const remap = (s: number, r: Row): Row => ({ ...r, cols: r.cols.map((c) => col(s, c)) });
  const rows: Row[] = [];
  const met: number[][] = targetYears.map(() => []);
  progs.forEach((p, s) => {
    for (const r of p.parts.routing) rows.push(remap(s, r));
    p.parts.targets.forEach((r, t) => {
      if (!relax) return void rows.push(remap(s, r));
      // Σ a·x ≥ L unless w = 0: Σ a·x − M·w ≥ L − M, with M ≥ L − min Σ a·x (0 without carry: the terms are volumes).
      const w = next++;
      met[t]!.push(w);
      const M = bigM(s, r);
      const m = remap(s, r);
      rows.push({ cols: [...m.cols, w], coefs: [...m.coefs, -M], lower: r.lower - M, upper: Infinity });
    });
  });
  for (const r of progs[0]?.parts.atMostOne ?? []) rows.push(remap(0, r));
  if (relax) for (const ws of met) rows.push({ cols: ws, coefs: ws.map(() => 1), lower: need, upper: Infinity });
  const n = next;
  const isZ = (i: number) => i < Z;
  const isW = (i: number) => i >= wStart;
  const cost = new Array<number>(n).fill(0);
  openings.forEach((o, j) => (cost[j] = npv ? -o.pv : o.pv));
  if (npv) progs.forEach((p, s) => p.program.cost.forEach((c, i) => i < p.zStart && (cost[offsets[s]! + i] = c / futures.length)));
  const lower = new Array<number>(n).fill(0);
  const upper = Array.from({ length: n }, (_, i) => (isZ(i) || isW(i) ? 1 : Infinity));
  progs.forEach((p, s) => p.program.upper.forEach((u, i) => i < p.zStart && (upper[offsets[s]! + i] = u)));
  const integer = Array.from({ length: n }, (_, i) => isZ(i) || isW(i));
  const program: Program = { sense: npv ? 'max' : 'min', cost, lower, upper, integer, rows };
  // A relative gap of 1e-6 (not the least-cost plan's 1e-9): on 50 futures the last digits took as long as the rest.
  const solve = (p: Program): Solution => solver.solve(p, `the plan over ${futures.length} futures`, { mipRelGap: ROBUST_GAP, ...options, acceptLimit: true });
  let best = solve(program);
  if (best.status === 'infeasible') return { feasible: false };
  const proven = best.status === 'optimal';
  const gap = best.status === 'limit' ? best.gap : 0;
  const objective = best.objective;
  if (proven && options.tieBreak) best = tieBreak(program, best.objective, Z, (j) => openings[j]!.year - central.startYear, solve) ?? best;
  if (best.status === 'infeasible') return { feasible: false };
  const x = best.x;
  const inSample = targetYears.map(({ target, y }, t) => {
    const ok = progs.filter((p, s) => {
      const r = remap(s, p.parts.targets[t]!);
      return r.cols.reduce((sum, c, i) => sum + r.coefs[i]! * x[c]!, 0) >= r.lower - 1e-6 * Math.max(1, Math.abs(r.lower));
    }).length;
    return { target, y, share: ok / futures.length };
  });
  return { feasible: true, ...decided(central, openings, x, npv), objective, proven, gap, inSample, method: 'monolithic' };
}

/** The openings chosen (x[j] for opening j) as decisions by candidate, and each one's PV of capex. */
function decided(central: Model, openings: readonly { k: number; year: number; pv: number }[], x: ArrayLike<number>, npv: boolean) {
  const online: (number | undefined)[] = central.candidates.map(() => undefined);
  const pv: number[] = central.candidates.map(() => 0);
  openings.forEach((o, j) => {
    if (x[j]! > 0.5) {
      online[o.k] = o.year;
      const k = central.candidates[o.k]!;
      pv[o.k] = npv ? economicCapexPv(central, k, o.year) : o.pv;
    }
  });
  return { online: online as Decisions, pv };
}

/** An upper bound on what a target row's negative terms (carried demand, with `unserved: carry`) can subtract: its share × all demand. */
function carryBound(model: Model, r: Row): number {
  const negative = r.coefs.reduce((s, a) => s + (a < 0 ? -a : 0), 0);
  if (negative === 0) return 0;
  let demand = 0;
  for (const f of model.flows) for (let y = 0; y < model.years; y++) demand += f.demand[y]!;
  return negative * demand;
}

/** Among plans of equal objective (within 1e-7, relative): the fewest projects, then the latest openings (as corridor plan). */
function tieBreak(p: Program, best: number, Z: number, lateness: (j: number) => number, solve: (p: Program) => Solution): Solution | undefined {
  const cols = p.cost.flatMap((c, i) => (c !== 0 ? [i] : []));
  const slack = 1e-7 * Math.max(1, Math.abs(best));
  const keep: Row = { cols, coefs: cols.map((i) => p.cost[i]!), lower: p.sense === 'max' ? best - slack : -Infinity, upper: p.sense === 'max' ? Infinity : best + slack };
  const z = Array.from({ length: Z }, (_, j) => j);
  const only = (f: (j: number) => number) => Array.from({ length: p.cost.length }, (_, i) => (i < Z ? f(i) : 0));
  const fewest = solve({ ...p, sense: 'min', cost: only(() => 1), rows: [...p.rows, keep] });
  if (fewest.status !== 'optimal') return undefined;
  const count: Row = { cols: z, coefs: z.map(() => 1), lower: -Infinity, upper: Math.round(fewest.objective) };
  const latest = solve({ ...p, sense: 'max', cost: only(lateness), rows: [...p.rows, keep, count] });
  return latest.status === 'optimal' ? latest : undefined;
}
