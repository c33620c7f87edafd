// The robust plan by Benders decomposition: a master programme of the shared
// decisions (the openings z and the chance binaries w) and, per future, small
// linear programmes of its routing that check the master's choice. A routing
// programme that cannot meet the targets the master says it meets returns a
// feasibility cut: its least total shortfall φ as a function of the
// right-hand sides is convex, so the tangent at the master's point,
// φ(p̄) + g·(p − p̄) ≤ 0, holds for every (z, w) the full programme admits,
// and cuts the master's point off. g comes from the LP's row duals: a row
// Σ a·x + Σ b·p ∈ [l, u] has its bounds at l − b·p̄, u − b·p̄, so ∂φ/∂p_j =
// −Σ_r dual_r · b_rj. The routing of one future splits into independent
// pieces (one per year without carried demand), each its own LP.
// First the master's LP relaxation collects cuts cheaply, then the MILP
// master; the plan is optimal when the MILP master's choice passes every
// check (its bound is the master's objective, its plan the first that passes).
// See docs/planning.md, "Planning under uncertainty".
import { SolverError, type Program, type Row, type Solver, type SolveOptions } from './solver.js';

/** One future's routing: local columns 0..n−1, the openings as columns n + j. */
export interface Stage2 {
  readonly n: number;
  readonly upper: readonly number[];
  readonly routing: readonly Row[];
  /** One row per target-year, in the same order in every future. */
  readonly targets: readonly Row[];
  /** Per target-year: the big M that releases its row when its chance binary is 0 (Σ a·x − M·w ≥ L − M). */
  readonly bigM: readonly number[];
}

export interface Stage1 {
  /** PV per opening (minimised). */
  readonly cost: readonly number[];
  /** Rows over the openings alone (at most one opening per candidate). */
  readonly rows: readonly Row[];
  /** The openings of the most capacity (every candidate at its earliest): when no plan holds, what it reaches is the most any can. */
  readonly widest?: readonly number[];
}

export interface BendersOutcome {
  readonly status: 'optimal' | 'limit' | 'infeasible';
  /** The openings chosen (0/1), when not infeasible. */
  readonly z: readonly number[];
  readonly objective: number;
  /** Relative gap between the plan's PV and the master's bound (0 when optimal). */
  readonly gap: number;
  /** Per target-year, the share of futures whose routing can meet it with the plan (each target-year on its own); when infeasible, with the widest plan. */
  readonly met: readonly number[];
  readonly iterations: number;
  readonly cuts: number;
}

/** A row of a routing piece: Σ a·x over the piece's own columns, Σ b·p over master columns, within [lower, upper]. */
interface PieceRow {
  cols: number[];
  coefs: number[];
  param: { col: number; coef: number }[];
  lower: number;
  upper: number;
  /** The target-year it checks, or −1 for a routing row. */
  t: number;
}

interface Piece {
  s: number;
  upper: number[];
  rows: PieceRow[];
  targets: number[];
}

const CUT_TOLERANCE = 1e-7;

