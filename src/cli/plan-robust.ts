// corridor plan --runs N [--seed S] [--confidence P] [--evaluate M]: one plan
// for N futures of the `uncertainty` block, the deterministic plan beside it,
// and how often each meets its targets in M fresh futures.
import type { Model } from '../engine/model.js';
import { evaluatePlan, decisionsById, robustnessTable, type Decided, type Robustness } from '../optimize/evaluate.js';
import { drawFutures, type Future } from '../optimize/futures.js';
import { namedFutures, regrets, regretTable, type WeighedPlan } from '../optimize/regret.js';
import { solvePlan, type Decisions, type Objective } from '../optimize/plan.js';
import type { Table } from '../io/csv.js';
import { futuresNeeded, solveRobustPlan } from '../optimize/robust.js';
import type { Solver } from '../optimize/solver.js';
import { DEFAULT_SEED } from '../random/seed.js';
import { countProblem, seedProblem, type Loaded } from './common.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import type { PlanChoice, PlanOptions } from '../optimize/choice.js';
import { progress } from './progress.js';
import { optimisedFuture, optimisedModel } from '../optimize/network-demand.js';

export const DEFAULT_EVALUATE = 2000;
export const DEFAULT_TIME_LIMIT = 300;

/** Largest plan --runs: every future is a block of the master MILP and of the Benders checks. */
export const MAX_PLAN_RUNS = 10_000;

/** Bad --runs, --confidence, --evaluate or --time-limit, or a scenario without uncertainty: a usage error (exit 2) in a sentence. */
/** The options of `plan --runs` and the scenario they name. */
type RobustArgs = PlanOptions & { scenario: string; set: string[] };

export function checkRobustArgs(args: RobustArgs, model: Model): void {
  const problem =
    countProblem('--runs', args.runs, MAX_PLAN_RUNS) ??
    countProblem('--evaluate', args.evaluate) ??
    seedProblem(args.seed) ??
    (args.confidence !== undefined && !(args.confidence > 0 && args.confidence <= 1) ? `--confidence must lie in (0, 1], got ${args.confidence} (0.9: each target-year met in 9 futures of 10)` : undefined) ??
    (args.timeLimit !== undefined && !(args.timeLimit > 0) ? `--time-limit must be a positive number of seconds, got ${args.timeLimit}` : undefined);
  if (problem) throw new UsageError(problem);
  if (model.uncertainty.length === 0 && !model.events.some((e) => e.probability)) {
    throw new UsageError(`${args.scenario} has no \`uncertainty\` block: --runs draws its futures from one (see docs/planning.md, "Planning under uncertainty")`);
  }
}

/**
 * A plan made on the same futures beside the static robust one (`--adaptive`):
 * given the futures and the robust plan, its decisions per future, or
 * undefined (after saying why) when it meets no target; then, given every
 * plan's out-of-sample rows, what it adds to the output.
 */
export interface ExtraPlan {
  readonly name: string;
  make(futures: readonly Future[], robust: Decisions): Promise<Decided | undefined>;
  finish(evaluated: readonly { name: string; rows: readonly Robustness[] }[], robustPv: number): { tables: Table[]; text: string; manifest: Record<string, unknown> };
}

