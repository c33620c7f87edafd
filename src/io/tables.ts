// The five run tables, built from a result: rows sorted by year, then id
// (then cargo, `total` first). Volumes are converted to the output unit.
import type { Result } from '../engine/simulate.js';
import { binding } from '../engine/measures.js';
import { waitDays } from '../engine/choice.js';
import type { Model } from '../engine/model.js';
import type { Cell, Table } from './csv.js';
import { yearMetrics } from '../engine/metrics.js';
import { targetYears } from '../engine/targets.js';

export function runTables(result: Result): Table[] {
  const tables = [summaryTable(result), flowsTable(result), routesTable(result), elementTable(result, 'link'), elementTable(result, 'node')];
  return result.model.targets.length > 0 ? [...tables, targetsTable(result)] : tables;
}

/** targets.csv: per year and target in force, the volume required and served, and whether it is met. */
export function targetsTable(result: Result): Table {
  const { model } = result;
  const k = model.volumeUnit.factor;
  const rows: Cell[][] = targetYears(result).map((t) => [model.name, t.year, model.targets[t.target]!.id, t.required * k, t.served * k, t.met]);
  const s = model.volumeUnit.suffix;
  return { file: 'targets.csv', header: ['scenario', 'year', 'target', `required${s}`, `served${s}`, 'met'], rows };
}

const idOf = (model: Model, element: number): string => (element >= 0 ? model.elements[element]!.id : '');

export function summaryTable(result: Result): Table {
  const { model } = result;
  const u = model.volumeUnit;
  const rows: Cell[][] = yearMetrics(result).map((m) => [
    model.name, m.year, m.demand * u.factor, m.served * u.factor, m.unserved * u.factor, m.maxUtilization, m.bottleneck, m.binding.join(' '),
  ]);
  const s = u.suffix;
  return { file: 'summary.csv', header: ['scenario', 'year', `demand${s}`, `served${s}`, `unserved${s}`, 'max_utilization', 'bottleneck', 'binding'], rows };
}

export function flowsTable(result: Result): Table {
  const { model } = result;
  const Y = model.years;
  const k = model.volumeUnit.factor;
  const rows: Cell[][] = [];
  for (let y = 0; y < Y; y++) {
    model.flows.forEach((f, i) => {
      const demand = result.flowDemand[i * Y + y]!;
      const served = result.flowServed[i * Y + y]!;
      const row: Cell[] = [model.name, model.startYear + y, f.id, f.cargo, demand * k, served * k, (demand - served) * k];
      if (result.choice) row.push(money(result.choice.freeFlowCost[i * Y + y]!), money(result.choice.compositeCost[i * Y + y]!));
      rows.push(row);
    });
  }
  const s = model.volumeUnit.suffix;
  const header = ['scenario', 'year', 'flow', 'cargo', `demand${s}`, `served${s}`, `unserved${s}`];
  return { file: 'flows.csv', header: result.choice ? [...header, 'free_flow_cost_usd_per_t', 'composite_cost_usd_per_t'] : header, rows };
}

export function routesTable(result: Result): Table {
  const { model } = result;
  const Y = model.years;
  const k = model.volumeUnit.factor;
  const rows: Cell[][] = [];
  for (let y = 0; y < Y; y++) {
    model.flows.forEach((f, i) => {
      const served = result.flowServed[i * Y + y]!;
      const own = [...f.routes].sort((a, b) => (model.routes[a]!.id < model.routes[b]!.id ? -1 : 1));
      for (const r of own) {
        const v = result.routeVolume[r * Y + y]!;
        const row: Cell[] = [
          model.name, model.startYear + y, f.id, model.routes[r]!.id, v * k, served > 0 ? v / served : null,
          result.routeTransit[r * Y + y], idOf(model, result.routeBottleneck[r * Y + y]!),
        ];
        if (result.choice) row.push(money(result.choice.routeCost[r * Y + y]!), money(result.choice.routeScarcity[r * Y + y]!));
        rows.push(row);
      }
    });
  }
  const s = model.volumeUnit.suffix;
  const header = ['scenario', 'year', 'flow', 'route', `volume${s}`, 'share', 'transit_days', 'bottleneck'];
  return { file: 'routes.csv', header: result.choice ? [...header, 'generalised_cost_usd_per_t', 'scarcity_usd_per_t'] : header, rows };
}

export function elementTable(result: Result, kind: 'node' | 'link'): Table {
  const { model } = result;
  const Y = model.years;
  const k = model.volumeUnit.factor;
  const rows: Cell[][] = [];
  for (let y = 0; y < Y; y++) {
    model.elements.forEach((el, e) => {
      if (el.kind !== kind) return;
      const ends = kind === 'link' ? [idOf(model, el.from), idOf(model, el.to)] : [];
      const head = [model.name, model.startYear + y, el.id, ...ends];
      if (el.constraints.length === 0) {
        rows.push([...head, 'total', null, result.elementFlow[e * Y + y]! * k, null, null, ...(result.choice ? [null, null] : [])]);
        return;
      }
      for (const c of el.constraints) {
        const i = c * Y + y;
        const u = result.utilization[i]!;
        const row: Cell[] = [...head, model.constraints[c]!.cargo, result.capacity[i]! * k, result.constraintFlow[i]! * k, u, binding(u)];
        if (result.choice) {
          const wait = waitDays(result, c, y);
          row.push(money(result.choice.scarcity[i]!), Number.isFinite(wait) ? wait : null);
        }
        rows.push(row);
      }
    });
  }
  const s = model.volumeUnit.suffix;
  const ends = kind === 'link' ? ['from', 'to'] : [];
  const header = ['scenario', 'year', kind, ...ends, 'cargo', `capacity${s}`, `flow${s}`, 'utilization', 'binding'];
  return { file: `${kind}s.csv`, header: result.choice ? [...header, 'scarcity_usd_per_t', 'wait_days'] : header, rows };
}

/** A cost, USD/t, or an empty cell where there is none (a closed route or row). */
const money = (x: number): number | null => (Number.isFinite(x) ? x : null);
