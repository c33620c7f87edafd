// Monte Carlo: each run draws the uncertain params (and which probabilistic
// events happen) from its own seeded streams, re-builds the scenario with the
// draws as overrides, simulates, and adds its metrics to an aggregate that
// keeps bounded memory whatever the number of runs:
// - percentiles from DDSketch (relative accuracy SKETCH_ACCURACY): a sketch
//   is a set of bucket counts, so adding runs in any order gives the same
//   quantiles — results do not depend on workers or batches (the thread
//   that ran a batch buckets its values; the main thread adds the counts,
//   bins.ts);
// - means from sums of values rounded to 1e-6 (integers, added exactly, so
//   also independent of order);
// - counts for the probability of unserved demand and bottleneck shares.
// A cell that always holds another's value (an element's flow and its flow
// twin's, cellSources) is bucketed once and answered for from the other.
import { DDSketch } from '@datadog/sketches-js';
import type { EventFilter } from '../engine/capacity.js';
import type { Model, UncertainParam } from '../engine/model.js';
import { simulateWith, type BufferHolder, type Result } from '../engine/simulate.js';
import type { Cell, Table } from '../io/csv.js';
import { drawGroup } from '../random/copula.js';
import { sample } from '../random/distributions.js';
import { stream } from '../random/streams.js';
import { buildWhatIf, type LoadedSource } from '../scenario/index.js';
import { ScenarioError } from '../scenario/problems.js';
import { isShortfall, sumOverFlows, unservedOf } from '../engine/metrics.js';
import { flowTwins } from '../engine/measures.js';
import { BatchBinsBuilder, CellSketches, SUM_SCALE, type BatchBins } from './bins.js';
import { Scratch } from './scratch.js';
import { isMet, requiredIn, servedIn } from '../engine/targets.js';
import { isVolumeMetric } from './metrics.js';
import { elementWaitDays, isChoice } from '../engine/choice.js';

export const SKETCH_ACCURACY = 0.001;
export const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

export interface Draw {
  values: Record<string, number>;
}

/**
 * The draws of run `run`: one stream per param, keyed by seed, name and run.
 * A param in a correlation group takes its stream's first uniform into the
 * group's Gaussian copula instead (src/random/copula.ts); the others draw as
 * if there were no correlations.
 */
export function drawParams(model: Model, seed: number | string, run: number): Draw {
  const linked = new Map<number, number>();
  for (const g of model.correlations) {
    const members = g.params.map((i) => model.uncertainty[i]!);
    const drawn = drawGroup(g, members.map((p) => p.dist), members.map((p) => stream(seed, p.name, run)()));
    g.params.forEach((i, k) => linked.set(i, drawn[k]!));
  }
  const values: Record<string, number> = {};
  model.uncertainty.forEach((p, i) => (values[p.name] = linked.get(i) ?? sample(p.dist, stream(seed, p.name, run))));
  return { values };
}

/** Which events happen in run `run`: an event with probability p fires in a year when its stream draws u < p. */
export function drawEvents(model: Model, seed: number | string, run: number): EventFilter {
  const fires = model.events.map((ev) => {
    if (!ev.probability) return undefined;
    const u = stream(seed, `event:${ev.id}`, run);
    return Array.from({ length: model.years }, (_, y) => u() < ev.probability![y]!);
  });
  return (e, y) => fires[e]?.[y] ?? true;
}

export interface RunOutcome {
  draw: Draw;
  result: Result;
}

/**
 * Run `run` of a Monte Carlo study. With `buffers` (a batch's), the result's
 * arrays are the buffers': read them before the next run.
 */
export function runOnce(source: LoadedSource, base: Model, baseOverrides: readonly string[], seed: number | string, run: number, buffers?: BufferHolder): RunOutcome {
  const draw = drawParams(base, seed, run);
  const scenario = buildWhatIf(source, baseOverrides, draw.values, `run ${run}: --set`);
  const errors = scenario.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !scenario.model) throw new ScenarioError(errors);
  return { draw, result: simulateWith(scenario.model, buffers, { eventApplies: drawEvents(scenario.model, seed, run) }) };
}

