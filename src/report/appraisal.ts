// The report on a corridor appraise folder: NPV per project (bars labelled
// with the BCR), the programme's cumulative discounted net cash flow by year,
// and the switching values in words.
import fs from 'node:fs';
import path from 'node:path';
import { verdictOf } from '../appraise/cashflow.js';
import { BARS, base, LINES, PALETTE, type Chart } from './charts.js';
import { fmt, projectRows, readTable, scenarioModel, type Manifest, type Report, type ReportTable } from './folder.js';

const PROGRAMME = '(programme)';

export function appraisalReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const name = manifest.scenario!.name;
  const rows = readTable(dir, 'appraisal.csv', manifest);
  const years = readTable(dir, 'appraisal-years.csv', manifest);
  const a = (manifest as { appraisal?: { discount_rate: number; base_year: number; hurdle_rate: number; perspective?: string; defaults_used: string[] } }).appraisal!;
  const findings: string[] = [];
  const programme = rows.find((r) => r.project === PROGRAMME);
  const appraised = (r: Record<string, string>) => r.npv_musd !== '';
  if (programme && appraised(programme)) {
    findings.push(`The programme: NPV ${fmt(+programme.npv_musd!)} M USD, BCR ${programme.bcr ? fmt(+programme.bcr) : '–'}, EIRR ${programme.eirr ? `${fmt(+programme.eirr * 100)} %` : 'none'}${programme.note ? ` (${programme.note})` : ''}.`);
  }
  const uncosted = rows.filter((r) => !appraised(r));
  if (uncosted.length > 0) findings.push(`Not appraised (no costs to weigh the benefits against): ${uncosted.map((r) => r.project).join(', ')}.`);
  for (const r of rows.filter(appraised)) {
    const capex = r.switch_capex_pct === '' ? 'no capex switching value' : `capex ${+r.switch_capex_pct! >= 0 ? `${fmt(+r.switch_capex_pct!)} % higher` : `${fmt(-r.switch_capex_pct!)} % lower`}`;
    const growth = r.switch_growth_pp === '' ? 'no demand-growth switching value within ±30 points' : `demand growth ${fmt(Math.abs(+r.switch_growth_pp!))} points a year ${+r.switch_growth_pp! >= 0 ? 'faster' : 'slower'}`;
    findings.push(`${r.project}: NPV ${fmt(+r.npv_musd!)} M USD turns to 0 with ${capex}, or with ${growth}.`);
  }
  if (a.defaults_used.length > 0) notes.push(`Built-in defaults used (docs/appraisal.md gives their sources and how the estimates were made): ${a.defaults_used.join(', ')}.`);
  const projects = rows.filter((r) => r.project !== PROGRAMME && appraised(r));
  const has = (file: string) => fs.existsSync(path.join(dir, file));
  const ledger = has('appraisal-ledger.csv') ? readTable(dir, 'appraisal-ledger.csv', manifest) : [];
  const tests = has('appraisal-tests.csv') ? readTable(dir, 'appraisal-tests.csv', manifest) : [];
  const risk = has('appraisal-risk.csv') ? readTable(dir, 'appraisal-risk.csv', manifest) : [];
  for (const r of risk) findings.push(`${r.project}: P(NPV < 0) = ${fmt(+r.p_npv_negative! * 100)} % over ${r.runs} drawn futures; NPV p5 ${fmt(+r.npv_p5_musd!)}, p50 ${fmt(+r.npv_p50_musd!)}, p95 ${fmt(+r.npv_p95_musd!)} M USD.`);
  const charts = [
    npvChart(projects, name),
    ...(ledger.length > 0 ? [ledgerChart(ledger, name)] : []),
    ...(risk.length > 0 ? [riskChart(risk, name)] : []),
    cashFlowChart(years.filter((r) => r.project === PROGRAMME), a.discount_rate, a.base_year, name),
  ];
  const tables = [projectTable(rows.filter(appraised), a.hurdle_rate), ...(tests.length > 0 ? [testsTable(tests)] : [])];
  return {
    tables,
    title: `${name}: appraisal`,
    subtitle: `corridor appraise · ${a.perspective && a.perspective !== 'world' ? `for ${a.perspective}` : 'for the world'} · discounted at ${fmt(a.discount_rate * 100)} %/yr to ${a.base_year} · hurdle EIRR ${fmt(a.hurdle_rate * 100)} %`,
    findings,
    projects: projectRows(model),
    maps: [],
    charts,
    notes,
  };
}

