// Linear and mixed-integer programmes, solved by HiGHS (the `highs` package,
// WebAssembly). Models go in as sparse rows, not LP text: no names to escape,
// no line lengths, no number formatting. The module loads once per process,
// and only in the commands that solve.
import { importModule } from '../io/lazy.js';

/** One constraint: lower ≤ Σ coefs[i] · x[cols[i]] ≤ upper (±Infinity where there is no bound). */
export interface Row {
  readonly cols: readonly number[];
  readonly coefs: readonly number[];
  readonly lower: number;
  readonly upper: number;
}

export interface Program {
  readonly sense: 'max' | 'min';
  readonly cost: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /** Columns that must take whole values (a MILP); none for an LP. */
  readonly integer?: readonly boolean[];
  readonly rows: readonly Row[];
}

export type Solution =
  | { readonly status: 'optimal'; readonly objective: number; readonly x: Float64Array; readonly rowDual: Float64Array }
  | { readonly status: 'infeasible' }
  /** With `acceptLimit`: the time limit was reached with a feasible point, `gap` (relative) from the best bound; not proven optimal. */
  | { readonly status: 'limit'; readonly objective: number; readonly x: Float64Array; readonly gap: number };

/** A solve that ended neither optimal nor infeasible (time limit, numerical trouble): the command fails with exit 1. */
export class SolverError extends Error {
  override name = 'SolverError';
}

export interface SolveOptions {
  /** Seconds (default: no limit). */
  readonly timeLimit?: number;
  /** `presolve: off` (a test compares plans solved both ways). */
  readonly presolve?: boolean;
  /** Relative MIP gap at which HiGHS stops (default 1e-9: exact plans). */
  readonly mipRelGap?: number;
  /** Absolute MIP gap at which HiGHS stops (default 1e-9). */
  readonly mipAbsGap?: number;
  /** At the time limit, return the best feasible point found and its gap (status `limit`) instead of failing. */
  readonly acceptLimit?: boolean;
  /** A feasible point to start from (a MIP incumbent): the solve then has a plan to beat from its first node. */
  readonly start?: ArrayLike<number>;
}

/** The HiGHS model statuses (highs.constants.modelStatus) this module tells apart. */
const EMPTY = 6;
const OPTIMAL = 7;
const INFEASIBLE = 8;
/** Infeasible or unbounded: the programmes here are bounded (every column is capped by demand or is binary), so infeasible. */
const UNBOUNDED_OR_INFEASIBLE = 9;
const TIME_LIMIT = 13;
/** HiGHS's primal_solution_status of a feasible point. */
const FEASIBLE_POINT = 2;

/** Every other status HiGHS can end a solve with (highs.constants.modelStatus), in words for the error a user reads. */
export const STATUS_WORDS: Readonly<Record<number, string>> = {
  0: 'HiGHS set no status (the solve did not run)',
  1: 'HiGHS could not load the model',
  2: 'HiGHS found the model data invalid',
  3: 'HiGHS failed in presolve',
  4: 'HiGHS failed while solving',
  5: 'HiGHS failed in postsolve',
  10: 'the programme is unbounded',
  11: 'HiGHS stopped at its objective bound',
  12: 'HiGHS stopped at its objective target',
  13: 'the time limit was reached',
  14: 'the iteration limit was reached',
  15: 'HiGHS could not classify the result (numerical trouble)',
  16: 'the limit on the number of solutions was reached',
  17: 'the solve was interrupted',
};

/** Feasibility tolerance for the rows of an empty programme (HiGHS's own primal tolerance). */
const EMPTY_TOLERANCE = 1e-7;

/**
 * A programme without columns (a network without flows has no routes) is one
 * that HiGHS reports as `empty` without looking at its rows. Its only point is
 * the empty one: optimal, with objective 0 and duals 0, when every row admits
 * Σ = 0 (a target that requires volume of no flows does not).
 */
function emptySolution(p: Program): Solution {
  const admitsZero = (lower: number, upper: number) => lower <= EMPTY_TOLERANCE && upper >= -EMPTY_TOLERANCE;
  const feasible = p.rows.every((r) => admitsZero(r.lower, r.upper)) && p.lower.every((l, i) => admitsZero(l, p.upper[i]!));
  if (!feasible) return { status: 'infeasible' };
  return { status: 'optimal', objective: 0, x: new Float64Array(p.cost.length), rowDual: new Float64Array(p.rows.length) };
}

type Highs = Awaited<ReturnType<typeof import('highs').default>>;

let loading: Promise<Highs> | undefined;

async function highs(): Promise<Highs> {
  loading ??= importModule('highs').then((m) => ((m as { default: typeof import('highs').default }).default)());
  return loading;
}

/** A non-optimal HiGHS status in words, with its code. */
export function statusInWords(status: number): string {
  return `${STATUS_WORDS[status] ?? 'HiGHS returned a status this version of corridor-sim does not know'} (HiGHS model status ${status})`;
}

export class Solver {
  private constructor(private readonly h: Highs) {}

  static async load(): Promise<Solver> {
    return new Solver(await highs());
  }

  /** Solves `p`; `what` names it in a SolverError ("2030", "the plan"). */
  solve(p: Program, what: string, options: SolveOptions = {}): Solution {
    const { h } = this;
    const inf = (v: number) => (v === Infinity ? h.infinity : v === -Infinity ? -h.infinity : v);
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const row of p.rows) {
      row.cols.forEach((c, i) => {
        if (row.coefs[i] !== 0) {
          indices.push(c);
          values.push(row.coefs[i]!);
        }
      });
      starts.push(indices.length);
    }
    const n = p.cost.length;
    const data = {
      numCols: n,
      numRows: p.rows.length,
      sense: p.sense === 'max' ? h.constants.objectiveSense.maximize : h.constants.objectiveSense.minimize,
      colCost: p.cost,
      colLower: p.lower.map(inf),
      colUpper: p.upper.map(inf),
      rowLower: p.rows.map((r) => inf(r.lower)),
      rowUpper: p.rows.map((r) => inf(r.upper)),
      matrix: { format: 'csr' as const, numRows: p.rows.length, numCols: n, starts, indices, values },
      ...(p.integer?.some(Boolean) ? { integrality: p.integer.map((i) => (i ? h.constants.variableType.integer : h.constants.variableType.continuous)) } : {}),
    };
    return h.withModel(data, (model) => {
      model.options.set({
        output_flag: false,
        mip_rel_gap: options.mipRelGap ?? 1e-9,
        mip_abs_gap: options.mipAbsGap ?? 1e-9,
        ...(options.timeLimit !== undefined ? { time_limit: options.timeLimit } : {}),
        ...(options.presolve === false ? { presolve: 'off' } : {}),
      });
      if (options.start) model.setSolution({ colValue: Array.from(options.start) });
      model.run();
      const status = model.getModelStatus() as number;
      if (status === EMPTY) return emptySolution(p);
      if (status === INFEASIBLE || status === UNBOUNDED_OR_INFEASIBLE) return { status: 'infeasible' as const };
      if (status === TIME_LIMIT && options.acceptLimit && Number(model.info.get('primal_solution_status')) === FEASIBLE_POINT) {
        return { status: 'limit' as const, objective: model.getObjectiveValue(), x: model.getSolution().colValue, gap: Number(model.info.get('mip_gap')) };
      }
      if (status !== OPTIMAL) throw new SolverError(`the solver stopped without an optimal solution for ${what}: ${statusInWords(status)}`);
      const sol = model.getSolution();
      return { status: 'optimal' as const, objective: model.getObjectiveValue(), x: sol.colValue, rowDual: sol.rowDual };
    });
  }
}