/**
 * The metrics tracked per year: the summary, each element's flow and (if it
 * has a capacity) utilization, each flow's served volume, and for each target
 * whether it is met (1 or 0, in the years it applies: the mean is its
 * probability).
 */
export interface MetricDef {
  metric: 'demand' | 'served' | 'unserved' | 'max_utilization' | 'flow' | 'utilization' | 'flow_served' | 'target_met' | 'wait_days' | 'composite_cost_usd_per_t';
  /** Element index, or −1 for the summary, a flow's or a target's metric. */
  element: number;
  /** Flow index (flow_served) or target index (target_met). */
  of?: number;
}

export function metricDefs(model: Model): MetricDef[] {
  const defs: MetricDef[] = [
    { metric: 'demand', element: -1 },
    { metric: 'served', element: -1 },
    { metric: 'unserved', element: -1 },
    { metric: 'max_utilization', element: -1 },
  ];
  // Route choice adds each element's queue (days) and each flow's composite cost (USD/t).
  const choosing = isChoice(model);
  model.elements.forEach((el, e) => {
    defs.push({ metric: 'flow', element: e });
    if (el.constraints.length > 0) defs.push({ metric: 'utilization', element: e });
    if (choosing && el.constraints.length > 0) defs.push({ metric: 'wait_days', element: e });
  });
  model.flows.forEach((_, f) => defs.push({ metric: 'flow_served', element: -1, of: f }));
  if (choosing) model.flows.forEach((_, f) => defs.push({ metric: 'composite_cost_usd_per_t', element: -1, of: f }));
  model.targets.forEach((_, t) => defs.push({ metric: 'target_met', element: -1, of: t }));
  return defs;
}

/** The id a metric is about: an element's, a flow's or a target's; '' for the summary. */
export function subjectOf(model: Model, d: MetricDef): string {
  if (d.element >= 0) return model.elements[d.element]!.id;
  if (d.metric === 'flow_served' || d.metric === 'composite_cost_usd_per_t') return model.flows[d.of!]!.id;
  if (d.metric === 'target_met') return model.targets[d.of!]!.id;
  return '';
}

/**
 * For each cell (`metric * years + year`), the cell that always holds the
 * same value: itself, or for an element's flow the same year of its flow
 * twin's (flowTwins: the same sum of the same routes). Of the baseline's 44
 * elements 14 have flows of their own, so two thirds of the flow cells,
 * two fifths of all, are copies that the aggregate need not bucket: it
 * keeps the first cell of each and answers for the others from it.
 */
export function cellSources(model: Model, defs: readonly MetricDef[]): Int32Array {
  const Y = model.years;
  const twins = flowTwins(model);
  const flowDef = new Map<number, number>();
  defs.forEach((d, m) => d.metric === 'flow' && flowDef.set(d.element, m));
  const sources = new Int32Array(defs.length * Y);
  defs.forEach((d, m) => {
    const from = d.metric === 'flow' ? flowDef.get(twins[d.element]!)! : m;
    for (let y = 0; y < Y; y++) sources[m * Y + y] = from * Y + y;
  });
  return sources;
}

/**
 * Writes the values of every metric in every year of one run into `out`:
 * cell `metric * years + year` at `at + cell * step`; NaN where undefined.
 * With `skip`, metrics m with skip[m] = 1 are left as they are.
 */