const cell = (v: string | undefined, digits = 1) => (v === undefined || v === '' ? '' : (+v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const percent = (v: string | undefined) => (v === undefined || v === '' ? '' : `${(+v * 100).toFixed(1)}\u00a0%`);

/** The per-project table: NPV, BCR, EIRR, verdict and switching values, with units. */
function projectTable(rows: readonly Record<string, string>[], hurdle: number): ReportTable {
  const verdict = (r: Record<string, string>) => verdictOf(r.project === PROGRAMME, +r.npv_musd!, r.eirr ? +r.eirr : undefined, hurdle);
  return {
    id: 'appraisal-table',
    title: 'Per project',
    header: ['project', 'online', 'capex (M USD)', 'NPV (M USD)', 'BCR', 'EIRR', 'verdict', 'NPV = 0 at capex (change, %)', 'NPV = 0 at demand growth (change, points/yr)'],
    numeric: [false, true, true, true, true, true, false, true, true],
    rows: rows.map((r) => [r.project!, r.online ?? '', cell(r.capex_musd), cell(r.npv_musd), cell(r.bcr, 2), percent(r.eirr), verdict(r), cell(r.switch_capex_pct), cell(r.switch_growth_pp, 2)]),
    caption: `Each project against the scenario without it (last in); the programme: the costed projects against none of them. Hurdle EIRR ${(hurdle * 100).toFixed(1)} %. An empty EIRR: none exists (appraisal.csv's note says why).`,
  };
}

/** The standard tests: NPV per project (rows) and test (columns). */
function testsTable(rows: readonly Record<string, string>[]): ReportTable {
  const tests = [...new Set(rows.map((r) => r.test!))];
  const projects = [...new Set(rows.map((r) => r.project!))];
  return {
    id: 'appraisal-tests',
    title: 'Standard tests (NPV, M USD)',
    header: ['project', ...tests],
    numeric: [false, ...tests.map(() => true)],
    rows: projects.map((p) => [p, ...tests.map((t) => cell(rows.find((r) => r.project === p && r.test === t)?.npv_musd))]),
    caption: `Perspective: ${rows[0]?.perspective ?? 'world'}. appraisal-tests.csv gives each test's EIRR and BCR too.`,
  };
}

/** The programme's ledger: present value by stakeholder and country, world view. */
function ledgerChart(rows: readonly Record<string, string>[], scenario: string): Chart {
  const values = rows
    .filter((r) => r.project === PROGRAMME && r.perspective === 'world' && Math.abs(+r.pv_musd!) > 1e-9)
    .map((r) => ({ who: r.stakeholder === 'emissions' ? 'emissions (global)' : `${r.stakeholder} · ${r.country || 'no country'}`, pv: +r.pv_musd! }));
  return signedBars('appraisal-ledger', 'Who gains: the programme’s ledger', `${scenario} · present value by stakeholder and country, world view, M USD · the bars sum to the programme's NPV`, values, { field: 'who', sort: null }, { field: 'pv', title: 'present value (M USD)' });
}

/** NPV over the drawn futures: p5–p95 as a bar, p50 as a tick, per project. */
function riskChart(rows: readonly Record<string, string>[], scenario: string): Chart {
  const values = rows.map((r) => ({ project: r.project!, p5: +r.npv_p5_musd!, p50: +r.npv_p50_musd!, p95: +r.npv_p95_musd!, label: `P(NPV < 0) ${(+r.p_npv_negative! * 100).toFixed(0)} %` }));
  const y = { field: 'project', type: 'nominal', title: null, sort: null };
  return {
    id: 'appraisal-risk',
    title: 'NPV over the drawn futures',
    spec: {
      ...base('NPV over the drawn futures', `${scenario} · ${rows[0]?.runs ?? ''} futures · bar: 5th to 95th percentile, tick: median, M USD · labels: the chance of a loss`),
      height: Math.max(60, 26 * values.length),
      data: { values },
      layer: [
        { name: BARS, mark: { type: 'bar', height: 10, color: PALETTE[0], opacity: 0.5 }, encoding: { y, x: { field: 'p5', type: 'quantitative', title: 'NPV (M USD)' }, x2: { field: 'p95' } } },
        { mark: { type: 'tick', color: '#222', thickness: 2 }, encoding: { y, x: { field: 'p50', type: 'quantitative' } } },
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'left', dx: 6, dy: -9, fontSize: 10 }, encoding: { y, x: { field: 'p95', type: 'quantitative' }, text: { field: 'label' } } },
      ],
    },
    series: values.length,
    points: values.length,
    kind: 'bar',
  };
}

