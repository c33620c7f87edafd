// corridor appraise <scenario>: is each project, and the programme, worth its
// cost? With against without from the behavioural simulation; writes
// appraisal.csv, appraisal-years.csv, appraisal-ledger.csv and
// appraisal-tests.csv (with --runs, appraisal-risk.csv; with --xlsx, the
// workbook with its EA annexes) and says the answer in words.
import path from 'node:path';
import { appraise, benefitMethod, holdChoke, PROGRAMME, type Appraised } from '../appraise/appraise.js';
import { verdictOf } from '../appraise/cashflow.js';
import { ledgerTable, perspectiveLines } from '../appraise/ledger.js';
import { riskBatch, riskRowIds, riskTable, RiskValues, type RiskBatch, type RiskBatchResult } from '../appraise/risk.js';
import { standardTests, testsTable, type TestResult } from '../appraise/standard-tests.js';
import { switchingValues, type Switch, type Switching } from '../appraise/switching.js';
import { appraisalTable, appraisalYearsTable } from '../appraise/tables.js';
import type { Model } from '../engine/model.js';
import { DECIMAL_COMMA, STANDARD, toCsv, type Table } from '../io/csv.js';
import { writeFilesAtomically } from '../io/write.js';
import type { AnnexSheet } from '../io/xlsx.js';
import { DEFAULT_SEED } from '../random/streams.js';
import { ECONOMIC_DEFAULTS } from '../scenario/economics.js';
import type { LoadedSource } from '../scenario/index.js';
import {
  countProblem, loadForCommand, manifestFile, outputFolder, rateText, runPhase, seedProblem, textTable, threadsFrom, workbookMeta, xlsxFiles,
  type RunPhase, type TableCommandArgs,
} from './common.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { progress } from './progress.js';
import { writeReport } from './report.js';

export interface AppraiseArgs extends TableCommandArgs {
  /** Futures drawn from the uncertainty block → appraisal-risk.csv. */
  runs?: number | undefined;
  seed?: number | undefined;
  workers?: number | undefined;
}

/** Runs per task of a risk study (results do not depend on it): each run is a few simulations. */
const RISK_BATCH_RUNS = 20;

export async function appraiseCommand(args: AppraiseArgs, io: Io): Promise<number> {
  const bad = [countProblem('--runs', args.runs), countProblem('--workers', args.workers), seedProblem(args.seed)].filter((p) => p !== undefined);
  if (bad.length > 0) throw new UsageError(bad.join('\n'));
  if (args.runs === undefined && (args.seed !== undefined || args.workers !== undefined)) throw new UsageError('--seed and --workers go with --runs (appraise N drawn futures)');
  const { model: written, ...loaded } = loadForCommand(args.scenario, io, args.set);
  const model = holdChoke(written);
  const { rows, runs } = appraise(model);
  const switching = rows.filter((r) => r.appraised).map((r) => switchingValues(model, r.id, runs));
  const tests = standardTests(model, rows, runs);
  const risk = args.runs !== undefined ? await riskStudy(args, args.runs, loaded.source, written, io) : undefined;
  const riskRows = risk ? riskTable(model, risk.values) : undefined;
  const tables = [
    appraisalTable(model, rows, switching), appraisalYearsTable(model, rows), ledgerTable(model, rows), testsTable(model, tests),
    ...(riskRows ? [riskRows] : []),
  ];
  const outDir = outputFolder(args.out, model.name, '-appraisal', args.set);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const e = model.economics;
  writeFilesAtomically(outDir, [
    ...tables.map((t) => ({ name: t.file, content: toCsv(t, dialect) })),
    ...(await xlsxFiles(args.xlsx, 'appraise.xlsx', workbookMeta('appraise', model, risk?.seed), tables, rows.filter((r) => r.appraised).map((r) => annexOf(model, r)))),
    manifestFile('appraise', { model, ...loaded }, args, tables.map((t) => t.file), io, {
      appraisal: {
        discount_rate: e.discountRate, perspective: e.perspective, base_year: e.baseYear, hurdle_rate: e.hurdleRate, conversion_factor: e.conversionFactor,
        costs_before_base: e.sunk === 'exclude' ? 'excluded' : 'compounded', benefits: benefitMethod(model), defaults_used: e.defaulted,
      },
      ...(risk ? { risk: { runs: risk.values.runs, seed: risk.seed, streams: 'montecarlo\'s: seedrandom.alea keyed "<seed>/<param>/<run>" and "<seed>/event:<id>/<run>"', quantiles: 'exact lower quantile at rank q·(n − 1)' } } : {}),
    }),
  ]);
  const report = args.report ? await writeReport(outDir, false) : undefined;
  if (!args.quiet) io.stdout(appraisalText(model, rows, switching, outDir) + testsText(tests) + (risk ? riskText(riskRows!, risk.values.runs, risk.phase) : '') + (report ? `report: ${report}\n` : ''));
  return 0;
}

