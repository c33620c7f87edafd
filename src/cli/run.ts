// corridor run <scenario>: simulate, write the tables and manifest.json atomically, print a summary.
import path from 'node:path';
import { yearMetrics } from '../engine/metrics.js';
import { targetYears } from '../engine/targets.js';
import { missedLine } from './check.js';
import { simulate, type Result } from '../engine/simulate.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { runTables } from '../io/tables.js';
import { writeFilesAtomically } from '../io/write.js';
import { loadForCommand, manifestFile, textTable } from './common.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';

export interface RunArgs {
  scenario: string;
  out?: string | undefined;
  set: string[];
  decimalComma: boolean;
  quiet: boolean;
  report: boolean;
}

export async function runCommand(args: RunArgs, io: Io): Promise<number> {
  const loaded = loadForCommand(args.scenario, io, args.set);
  const result = simulate(loaded.model);
  const outDir = args.out ?? path.join('output', loaded.model.name);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const tables = runTables(result);
  writeFilesAtomically(outDir, [
    ...tables.map((t) => ({ name: t.file, content: toCsv(t, dialect) })),
    manifestFile('run', loaded, args, tables.map((t) => t.file), io),
  ]);
  const report = args.report ? await writeReport(outDir, false) : undefined;
  if (!args.quiet) io.stdout(summaryText(result, outDir) + (report ? `report: ${report}\n` : ''));
  return 0;
}

/** Per year: demand, served, unserved, the highest utilization and where it is, and every binding element. */
export function summaryText(result: Result, outDir: string): string {
  const { model } = result;
  const Y = model.years;
  const unit = model.volumeUnit;
  const fmt = (x: number) => (x * unit.factor).toFixed(unit.factor >= 1e3 ? 0 : 3);
  const rows = yearMetrics(result).map((m) => [
    String(m.year), fmt(m.demand), fmt(m.served), fmt(m.unserved),
    Number.isFinite(m.maxUtilization) ? `${(m.maxUtilization * 100).toFixed(0)}%` : '', m.bottleneck, m.binding.join(', '),
  ]);
  const u = unit.name;
  const head = `${model.name}: ${model.startYear}–${model.startYear + Y - 1}, volumes in ${u}/year → ${outDir}/\n`;
  return head + textTable(['year', 'demand', 'served', 'unserved', 'max_util', 'bottleneck', 'binding'], rows) + targetsText(result);
}

/** The targets' verdict: every missed target-year by name, or that all are met. */
function targetsText(result: Result): string {
  if (result.model.targets.length === 0) return '';
  const years = targetYears(result);
  const missed = years.filter((t) => !t.met);
  if (missed.length === 0) return `targets: all ${years.length} target-years met\n`;
  return `targets: ${missed.length} of ${years.length} target-years missed\n${missed.map((t) => `  missed ${missedLine(result.model, t)}\n`).join('')}`;
}