export async function robustChoice(
  loaded: Loaded, args: RobustArgs, objective: Objective, solver: Solver, io: Io, checkpoint: () => Promise<void>, extra?: ExtraPlan,
): Promise<PlanChoice | undefined> {
  const { model, source } = loaded;
  const runs = args.runs!;
  const seed = args.seed ?? DEFAULT_SEED;
  const confidence = args.confidence ?? 1;
  const futures = drawFutures(source, model, args.set, seed, runs);
  await checkpoint();
  // Route choice: the solves see each future's free-flow network demand (optimize/network-demand.ts).
  const robust = solveRobustPlan(optimisedModel(model), futures.map(optimisedFuture), solver, { confidence, objective, timeLimit: args.timeLimit ?? DEFAULT_TIME_LIMIT });
  const need = futuresNeeded(confidence, runs);
  if (!robust.feasible) {
    const least = robust.best?.reduce((a, b) => (b.share < a.share ? b : a), robust.best[0]!);
    const most = least ? ` The most any plan reaches (every candidate at its earliest): ${model.targets[least.target]!.id} in ${model.startYear + least.y} met in ${Math.round(least.share * runs)} of ${runs} (--confidence ${+least.share.toFixed(3)}).` : '';
    io.stderr(`corridor: no choice of candidates meets every target-year in ${need} of ${runs} futures (seed ${seed}); nothing was written.${most}\n`);
    return undefined;
  }
  await checkpoint();
  const deterministic = solvePlan(optimisedModel(model), solver, { objective });
  // The plans to weigh, by name: the robust one, and the central path's when it has one.
  const plans: WeighedPlan[] = [{ name: 'robust', decided: decisionsById(model, robust.online), pv: totalPv(robust.pv) }];
  if (deterministic.feasible) plans.push({ name: 'deterministic', decided: decisionsById(model, deterministic.online), pv: totalPv(deterministic.pv) });
  const extraDecided = extra ? await extra.make(futures, robust.online) : undefined;
  if (extra && !extraDecided) return undefined;
  const evaluated: { name: string; decided: Decided }[] = [...plans, ...(extra ? [{ name: extra.name, decided: extraDecided! }] : [])];
  const evaluate = args.evaluate ?? DEFAULT_EVALUATE;
  const bar = progress(io, evaluate * evaluated.length, 'evaluating');
  let done = 0;
  const tick = () => bar.update(++done);
  const rows: { name: string; rows: Robustness[] }[] = [];
  try {
    for (const p of evaluated) {
      await checkpoint();
      rows.push({ name: p.name, rows: evaluatePlan(source, model, args.set, seed, evaluate, p.decided, solver, tick) });
    }
  } finally {
    bar.stop();
  }
  await checkpoint();
  const added = extra?.finish(rows, totalPv(robust.pv));
  const table = robustnessTable(model, rows);
  const regret = regretTable(model, regrets(model, namedFutures(source, model, args.set, futures), plans, solver));
  const text = robustText(model, robust, deterministic.feasible ? deterministic : undefined, rows, { runs, need, seed, evaluate, objective });
  const central = plans.find((p) => p.name === 'deterministic');
  return {
    online: robust.online,
    pv: robust.pv,
    tables: [table, regret, ...(added?.tables ?? [])],
    manifest: {
      seed,
      uncertainty: { runs, confidence, futures_needed: need, evaluate, evaluate_seed: `${seed}/evaluate`, proven_optimal: robust.proven, gap: robust.gap, ...(central ? { deterministic_plan: Object.fromEntries(central.decided) } : {}) },
      ...added?.manifest,
    },
    text: text + (added?.text ?? ''),
  };
}

const totalPv = (pv: readonly number[]) => pv.reduce((s, x) => s + x, 0);

type Robust = Extract<ReturnType<typeof solveRobustPlan>, { feasible: true }>;
type Deterministic = Extract<ReturnType<typeof solvePlan>, { feasible: true }>;

function robustText(
  model: Model, robust: Robust, deterministic: Deterministic | undefined, evaluated: readonly { name: string; rows: readonly Robustness[] }[],
  c: { runs: number; need: number; seed: number; evaluate: number; objective: Objective },
): string {
  const pct = (x: number) => `${+(x * 100).toFixed(1)} %`;
  const m = (x: number) => `${+x.toFixed(1) + 0} M USD`;
  const lines = [
    `planned for ${c.runs} futures (seed ${c.seed}): each target-year met in at least ${c.need} of them${robust.proven ? '' : ` — NOT PROVEN OPTIMAL: the time limit stopped the solver at a gap of ${pct(robust.gap)}`}`,
  ];
  const worst = robust.inSample.reduce((a, b) => (b.share < a.share ? b : a), robust.inSample[0]!);
  if (worst) lines.push(`in sample: every target-year met in ≥ ${pct(worst.share)} of the futures (least: ${model.targets[worst.target]!.id} ${model.startYear + worst.y})`);
  if (deterministic) {
    const extra = c.objective === 'npv' ? `expected NPV ${m(robust.objective)} against ${m(deterministic.value?.npv ?? 0)} on the central path` : `PV of capex ${m(totalPv(robust.pv))} against ${m(totalPv(deterministic.pv))} for the plan of the central path: robustness costs ${m(totalPv(robust.pv) - totalPv(deterministic.pv))}`;
    lines.push(extra);
  }
  lines.push(`out of sample (${c.evaluate} fresh futures), the chance that behaviour meets each target, at its weakest year:`);
  for (const { name, rows } of evaluated) {
    for (const t of model.targets.map((_, i) => i)) {
      const own = rows.filter((r) => r.target === t);
      if (own.length === 0) continue;
      const low = own.reduce((a, b) => (b.pMetBehaviour < a.pMetBehaviour ? b : a));
      lines.push(`  ${name} plan, ${model.targets[t]!.id}: ${pct(low.pMetBehaviour)} in ${model.startYear + low.y} (free routing: ${pct(low.pMetOptimal)}; mean shortfall ${+(low.expectedShortfall * model.volumeUnit.factor).toFixed(3)} ${model.volumeUnit.name}/year)`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