const n = (x: number) => String(+x.toFixed(1) + 0);
const pct = (x: number) => `${+(x * 100).toFixed(1)} %`;

/** What each default used means, for the header (docs/appraisal.md gives the sources). */
const DEFAULT_TEXT: Record<string, string> = {
  value_per_t: `value_per_t USD ${ECONOMIC_DEFAULTS.valuePerT}/t (an estimate)`,
  value_of_time_per_t_day: `value_of_time_per_t_day USD ${ECONOMIC_DEFAULTS.valueOfTimePerTDay}/t/day (0.6 %/day of an estimated USD 1,000/t, Hummels & Schaur 2013)`,
  life_years: `life_years ${ECONOMIC_DEFAULTS.lifeYears} (an estimate)`,
  opex_musd_per_year: `opex_musd_per_year ${ECONOMIC_DEFAULTS.opexMusdPerYear} (not known)`,
  discount_rate: `discount_rate ${pct(ECONOMIC_DEFAULTS.discountRate)} (ADB 2017)`,
  social_cost_of_carbon: `social_cost_of_carbon USD ${ECONOMIC_DEFAULTS.socialCostOfCarbon2020}/t CO₂ in 2020 rising ${pct(ECONOMIC_DEFAULTS.socialCostOfCarbonGrowth)} a year (an estimate: the World Bank's carbon damage value with ADB's real growth)`,
};

export function appraisalText(model: Model, rows: readonly Appraised[], switching: readonly Switching[], outDir: string): string {
  const e = model.economics;
  const lines = [
    `${model.name}: appraisal of ${model.projects.length} projects for ${e.perspective === 'world' ? 'the world (tariffs cancel)' : e.perspective}, discounted at ${pct(e.discountRate)}/yr (economics.appraisal.discount_rate) to ${e.baseYear}, hurdle EIRR ${pct(e.hurdleRate)} → ${outDir}/`,
    `benefits: ${benefitMethod(model)}`,
    `money in million USD at economic prices (conversion factor ${e.conversionFactor}); costs and benefits before ${e.baseYear} ${e.sunk === 'exclude' ? 'excluded (sunk)' : 'compounded to it'}`,
  ];
  if (e.defaulted.length > 0) lines.push(`defaults used: ${e.defaulted.map((k) => DEFAULT_TEXT[k] ?? k).join('; ')}; see docs/appraisal.md`);
  const table = rows.map((r) => {
    const s = r.summary;
    if (!r.appraised) return [r.id, r.online === undefined ? '' : String(r.online), n(r.capexMusd), '', '', '', '', 'not appraised'];
    return [
      r.id, r.online === undefined ? '' : String(r.online), n(r.capexMusd), n(s.npv), s.bcr === undefined ? '' : s.bcr.toFixed(2),
      s.eirr.rate === undefined ? '–' : pct(s.eirr.rate), r.npvAlone === undefined ? '' : n(r.npvAlone), verdictOf(r.id === PROGRAMME, s.npv, s.eirr.rate, e.hurdleRate),
    ];
  });
  const out = [lines.join('\n'), textTable(['project', 'online', 'capex M USD', 'npv M USD', 'bcr', 'eirr', 'npv_alone M USD', 'verdict'], table).trimEnd()];
  const notes = rows.filter((r) => r.note !== undefined && (r.id === PROGRAMME || r.appraised));
  for (const r of notes) out.push(`${r.id}: ${r.note}`);
  const uncosted = rows.filter((r) => !r.appraised && r.id !== PROGRAMME);
  const byReason = new Map<string, string[]>();
  for (const r of uncosted) byReason.set(r.note!, [...(byReason.get(r.note!) ?? []), r.id]);
  for (const [reason, ids] of byReason) out.push(`${reason} (${ids.length}): ${ids.join(', ')}`);
  const together = rows.filter((r) => r.npvAlone !== undefined && r.summary.npv > 0 && r.npvAlone <= 0);
  if (together.length > 0) {
    out.push(`worth it only with the others (NPV last in > 0, alone ≤ 0): ${together.map((r) => r.id).join(', ')}`);
  }
  const noRate = rows.filter((r) => r.appraised && r.summary.eirr.rate === undefined);
  for (const r of noRate) out.push(`no EIRR for ${r.id}: ${(r.summary.eirr as { reason: string }).reason}`);
  out.push('switching values (NPV = 0):');
  for (const s of switching) out.push(`  ${s.id}: ${switchText(s.capex, 'capex')}; ${switchText(s.growth, 'growth')}`);
  return `${out.join('\n')}\n`;
}