/** Master columns: z (Z), then w (s × T + t) when the targets hold only in `need` futures of N. */
export function solveBenders(first: Stage1, futures: readonly Stage2[], need: number | undefined, solver: Solver, options: SolveOptions & { mipRelGap: number }): BendersOutcome {
  const Z = first.cost.length;
  const T = futures[0]?.targets.length ?? 0;
  const relax = need !== undefined;
  const wCol = (s: number, t: number) => Z + s * T + t;
  const n = Z + (relax ? futures.length * T : 0);
  const pure: Row[] = [...first.rows];
  const pieces = futures.flatMap((f, s) => split(f, s, relax ? wCol : undefined, pure));
  if (relax) for (let t = 0; t < T; t++) pure.push({ cols: futures.map((_, s) => wCol(s, t)), coefs: futures.map(() => 1), lower: need, upper: Infinity });
  const cuts: Row[] = [];
  const master = (integer: boolean): Program => ({
    sense: 'min',
    cost: Array.from({ length: n }, (_, i) => (i < Z ? first.cost[i]! : 0)),
    lower: new Array(n).fill(0),
    upper: new Array(n).fill(1),
    integer: integer ? new Array(n).fill(true) : undefined,
    rows: [...pure, ...cuts],
  });
  const started = Date.now();
  const left = () => (options.timeLimit === undefined ? undefined : options.timeLimit - (Date.now() - started) / 1000);
  let incumbent: { z: number[]; objective: number } | undefined;
  let bound = -Infinity;
  let iterations = 0;
  /** The checks at p̄: a cut per piece that fails; true when none does. */
  const check = (p: Float64Array): boolean => {
    let passed = true;
    for (const piece of pieces) {
      const cut = checkPiece(piece, p, solver);
      if (cut) {
        cuts.push(cut);
        passed = false;
      }
    }
    return passed;
  };
  // The LP relaxation: cheap rounds that give the MILP master most of its cuts.
  for (let round = 0; round < 50 && (left() ?? 1) > 0; round++) {
    const lp = solver.solve(master(false), 'the master programme (relaxed)', { ...options, timeLimit: undefined });
    if (lp.status !== 'optimal') return infeasible();
    iterations++;
    if (check(lp.x)) break;
  }
  for (;;) {
    const remaining = left();
    if (remaining !== undefined && remaining <= 0) break;
    const mip = solver.solve(master(true), 'the master programme', { ...options, timeLimit: remaining, acceptLimit: true });
    iterations++;
    if (mip.status === 'infeasible') return infeasible();
    if (mip.status === 'limit') {
      bound = Math.max(bound, mip.objective * (1 - mip.gap));
      tryIncumbent(mip.x);
      break;
    }
    bound = Math.max(bound, mip.objective);
    const p = Float64Array.from(mip.x, Math.round);
    if (check(p)) return { status: 'optimal', z: Array.from(p.subarray(0, Z)), objective: mip.objective, gap: 0, met: metShares(p), iterations, cuts: cuts.length };
    tryIncumbent(p);
  }
  if (!incumbent) throw new SolverError(`the time limit was reached after ${iterations} master solves of the plan over ${futures.length} futures, without a plan that meets the targets in enough of them`);
  const gap = bound > -Infinity ? Math.max(0, (incumbent.objective - bound) / Math.max(1e-9, Math.abs(incumbent.objective))) : 1;
  const p = new Float64Array(n);
  p.set(incumbent.z);
  return { status: 'limit', z: incumbent.z, objective: incumbent.objective, gap, met: metShares(p), iterations, cuts: cuts.length };

  /** Each target-year on its own: a piece that passes with all its targets on meets each; one that fails, target by target. */
  function metShares(plan: Float64Array): number[] {
    const count = new Array<number>(T).fill(0);
    const p = Float64Array.from(plan, (v, i) => (i < Z ? v : 1));
    for (const piece of pieces) {
      if (passes(piece, p, solver)) for (const t of piece.targets) count[t]!++;
      else if (relax) {
        for (const t of piece.targets) {
          const one = Float64Array.from(p, (v, i) => (i < Z ? v : 0));
          one[wCol(piece.s, t)] = 1;
          if (passes(piece, one, solver)) count[t]!++;
        }
      }
    }
    return count.map((c) => c / futures.length);
  }

  function infeasible(): BendersOutcome {
    const met = first.widest ? metShares(Float64Array.from({ length: n }, (_, i) => (i < Z ? first.widest![i]! : 0))) : [];
    return { status: 'infeasible', z: [], objective: NaN, gap: NaN, met, iterations, cuts: cuts.length };
  }

  /** A master point's openings as a plan: the futures whose pieces pass with every target on count; kept if enough do. */
  function tryIncumbent(x: Float64Array): void {
    const z = Array.from(x.subarray(0, Z), Math.round);
    const objective = z.reduce((s, v, j) => s + v * first.cost[j]!, 0);
    if (incumbent && incumbent.objective <= objective) return;
    const p = new Float64Array(n);
    p.set(z);
    for (let i = Z; i < n; i++) p[i] = 1;
    // Each future's target-year is in one piece (or in none: a row without routing columns, which the master's own rows hold).
    const metIn = new Array<number>(T).fill(futures.length);
    for (const piece of pieces) if (!passes(piece, p, solver)) for (const t of piece.targets) metIn[t]!--;
    if (metIn.every((m) => m >= (need ?? futures.length))) incumbent = { z, objective };
  }
}

