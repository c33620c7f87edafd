// corridor report <output-dir> [--svg]: report.html (and each chart as .svg) next to the tables.
import fs from 'node:fs';
import path from 'node:path';
import { buildReport } from '../report/build.js';
import { reportHtml } from '../report/html.js';
import { renderSvg } from '../report/render.js';
import { writeFilesAtomically } from '../io/write.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';

export async function writeReport(dir: string, svg: boolean): Promise<string> {
  const report = buildReport(dir);
  const charts = [...report.maps, ...report.charts];
  const svgs: string[] = [];
  for (const chart of charts) svgs.push(await renderSvg(chart.spec, chart.id));
  writeFilesAtomically(dir, [
    { name: 'report.html', content: reportHtml(report, svgs) },
    ...(svg ? charts.map((c, i) => ({ name: `${c.id}.svg`, content: svgs[i]! })) : []),
  ], { joinRun: true });
  return path.join(dir, 'report.html');
}

export async function reportCommand(args: { dir: string; svg: boolean }, io: Io): Promise<number> {
  if (!fs.existsSync(args.dir) || !fs.statSync(args.dir).isDirectory()) throw new UsageError(`"${args.dir}" is not a folder; give the output folder of corridor run, compare, montecarlo, optimum or plan`);
  if (!fs.existsSync(path.join(args.dir, 'manifest.json'))) throw new UsageError(`"${args.dir}" has no manifest.json; give the output folder of corridor run, compare, montecarlo, optimum or plan`);
  io.stdout(`wrote ${await writeReport(args.dir, args.svg)}\n`);
  return 0;
}
