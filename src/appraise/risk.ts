// Risk: `appraise --runs N --seed S`. Run i draws the uncertain params and
// events exactly as montecarlo's run i does (same streams), and appraises
// the drawn scenario: each appraised row's NPV and EIRR in the scenario's
// perspective. The values are kept per run (a few numbers each) and
// summarised on the main thread in run order, so the bytes do not depend on
// the number of workers. Percentiles are montecarlo.csv's: the lower
// quantile at rank q·(n − 1), here exact (every value is kept).
import type { Model } from '../engine/model.js';
import { simulate, type SimulateOptions } from '../engine/simulate.js';
import type { Cell, Table } from '../io/csv.js';
import { drawEvents, drawParams } from '../analysis/montecarlo.js';
import { buildWhatIf, type LoadedSource } from '../scenario/index.js';
import { ScenarioError } from '../scenario/problems.js';
import { costedProjects, holdChoke, PROGRAMME, rowCase, streamsOf } from './appraise.js';
import { discountingOf, summarize, type Eirr } from './cashflow.js';

/** The rows a risk study follows: the scenario's costed projects by id, then the programme (appraisal.csv's order). */
export function riskRowIds(base: Model): string[] {
  const costed = costedProjects(base).map((p) => p.id).sort();
  return costed.length > 0 ? [...costed, PROGRAMME] : [];
}

/** An EIRR as it ranks: the rate, +∞ or −∞ where NPV keeps its sign at every rate, NaN where it is excluded (several rates, or nothing). */
export function eirrRank(e: Eirr): number {
  if (e.rate !== undefined) return e.rate;
  return e.kind === 'positive' ? Infinity : e.kind === 'negative' ? -Infinity : NaN;
}

export interface RiskBatch {
  readonly file: string;
  readonly set: readonly string[];
  readonly seed: number | string;
  /** Runs [from, to). */
  readonly from: number;
  readonly to: number;
}

/** Per row (riskRowIds' order), per run of the batch: NPV (million USD) and the EIRR's rank. */
export interface RiskBatchResult {
  readonly from: number;
  readonly npv: number[][];
  readonly eirr: number[][];
}

/** Each row's NPV and EIRR rank in one drawn scenario. Runs: 1 + one per row (+1 under route choice, for the choke prices). */
export function appraiseDraw(model: Model, options: SimulateOptions, ids: readonly string[]): { npv: number; eirr: number }[] {
  const held = holdChoke(model, options);
  const all = simulate(held, options);
  const d = discountingOf(held.economics);
  return ids.map((id) => {
    const c = rowCase(held, id);
    const s = summarize(streamsOf(held, c.projects, all, simulate(c.without(held), options)), d);
    return { npv: s.npv, eirr: eirrRank(s.eirr) };
  });
}

/** Runs [from, to) of a risk study, as steps (one run each). */
export function* riskBatch(source: LoadedSource, base: Model, batch: RiskBatch): Generator<void, RiskBatchResult> {
  const ids = riskRowIds(base);
  const npv = ids.map(() => [] as number[]);
  const eirr = ids.map(() => [] as number[]);
  for (let run = batch.from; run < batch.to; run++) {
    const draw = drawParams(base, batch.seed, run);
    const scenario = buildWhatIf(source, batch.set, draw.values, `run ${run}: --set`);
    const errors = scenario.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0 || !scenario.model) throw new ScenarioError(errors);
    const values = appraiseDraw(scenario.model, { eventApplies: drawEvents(scenario.model, batch.seed, run) }, ids);
    values.forEach((v, i) => {
      npv[i]!.push(v.npv);
      eirr[i]!.push(v.eirr);
    });
    yield;
  }
  return { from: batch.from, npv, eirr };
}

/** Every run's values, by row and run index (filled as batches arrive, in any order). */
export class RiskValues {
  readonly npv: Float64Array[];
  readonly eirr: Float64Array[];
  constructor(readonly ids: readonly string[], readonly runs: number) {
    this.npv = ids.map(() => new Float64Array(runs));
    this.eirr = ids.map(() => new Float64Array(runs));
  }

  add(r: RiskBatchResult): void {
    r.npv.forEach((a, i) => this.npv[i]!.set(a, r.from));
    r.eirr.forEach((a, i) => this.eirr[i]!.set(a, r.from));
  }
}

/** The lower quantile at rank q·(n − 1) of sorted values (montecarlo.csv's definition). */
export const lowerQuantile = (sorted: ArrayLike<number>, q: number): number => sorted[Math.floor(q * (sorted.length - 1) + 1e-9)]!;

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

/** appraisal-risk.csv: per row, NPV's mean, percentiles and P(NPV < 0); EIRR's percentiles over the runs that have one. */
export function riskTable(model: Model, values: RiskValues): Table {
  const rows: Cell[][] = values.ids.map((id, i) => {
    const npv = values.npv[i]!;
    let sum = 0;
    let negative = 0;
    for (const v of npv) {
      sum += v;
      if (v < 0) negative++;
    }
    const sortedNpv = Float64Array.from(npv).sort();
    const ranked = Float64Array.from(values.eirr[i]!.filter((v) => !Number.isNaN(v))).sort();
    const eirrAt = (q: number) => (ranked.length > 0 ? finite(lowerQuantile(ranked, q)) : null);
    return [
      model.name, id, model.economics.perspective, values.runs, sum / values.runs,
      lowerQuantile(sortedNpv, 0.05), lowerQuantile(sortedNpv, 0.5), lowerQuantile(sortedNpv, 0.95), negative / values.runs,
      eirrAt(0.05), eirrAt(0.5), eirrAt(0.95), values.runs - ranked.length,
    ];
  });
  return {
    file: 'appraisal-risk.csv',
    header: [
      'scenario', 'project', 'perspective', 'runs', 'npv_mean_musd', 'npv_p5_musd', 'npv_p50_musd', 'npv_p95_musd', 'p_npv_negative',
      'eirr_p5', 'eirr_p50', 'eirr_p95', 'eirr_runs_excluded',
    ],
    rows,
  };
}
