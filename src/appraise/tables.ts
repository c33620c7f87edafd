// What corridor appraise writes: appraisal.csv (a row per project, then the
// programme) and appraisal-years.csv (per year and project, what makes its
// benefits and costs). Money in million USD; volumes in the scenario's unit.
import type { Model } from '../engine/model.js';
import type { Cell, Table } from '../io/csv.js';
import { PROGRAMME, type Appraised } from './appraise.js';
import type { Switching } from './switching.js';

/** Projects by id, the programme last. */
const ordered = (rows: readonly Appraised[]) =>
  [...rows].sort((a, b) => (a.id === PROGRAMME ? 1 : b.id === PROGRAMME ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export function appraisalTable(model: Model, rows: readonly Appraised[], switching: readonly Switching[]): Table {
  const by = new Map(switching.map((s) => [s.id, s]));
  const e = model.economics;
  const out: Cell[][] = ordered(rows).map((r) => {
    const s = r.summary;
    const sw = r.appraised ? by.get(r.id) : undefined;
    const measured = <T,>(v: T): T | null => (r.appraised ? v : null);
    const note = [r.note, r.appraised && s.eirr.rate === undefined ? `no EIRR: ${s.eirr.reason}` : undefined].filter((x) => x !== undefined).join('; ');
    return [
      model.name, r.id, r.online ?? null, r.capexMusd, s.pvCosts, s.pvBenefits, measured(s.npv), measured(s.bcr ?? null), measured(s.eirr.rate ?? null),
      measured(s.paybackYear ?? null), e.discountRate, e.perspective, e.sunk === 'exclude' ? 'excluded' : 'compounded', note || null,
      r.npvAlone ?? null,
      sw?.capex.value !== undefined ? sw.capex.value * 100 : null,
      sw?.growth.value !== undefined ? sw.growth.value * 100 : null,
    ];
  });
  return {
    file: 'appraisal.csv',
    header: [
      'scenario', 'project', 'online', 'capex_musd', 'pv_costs_musd', 'pv_benefits_musd', 'npv_musd', 'bcr', 'eirr', 'payback_year',
      'discount_rate', 'perspective', 'costs_before_base', 'note', 'npv_alone_musd', 'switch_capex_pct', 'switch_growth_pp',
    ],
    rows: out,
  };
}

export function appraisalYearsTable(model: Model, rows: readonly Appraised[]): Table {
  const k = model.volumeUnit.factor;
  const s = model.volumeUnit.suffix;
  const sorted = ordered(rows);
  const out: Cell[][] = [];
  // From the first year with a cost (a capex profile may reach before the simulated years).
  const first = Math.min(...sorted.map((r) => r.streams.startYear));
  for (let year = first; year < model.startYear + model.years; year++) {
    for (const r of sorted) {
      const st = r.streams;
      const i = year - st.startYear;
      const at = (a: readonly number[]) => (i >= 0 ? a[i]! : 0);
      out.push([model.name, year, r.id, at(st.deltaServed) * k, at(st.deltaTonneDays) * k, at(st.deltaCo2), at(st.benefits), at(st.costs)]);
    }
  }
  return { file: 'appraisal-years.csv', header: ['scenario', 'year', 'project', `delta_served${s}`, 'delta_tonne_days', 'delta_co2_t', 'benefit_musd', 'cost_musd'], rows: out };
}