export function runValues(result: Result, defs: readonly MetricDef[], out: Float64Array, at = 0, step = 1, skip?: Uint8Array): void {
  const { model } = result;
  const Y = model.years;
  const F = model.flows.length;
  for (let m = 0; m < defs.length; m++) {
    if (skip?.[m] === 1) continue;
    const d = defs[m]!;
    /** Year y of this metric goes to `o + y * step`. */
    const o = at + m * Y * step;
    switch (d.metric) {
      case 'demand':
      case 'served':
      case 'unserved':
        // As yearMetrics (engine/metrics.ts) counts them.
        for (let y = 0; y < Y; y++) {
          const demand = d.metric === 'served' ? 0 : sumOverFlows(result.flowDemand, F, Y, y);
          const served = d.metric === 'demand' ? 0 : sumOverFlows(result.flowServed, F, Y, y);
          out[o + y * step] = d.metric === 'demand' ? demand : d.metric === 'served' ? served : unservedOf(demand, served);
        }
        break;
      case 'max_utilization':
        for (let y = 0; y < Y; y++) out[o + y * step] = result.yearMaxUtilization[y]!;
        break;
      case 'flow':
        // Loops, not set(subarray(…)): a subarray is an object made per call.
        for (let y = 0; y < Y; y++) out[o + y * step] = result.elementFlow[d.element * Y + y]!;
        break;
      case 'utilization': {
        // The highest utilization among the element's open constraints.
        const constraints = model.elements[d.element]!.constraints;
        for (let y = 0; y < Y; y++) {
          let v = NaN;
          for (let k = 0; k < constraints.length; k++) {
            const u = result.utilization[constraints[k]! * Y + y]!;
            if (!Number.isNaN(u) && !(u <= v)) v = u;
          }
          out[o + y * step] = v;
        }
        break;
      }
      case 'flow_served':
        for (let y = 0; y < Y; y++) out[o + y * step] = result.flowServed[d.of! * Y + y]!;
        break;
      case 'wait_days':
        for (let y = 0; y < Y; y++) out[o + y * step] = elementWaitDays(result, d.element, y);
        break;
      case 'composite_cost_usd_per_t':
        for (let y = 0; y < Y; y++) out[o + y * step] = result.choice!.compositeCost[d.of! * Y + y]!;
        break;
      case 'target_met': {
        // 1 or 0 in the years the target applies (as targetYears says), NaN in the others.
        const t = model.targets[d.of!]!;
        for (let y = 0; y < Y; y++) {
          const year = model.startYear + y;
          out[o + y * step] = year >= t.from && year <= t.to ? (isMet(servedIn(result, d.of!, y), requiredIn(result, d.of!, y)) ? 1 : 0) : NaN;
        }
        break;
      }
    }
  }
}

/** What a batch of runs sends back (plain typed arrays, cheap to pass between threads). */
export interface BatchData {
  runs: number;
  /** Each cell's (`metric * years + year`) values, bucketed: what the aggregate adds. */
  bins: BatchBins;
  /**
   * With `keepValues` (sensitivity reads them): cell by cell, the runs'
   * values, cell i of run r at `i * stride + r`; otherwise empty.
   */
  values: Float64Array;
  stride: number;
  /** Runs of the batch with unserved demand, per year. */
  unserved: Float64Array;
  /** Runs of the batch in which each element is the year's bottleneck, `[element * years + year]`. */
  bottleneck: Float64Array;
  /** Runs of the batch in which each element binds, `[element * years + year]`. */
  binding: Float64Array;
  /** Drawn value of each uncertain param per run, in `model.uncertainty` order. */
  draws: Float64Array;
}

/**
 * Collects a batch of `size` runs for the aggregate. Each run's values go
 * into one row (a run's cells, in cache), and each cell keeps its latest
 * value and how many runs in a row gave it: runs often repeat a cell's value
 * (history years, untouched elements), and such a value is bucketed once,
 * with its count, when another value comes (the same totals as value by
 * value, bins.ts).
 */
export class BatchCollector {
  private readonly data: Omit<BatchData, 'bins'>;
  private readonly cells: number;
  private readonly unservedMetric: number;
  private readonly bins: BatchBinsBuilder;
  /** This run's values, cell `metric * years + year`. */
  private readonly row: Float64Array;
  /** Per cell: the latest value as it came, the same rounded (what is counted), and how many runs gave it since it was last counted. */
  private readonly raw: Float64Array;
  private readonly same: Float64Array;
  private readonly repeats: Uint32Array;
  /** The cells bucketed: those that are their own source (cellSources; the others are copies of these). */
  private readonly own: Int32Array;
  /** Metrics whose cells are all copies, not worked out unless the values are kept. */
  private readonly copies: Uint8Array | undefined;
  /** The flow twins of the base's network, and the last run's routes found to have the same. */
  private readonly twins: Int32Array;
  private checkedRoutes: object | undefined;
  /** Gives the scratch arrays back (after the result). */
  private readonly release: () => void;

