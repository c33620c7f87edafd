// corridor sensitivity <scenario>: which assumption matters most? A tornado
// (one factor at a time) and global indices from one seeded Monte Carlo
// sample, run on the Monte Carlo machinery (streams, threads, Ctrl-C).
import path from 'node:path';
import { metricDefs } from '../analysis/montecarlo.js';
import { baseModel, monteCarloBatch, type MonteCarloBatch, type MonteCarloBatchResult } from '../analysis/worker.js';
import { simulate } from '../engine/simulate.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { writeFilesAtomically } from '../io/write.js';
import { wideByYear } from '../io/xlsx.js';
import { DEFAULT_SEED } from '../random/streams.js';
import { sensitivityTable, tornadoTable, type Sample } from '../sensitivity/tables.js';
import { factors, runWith } from '../sensitivity/tornado.js';
import { VERSION } from '../version.js';
import { countProblem, seedProblem, rateText, readSource, runPhase, textTable, threadsFrom, outputFolder, workbookMeta, xlsxFiles } from './common.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { BATCH_RUNS } from './montecarlo.js';
import { progress } from './progress.js';
import { writeReport } from './report.js';

export interface SensitivityArgs {
  /** Also write the tables as one workbook. */
  xlsx?: boolean | undefined;
  scenario: string;
  year?: number | undefined;
  runs: number;
  seed?: number | undefined;
  workers?: number | undefined;
  set: string[];
  out?: string | undefined;
  decimalComma: boolean;
  report: boolean;
}

/** Runs of the global sample by default. */
export const SENSITIVITY_RUNS = 2000;

