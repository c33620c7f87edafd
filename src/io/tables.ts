// The five run tables, built from a result: rows sorted by year, then id
// (then cargo, `total` first). Volumes are converted to the output unit.
import type { Result } from '../engine/simulate.js';
import { binding } from '../engine/measures.js';
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
      rows.push([model.name, model.startYear + y, f.id, f.cargo, demand * k, served * k, (demand - served) * k]);
    });
  }
  const s = model.volumeUnit.suffix;
  return { file: 'flows.csv', header: ['scenario', 'year', 'flow', 'cargo', `demand${s}`, `served${s}`, `unserved${s}`], rows };
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
        rows.push([
          model.name, model.startYear + y, f.id, model.routes[r]!.id, v * k, served > 0 ? v / served : null,
          result.routeTransit[r * Y + y], idOf(model, result.routeBottleneck[r * Y + y]!),
        ]);
      }
    });
  }
  const s = model.volumeUnit.suffix;
  return { file: 'routes.csv', header: ['scenario', 'year', 'flow', 'route', `volume${s}`, 'share', 'transit_days', 'bottleneck'], rows };
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
        rows.push([...head, 'total', null, result.elementFlow[e * Y + y]! * k, null, null]);
        return;
      }
      for (const c of el.constraints) {
        const i = c * Y + y;
        const u = result.utilization[i]!;
        rows.push([...head, model.constraints[c]!.cargo, result.capacity[i]! * k, result.constraintFlow[i]! * k, u, binding(u)]);
      }
    });
  }
  const s = model.volumeUnit.suffix;
  const ends = kind === 'link' ? ['from', 'to'] : [];
  return {
    file: `${kind}s.csv`,
    header: ['scenario', 'year', kind, ...ends, 'cargo', `capacity${s}`, `flow${s}`, 'utilization', 'binding'],
    rows,
  };
}
