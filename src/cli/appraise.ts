// corridor appraise <scenario>: is each project, and the programme, worth its
// cost? With against without from the behavioural simulation; writes
// appraisal.csv and appraisal-years.csv and says the answer in words.
import { appraise, benefitMethod, holdChoke, PROGRAMME, type Appraised } from '../appraise/appraise.js';
import { switchingValues, type Switch, type Switching } from '../appraise/switching.js';
import { ledgerTable } from '../appraise/ledger.js';
import { standardTests, testsTable, type TestResult } from '../appraise/standard-tests.js';
import { appraisalTable, appraisalYearsTable } from '../appraise/tables.js';
import type { Model } from '../engine/model.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { writeFilesAtomically } from '../io/write.js';
import { ECONOMIC_DEFAULTS } from '../scenario/economics.js';
import { loadForCommand, manifestFile, textTable, type TableCommandArgs, outputFolder } from './common.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';

export type AppraiseArgs = TableCommandArgs;

export async function appraiseCommand(args: AppraiseArgs, io: Io): Promise<number> {
  const { model: written, ...loaded } = loadForCommand(args.scenario, io, args.set);
  const model = holdChoke(written);
  const { rows, runs } = appraise(model);
  const switching = rows.filter((r) => r.appraised).map((r) => switchingValues(model, r.id, runs));
  const tests = standardTests(model, rows, runs);
  const tables = [appraisalTable(model, rows, switching), appraisalYearsTable(model, rows), ledgerTable(model, rows), testsTable(model, tests)];
  const outDir = outputFolder(args.out, model.name, '-appraisal', args.set);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const e = model.economics;
  writeFilesAtomically(outDir, [
    ...tables.map((t) => ({ name: t.file, content: toCsv(t, dialect) })),
    manifestFile('appraise', { model, ...loaded }, args, tables.map((t) => t.file), io, {
      appraisal: {
        discount_rate: e.discountRate, perspective: e.perspective, base_year: e.baseYear, hurdle_rate: e.hurdleRate, conversion_factor: e.conversionFactor,
        costs_before_base: e.sunk === 'exclude' ? 'excluded' : 'compounded', benefits: benefitMethod(model), defaults_used: e.defaulted,
      },
    }),
  ]);
  const report = args.report ? await writeReport(outDir, false) : undefined;
  if (!args.quiet) io.stdout(appraisalText(model, rows, switching, outDir) + testsText(tests) + (report ? `report: ${report}\n` : ''));
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
      s.eirr.rate === undefined ? '–' : pct(s.eirr.rate), r.npvAlone === undefined ? '' : n(r.npvAlone), verdict(r, e.hurdleRate),
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

/** The standard tests in words: NPV under each, per appraised row. */
function testsText(tests: readonly TestResult[]): string {
  if (tests.length === 0) return '';
  const ids = [...new Set(tests.map((t) => t.id))];
  const lines = ids.map((id) => `  ${id}: ${tests.filter((t) => t.id === id).map((t) => `${t.test} ${n(t.summary.npv)}`).join(', ')}`);
  return `standard tests (NPV, M USD; appraisal-tests.csv):\n${lines.join('\n')}\n`;
}

function verdict(r: Appraised, hurdle: number): string {
  const { npv, eirr } = r.summary;
  if (r.id === PROGRAMME) return npv >= 0 ? 'the programme pays' : 'the programme does not pay';
  if (eirr.rate !== undefined) return eirr.rate >= hurdle ? 'worth it' : 'below the hurdle';
  return npv >= 0 ? 'worth it' : 'not worth it';
}

function switchText(s: Switch, what: 'capex' | 'growth'): string {
  if (s.value === undefined) return `${what}: none (${s.reason})`;
  const v = s.value * 100;
  if (what === 'capex') return v >= 0 ? `capex ${+v.toFixed(1)} % higher` : `capex ${+(-v).toFixed(1)} % lower`;
  return `demand growth ${+Math.abs(v).toFixed(2)} points a year ${v >= 0 ? 'faster' : 'slower'}`;
}
