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
  const out: Cell[][] = ordered(rows).map((r) => {
    const s = r.summary;
    const sw = by.get(r.id);
    return [
      model.name, r.id, r.online ?? null, r.capexMusd, s.pvCosts, s.pvBenefits, s.npv, s.bcr ?? null, s.eirr.rate ?? null, s.paybackYear ?? null,
      s.eirr.rate === undefined ? s.eirr.reason : null,
      r.npvAlone ?? null,
      sw?.capex.value !== undefined ? sw.capex.value * 100 : null,
      sw?.growth.value !== undefined ? sw.growth.value * 100 : null,
    ];
  });
  return {
    file: 'appraisal.csv',
    header: [
      'scenario', 'project', 'online', 'capex_musd', 'pv_costs_musd', 'pv_benefits_musd', 'npv_musd', 'bcr', 'eirr', 'payback_year',
      'eirr_note', 'npv_alone_musd', 'switch_capex_pct', 'switch_growth_pp',
    ],
    rows: out,
  };
}

export function appraisalYearsTable(model: Model, rows: readonly Appraised[]): Table {
  const k = model.volumeUnit.factor;
  const s = model.volumeUnit.suffix;
  const sorted = ordered(rows);
  const out: Cell[][] = [];
  for (let y = 0; y < model.years; y++) {
    for (const r of sorted) {
      const st = r.streams;
      out.push([model.name, model.startYear + y, r.id, st.deltaServed[y]! * k, st.deltaTonneDays[y]! * k, st.benefits[y]!, st.costs[y]!]);
    }
  }
  return { file: 'appraisal-years.csv', header: ['scenario', 'year', 'project', `delta_served${s}`, 'delta_tonne_days', 'benefit_musd', 'cost_musd'], rows: out };
}