/** A row's annex sheet (EA <id>): its benefit lines and costs per year in the scenario's perspective, and the tool's results. */
function annexOf(model: Model, r: Appraised): AnnexSheet {
  const e = model.economics;
  const p = perspectiveLines(r.streams.lines, e.perspective);
  const years = p.costs.map((_, i) => r.streams.startYear + i);
  return {
    name: `EA ${r.id}`,
    title: `${model.name}: ${r.id === PROGRAMME ? 'the programme (the costed projects against none of them)' : `${r.id} against the scenario without it`}, ${e.perspective === 'world' ? 'for the world' : `for ${e.perspective}`}, million USD`,
    discountRate: e.discountRate,
    baseYear: e.baseYear,
    excludeBeforeBase: e.sunk === 'exclude',
    years,
    benefits: [
      { header: "users' benefit (M USD)", values: p.users },
      { header: "producers' benefit (M USD)", values: p.producers },
      { header: 'emissions (M USD)', values: p.emissions },
      { header: 'residual value (M USD)', values: p.residual },
    ],
    costs: p.costs,
    npv: r.summary.npv,
    bcr: r.summary.bcr,
    eirr: r.summary.eirr.rate,
    note: r.summary.eirr.rate === undefined ? `no EIRR: ${r.summary.eirr.reason}` : undefined,
  };
}

/** The risk study: run i of montecarlo's draws, appraised; batches on the main thread and workers. */
async function riskStudy(args: AppraiseArgs, runs: number, source: LoadedSource, base: Model, io: Io): Promise<{ values: RiskValues; seed: number; phase: RunPhase }> {
  const seed = args.seed ?? DEFAULT_SEED;
  if (base.uncertainty.length === 0 && !base.events.some((e) => e.probability)) {
    io.stderr(`${args.scenario}: warning: no \`uncertainty\` block and no event with a probability: every run is the same\n`);
  }
  const file = path.resolve(args.scenario);
  const tasks: RiskBatch[] = [];
  for (let from = 0; from < runs; from += RISK_BATCH_RUNS) tasks.push({ file, set: args.set, seed, from, to: Math.min(runs, from + RISK_BATCH_RUNS) });
  const values = new RiskValues(riskRowIds(base), runs);
  const bar = progress(io, runs, 'appraise');
  let done = 0;
  const phase = await runPhase<RiskBatch, RiskBatchResult>(
    {
      name: 'appraisalRiskTask', tasks, runs, threads: threadsFrom(args.workers), local: (batch) => riskBatch(source, base, batch),
      onResult: (r, i) => {
        values.add(r);
        done += tasks[i]!.to - tasks[i]!.from;
        bar.update(done);
      },
    },
    bar,
    () => undefined,
  );
  return { values, seed, phase };
}

/** The risk study in words, from appraisal-risk.csv's rows: per row, the NPV's p5–p50–p95 and P(NPV < 0). */
function riskText(table: Table, runs: number, phase: RunPhase): string {
  const col = (name: string) => table.header.indexOf(name);
  const lines = table.rows.map((r) => {
    const p = r[col('p_npv_negative')] as number;
    return `  ${r[col('project')]}: NPV ${n(r[col('npv_p5_musd')] as number)} – ${n(r[col('npv_p50_musd')] as number)} – ${n(r[col('npv_p95_musd')] as number)}, P(NPV < 0) ${pct(p)}`;
  });
  return `risk, ${runs} futures (${rateText(phase)}; NPV p5 – p50 – p95, M USD; appraisal-risk.csv):\n${lines.join('\n')}\n`;
}

/** The standard tests in words: NPV under each, per appraised row. */
function testsText(tests: readonly TestResult[]): string {
  if (tests.length === 0) return '';
  const ids = [...new Set(tests.map((t) => t.id))];
  const lines = ids.map((id) => `  ${id}: ${tests.filter((t) => t.id === id).map((t) => `${t.test} ${n(t.summary.npv)}`).join(', ')}`);
  return `standard tests (NPV, M USD; appraisal-tests.csv):\n${lines.join('\n')}\n`;
}

function switchText(s: Switch, what: 'capex' | 'growth'): string {
  if (s.value === undefined) return `${what}: none (${s.reason})`;
  const v = s.value * 100;
  if (what === 'capex') return v >= 0 ? `capex ${+v.toFixed(1)} % higher` : `capex ${+(-v).toFixed(1)} % lower`;
  return `demand growth ${+Math.abs(v).toFixed(2)} points a year ${v >= 0 ? 'faster' : 'slower'}`;
}
