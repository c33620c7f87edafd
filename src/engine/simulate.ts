// The run loop: capacity for all years, then year by year demand (with
// carry-over) → allocation → volumes. Pure: no I/O, clock or randomness.
import { Allocator } from './allocate.js';
import { ChoiceAllocator, choiceOutputs, isChoice, type ChoiceOutputs } from './choice.js';
import { certainEvents, eventCapacityInto, projectCapacityInto, type EventFilter } from './capacity.js';
import { measure, MeasureBuffers, routeMeasures, type Measures } from './measures.js';
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
  /** Under `allocation: choice`: scarcity costs, generalised and composite costs, the equilibrium gap. */
  readonly choice?: ChoiceOutputs | undefined;
}

/**
 * How a year's flows share capacity: route volumes from capacities and
 * demands (year y). The water-filling (allocate.ts, `spill` and `shares`)
 * and route choice (choice.ts) are the two.
 */
export interface Allocation {
  allocate(capacity: Float64Array, demand: Float64Array, volume: Float64Array, y: number): void;
}

/**
 * The arrays one run writes, sized for a model's network and years. A
 * caller that does not keep results (Monte Carlo, sweeps) passes the same
 * buffers to every run: nothing is allocated per run, and a year whose
 * inputs (capacities, demands with carry-over) equal those of the buffers'
 * last run of the same network keeps that run's outputs. An allocation is a
 * pure function of its year's inputs (the allocator resets its state every
 * call), and so are that year's measures, so the outputs are the same.
 */
export class RunBuffers {
  readonly capacity: Float64Array;
  readonly routeVolume: Float64Array;
  readonly flowDemand: Float64Array;
  readonly flowServed: Float64Array;
  readonly measures: MeasureBuffers;
  readonly capYear: Float64Array;
  readonly demandYear: Float64Array;
  readonly volumeYear: Float64Array;
  readonly carried: Float64Array;
  /** The routes array of the last run's model, and per year whether `lastCap`/`lastDemand` hold its inputs. */
  network: object | undefined;
  readonly known: Uint8Array;
  readonly lastCap: Float64Array;
  readonly lastDemand: Float64Array;
  /** Choice mode's outputs (made on the first choice run). */
  choice: ChoiceOutputs | undefined;

  constructor(model: Model) {
    const Y = model.years;
    const [C, F, R] = [model.constraints.length, model.flows.length, model.routes.length];
    this.capacity = new Float64Array(C * Y);
    this.routeVolume = new Float64Array(R * Y);
    this.flowDemand = new Float64Array(F * Y);
    this.flowServed = new Float64Array(F * Y);
    this.measures = new MeasureBuffers(model);
    this.capYear = new Float64Array(C);
    this.demandYear = new Float64Array(F);
    this.volumeYear = new Float64Array(R);
    this.carried = new Float64Array(F);
    this.known = new Uint8Array(Y);
    this.lastCap = new Float64Array(C * Y);
    this.lastDemand = new Float64Array(F * Y);
  }

  /** Whether these buffers have the sizes `model` needs. */
  fits(model: Model): boolean {
    const Y = model.years;
    return this.capacity.length === model.constraints.length * Y && this.routeVolume.length === model.routes.length * Y && this.flowDemand.length === model.flows.length * Y && this.measures.fits(model);
  }

  /** Whether year y's inputs are those of the last run (=== per number: −0 and 0 allocate alike). */
  private same(y: number): boolean {
    if (this.known[y] !== 1) return false;
    const { capYear, demandYear, lastCap, lastDemand } = this;
    const C = capYear.length;
    const F = demandYear.length;
    for (let c = 0; c < C; c++) if (capYear[c] !== lastCap[y * C + c]) return false;
    for (let f = 0; f < F; f++) if (demandYear[f] !== lastDemand[y * F + f]) return false;
    return true;
  }

  /** Starts a run of `model`: forgets the last run's inputs if it was of another network. */
  start(model: Model): void {
    if (this.network !== model.routes) this.known.fill(0);
    this.network = model.routes;
  }

  /** Whether year y can keep the last run's outputs; if not, remembers its inputs as this run's. */
  keeps(y: number): boolean {
    if (this.same(y)) return true;
    // Loops, not set(…, offset): tens of numbers, and a call into the runtime each.
    const { capYear, demandYear, lastCap, lastDemand } = this;
    const C = capYear.length;
    const F = demandYear.length;
    for (let c = 0; c < C; c++) lastCap[y * C + c] = capYear[c]!;
    for (let f = 0; f < F; f++) lastDemand[y * F + f] = demandYear[f]!;
    this.known[y] = 1;
    return false;
  }
}

/** A run of `model`, into new arrays. */
export function simulate(model: Model, options: SimulateOptions = {}): Result {
  return simulateInto(model, new RunBuffers(model), options);
}

/** Where a caller keeps the buffers its runs reuse (RunBuffers), made on first use. */
export interface BufferHolder {
  run?: RunBuffers;
}

/**
 * A run into the holder's buffers (made, or made again for another size, as
 * needed): the result is valid until the holder's next run. Without a
 * holder, into new arrays.
 */
export function simulateWith(model: Model, holder: BufferHolder | undefined, options: SimulateOptions = {}): Result {
  if (!holder) return simulate(model, options);
  if (!holder.run?.fits(model)) holder.run = new RunBuffers(model);
  return simulateInto(model, holder.run, options);
}