/** NPV per project (last in), a bar each, labelled with its BCR. */
function npvChart(rows: readonly Record<string, string>[], scenario: string): Chart {
  const values = rows.map((r) => ({ project: r.project!, npv: +r.npv_musd!, label: r.bcr ? `BCR ${(+r.bcr).toFixed(2)}` : 'no capex' }));
  const order = [...values].sort((x, y) => y.npv - x.npv).map((v) => v.project);
  const y = { field: 'project', type: 'nominal', sort: order };
  return signedBars('appraisal-npv', 'Net present value per project', `${scenario} · each project against the scenario without it (last in), M USD · labels: BCR`, values, { field: 'project', sort: order }, { field: 'npv', title: 'NPV (M USD)' }, [
    // The BCR beside zero, on the side the bar does not take: never over a bar.
    { transform: [{ filter: 'datum.npv < 0' }], mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { datum: 0 }, text: { field: 'label' } } },
    { transform: [{ filter: 'datum.npv >= 0' }], mark: { type: 'text', align: 'right', dx: -4, fontSize: 10 }, encoding: { y, x: { datum: 0 }, text: { field: 'label' } } },
  ]);
}

/** Horizontal bars of a signed value, one per row, green at or above 0 and red below, with any `extra` layers over them. */
function signedBars(
  id: string, title: string, subtitle: string, values: readonly Record<string, unknown>[],
  y: { field: string; sort: readonly string[] | null }, x: { field: string; title: string }, extra: readonly Record<string, unknown>[] = [],
): Chart {
  return {
    id,
    title,
    spec: {
      ...base(title, subtitle),
      height: Math.max(60, 22 * values.length),
      data: { values },
      layer: [
        {
          name: BARS,
          mark: { type: 'bar', height: 14 },
          encoding: {
            y: { field: y.field, type: 'nominal', sort: y.sort, title: null },
            x: { field: x.field, type: 'quantitative', title: x.title },
            color: { condition: { test: `datum.${x.field} >= 0`, value: PALETTE[2] }, value: PALETTE[1] },
          },
        },
        ...extra,
      ],
    },
    series: values.length,
    points: values.length,
    kind: 'bar',
  };
}

/** The programme's cumulative discounted net cash flow, year by year: where it crosses 0 is the payback year. */
function cashFlowChart(rows: readonly Record<string, string>[], rate: number, baseYear: number, scenario: string): Chart {
  let cumulative = 0;
  const values = rows.map((r) => {
    cumulative += (+r.benefit_musd! - +r.cost_musd!) * (1 + rate) ** -(+r.year! - baseYear);
    return { year: +r.year!, value: cumulative };
  });
  return {
    id: 'appraisal-cash-flow',
    title: 'Cumulative discounted cash flow of the programme',
    spec: {
      ...base('Cumulative discounted cash flow of the programme', `${scenario} · Σ (benefits − costs) discounted to ${baseYear}, M USD · above 0: paid back`),
      data: { values },
      layer: [
        { name: LINES, mark: { type: 'line', point: false, color: PALETTE[0] }, encoding: { x: { field: 'year', type: 'quantitative', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: false } }, y: { field: 'value', type: 'quantitative', title: 'M USD' } } },
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#333' }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
      ],
    },
    series: 1,
    points: 0,
    kind: 'line',
  };
}
