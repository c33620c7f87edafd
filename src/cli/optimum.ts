// corridor optimum <scenario>: per year, the most the network could carry with
// free routing, beside what behaviour carries, and what one more Mt/year of
// each capacity is worth to each.
import { simulate } from '../engine/simulate.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { writeFilesAtomically } from '../io/write.js';
import { behaviouralValues } from '../optimize/behaviour.js';
import { solveOptimum, type OptimumResult } from '../optimize/optimum.js';
import { Solver } from '../optimize/solver.js';
import { comparable, FREE_FLOW_NOTE, optimisedModel } from '../optimize/network-demand.js';
import { isChoice } from '../engine/choice.js';
import { optimumTables } from '../optimize/tables.js';
import type { Result } from '../engine/simulate.js';
import { loadForCommand, manifestFile, textTable, type TableCommandArgs, outputFolder, workbookMeta, xlsxFiles } from './common.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';

export type OptimumArgs = TableCommandArgs;

export async function optimumCommand(args: OptimumArgs, io: Io): Promise<number> {
  const loaded = loadForCommand(args.scenario, io, args.set);
  const result = simulate(loaded.model);
  const optimum = solveOptimum(optimisedModel(loaded.model), result.capacity, await Solver.load());
  const tables = optimumTables(result, optimum, behaviouralValues(result));
  const outDir = outputFolder(args.out, loaded.model.name, '-optimum', args.set);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  writeFilesAtomically(outDir, [
    ...tables.map((t) => ({ name: t.file, content: toCsv(t, dialect) })),
    manifestFile('optimum', loaded, args, tables.map((t) => t.file), io, {
      solver: 'HiGHS (highs on npm), one LP per year; values from the dual optimal face',
      ...(isChoice(loaded.model) ? { demand: FREE_FLOW_NOTE } : {}),
    }),
    ...(await xlsxFiles(args.xlsx, 'optimum.xlsx', workbookMeta('optimum', loaded.model), tables)),
  ]);
  const report = args.report ? await writeReport(outDir, false) : undefined;
  if (!args.quiet) io.stdout(optimumText(result, optimum, outDir) + (isChoice(loaded.model) ? `${FREE_FLOW_NOTE}\n` : '') + (report ? `report: ${report}\n` : ''));
  return 0;
}

/** Per year: served by behaviour and at the optimum, the routing loss, and the capacity worth most to the optimum. */
function optimumText(result: Result, optimum: OptimumResult, outDir: string): string {
  const { model } = result;
  const Y = model.years;
  const u = model.volumeUnit;
  const fmt = (x: number) => (x * u.factor + 0).toFixed(u.factor >= 1e3 ? 0 : 3).replace(/^-(0\.?0*)$/, '$1');
  const rows = [];
  const behaviour = comparable(result);
  for (let y = 0; y < Y; y++) {
    let served = 0;
    for (let f = 0; f < model.flows.length; f++) served += behaviour.served[f * Y + y]!;
    let best = -1;
    model.constraints.forEach((_, c) => {
      if (optimum.value[c * Y + y]! > 1e-9 && (best < 0 || optimum.value[c * Y + y]! > optimum.value[best * Y + y]!)) best = c;
    });
    const worth = best < 0 ? '' : `${constraintName(result, best)} (${+optimum.value[best * Y + y]!.toFixed(3)})`;
    rows.push([String(model.startYear + y), fmt(served), fmt(optimum.served[y]!), fmt(optimum.served[y]! - served), worth]);
  }
  const head = `${model.name}: system optimum, ${model.startYear}–${model.startYear + Y - 1}, volumes in ${u.name}/year → ${outDir}/\n`;
  return head + textTable(['year', 'served', 'optimal', 'routing_loss', 'worth most (Mt per Mt)'], rows);
}

/** An element's id, with the cargo class for a per-class capacity. */
export function constraintName(result: Result, c: number): string {
  const con = result.model.constraints[c]!;
  const id = result.model.elements[con.element]!.id;
  return con.cargo === 'total' ? id : `${id}/${con.cargo}`;
}
