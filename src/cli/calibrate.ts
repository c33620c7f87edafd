// corridor calibrate <scenario> --observed observed.csv: route constants fitted
// to observed volumes (src/calibrate/fit.ts); writes calibrated.yaml (extends
// the input, fixing the constants, each with a comment on its fit) and
// calibration.csv, and prints the fit per flow with the years it misses.
import path from 'node:path';
import { Document, isSeq, type YAMLMap } from 'yaml';
import { fitConstants, fitSpreads, type Fit } from '../calibrate/fit.js';
import { readObservations } from '../calibrate/observed.js';
import { isChoice } from '../engine/choice.js';
import { DECIMAL_COMMA, STANDARD, toCsv, type Cell, type Table } from '../io/csv.js';
import { readRegularFile } from '../io/read.js';
import { writeFilesAtomically } from '../io/write.js';
import { ScenarioError } from '../scenario/problems.js';
import { loadForCommand, manifestFile, outputFolder, workbookMeta, xlsxFiles, type TableCommandArgs } from './common.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';

/** A share off by more than this (relative) in a year is a miss the summary names. */
const MISS = 0.05;

export interface CalibrateArgs extends TableCommandArgs {
  observed: string;
  fit: 'constants' | 'spread';
}

export async function calibrateCommand(args: CalibrateArgs, io: Io): Promise<number> {
  const loaded = loadForCommand(args.scenario, io, args.set);
  const { model } = loaded;
  if (!isChoice(model)) throw new UsageError(`${args.scenario} does not use allocation: choice; calibrate fits route constants of route choice (defaults.allocation: choice)`);
  let text: string;
  try {
    text = readRegularFile(args.observed);
  } catch (err) {
    throw new UsageError(`cannot read the observations "${args.observed}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const { observations, problems } = readObservations(text, args.observed, model);
  if (problems.length > 0) throw new ScenarioError(problems);
  const { fit, multipliers } = args.fit === 'spread' ? fitSpreads(model, observations) : { fit: fitConstants(model, observations), multipliers: new Map<number, number>() };
  const outDir = outputFolder(args.out, model.name, '-calibrated', args.set);
  const table = calibrationTable(fit);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  writeFilesAtomically(outDir, [
    { name: 'calibration.csv', content: toCsv(table, dialect) },
    ...(await xlsxFiles(args.xlsx, 'calibrate.xlsx', workbookMeta('calibrate', model), [table])),
    { name: 'calibrated.yaml', content: calibratedYaml(fit, multipliers, loaded.source.raw, args, outDir) },
    manifestFile('calibrate', loaded, args, ['calibration.csv', 'calibrated.yaml'], io, {
      observed: args.observed,
      fit: { iterations: fit.iterations, converged: fit.converged, method: 'each route constant moved by spread × its volume-weighted mean log-share error until none moves by 1e-9 USD/t (src/calibrate/fit.ts)' },
    }),
  ]);
  if (!args.quiet) io.stdout(fitText(fit, multipliers, outDir));
  return 0;
}

function calibrationTable(fit: Fit): Table {
  const { model } = fit;
  const rows: Cell[][] = [...fit.rows]
    .sort((a, b) => a.obs.y - b.obs.y || a.obs.flow - b.obs.flow || routeId(model, a.obs.route).localeCompare(routeId(model, b.obs.route)))
    .map(({ obs, modelled }) => [
      model.name, model.startYear + obs.y, model.flows[obs.flow]!.id, routeId(model, obs.route), obs.volume, modelled, obs.volume > 0 ? ((modelled - obs.volume) / obs.volume) * 100 : null,
    ]);
  return { file: 'calibration.csv', header: ['scenario', 'year', 'flow', 'route', 'observed_mt', 'modelled_mt', 'error_pct'], rows };
}

const routeId = (model: Fit['model'], r: number) => (r >= 0 ? model.routes[r]!.id : '');

/** calibrated.yaml: extends the input (relative to the output folder) with each fitted route's constant. */
function calibratedYaml(fit: Fit, multipliers: ReadonlyMap<number, number>, raw: unknown, args: CalibrateArgs, outDir: string): string {
  const { model } = fit;
  const doc = new Document({
    name: `${model.name}-calibrated`,
    extends: path.relative(path.resolve(outDir), path.resolve(args.scenario)).split(path.sep).join('/'),
    flows: fit.flows.map((ff) => {
      const id = model.flows[ff.flow]!.id;
      const m = multipliers.get(ff.flow);
      return {
        id,
        ...(m !== undefined ? writtenSpreads(raw, id, m) : {}),
        routes: [...ff.delta].filter(([r]) => r !== ff.reference).map(([r, d]) => ({ id: model.routes[r]!.id, constant: round(writtenConstant(raw, id, model.routes[r]!.id) + d) })),
      };
    }),
  });
  // A comment on each fitted constant: its flow's fit.
  const flows = doc.get('flows', true);
  if (isSeq(flows)) {
    flows.items.forEach((item, i) => {
      const ff = fit.flows[i]!;
      (item as YAMLMap).commentBefore = ` ${model.flows[ff.flow]!.id}: reference route ${model.routes[ff.reference]!.id} (constant as written); RMS log-share error ${(ff.rmsLogError * 100).toFixed(2)} %${ff.held.length ? `; held by a full element, not fitted: ${ff.held.map((r) => model.routes[r]!.id).join(', ')}` : ''}`;
    });
  }
  const head = [
    `# Route constants that \`corridor calibrate\` fitted to ${oneLine(args.observed)} (${fit.iterations} iterations${fit.converged ? '' : ', NOT CONVERGED'}).`,
    `# Run it like any scenario: corridor run ${oneLine(path.join(outDir, 'calibrated.yaml'))}`,
    ...(args.set.length ? [`# Fitted with ${args.set.map((s) => `--set ${oneLine(s)}`).join(' ')}: give the same overrides when you run it.`] : []),
  ];
  return `${head.join('\n')}\n${doc.toString({ flowCollectionPadding: true })}`;
}

const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const round = (x: number) => +x.toFixed(6) + 0;

/** The flow's spread (its own, else `defaults.spread`) and its nests' spreads as written, × m; numbers only. */
function writtenSpreads(raw: unknown, flow: string, m: number): { spread: number; nests?: { id: string; spread: number }[] } {
  const tree = raw as { defaults?: { spread?: unknown }; flows?: { id?: string; spread?: unknown; nests?: { id?: string; spread?: unknown }[] }[] };
  const f = tree.flows?.find((x) => x.id === flow);
  const spread = f?.spread ?? tree.defaults?.spread;
  const number = (v: unknown, what: string): number => {
    if (typeof v === 'number') return v;
    throw new UsageError(`${what} is written as ${JSON.stringify(v)}: --fit spread scales a spread written as a number (USD/t)`);
  };
  const nests = (f?.nests ?? []).map((n) => ({ id: String(n.id), spread: round(number(n.spread, `flows.${flow}.nests.${String(n.id)}.spread`) * m) }));
  return { spread: round(number(spread, `the spread of flow ${flow}`) * m), ...(nests.length ? { nests } : {}) };
}

/** The route's `constant` as written (a number), or 0; an expression cannot take a fitted shift. */
function writtenConstant(raw: unknown, flow: string, route: string): number {
  const flows = (raw as { flows?: { id?: string; routes?: { id?: string; constant?: unknown }[] }[] }).flows ?? [];
  const c = flows.find((f) => f.id === flow)?.routes?.find((r) => r.id === route)?.constant;
  if (c === undefined) return 0;
  if (typeof c === 'number') return c;
  throw new UsageError(`flows.${flow}.routes.${route}.constant is written as ${JSON.stringify(c)}: calibrate shifts a constant written as a number (USD/t)`);
}

function fitText(fit: Fit, multipliers: ReadonlyMap<number, number>, outDir: string): string {
  const { model } = fit;
  const lines = [`${model.name}: route constants${multipliers.size ? ' and spreads' : ''} fitted to ${fit.rows.length} observations in ${fit.iterations} iterations${fit.converged ? '' : ' (NOT CONVERGED)'} → ${outDir}/`];
  for (const ff of fit.flows) {
    const f = model.flows[ff.flow]!;
    const m = multipliers.get(ff.flow);
    if (m !== undefined) lines.push(`  ${f.id}: spread × ${m.toFixed(4)} (now ${+f.choice!.spread[0]!.toFixed(3)} USD/t in ${model.startYear}), the least RMS log-share error within ×1/4 … ×4`);
    const constants = [...ff.delta].filter(([r]) => r !== ff.reference).map(([r, d]) => `${model.routes[r]!.id} ${d >= 0 ? '+' : ''}${d.toFixed(2)}`).join(', ');
    lines.push(`  ${f.id}: ${constants || 'nothing to fit'} USD/t (reference ${model.routes[ff.reference]!.id}); RMS log-share error ${(ff.rmsLogError * 100).toFixed(2)} %`);
    for (const r of ff.held) lines.push(`    ${model.routes[r]!.id}: held by a full element (its scarcity absorbs any constant): not fitted`);
    for (const miss of misses(fit, ff.flow)) lines.push(`    misses ${miss}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The years where a route's modelled share is off its observed share by more than MISS, in words. */
function misses(fit: Fit, flow: number): string[] {
  const { model } = fit;
  const rows = fit.rows.filter((r) => r.obs.flow === flow && r.obs.route >= 0);
  const years = [...new Set(rows.map((r) => r.obs.y))].sort((a, b) => a - b);
  return years.flatMap((y) => {
    const here = rows.filter((r) => r.obs.y === y);
    const observed = here.reduce((s, r) => s + r.obs.volume, 0);
    const modelled = here.reduce((s, r) => s + r.modelled, 0);
    const off = here
      .map((r) => ({ r, rel: r.obs.volume > 0 && modelled > 0 ? r.modelled / modelled / (r.obs.volume / observed) - 1 : 0 }))
      .filter((x) => Math.abs(x.rel) > MISS);
    if (off.length === 0) return [];
    return [`${model.startYear + y}: ${off.map((x) => `${model.routes[x.r.obs.route]!.id} share ${x.rel > 0 ? '+' : ''}${(x.rel * 100).toFixed(0)} % off the observed`).join(', ')}`];
  });
}
