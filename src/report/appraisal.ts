// The report on a corridor appraise folder: NPV per project (bars labelled
// with the BCR), the programme's cumulative discounted net cash flow by year,
// and the switching values in words.
import { BARS, base, LINES, PALETTE, type Chart } from './charts.js';
import { fmt, projectRows, readTable, scenarioModel, type Manifest, type Report } from './folder.js';

const PROGRAMME = '(programme)';

export function appraisalReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const name = manifest.scenario!.name;
  const rows = readTable(dir, 'appraisal.csv', manifest);
  const years = readTable(dir, 'appraisal-years.csv', manifest);
  const a = (manifest as { appraisal?: { discount_rate: number; base_year: number; hurdle_rate: number; defaults_used: string[] } }).appraisal!;
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
  const charts = [npvChart(projects, name), cashFlowChart(years.filter((r) => r.project === PROGRAMME), a.discount_rate, a.base_year, name)];
  return {
    title: `${name}: appraisal`,
    subtitle: `corridor appraise · discounted at ${fmt(a.discount_rate * 100)} %/yr to ${a.base_year} · hurdle EIRR ${fmt(a.hurdle_rate * 100)} %`,
    findings,
    projects: projectRows(model),
    maps: [],
    charts,
    notes,
  };
}

/** NPV per project (last in), a bar each, labelled with its BCR. */
function npvChart(rows: readonly Record<string, string>[], scenario: string): Chart {
  const values = rows.map((r) => ({ project: r.project!, npv: +r.npv_musd!, label: r.bcr ? `BCR ${(+r.bcr).toFixed(2)}` : 'no capex' }));
  const order = [...values].sort((x, y) => y.npv - x.npv).map((v) => v.project);
  return {
    id: 'appraisal-npv',
    title: 'Net present value per project',
    spec: {
      ...base('Net present value per project', `${scenario} · each project against the scenario without it (last in), M USD · labels: BCR`),
      height: Math.max(60, 22 * values.length),
      data: { values },
      layer: [
        {
          name: BARS,
          mark: { type: 'bar', height: 14 },
          encoding: {
            y: { field: 'project', type: 'nominal', sort: order, title: null },
            x: { field: 'npv', type: 'quantitative', title: 'NPV (M USD)' },
            color: { condition: { test: 'datum.npv >= 0', value: PALETTE[2] }, value: PALETTE[1] },
          },
        },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y: { field: 'project', type: 'nominal', sort: order }, x: { datum: 0 }, text: { field: 'label' } } },
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