  /** With `keepValues`, the runs' values are sent too (sensitivity reads them). */
  constructor(private readonly base: Model, private readonly defs: readonly MetricDef[], size: number, private readonly keepValues = false) {
    const Y = base.years;
    const cells = (this.cells = defs.length * Y);
    this.unservedMetric = defs.findIndex((d) => d.metric === 'unserved' && d.element < 0);
    const { value: scratch, release } = collectorArrays.take(
      (a) => a.row.length === cells,
      () => ({ row: new Float64Array(cells), raw: new Float64Array(cells), same: new Float64Array(cells), repeats: new Uint32Array(cells) }),
    );
    this.release = release;
    ({ row: this.row, raw: this.raw, same: this.same, repeats: this.repeats } = scratch);
    this.raw.fill(NaN);
    this.same.fill(NaN);
    this.repeats.fill(0);
    const sources = cellSources(base, defs);
    this.own = Int32Array.from(sources.keys()).filter((i) => sources[i] === i);
    this.copies = keepValues ? undefined : Uint8Array.from(defs, (_, m) => (sources[m * Y] === m * Y ? 0 : 1));
    this.twins = flowTwins(base);
    this.bins = new BatchBinsBuilder(cells, size, SKETCH_ACCURACY);
    this.data = {
      runs: 0,
      values: new Float64Array(keepValues ? size * cells : 0),
      stride: size,
      unserved: new Float64Array(Y),
      bottleneck: new Float64Array(base.elements.length * Y),
      binding: new Float64Array(base.elements.length * Y),
      draws: new Float64Array(size * base.uncertainty.length),
    };
  }

  add(outcome: RunOutcome): void {
    const r = this.data.runs++;
    const Y = this.base.years;
    const { result } = outcome;
    const { unserved, bottleneck, binding, draws, values, stride } = this.data;
    const { row, raw, same, repeats, own } = this;
    if (result.model.routes !== this.checkedRoutes) {
      // Draws set params, which leave the network as it is: a run whose flows had other twins is a bug.
      const twins = flowTwins(result.model);
      if (twins.length !== this.twins.length || twins.some((t, e) => t !== this.twins[e])) throw new Error('a Monte Carlo run changed the network of the base scenario');
      this.checkedRoutes = result.model.routes;
    }
    runValues(result, this.defs, row, 0, 1, this.copies);
    for (let y = 0; y < Y; y++) {
      if (isShortfall(row[this.unservedMetric * Y + y]!, result.model.unservedThreshold)) unserved[y] = unserved[y]! + 1;
      const b = result.yearBottleneck[y]!;
      if (b >= 0) bottleneck[b * Y + y] = bottleneck[b * Y + y]! + 1;
      // Indexed, not for…of: a year's list is either a buffer's array or the shared frozen empty one, two shapes.
      const bound = result.yearBinding[y]!;
      for (let j = 0; j < bound.length; j++) binding[bound[j]! * Y + y] = binding[bound[j]! * Y + y]! + 1;
    }
    this.base.uncertainty.forEach((p, i) => (draws[r * this.base.uncertainty.length + i] = outcome.draw.values[p.name]!));
    if (this.keepValues) for (let i = 0; i < this.cells; i++) values[i * stride + r] = row[i]!;
    for (let j = 0; j < own.length; j++) {
      const i = own[j]!;
      const x = row[i]!;
      if (x === raw[i]) {
        repeats[i]!++;
        continue;
      }
      // Rounded to 1e-9 so that saturated values (utilization 1 ± float noise) tie exactly.
      const v = Math.round(x * 1e9) / 1e9;
      if (!Number.isFinite(v)) continue;
      if (v === same[i]) repeats[i]!++;
      else {
        if (repeats[i]! > 0) this.bins.add(i, same[i]!, repeats[i]!);
        same[i] = v;
        repeats[i] = 1;
      }
      raw[i] = x;
    }
  }