export async function sensitivityCommand(args: SensitivityArgs, io: Io): Promise<number> {
  const bad = [countProblem('--runs', args.runs), countProblem('--workers', args.workers), seedProblem(args.seed)].filter((p) => p !== undefined);
  const source = readSource(args.scenario, io);
  const base = baseModel(source, args.set);
  const last = base.startYear + base.years - 1;
  const year = args.year ?? last;
  if (!Number.isInteger(year) || year < base.startYear || year > last) bad.push(`--year must be a year from ${base.startYear} to ${last}, got ${year}`);
  if (bad.length > 0) throw new UsageError(bad.join('\n'));
  const seed = args.seed ?? DEFAULT_SEED;

  // One factor at a time, on the deterministic run (as `corridor run`).
  const tornadoRuns = factors(base).map((factor) => ({
    factor,
    low: factor.lowSet ? runWith(source, args.set, factor.lowSet) : undefined,
    high: runWith(source, args.set, factor.highSet),
  }));
  for (const r of tornadoRuns) {
    if ((r.factor.lowSet && !r.low) || !r.high) io.stderr(`${args.scenario}: warning: ${r.factor.name} at ${r.low ? r.factor.high : r.factor.low} makes the scenario invalid; its tornado row is empty\n`);
  }
  const tornado = tornadoTable(simulate(base), year, tornadoRuns);

  // The global sample: Monte Carlo runs, kept by run index (the same bytes for any --workers).
  const Y = base.years;
  const P = base.uncertainty.length;
  const sample: Sample = { runs: args.runs, draws: new Float64Array(args.runs * P), served: new Float64Array(args.runs * Y), unserved: new Float64Array(args.runs * Y) };
  const defs = metricDefs(base);
  const servedMetric = defs.findIndex((d) => d.metric === 'served' && d.element < 0);
  const unservedMetric = defs.findIndex((d) => d.metric === 'unserved' && d.element < 0);
  const file = path.resolve(args.scenario);
  const batches: MonteCarloBatch[] = [];
  for (let from = 0; from < args.runs; from += BATCH_RUNS) {
    batches.push({ file, set: args.set, seed, from, to: Math.min(args.runs, from + BATCH_RUNS), keepRuns: false, keepValues: true, decimalComma: false });
  }
  const bar = progress(io, args.runs, 'sensitivity');
  let done = 0;
  const take = (r: MonteCarloBatchResult, i: number) => {
    const from = batches[i]!.from;
    for (let k = 0; k < r.runs; k++) {
      const run = from + k;
      for (let p = 0; p < P; p++) sample.draws[run * P + p] = r.draws[k * P + p]!;
      for (let y = 0; y < Y; y++) {
        sample.served[run * Y + y] = r.values[(servedMetric * Y + y) * r.stride + k]!;
        sample.unserved[run * Y + y] = r.values[(unservedMetric * Y + y) * r.stride + k]!;
      }
    }
    bar.update((done += r.runs));
  };
  const phase = P === 0
    ? { runs: 0, seconds: 0, threads: 1 }
    : await runPhase<MonteCarloBatch, MonteCarloBatchResult>(
        { name: 'monteCarloTask', tasks: batches, runs: args.runs, threads: threadsFrom(args.workers), local: (batch) => monteCarloBatch(source, base, batch), onResult: take },
        bar,
        () => {},
      );
  const global = sensitivityTable(base, P === 0 ? { ...sample, runs: 0 } : sample);

  const outDir = outputFolder(args.out, base.name, '-sensitivity', args.set);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const manifest = {
    tool: 'corridor-sim', version: VERSION, command: 'sensitivity', run_at: io.now().toISOString(), csv: args.decimalComma ? 'decimal-comma' : 'standard',
    scenario: { name: base.name, path: args.scenario }, overrides: args.set, params: base.params, volume_unit: `${base.volumeUnit.name}/year`,
    year, seed, runs: args.runs,
    tornado: 'uncertain params at p5/p95 (discrete: smallest and largest value), other params at ±20 % (years ±2), projects online ±2 years and removed',
    first_order: 'given-data binning estimator on the Monte Carlo sample (docs/sensitivity.md)',
  };
  writeFilesAtomically(outDir, [
    { name: 'tornado.csv', content: toCsv(tornado, dialect) },
    { name: 'sensitivity.csv', content: toCsv(global, dialect) },
    ...(await xlsxFiles(args.xlsx, 'sensitivity.xlsx', { ...workbookMeta('sensitivity', base, seed), about: { 'sensitivity-wide.csv': 'sensitivity.csv pivoted: years down; per metric and factor its Spearman ρ and first-order index across' } }, [
      tornado, global, wideByYear(global, ['factor'], ['spearman', 'first_order'], 'metric'),
    ])),
    { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
  ]);
  const report = args.report ? await writeReport(outDir, false) : undefined;
  io.stdout(summaryText(base.name, year, tornado, global, P === 0 ? 'no uncertainty block: no global indices' : `${args.runs} runs (${rateText(phase)}), seed ${seed}`, outDir) + (report ? `report: ${report}\n` : ''));
  return 0;
}

/** The three largest swings of served volume in the year, and the input that explains most of its variance. */
function summaryText(name: string, year: number, tornado: ReturnType<typeof tornadoTable>, global: ReturnType<typeof sensitivityTable>, what: string, outDir: string): string {
  const served = tornado.header.indexOf('metric');
  const rows = tornado.rows.filter((r) => String(r[served]).startsWith('served_') && r[9] !== null).slice(0, 5);
  const fmt = (c: unknown) => (typeof c === 'number' ? String(+c.toFixed(3)) : String(c ?? ''));
  const table = textTable(['factor', 'kind', 'low', 'high', `served ${year} at low`, 'at high', 'swing'], rows.map((r) => [r[1], r[2], r[3], r[4], r[7], r[8], r[9]].map(fmt)));
  const top = global.rows.filter((r) => r[1] === year && String(r[2]).startsWith('served_') && typeof r[5] === 'number').sort((a, b) => (b[5] as number) - (a[5] as number))[0];
  const words = top ? `${top[3]} explains ${Math.round((top[5] as number) * 100)} % of the variance of served volume in ${year} (first-order index)\n` : '';
  return `${name}: sensitivity, ${what} → ${outDir}/\nlargest swings of served volume in ${year}:\n${table}${words}`;
}
