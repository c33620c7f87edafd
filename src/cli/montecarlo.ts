// corridor montecarlo <scenario> --runs N --seed S [--workers K]: sample the
// uncertainty block, run N times, write percentiles (and runs.csv with --keep-runs).
import path from 'node:path';
import { Aggregate, metricDefs, monteCarloTable, SKETCH_ACCURACY, type MetricDef } from '../analysis/montecarlo.js';
import { baseModel, monteCarloBatch, runsHeader, type MonteCarloBatch, type MonteCarloBatchResult } from '../analysis/worker.js';
import type { Model } from '../engine/model.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { wideByYear } from '../io/xlsx.js';
import { OrderedFile, writeFilesAtomically } from '../io/write.js';
import { DEFAULT_SEED } from '../random/streams.js';
import { VERSION } from '../version.js';
import { UsageError } from './errors.js';
import { countProblem, seedProblem, rateText, readSource, runPhase, threadsFrom, outputFolder, workbookMeta, xlsxFiles } from './common.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';
import { progress } from './progress.js';

export interface MonteCarloArgs {
  /** Also write the tables as one workbook. */
  xlsx?: boolean | undefined;
  scenario: string;
  runs: number;
  seed?: number | undefined;
  workers?: number | undefined;
  set: string[];
  out?: string | undefined;
  keepRuns: boolean;
  decimalComma: boolean;
  report: boolean;
}

/**
 * Runs per task. Results do not depend on it. It sets how often progress
 * moves, and how often the main thread merges a batch into the aggregate:
 * a merge walks every cell's counts (~1 MB for the baseline), so it costs
 * per run half as much at 200 runs a batch as at 50 (bench `runs`).
 */
export const BATCH_RUNS = 200;

const WIDE_ABOUT = { 'montecarlo-wide.csv': 'montecarlo.csv pivoted: years down; per metric (and element) its mean and percentiles across' };

export async function monteCarloCommand(args: MonteCarloArgs, io: Io): Promise<number> {
  const bad = [countProblem('--runs', args.runs), countProblem('--workers', args.workers), seedProblem(args.seed)].filter((p) => p !== undefined);
  if (bad.length > 0) throw new UsageError(bad.join('\n'));
  const maxThreads = threadsFrom(args.workers);
  const file = path.resolve(args.scenario);
  const seed = args.seed ?? DEFAULT_SEED;
  const source = readSource(args.scenario, io);
  const base = baseModel(source, args.set);
  if (base.uncertainty.length === 0 && !base.events.some((e) => e.probability)) {
    io.stderr(`${args.scenario}: warning: no \`uncertainty\` block and no event with a probability: every run is the same\n`);
  }
  const outDir = outputFolder(args.out, `montecarlo-${base.name}`, '', args.set);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const batches: MonteCarloBatch[] = [];
  for (let from = 0; from < args.runs; from += BATCH_RUNS) {
    batches.push({ file, set: args.set, seed, from, to: Math.min(args.runs, from + BATCH_RUNS), keepRuns: args.keepRuns, decimalComma: args.decimalComma });
  }
  const defs = metricDefs(base);
  const agg = new Aggregate(base, defs);
  const runsFile = args.keepRuns ? new OrderedFile(outDir, 'runs.csv', toCsv({ file: 'runs.csv', header: runsHeader(base), rows: [] }, dialect)) : undefined;
  const bar = progress(io, args.runs, 'montecarlo');
  let done = 0;
  const take = (r: MonteCarloBatchResult, i: number) => {
    agg.addBatch(r);
    runsFile?.add(i, r.rows);
    done += r.runs;
    bar.update(done);
  };
  const phase = await runPhase<MonteCarloBatch, MonteCarloBatchResult>(
    { name: 'monteCarloTask', tasks: batches, runs: args.runs, threads: maxThreads, local: (batch) => monteCarloBatch(source, base, batch), onResult: take },
    bar,
    () => runsFile?.discard(),
  );
  const manifest = {
    tool: 'corridor-sim', version: VERSION, command: 'montecarlo', run_at: io.now().toISOString(), csv: args.decimalComma ? 'decimal-comma' : 'standard',
    scenario: { name: base.name, path: args.scenario }, overrides: args.set, params: base.params,
    seed, runs: args.runs, streams: 'seedrandom.alea keyed "<seed>/<param>/<run>" and "<seed>/event:<id>/<run>"',
    quantiles: `DDSketch, relative accuracy ${SKETCH_ACCURACY * 100} %, clamped to the values seen`, draws: agg.drawSummary(),
  };
  const table = monteCarloTable(base, defs, agg);
  writeFilesAtomically(outDir, [
    { name: 'montecarlo.csv', content: toCsv(table, dialect) },
    ...(await xlsxFiles(args.xlsx, 'montecarlo.xlsx', { ...workbookMeta('montecarlo', base, seed), about: WIDE_ABOUT }, [table, wideByYear(table, ['element'], ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'], 'metric')])),
    ...(runsFile ? [runsFile.finish()] : []),
    { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
  ]);
  if (args.report) await writeReport(outDir, false);
  io.stdout(summaryText(base, defs, agg, `${args.runs} runs (${rateText(phase)}), seed ${seed}`, outDir));
  return 0;
}

function summaryText(model: Model, defs: readonly MetricDef[], agg: Aggregate, what: string, outDir: string): string {
  const Y = model.years;
  const k = model.volumeUnit.factor;
  const served = defs.findIndex((d) => d.metric === 'served' && d.element < 0);
  const lines = [`${model.name}: ${what} → ${outDir}/`, 'year  served p5 – p50 – p95      P(unserved)  most frequent bottleneck'];
  for (let y = 0; y < Y; y++) {
    const i = served * Y + y;
    let best = -1;
    for (let e = 0; e < model.elements.length; e++) if (best < 0 || agg.bottleneck[e * Y + y]! > agg.bottleneck[best * Y + y]!) best = e;
    const share = best >= 0 ? agg.bottleneck[best * Y + y]! / agg.runs : 0;
    lines.push(
      `${model.startYear + y}  ${[0.05, 0.5, 0.95].map((q) => (agg.quantile(i, q) * k).toFixed(2).padStart(7)).join(' – ')}  ${`${((agg.unserved[y]! / agg.runs) * 100).toFixed(0)}%`.padStart(11)}  ${share > 0 ? `${model.elements[best]!.id} (${(share * 100).toFixed(0)}%)` : ''}`,
    );
  }
  return `${lines.join('\n')}\n${targetOdds(model, defs, agg)}`;
}

/** Per target, how likely it is met, in words: "titr-10mt: met in 0 % of runs in 2028, 12 % in 2030, 48 % in 2040". */
function targetOdds(model: Model, defs: readonly MetricDef[], agg: Aggregate): string {
  const Y = model.years;
  const lines = defs.flatMap((d, m) => {
    if (d.metric !== 'target_met') return [];
    const t = model.targets[d.of!]!;
    const years = [t.from, Math.round((t.from + t.to) / 2), t.to].filter((y, i, a) => a.indexOf(y) === i);
    const odds = years.map((year, i) => `${Math.round(agg.mean(m * Y + year - model.startYear) * 100)} %${i === 0 ? ' of runs' : ''} in ${year}`);
    return [`  ${t.id}: met in ${odds.join(', ')}`];
  });
  return lines.length > 0 ? `probability that each target is met (montecarlo.csv, metric target_met):\n${lines.join('\n')}\n` : '';
}
