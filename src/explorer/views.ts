// The explorer's datasets from a run and the run as shipped: what each chart
// and the map draw. Pure, so that the page and the tests compute them alike.
import { yearMetrics } from '../engine/metrics.js';
import type { Result } from '../engine/simulate.js';
import type { ElementState } from '../report/map.js';
import { DATA } from './specs.js';

type Row = Record<string, string | number | null>;

/** Each element's state in year index y: its highest utilization over its capacities, and whether any binds. */
export function elementStates(result: Result, y: number): Map<string, ElementState> {
  const { model } = result;
  const Y = model.years;
  const out = new Map<string, ElementState>();
  model.elements.forEach((el, e) => {
    let utilization: number | undefined;
    for (const c of el.constraints) {
      const u = result.utilization[c * Y + y]!;
      if (Number.isFinite(u)) utilization = Math.max(u, utilization ?? -Infinity);
    }
    out.set(el.id, { utilization, binding: result.yearBinding[y]!.includes(e) });
  });
  return out;
}

export function datasets(current: Result, shipped: Result): Record<string, Row[]> {
  const { model } = current;
  const Y = model.years;
  const k = model.volumeUnit.factor;
  const served: Row[] = [];
  const totals: Row[] = [];
  const now = yearMetrics(current);
  const before = yearMetrics(shipped);
  for (let y = 0; y < Y; y++) {
    const year = model.startYear + y;
    model.flows.forEach((f, i) => served.push({ year, flow: f.id, value: current.flowServed[i * Y + y]! * k }));
    totals.push({ year, series: 'demand', value: now[y]!.demand * k });
    totals.push({ year, series: 'unserved', value: now[y]!.unserved * k });
    totals.push({ year, series: 'served as shipped', value: before[y]!.served * k });
  }
  const bottleneck: Row[] = [
    ...before.map((m) => ({ year: m.year, scenario: 'as shipped', bottleneck: m.bottleneck })),
    ...now.map((m) => ({ year: m.year, scenario: 'now', bottleneck: m.bottleneck })),
  ].filter((r) => r.bottleneck !== '');
  const binding = [...new Set([...now, ...before].flatMap((m) => m.binding))].sort();
  const utilization: Row[] = [];
  for (const [scenario, r] of [['now', current], ['as shipped', shipped]] as const) {
    for (let y = 0; y < r.model.years; y++) {
      const states = elementStates(r, y);
      for (const id of binding) {
        const u = states.get(id)?.utilization;
        if (u !== undefined) utilization.push({ year: r.model.startYear + y, element: id, scenario, value: u });
      }
    }
  }
  return { [DATA.served]: served, [DATA.totals]: totals, [DATA.bottleneck]: bottleneck, [DATA.utilization]: utilization };
}
