// The optimum's tables: optimum.csv, optimum-flows.csv and capacity-value.csv,
// the behavioural run's numbers beside the optimum's. Rows by year, then id.
import type { Result } from '../engine/simulate.js';
import type { Cell, Table } from '../io/csv.js';
import type { OptimumResult } from './optimum.js';
import { comparable } from './network-demand.js';

export function optimumTables(result: Result, optimum: OptimumResult, behaviouralValue: Float64Array): Table[] {
  const { model } = result;
  const Y = model.years;
  const k = model.volumeUnit.factor;
  const s = model.volumeUnit.suffix;
  const years: Cell[][] = [];
  const flows: Cell[][] = [];
  const values: Cell[][] = [];
  // In choice mode, the network's part of behaviour against the optimum of the free-flow network demand.
  const behaviour = comparable(result);
  for (let y = 0; y < Y; y++) {
    const year = model.startYear + y;
    let demand = 0;
    let served = 0;
    model.flows.forEach((f, i) => {
      const d = behaviour.demand[i * Y + y]!;
      const v = behaviour.served[i * Y + y]!;
      demand += d;
      served += v;
      flows.push([model.name, year, f.id, d * k, v * k, optimum.flowServed[i * Y + y]! * k]);
    });
    const best = optimum.served[y]!;
    years.push([model.name, year, demand * k, served * k, best * k, (best - served) * k]);
    model.elements.forEach((el) => {
      for (const c of el.constraints) {
        const i = c * Y + y;
        values.push([model.name, year, el.id, model.constraints[c]!.cargo, result.capacity[i]! * k, optimum.value[i], behaviouralValue[i]]);
      }
    });
  }
  return [
    { file: 'optimum.csv', header: ['scenario', 'year', `demand${s}`, `served${s}`, `optimal_served${s}`, `routing_loss${s}`], rows: years },
    { file: 'optimum-flows.csv', header: ['scenario', 'year', 'flow', `demand${s}`, `served${s}`, `optimal_served${s}`], rows: flows },
    {
      file: 'capacity-value.csv',
      header: ['scenario', 'year', 'element', 'cargo', `capacity${s}`, 'value_per_mt', 'behavioural_value_per_mt'],
      rows: values,
    },
  ];
}
