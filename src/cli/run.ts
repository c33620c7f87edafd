// corridor run <scenario>: simulate, write the tables and manifest.json atomically, print a summary.
import { yearMetrics } from '../engine/metrics.js';
import { targetYears } from '../engine/targets.js';
import { simulate, type Result } from '../engine/simulate.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { runTables } from '../io/tables.js';
import { writeFilesAtomically } from '../io/write.js';
import { manifestFile, modelForRun, textTable, type TableCommandArgs, outputFolder, workbookMeta, xlsxFiles } from './common.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';

export type RunArgs = TableCommandArgs;

export async function runCommand(args: RunArgs, io: Io): Promise<number> {
  const loaded = modelForRun(args.scenario, io, args.set);
  const result = simulate(loaded.model);
  const outDir = outputFolder(args.out, loaded.model.name, '', args.set);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const tables = runTables(result);
  writeFilesAtomically(outDir, [
    ...tables.map((t) => ({ name: t.file, content: toCsv(t, dialect) })),
    manifestFile('run', loaded, args, tables.map((t) => t.file), io, result.choice ? { choice: choiceManifest(result) } : {}),
    ...(await xlsxFiles(args.xlsx, `${loaded.model.name}.xlsx`, workbookMeta('run', loaded.model), tables)),
  ]);
  const report = args.report ? await writeReport(outDir, false) : undefined;
  if (!args.quiet) io.stdout(summaryText(result, outDir) + (report ? `report: ${report}\n` : ''));
  return 0;
}

/** The equilibrium of a choice run: its largest gap over the years and how it was found. */
export function choiceManifest(result: Result): Record<string, unknown> {
  const gap = result.choice!.gap.reduce((m, g) => Math.max(m, g), 0);
  return {
    equilibrium_gap: gap,
    solver: 'scarcity costs by projected Newton on the convex dual (exact Hessian, Armijo search, least-norm weight 1e-13); congestion by a damped fixed point on the volumes',
  };
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

/** The targets' verdict: per target, the years it is missed (as ranges) and the largest shortfall, or that all are met. */
function targetsText(result: Result): string {
  const { model } = result;
  if (model.targets.length === 0) return '';
  const years = targetYears(result);
  const missed = years.filter((t) => !t.met);
  if (missed.length === 0) return `targets: all ${years.length} target-years met\n`;
  const u = model.volumeUnit;
  const n = (x: number) => String(+(x * u.factor).toFixed(3));
  const lines = model.targets.flatMap((t, i) => {
    const own = missed.filter((m) => m.target === i);
    if (own.length === 0) return [];
    const worst = own.reduce((a, b) => (b.required - b.served > a.required - a.served ? b : a));
    return [`  missed ${t.id} in ${yearRanges(own.map((m) => m.year))} (short by up to ${n(worst.required - worst.served)} ${u.name}/year: ${n(worst.served)} of ${n(worst.required)} in ${worst.year})\n`];
  });
  return `targets: ${missed.length} of ${years.length} target-years missed\n${lines.join('')}`;
}

/** 2028, 2029, 2030, 2033 → "2028–2030, 2033". */
function yearRanges(years: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < years.length; i++) {
    let j = i;
    while (j + 1 < years.length && years[j + 1] === years[j]! + 1) j++;
    parts.push(j > i ? `${years[i]}–${years[j]}` : String(years[i]));
    i = j;
  }
  return parts.join(', ');
}
