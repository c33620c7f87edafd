// corridor montecarlo <scenario> --runs N --seed S [--workers K]: sample the
// uncertainty block, run N times, write percentiles (and runs.csv with --keep-runs).
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Aggregate, metricDefs, monteCarloTable, SKETCH_ACCURACY, type MetricDef } from '../analysis/montecarlo.js';
import { Aborted, runParallel } from '../analysis/pool.js';
import { baseModel, monteCarloBatch, type MonteCarloBatch, type MonteCarloBatchResult } from '../analysis/worker.js';
import type { Model } from '../engine/model.js';
import { DECIMAL_COMMA, STANDARD, toCsv, toCsvRows, type Cell } from '../io/csv.js';
import { temporaryPath, writeFilesAtomically } from '../io/write.js';
import { DEFAULT_SEED } from '../random/streams.js';
import { VERSION } from '../version.js';
import { UsageError } from './errors.js';
import { readSource } from './common.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';
import { progress } from './progress.js';

export interface MonteCarloArgs {
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

/** Runs per task. Results do not depend on it; it only sets how often progress moves. */
export const BATCH_RUNS = 50;
/** Below this many runs, Monte Carlo stays in the main thread. */
export const PARALLEL_RUNS = 200;

export class Interrupted extends Error {
  override name = 'Interrupted';
}

export async function monteCarloCommand(args: MonteCarloArgs, io: Io): Promise<number> {
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new UsageError(`--runs must be a whole number ≥ 1, got ${args.runs}`);
  const seed = args.seed ?? DEFAULT_SEED;
  const source = readSource(args.scenario, io);
  const base = baseModel(source, args.set);
  if (base.uncertainty.length === 0 && !base.events.some((e) => e.probability)) {
    io.stderr(`${args.scenario}: warning: no \`uncertainty\` block and no event with a probability: every run is the same\n`);
  }
  const outDir = args.out ?? path.join('output', `montecarlo-${base.name}`);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const batches: MonteCarloBatch[] = [];
  for (let from = 0; from < args.runs; from += BATCH_RUNS) {
    batches.push({ file: path.resolve(args.scenario), set: args.set, seed, from, to: Math.min(args.runs, from + BATCH_RUNS), keepRuns: args.keepRuns });
  }
  const defs = metricDefs(base);
  const agg = new Aggregate(base, defs);
  const runsFile = args.keepRuns ? new RunsWriter(outDir, base, dialect) : undefined;
  const abort = new AbortController();
  setMaxListeners(batches.length + 10, abort.signal); // the pool listens once per task
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const bar = progress(io, args.runs, 'montecarlo');
  let done = 0;
  const take = (r: MonteCarloBatchResult, i: number) => {
    agg.addBatch(r);
    runsFile?.add(i, r.rows);
    done += r.runs;
    bar.update(done);
  };
  const workers = Math.max(1, Math.min(args.workers ?? os.availableParallelism(), batches.length));
  try {
    await runParallel<MonteCarloBatch, MonteCarloBatchResult>({
      name: 'monteCarloTask',
      tasks: batches,
      threads: args.runs >= PARALLEL_RUNS ? workers : 1,
      local: (batch) => monteCarloBatch(source, base, batch),
      onResult: take,
      signal: abort.signal,
    }).catch((err) => {
      throw err instanceof Aborted ? new Interrupted('interrupted') : err;
    });
  } catch (err) {
    runsFile?.discard();
    throw err;
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const manifest = {
    tool: 'corridor-sim', version: VERSION, command: 'montecarlo', run_at: io.now().toISOString(), csv: args.decimalComma ? 'decimal-comma' : 'standard',
    scenario: { name: base.name, path: args.scenario }, overrides: args.set, params: base.params,
    seed, runs: args.runs, streams: 'seedrandom.alea keyed "<seed>/<param>/<run>" and "<seed>/event:<id>/<run>"',
    quantiles: `DDSketch, relative accuracy ${SKETCH_ACCURACY * 100} %, clamped to the values seen`, draws: agg.drawSummary(),
  };
  writeFilesAtomically(outDir, [
    { name: 'montecarlo.csv', content: toCsv(monteCarloTable(base, defs, agg), dialect) },
    ...(runsFile ? [{ name: 'runs.csv', content: { tempFile: runsFile.finish() } }] : []),
    { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
  ]);
  if (args.report) await writeReport(outDir, false);
  io.stdout(summaryText(base, defs, agg, args.runs, seed, outDir));
  return 0;
}

/** runs.csv written as batches arrive, in run order, to a temporary file renamed at the end. */
class RunsWriter {
  private readonly file: string;
  private readonly fd: number;
  private next = 0;
  private readonly pending = new Map<number, (string | number)[][]>();

  constructor(dir: string, base: Model, private readonly dialect: typeof STANDARD) {
    this.file = temporaryPath(dir, 'runs.csv');
    this.fd = fs.openSync(this.file, 'w');
    const s = base.volumeUnit.suffix;
    const header = ['scenario', 'run', ...base.uncertainty.map((p) => p.name), 'year', `demand${s}`, `served${s}`, `unserved${s}`, 'max_utilization', 'bottleneck'];
    fs.writeSync(this.fd, toCsv({ file: 'runs.csv', header, rows: [] }, dialect));
  }

  add(index: number, rows: (string | number)[][]): void {
    this.pending.set(index, rows);
    while (this.pending.has(this.next)) {
      fs.writeSync(this.fd, toCsvRows(this.pending.get(this.next)! as Cell[][], this.dialect));
      this.pending.delete(this.next++);
    }
  }

  finish(): string {
    fs.closeSync(this.fd);
    return this.file;
  }

  discard(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.file, { force: true });
  }
}

function summaryText(model: Model, defs: readonly MetricDef[], agg: Aggregate, runs: number, seed: number | string, outDir: string): string {
  const Y = model.years;
  const k = model.volumeUnit.factor;
  const served = defs.findIndex((d) => d.metric === 'served' && d.element < 0);
  const lines = [`${model.name}: ${runs} runs, seed ${seed} → ${outDir}/`, 'year  served p5 – p50 – p95      P(unserved)  most frequent bottleneck'];
  for (let y = 0; y < Y; y++) {
    const i = served * Y + y;
    let best = -1;
    for (let e = 0; e < model.elements.length; e++) if (best < 0 || agg.bottleneck[e * Y + y]! > agg.bottleneck[best * Y + y]!) best = e;
    const share = best >= 0 ? agg.bottleneck[best * Y + y]! / agg.runs : 0;
    lines.push(
      `${model.startYear + y}  ${[0.05, 0.5, 0.95].map((q) => (agg.quantile(i, q) * k).toFixed(2).padStart(7)).join(' – ')}  ${`${((agg.unserved[y]! / agg.runs) * 100).toFixed(0)}%`.padStart(11)}  ${share > 0 ? `${model.elements[best]!.id} (${(share * 100).toFixed(0)}%)` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
