// Worker-thread tasks for sweeps and Monte Carlo (bin/worker.cjs loads them
// from the CLI bundle). Each worker reads a scenario once and runs batches
// with the same functions as a serial run.
import { buildScenario, loadSource, type LoadedSource } from '../scenario/index.js';
import { ScenarioError } from '../scenario/problems.js';
import { DECIMAL_COMMA, STANDARD, toCsvRows, type Cell } from '../io/csv.js';
import { yearMetrics } from '../engine/metrics.js';
import { finish, outcome, type Outcome } from './tasks.js';
import { Scratch } from './scratch.js';
import { BatchCollector, metricDefs, runOnce, type BatchData } from './montecarlo.js';
import { sweepBatch, type SweepBatch } from './sweep.js';
import type { Model } from '../engine/model.js';
import type { BufferHolder } from '../engine/simulate.js';
import { readRegularFile } from '../io/read.js';
import { riskBatch, type RiskBatch, type RiskBatchResult } from '../appraise/risk.js';
import { descentRules, type AdaptiveSearchTask } from '../adaptive/plan.js';
import type { Rule } from '../adaptive/rules.js';
import { drawFutures } from '../optimize/futures.js';

export interface MonteCarloBatch {
  file: string;
  set: string[];
  seed: number | string;
  /** Runs [from, to). */
  from: number;
  to: number;
  keepRuns: boolean;
  /** Send the runs' metric values too (sensitivity reads them), not only their buckets. */
  keepValues?: boolean;
  decimalComma: boolean;
}

export interface MonteCarloBatchResult extends BatchData {
  /** With keepRuns: runs.csv rows of the batch (per run and year, the draws and the summary metrics), formatted. */
  rows: string;
}

/** The worker-thread entry points (bin/worker.cjs). */
export const sweepTask = (batch: SweepBatch): Outcome<string> => outcome(() => finish(sweepBatch(sourceOf(batch.file), batch)));
export const monteCarloTask = (batch: MonteCarloBatch): Outcome<MonteCarloBatchResult> => outcome(() => finish(runMonteCarloBatch(batch)));
export const appraisalRiskTask = (batch: RiskBatch): Outcome<RiskBatchResult> => outcome(() => finish(riskBatch(sourceOf(batch.file), baseOf(batch.file, batch.set), batch)));
export const adaptiveSearchTask = (t: AdaptiveSearchTask): Outcome<Rule[]> =>
  outcome(() => {
    const base = baseOf(t.file, t.set);
    return finish(descentRules(base, drawFutures(sourceOf(t.file), base, t.set, t.seed, t.runs), t.need, t.start));
  });

const sources = new Map<string, LoadedSource>();
/** Run buffers of this thread's Monte Carlo batches (a holder makes buffers that fit each model). */
const runBuffers = new Scratch<BufferHolder>();
const bases = new Map<string, Model>();

function sourceOf(file: string): LoadedSource {
  let source = sources.get(file);
  if (!source) sources.set(file, (source = loadSource(file, (f) => readRegularFile(f))));
  return source;
}

function baseOf(file: string, set: readonly string[]): Model {
  const key = `${file}\0${set.join('\0')}`;
  let base = bases.get(key);
  if (!base) bases.set(key, (base = baseModel(sourceOf(file), set)));
  return base;
}

/** The base model (scenario with --set) whose uncertainty block the runs sample. */
export function baseModel(source: LoadedSource, set: readonly string[]): Model {
  const s = buildScenario(source, set);
  const errors = s.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !s.model) throw new ScenarioError(errors);
  return s.model;
}

export function runMonteCarloBatch(batch: MonteCarloBatch): Generator<void, MonteCarloBatchResult> {
  return monteCarloBatch(sourceOf(batch.file), baseOf(batch.file, batch.set), batch);
}

/** Runs [from, to) and returns their metrics for the aggregate. */
export function* monteCarloBatch(source: LoadedSource, base: Model, batch: MonteCarloBatch): Generator<void, MonteCarloBatchResult> {
  const collector = new BatchCollector(base, metricDefs(base), batch.to - batch.from, batch.keepValues);
  const rows: Cell[][] = [];
  // The thread's run buffers: the first run of a batch finds the last batch's years (scratch.ts).
  const { value: buffers, release } = runBuffers.take(() => true, () => ({}));
  try {
    for (let run = batch.from; run < batch.to; run++) {
      const outcome = runOnce(source, base, batch.set, batch.seed, run, buffers);
      collector.add(outcome);
      if (batch.keepRuns) rows.push(...runRows(base, run, outcome));
      yield;
    }
  } finally {
    release();
  }
  return { ...collector.result(), rows: rows.length > 0 ? toCsvRows(rows, batch.decimalComma ? DECIMAL_COMMA : STANDARD) : '' };
}

/** runs.csv's columns: the run, its draws, then the summary metrics. */
export function runsHeader(base: Model): string[] {
  const s = base.volumeUnit.suffix;
  return ['scenario', 'run', ...base.uncertainty.map((p) => p.name), 'year', `demand${s}`, `served${s}`, `unserved${s}`, 'max_utilization', 'bottleneck'];
}

function runRows(base: Model, run: number, outcome: ReturnType<typeof runOnce>): Cell[][] {
  const draws = base.uncertainty.map((p) => outcome.draw.values[p.name]!);
  const k = base.volumeUnit.factor;
  return yearMetrics(outcome.result).map((m) => [base.name, run, ...draws, m.year, m.demand * k, m.served * k, m.unserved * k, m.maxUtilization, m.bottleneck]);
}
