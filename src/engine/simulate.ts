// The run loop: capacity for all years, then year by year demand (with
// carry-over) → allocation → volumes. Pure: no I/O, clock or randomness.
import { Allocator } from './allocate.js';
import { certainEvents, effectiveCapacity, type EventFilter } from './capacity.js';
import { measure, type Measures } from './measures.js';
import type { FlowModel, Model } from './model.js';

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
  const F = model.flows.length;
  const perConstraint = effectiveCapacity(model, options.eventApplies ?? certainEvents(model));
  const capacity = new Float64Array(model.constraints.length * Y);
  perConstraint.forEach((cap, c) => capacity.set(cap, c * Y));
  const allocator = allocatorFor(model);
  const routeVolume = new Float64Array(model.routes.length * Y);
  const flowDemand = new Float64Array(F * Y);
  const flowServed = new Float64Array(F * Y);
  const capYear = new Float64Array(model.constraints.length);
  const demandYear = new Float64Array(F);
  const volumeYear = new Float64Array(model.routes.length);
  const carried = new Float64Array(F);
  for (let y = 0; y < Y; y++) {
    for (let c = 0; c < capYear.length; c++) capYear[c] = capacity[c * Y + y]!;
    for (let i = 0; i < F; i++) demandYear[i] = model.flows[i]!.demand[y]! + carried[i]!;
    allocator.allocate(capYear, demandYear, volumeYear);
    for (let r = 0; r < volumeYear.length; r++) routeVolume[r * Y + y] = volumeYear[r]!;
    for (let i = 0; i < F; i++) {
      const f = model.flows[i]!;
      let served = 0;
      for (const r of f.routes) served += volumeYear[r]!;
      served = Math.min(served, demandYear[i]!);
      flowDemand[i * Y + y] = demandYear[i]!;
      flowServed[i * Y + y] = served;
      carried[i] = f.unserved === 'carry' ? demandYear[i]! - served : 0;
    }
  }
  // Assigned onto the measures, not spread: that would work out their lazy route measures.
  return Object.assign(measure(model, capacity, routeVolume), { model, capacity, routeVolume, flowDemand, flowServed });
}

/**
 * The allocator of a model's network, built once per routes array: a
 * what-if that changes only params keeps the routes (normalize.ts reuses
 * them) and so the allocator's index arrays. Its claimants come from the
 * flows' routes and allocation, checked to be the same.
 */
const allocators = new WeakMap<object, { flows: readonly FlowModel[]; allocator: Allocator }>();

function allocatorFor(model: Model): Allocator {
  const known = allocators.get(model.routes);
  const same = (a: FlowModel, b: FlowModel | undefined) => b !== undefined && a.routes === b.routes && a.allocation === b.allocation;
  if (known && known.flows.length === model.flows.length && known.flows.every((f, i) => same(f, model.flows[i]))) return known.allocator;
  const allocator = new Allocator(model);
  allocators.set(model.routes, { flows: model.flows, allocator });
  return allocator;
}