  /** The runs added so far, their values bucketed. */
  result(): BatchData {
    for (let i = 0; i < this.cells; i++) if (this.repeats[i]! > 0) this.bins.add(i, this.same[i]!, this.repeats[i]!);
    const { runs } = this.data;
    const result: BatchData = { ...this.data, bins: this.bins.finish(), draws: this.data.draws.subarray(0, runs * this.base.uncertainty.length) };
    this.release();
    return result;
  }
}

/** A thread's collector arrays, reused batch after batch (scratch.ts). */
const collectorArrays = new Scratch<{ row: Float64Array; raw: Float64Array; same: Float64Array; repeats: Uint32Array }>();

/** Bounded-memory aggregate of runs; the same whatever order batches arrive in. */
export class Aggregate {
  runs = 0;
  /** Per cell: bucket counts, sum, count, min, and the largest value with how many runs had it (saturated metrics, utilization 1, pile up there). */
  private readonly cells: CellSketches;
  /** Each cell's sketch, made from its counts when a quantile is first asked for (and again after more runs). */
  private readonly sketches = new Map<number, DDSketch>();
  /** Runs with unserved demand, per year. */
  readonly unserved: Float64Array;
  /** Runs in which each element is the year's bottleneck, `[element * years + year]`. */
  readonly bottleneck: Float64Array;
  /** Runs in which each element binds, `[element * years + year]`. */
  readonly binding: Float64Array;
  /** The draws, above their distribution's lower end (drawOffsets), as bucket counts. */
  private readonly draws: CellSketches;
  private readonly drawSums: Float64Array;
  /** Draws are sketched above their distribution's lower end: relative accuracy on 2027 itself would be ±2 years. */
  private readonly drawOffsets: number[];

  /** Each cell's source (cellSources): the cell whose counts hold its values. */
  private readonly sources: Int32Array;

  constructor(private readonly model: Model, defs: readonly MetricDef[]) {
    const cells = defs.length * model.years;
    this.sources = cellSources(model, defs);
    this.cells = new CellSketches(cells, SKETCH_ACCURACY);
    this.unserved = new Float64Array(model.years);
    this.bottleneck = new Float64Array(model.elements.length * model.years);
    this.binding = new Float64Array(model.elements.length * model.years);
    this.draws = new CellSketches(model.uncertainty.length, SKETCH_ACCURACY);
    this.drawSums = new Float64Array(model.uncertainty.length);
    this.drawOffsets = model.uncertainty.map((p) => lowerEnd(p.dist));
  }

  addBatch(batch: BatchData): void {
    const P = this.model.uncertainty.length;
    this.sketches.clear();
    this.cells.merge(batch.bins);
    const add = (to: Float64Array, from: Float64Array) => {
      for (let i = 0; i < to.length; i++) to[i] = to[i]! + from[i]!;
    };
    add(this.unserved, batch.unserved);
    add(this.bottleneck, batch.bottleneck);
    add(this.binding, batch.binding);
    for (let r = 0; r < batch.runs; r++) {
      for (let p = 0; p < P; p++) {
        const v = batch.draws[r * P + p]!;
        this.draws.add(p, v - this.drawOffsets[p]!, 1);
        this.drawSums[p] = this.drawSums[p]! + Math.round(v * SUM_SCALE);
      }
    }
    this.runs += batch.runs;
  }

  mean(i: number): number {
    return this.cells.mean(this.sources[i]!);
  }

  /** Runs that gave cell i a value. */
  count(i: number): number {
    return this.cells.values(this.sources[i]!);
  }

  /**
   * The q-quantile (lower, at rank q·(n − 1)) within the sketch's relative
   * accuracy, clamped to the values seen; exact when it falls among the runs
   * that share the largest value.
   */
  quantile(cell: number, q: number): number {
    const i = this.sources[cell]!;
    const n = this.cells.values(i);
    if (n === 0) return NaN;
    const top = this.cells.top(i);
    if (q * (n - 1) >= n - top.count) return top.value;
    let s = this.sketches.get(i);
    if (!s) this.sketches.set(i, (s = this.cells.sketch(i)));
    return clampedQuantile(s, q);
  }

