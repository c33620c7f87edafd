// The run loop: capacity for all years, then year by year demand (with
// carry-over) → allocation → volumes. Pure: no I/O, clock or randomness.
import { Allocator } from './allocate.js';
import { certainEvents, effectiveCapacity, type EventFilter } from './capacity.js';
import { measure, type Measures } from './measures.js';
import type { Model } from './model.js';

export interface SimulateOptions {
  /** Which events happen; default: those without a probability below 1. */
  eventApplies?: EventFilter;
}

/** All outputs of a run. Flat arrays are indexed `[i * years + yearIndex]`. */
export interface Result extends Measures {
  readonly model: Model;
  /** Effective capacity per constraint (Mt/year). */
  readonly capacity: Float64Array;
  readonly routeVolume: Float64Array;
  readonly flowDemand: Float64Array;
  readonly flowServed: Float64Array;
}

export function simulate(model: Model, options: SimulateOptions = {}): Result {
  const Y = model.years;
  const perConstraint = effectiveCapacity(model, options.eventApplies ?? certainEvents(model));
  const capacity = new Float64Array(model.constraints.length * Y);
  perConstraint.forEach((cap, c) => capacity.set(cap, c * Y));
  const allocator = new Allocator(model);
  const routeVolume = new Float64Array(model.routes.length * Y);
  const flowDemand = new Float64Array(model.flows.length * Y);
  const flowServed = new Float64Array(model.flows.length * Y);
  const capYear = new Float64Array(model.constraints.length);
  const demandYear = new Float64Array(model.flows.length);
  const volumeYear = new Float64Array(model.routes.length);
  const carried = new Float64Array(model.flows.length);
  for (let y = 0; y < Y; y++) {
    for (let c = 0; c < capYear.length; c++) capYear[c] = capacity[c * Y + y]!;
    model.flows.forEach((f, i) => (demandYear[i] = f.demand[y]! + carried[i]!));
    allocator.allocate(capYear, demandYear, volumeYear);
    for (let r = 0; r < volumeYear.length; r++) routeVolume[r * Y + y] = volumeYear[r]!;
    model.flows.forEach((f, i) => {
      let served = 0;
      for (const r of f.routes) served += volumeYear[r]!;
      served = Math.min(served, demandYear[i]!);
      flowDemand[i * Y + y] = demandYear[i]!;
      flowServed[i * Y + y] = served;
      carried[i] = f.unserved === 'carry' ? demandYear[i]! - served : 0;
    });
  }
  // Assigned onto the measures, not spread: that would work out their lazy route measures.
  return Object.assign(measure(model, capacity, routeVolume), { model, capacity, routeVolume, flowDemand, flowServed });
}
