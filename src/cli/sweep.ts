// corridor sweep <scenario> --param name=start:stop:step ...: run a grid of param values.
import fs from 'node:fs';
import path from 'node:path';
import { grid, MAX_COMBINATIONS, overridesFor, parseSweepParam, sweepBatch, sweepHeader, type SweepBatch, type SweepParam } from '../analysis/sweep.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { readRegularFile } from '../io/read.js';
import { OrderedFile, writeFilesAtomically, type OutputFile } from '../io/write.js';
import { tableOfCsv } from '../io/xlsx.js';
import { buildScenario, type LoadedSource } from '../scenario/index.js';
import { ScenarioError, type Problem } from '../scenario/problems.js';
import { VERSION } from '../version.js';
import { UsageError } from './errors.js';
import { countProblem, rateText, readSource, runPhase, threadsFrom, outputFolder, workbookMeta, xlsxFiles } from './common.js';
import type { Io } from './io.js';
import { progress } from './progress.js';

export interface SweepArgs {
  scenario: string;
  param: string[];
  set: string[];
  workers?: number | undefined;
  out?: string | undefined;
  decimalComma: boolean;
  /** Also write the table as a workbook. */
  xlsx?: boolean | undefined;
}

/** Rows a worksheet holds (Excel's limit), the header's included. */
const EXCEL_ROWS = 1_048_576;

/** Combinations per task handed to a thread. */
const SWEEP_BATCH = 16;

export async function sweepCommand(args: SweepArgs, io: Io): Promise<number> {
  const parsed = args.param.map(parseSweepParam);
  const bad = parsed.filter((p): p is string => typeof p === 'string');
  if (args.param.length === 0) bad.push('name at least one --param');
  const workers = countProblem('--workers', args.workers);
  if (workers) bad.push(workers);
  if (bad.length === 0) {
    // The grid's size before it is built: 1,000 values of each of three params is 10^9 runs, and the list of them would not fit the heap.
    const size = (parsed as SweepParam[]).reduce((n, p) => n * p.values.length, 1);
    if (size > MAX_COMBINATIONS) bad.push(`the grid has ${size.toLocaleString('en-US')} combinations, more than the ${MAX_COMBINATIONS.toLocaleString('en-US')} a sweep may run; use fewer values or coarser steps`);
  }
  if (bad.length > 0) throw new UsageError(bad.join('\n'));
  const params = parsed as SweepParam[];
  const maxThreads = threadsFrom(args.workers);
  const combos = grid(params);
  const file = path.resolve(args.scenario);
  const source = readSource(args.scenario, io);
  const base = checkOverrides(source, args.set, params);
  if (args.xlsx && combos.length * base.years >= EXCEL_ROWS) {
    throw new UsageError(`--xlsx: sweep.csv will have ${(combos.length * base.years).toLocaleString('en-US')} rows, more than a worksheet holds (${(EXCEL_ROWS - 1).toLocaleString('en-US')}); sweep fewer combinations, or leave out --xlsx`);
  }
  const overrides = combos.map((c) => [...args.set, ...overridesFor(params, c)]);
  const batches: SweepBatch[] = [];
  for (let i = 0; i < combos.length; i += SWEEP_BATCH) {
    batches.push({
      file, name: base.name, combos: overrides.slice(i, i + SWEEP_BATCH), values: combos.slice(i, i + SWEEP_BATCH),
      factor: base.volumeUnit.factor, decimalComma: args.decimalComma,
    });
  }
  const outDir = outputFolder(args.out, `sweep-${base.name}`, '', args.set);
  const csv = new OrderedFile(outDir, 'sweep.csv', toCsv({ file: 'sweep.csv', header: sweepHeader(params, base.volumeUnit), rows: [] }, args.decimalComma ? DECIMAL_COMMA : STANDARD));
  const bar = progress(io, combos.length, 'sweep');
  let finished = 0;
  const phase = await runPhase<SweepBatch, string>(
    {
      name: 'sweepTask',
      tasks: batches,
      runs: combos.length,
      threads: maxThreads,
      local: (batch) => sweepBatch(source, batch),
      onResult: (rows, i) => {
        csv.add(i, rows);
        bar.update((finished += batches[i]!.combos.length));
      },
    },
    bar,
    () => csv.discard(),
  );
  const manifest = {
    tool: 'corridor-sim', version: VERSION, command: 'sweep', run_at: io.now().toISOString(),
    scenario: args.scenario, overrides: args.set, params: params.map((p) => ({ name: p.name, values: p.values })), combinations: combos.length,
  };
  const table = csv.finish();
  // The workbook reads the table back from its finished temporary file (it was written in pieces, as batches came).
  let workbookFiles: OutputFile[] = [];
  try {
    if (args.xlsx) workbookFiles = await xlsxFiles(true, 'sweep.xlsx', workbookMeta('sweep', base), [tableOfCsv('sweep.csv', readRegularFile(table.content.tempFile, Infinity), args.decimalComma)]);
  } catch (err) {
    fs.rmSync(table.content.tempFile, { force: true });
    throw err;
  }
  writeFilesAtomically(outDir, [table, ...workbookFiles, { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` }]);
  io.stdout(`${base.name}: ${combos.length} combinations × ${base.years} years in ${phase.seconds.toFixed(2)} s (${rateText(phase)}) → ${outDir}/sweep.csv\n`);
  return 0;
}

/**
 * Every bad override at once, before anything runs: the base --set, then each
 * swept param on its own at its first, middle and last value.
 */
function checkOverrides(source: LoadedSource, set: string[], params: SweepParam[]) {
  const problems: Problem[] = [];
  const errorsOf = (overrides: string[]) => buildScenario(source, overrides).problems.filter((p) => p.severity === 'error');
  const base = buildScenario(source, set);
  problems.push(...base.problems.filter((p) => p.severity === 'error'));
  const seen = new Set(problems.map((p) => `${p.path}: ${p.message}`));
  if (problems.length === 0) {
    for (const p of params) {
      const picks = [...new Set([p.values[0]!, p.values[Math.floor(p.values.length / 2)]!, p.values[p.values.length - 1]!])];
      for (const v of picks) {
        for (const e of errorsOf([...set, `${p.name}=${v}`])) {
          const key = `${e.path}: ${e.message}`;
          if (!seen.has(key)) problems.push({ ...e, file: `--param ${p.name}=${v}` });
          seen.add(key);
        }
      }
    }
  }
  if (problems.length > 0 || !base.model) throw new ScenarioError(problems);
  return base.model;
}