/** A run of `model` into `buffers` (which must fit it): the result's arrays are the buffers', valid until their next run. */
export function simulateInto(model: Model, buffers: RunBuffers, options: SimulateOptions = {}): Result {
  const Y = model.years;
  const F = model.flows.length;
  const { capacity, routeVolume, flowDemand, flowServed, capYear, demandYear, volumeYear, carried } = buffers;
  capacityOf(model, options, buffers);
  const choosing = isChoice(model);
  if (choosing && !buffers.choice) buffers.choice = choiceOutputs(model);
  // Route choice reads costs that params change, which the buffers' inputs do not show: every year is worked out.
  const allocator: Allocation = choosing ? ChoiceAllocator.for(model, buffers.choice!) : allocatorFor(model);
  buffers.start(model);
  carried.fill(0);
  // The first and the last year worked out (−1: none).
  let first = -1;
  let last = -1;
  for (let y = 0; y < Y; y++) {
    for (let c = 0; c < capYear.length; c++) capYear[c] = capacity[c * Y + y]!;
    for (let i = 0; i < F; i++) demandYear[i] = model.flows[i]!.demand[y]! + carried[i]!;
    if (!choosing && buffers.keeps(y)) {
      // The buffers hold this year's outputs; carry-over follows from them as below.
      for (let i = 0; i < F; i++) carried[i] = model.flows[i]!.unserved === 'carry' ? flowDemand[i * Y + y]! - flowServed[i * Y + y]! : 0;
      continue;
    }
    if (first < 0) first = y;
    last = y;
    allocator.allocate(capYear, demandYear, volumeYear, y);
    // Choice mode's demand answers cost (elasticity): the flows' demand is what the allocation says.
    if (choosing) for (let i = 0; i < F; i++) demandYear[i] = buffers.choice!.demand[i * Y + y]!;
    for (let r = 0; r < volumeYear.length; r++) routeVolume[r * Y + y] = volumeYear[r]!;
    for (let i = 0; i < F; i++) {
      const f = model.flows[i]!;
      let served = 0;
      const routes = f.routes;
      for (let j = 0; j < routes.length; j++) served += volumeYear[routes[j]!]!;
      served = Math.min(served, demandYear[i]!);
      flowDemand[i * Y + y] = demandYear[i]!;
      flowServed[i * Y + y] = served;
      carried[i] = f.unserved === 'carry' ? demandYear[i]! - served : 0;
    }
  }
  // Measures from the first to the last year worked out (a kept year between them gets the same values again).
  measure(model, capacity, routeVolume, buffers.measures, Math.max(first, 0), last + 1);
  return new RunResult(model, buffers, choosing ? buffers.choice : undefined);
}

/**
 * Capacities after projects (before events), by projects array: a function
 * of the constraints and projects alone, which a param-only what-if keeps
 * (normalize.ts reuses them; a drawn opening year among three finds each of
 * its project lists built before).
 */
const projectCapacities = new WeakMap<object, { constraints: object; capacity: Float64Array }>();

/**
 * The run's effective capacity into `buffers.capacity`: nameplate and
 * projects as worked out before for the same objects (or worked out), then
 * the run's events and factors — the same steps as effectiveCapacityInto.
 */
function capacityOf(model: Model, options: SimulateOptions, buffers: RunBuffers): void {
  const { capacity } = buffers;
  const known = projectCapacities.get(model.projects);
  if (known?.constraints === model.constraints) capacity.set(known.capacity);
  else {
    projectCapacityInto(model, capacity);
    projectCapacities.set(model.projects, { constraints: model.constraints, capacity: capacity.slice() });
  }
  eventCapacityInto(model, options.eventApplies ?? certainEvents(model), capacity);
}

/** A run's outputs: the buffers' arrays, and the route measures worked out on first use (the tables need them, sweeps and Monte Carlo runs do not). */
class RunResult implements Result {
  readonly capacity: Float64Array;
  readonly routeVolume: Float64Array;
  readonly flowDemand: Float64Array;
  readonly flowServed: Float64Array;
  readonly constraintFlow: Float64Array;
  readonly utilization: Float64Array;
  readonly elementFlow: Float64Array;
  readonly yearBottleneck: Int32Array;
  readonly yearMaxUtilization: Float64Array;
  readonly yearBinding: readonly (readonly number[])[];
  private routes: ReturnType<typeof routeMeasures> | undefined;

  constructor(readonly model: Model, b: RunBuffers, readonly choice: ChoiceOutputs | undefined) {
    ({ capacity: this.capacity, routeVolume: this.routeVolume, flowDemand: this.flowDemand, flowServed: this.flowServed } = b);
    ({ constraintFlow: this.constraintFlow, utilization: this.utilization, elementFlow: this.elementFlow } = b.measures);
    ({ yearBottleneck: this.yearBottleneck, yearMaxUtilization: this.yearMaxUtilization, yearBinding: this.yearBinding } = b.measures);
  }

  get routeTransit(): Float64Array {
    return (this.routes ??= routeMeasures(this.model, this.utilization)).routeTransit;
  }

  get routeBottleneck(): Int32Array {
    return (this.routes ??= routeMeasures(this.model, this.utilization)).routeBottleneck;
  }
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
