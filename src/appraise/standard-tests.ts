// The standard sensitivity tests of an appraisal (product.md, "Standard
// tests"; sizes in economics.appraisal.tests): capex up, benefits down, the
// opening a year late, the value of time down, and capex up with benefits
// down together. Each is worked out for every appraised row in the scenario's
// perspective; the ones that change behaviour (opening, value of time) are
// reruns of both cases, with the choke prices as written held fixed.
import type { EconomicsModel, Model } from '../engine/model.js';
import { simulate } from '../engine/simulate.js';
import type { Cell, Table } from '../io/csv.js';
import { byId } from '../scenario/checker.js';
import { holdChoke, PROGRAMME, rowCase, streamsOf, type Appraised, type Runs, type Streams } from './appraise.js';
import { discountingOf, summarize, type Summary } from './cashflow.js';
import { cashFlowOf, type Lines } from './ledger.js';

/** Sizes of the tests: capex (and residual) × (1 + capex); every benefit but residual × (1 − benefits); the opening later by openingYears; every value of time × (1 − valueOfTime). */
export type TestSizes = EconomicsModel['testSizes'];

export interface TestResult {
  readonly id: string;
  readonly test: string;
  readonly summary: Summary;
}

const pct = (x: number) => `${+(x * 100).toFixed(6)}%`;

/** The tests' ids for these sizes, e.g. `capex+20%`, `opening+1y`. */
export function testIds(t: TestSizes): { capex: string; benefits: string; opening: string; valueOfTime: string; both: string } {
  const capex = `capex+${pct(t.capex)}`;
  const benefits = `benefits-${pct(t.benefits)}`;
  return { capex, benefits, opening: `opening+${t.openingYears}y`, valueOfTime: `value_of_time-${pct(t.valueOfTime)}`, both: `${capex}&${benefits}` };
}

/** Lines with every benefit but residual value × k. */
function scaled(lines: Lines, k: number): Lines {
  const times = (m: ReadonlyMap<string, readonly number[]>) => new Map([...m].map(([c, a]) => [c, a.map((v) => v * k)]));
  return { ...lines, users: times(lines.users), producers: times(lines.producers), emissions: lines.emissions.map((v) => v * k) };
}

/** The scenario with every value of time × k (route choice reads it: both cases are run again). */
const withValueOfTime = (model: Model, k: number): Model => ({
  ...model,
  economics: { ...model.economics, valueOfTime: model.economics.valueOfTime.map((s) => Array.from(s, (v) => v * k)) },
});

/** Every standard test of every appraised row. Runs: 3 per row (the opening moved; both cases with the value of time lowered). */
export function standardTests(written: Model, rows: readonly Appraised[], runs: Runs): TestResult[] {
  const model = holdChoke(written);
  const sizes = model.economics.testSizes;
  const d = discountingOf(model.economics);
  const ids = testIds(sizes);
  const perspective = model.economics.perspective;
  const summaryOf = (st: Streams, lines: Lines = st.lines) => summarize({ startYear: st.startYear, ...cashFlowOf(lines, perspective) }, d);
  const slower = withValueOfTime(model, 1 - sizes.valueOfTime);
  const out: TestResult[] = [];
  for (const r of rows) {
    if (!r.appraised) continue;
    const c = rowCase(model, r.id);
    const wo = r.id === PROGRAMME ? runs.uncosted : runs.without.get(r.id)!;
    const capex = streamsOf(model, c.projects, runs.all, wo, 1 + sizes.capex);
    // Later: the row's projects open `openingYears` later (a project moved past the horizon is not built).
    const moved = new Set(c.projects.map((p) => p.id));
    // In the model's order (online, then id), as `--set projects.ID.online=…` would build it.
    const projects = model.projects.map((p) => (moved.has(p.id) ? { ...p, online: p.online + sizes.openingYears } : p));
    const late = { ...model, projects: projects.sort((a, b) => a.online - b.online || byId(a, b)) };
    const lateProjects = late.projects.filter((p) => moved.has(p.id));
    const opening = streamsOf(late, lateProjects, simulate(late), wo);
    const vot = streamsOf(slower, c.projects, simulate(slower), simulate(c.without(slower)));
    const results: [string, Summary][] = [
      [ids.capex, summaryOf(capex)],
      [ids.benefits, summaryOf(r.streams, scaled(r.streams.lines, 1 - sizes.benefits))],
      [ids.opening, summaryOf(opening)],
      [ids.valueOfTime, summaryOf(vot)],
      [ids.both, summaryOf(capex, scaled(capex.lines, 1 - sizes.benefits))],
    ];
    for (const [test, summary] of results) out.push({ id: r.id, test, summary });
  }
  return out;
}

/** appraisal-tests.csv: per appraised row and test, in the scenario's perspective. */
export function testsTable(model: Model, results: readonly TestResult[]): Table {
  const rows: Cell[][] = results.map((t) => [model.name, t.id, model.economics.perspective, t.test, t.summary.npv, t.summary.eirr.rate ?? null, t.summary.bcr ?? null]);
  return { file: 'appraisal-tests.csv', header: ['scenario', 'project', 'perspective', 'test', 'npv_musd', 'eirr', 'bcr'], rows };
}