/** One future's rows in independent pieces (columns joined by rows); rows without own columns go to the master as they are. */
function split(f: Stage2, s: number, wCol: ((s: number, t: number) => number) | undefined, pure: Row[]): Piece[] {
  const parent = Array.from({ length: f.n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const all: PieceRow[] = [];
  const add = (r: Row, t: number) => {
    const own = r.cols.flatMap((c, i) => (c < f.n ? [i] : []));
    const param = r.cols.flatMap((c, i) => (c >= f.n ? [{ col: c - f.n, coef: r.coefs[i]! }] : []));
    let lower = r.lower;
    if (t >= 0 && wCol) {
      param.push({ col: wCol(s, t), coef: -f.bigM[t]! });
      lower -= f.bigM[t]!;
    }
    if (own.length === 0) return void pure.push({ cols: param.map((q) => q.col), coefs: param.map((q) => q.coef), lower, upper: r.upper });
    all.push({ cols: own.map((i) => r.cols[i]!), coefs: own.map((i) => r.coefs[i]!), param, lower, upper: r.upper, t });
    for (const i of own) parent[find(r.cols[i]!)] = find(r.cols[own[0]!]!);
  };
  f.routing.forEach((r) => add(r, -1));
  f.targets.forEach((r, t) => add(r, t));
  const byRoot = new Map<number, PieceRow[]>();
  for (const r of all) {
    const root = find(r.cols[0]!);
    if (!byRoot.has(root)) byRoot.set(root, []);
    byRoot.get(root)!.push(r);
  }
  // A piece without target rows always passes: left out.
  return [...byRoot.values()].filter((rows) => rows.some((r) => r.t >= 0)).map((rows) => {
    // Local numbering of the piece's columns.
    const local = new Map<number, number>();
    for (const r of rows) for (const c of r.cols) if (!local.has(c)) local.set(c, local.size);
    const upper = [...local.keys()].map((c) => f.upper[c]!);
    return {
      s,
      upper,
      rows: rows.map((r) => ({ ...r, cols: r.cols.map((c) => local.get(c)!) })),
      targets: rows.flatMap((r) => (r.t >= 0 ? [r.t] : [])),
    };
  });
}

/**
 * The piece's least total shortfall on its target rows at master point p:
 * min Σ slack, each target row given a slack column. Routing rows admit
 * x = 0 (capacities and demand are not negative), so the LP is feasible.
 */
function shortfall(piece: Piece, p: Float64Array, solver: Solver) {
  const m = piece.upper.length;
  const k = piece.targets.length;
  let slack = m;
  const rows: Row[] = piece.rows.map((r) => {
    const b = r.param.reduce((s, q) => s + q.coef * p[q.col]!, 0);
    const target = r.t >= 0;
    return { cols: target ? [...r.cols, slack++] : r.cols, coefs: target ? [...r.coefs, 1] : r.coefs, lower: r.lower - b, upper: r.upper - b };
  });
  const lp: Program = {
    sense: 'min',
    cost: Array.from({ length: m + k }, (_, i) => (i < m ? 0 : 1)),
    lower: new Array(m + k).fill(0),
    upper: [...piece.upper, ...new Array(k).fill(Infinity)],
    rows,
  };
  const s = solver.solve(lp, `future ${piece.s + 1}'s routing`);
  if (s.status !== 'optimal') throw new Error(`the routing check of future ${piece.s + 1} is infeasible (a routing row that x = 0 does not meet)`);
  const scale = Math.max(1, ...piece.rows.filter((r) => r.t >= 0).map((r) => Math.abs(r.lower)));
  return { phi: s.objective, dual: s.rowDual, failed: s.objective > CUT_TOLERANCE * scale };
}

function passes(piece: Piece, p: Float64Array, solver: Solver): boolean {
  return !shortfall(piece, p, solver).failed;
}

/** The feasibility cut of a piece that fails at p (Σ g·p ≤ g·p̄ − φ̄), or undefined when it passes. */
function checkPiece(piece: Piece, p: Float64Array, solver: Solver): Row | undefined {
  const { phi, dual, failed } = shortfall(piece, p, solver);
  if (!failed) return undefined;
  const g = new Map<number, number>();
  piece.rows.forEach((r, i) => {
    const d = dual[i]!;
    if (d !== 0) for (const q of r.param) g.set(q.col, (g.get(q.col) ?? 0) - d * q.coef);
  });
  const cols = [...g.keys()].filter((c) => Math.abs(g.get(c)!) > 1e-12);
  const coefs = cols.map((c) => g.get(c)!);
  const at = cols.reduce((s, c, i) => s + coefs[i]! * p[c]!, 0);
  return { cols, coefs, lower: -Infinity, upper: at - phi };
}