  /** Summary of each drawn param: mean and percentiles, for the manifest. */
  drawSummary(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    this.model.uncertainty.forEach((p, i) => {
      if (this.runs === 0) return;
      out[p.name] = { mean: round6(this.drawSums[i]! / SUM_SCALE / this.runs) };
      const sketch = this.draws.sketch(i);
      for (const q of QUANTILES) {
        const x = this.drawOffsets[i]! + clampedQuantile(sketch, q);
        // A discrete param's quantile is one of its values; the sketch is within 0.1 % of it.
        const snapped = p.dist.dist === 'discrete' ? p.dist.values.reduce((a, b) => (Math.abs(b - x) < Math.abs(a - x) ? b : a)) : x;
        out[p.name]![`p${Math.round(q * 100)}`] = round6(snapped);
      }
    });
    return out;
  }
}

/** A value at or below every draw of `d` (normal: 12 sd below the mean). */
function lowerEnd(d: UncertainParam['dist']): number {
  switch (d.dist) {
    case 'uniform':
    case 'triangular':
    case 'pert':
      return d.min;
    case 'normal':
      return d.min ?? d.mean - 12 * d.sd;
    case 'lognormal':
      return 0;
    case 'discrete':
      return Math.min(...d.values);
  }
}

const clampedQuantile = (s: DDSketch, q: number) => Math.min(s.max, Math.max(s.min, s.getValueAtQuantile(q)));
const round6 = (x: number) => Number(x.toFixed(6));


/**
 * montecarlo.csv: per year, the summary metrics and P(unserved); per element,
 * the share of runs in which it binds and in which it is the bottleneck, and
 * its flow and utilization; per flow, its served volume (`flow_served_mt`);
 * per target in the years it applies, `target_met` (mean: the probability).
 */
export function monteCarloTable(model: Model, defs: readonly MetricDef[], agg: Aggregate): Table {
  const Y = model.years;
  const u = model.volumeUnit;
  const rows: Cell[][] = [];
  const stat = (m: number, y: number, scale: number): Cell[] => {
    const i = m * Y + y;
    return [agg.mean(i) * scale, ...QUANTILES.map((q) => agg.quantile(i, q) * scale)];
  };
  const name = (d: MetricDef) => (isVolumeMetric(d.metric) ? `${d.metric}${u.suffix}` : d.metric);
  const empty = QUANTILES.map(() => null);
  // Per year: the summary, then elements, flows and targets, each by id.
  const group = (d: MetricDef) => (d.element >= 0 ? 1 : d.metric === 'flow_served' || d.metric === 'composite_cost_usd_per_t' ? 2 : d.metric === 'target_met' ? 3 : 0);
  const order = defs.map((d, m) => ({ d, m, id: subjectOf(model, d) })).sort((a, b) => group(a.d) - group(b.d) || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.m - b.m));
  for (let y = 0; y < Y; y++) {
    const year = model.startYear + y;
    let bottlenecksDone = -2;
    for (const { d, m, id: element } of order) {
      if (d.metric === 'target_met' && agg.count(m * Y + y) === 0) continue; // a year the target does not apply
      if (d.element >= 0 && bottlenecksDone !== d.element) {
        rows.push([model.name, year, 'binding_share', element, agg.binding[d.element * Y + y]! / agg.runs, ...empty]);
        rows.push([model.name, year, 'bottleneck_share', element, agg.bottleneck[d.element * Y + y]! / agg.runs, ...empty]);
        bottlenecksDone = d.element;
      }
      rows.push([model.name, year, name(d), element, ...stat(m, y, isVolumeMetric(d.metric) ? u.factor : 1)]);
      if (d.metric === 'max_utilization') rows.push([model.name, year, 'p_unserved', '', agg.unserved[y]! / agg.runs, ...empty]);
    }
  }
  return {
    file: 'montecarlo.csv',
    header: ['scenario', 'year', 'metric', 'element', 'mean', ...QUANTILES.map((q) => `p${Math.round(q * 100)}`)],
    rows,
  };
}
