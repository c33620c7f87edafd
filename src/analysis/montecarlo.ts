// Monte Carlo: each run draws the uncertain params (and which probabilistic
// events happen) from its own seeded streams, re-builds the scenario with the
// draws as overrides, simulates, and adds its metrics to an aggregate that
// keeps bounded memory whatever the number of runs:
// - percentiles from DDSketch (relative accuracy SKETCH_ACCURACY): a sketch
//   is a set of bucket counts, so adding runs in any order gives the same
//   quantiles — results do not depend on workers or batches (workers send
//   their runs' metric values; the main thread aggregates them, as bucket
//   counts, bins.ts);
// - means from sums of values rounded to 1e-6 (integers, added exactly, so
//   also independent of order);
// - counts for the probability of unserved demand and bottleneck shares.
import { DDSketch } from '@datadog/sketches-js';
import type { EventFilter } from '../engine/capacity.js';
import type { Model, UncertainParam } from '../engine/model.js';
import { simulate, type Result } from '../engine/simulate.js';
import type { Cell, Table } from '../io/csv.js';
import { sample } from '../random/distributions.js';
import { stream } from '../random/streams.js';
import { buildScenario, type LoadedSource } from '../scenario/index.js';
import { ScenarioError } from '../scenario/problems.js';
import { sumOverFlows, UNSERVED_EPSILON, unservedOf } from '../engine/metrics.js';
import { SketchBins } from './bins.js';
import { targetYears } from '../engine/targets.js';
import { isVolumeMetric } from './metrics.js';

export const SKETCH_ACCURACY = 0.001;
export const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
const SUM_SCALE = 1e6;

export interface Draw {
  overrides: string[];
  values: Record<string, number>;
}

/** The draws of run `run`: one stream per param, keyed by seed, name and run. */
export function drawParams(model: Model, seed: number | string, run: number): Draw {
  const values: Record<string, number> = {};
  for (const p of model.uncertainty) values[p.name] = sample(p.dist, stream(seed, p.name, run));
  return { values, overrides: Object.entries(values).map(([k, v]) => `${k}=${v}`) };
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

export function runOnce(source: LoadedSource, base: Model, baseOverrides: readonly string[], seed: number | string, run: number): RunOutcome {
  const draw = drawParams(base, seed, run);
  const scenario = buildScenario(source, [...baseOverrides, ...draw.overrides], `run ${run}: --set`);
  const errors = scenario.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !scenario.model) throw new ScenarioError(errors);
  return { draw, result: simulate(scenario.model, { eventApplies: drawEvents(scenario.model, seed, run) }) };
}

/**
 * The metrics tracked per year: the summary, each element's flow and (if it
 * has a capacity) utilization, each flow's served volume, and for each target
 * whether it is met (1 or 0, in the years it applies: the mean is its
 * probability).
 */
export interface MetricDef {
  metric: 'demand' | 'served' | 'unserved' | 'max_utilization' | 'flow' | 'utilization' | 'flow_served' | 'target_met';
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
  model.elements.forEach((el, e) => {
    defs.push({ metric: 'flow', element: e });
    if (el.constraints.length > 0) defs.push({ metric: 'utilization', element: e });
  });
  model.flows.forEach((_, f) => defs.push({ metric: 'flow_served', element: -1, of: f }));
  model.targets.forEach((_, t) => defs.push({ metric: 'target_met', element: -1, of: t }));
  return defs;
}

/** The id a metric is about: an element's, a flow's or a target's; '' for the summary. */
export function subjectOf(model: Model, d: MetricDef): string {
  if (d.element >= 0) return model.elements[d.element]!.id;
  if (d.metric === 'flow_served') return model.flows[d.of!]!.id;
  if (d.metric === 'target_met') return model.targets[d.of!]!.id;
  return '';
}

/** Writes the values of every metric in every year of one run into `out` at `at`, `[metric * years + year]`; NaN where undefined. */
export function runValues(result: Result, defs: readonly MetricDef[], out: Float64Array, at = 0): void {
  const { model } = result;
  const Y = model.years;
  const F = model.flows.length;
  for (let m = 0; m < defs.length; m++) {
    const d = defs[m]!;
    const row = at + m * Y;
    switch (d.metric) {
      case 'demand':
      case 'served':
      case 'unserved':
        // As yearMetrics (engine/metrics.ts) counts them.
        for (let y = 0; y < Y; y++) {
          const demand = sumOverFlows(result.flowDemand, F, Y, y);
          const served = sumOverFlows(result.flowServed, F, Y, y);
          out[row + y] = d.metric === 'demand' ? demand : d.metric === 'served' ? served : unservedOf(demand, served);
        }
        break;
      case 'max_utilization':
        out.set(result.yearMaxUtilization, row);
        break;
      case 'flow':
        out.set(result.elementFlow.subarray(d.element * Y, (d.element + 1) * Y), row);
        break;
      case 'utilization': {
        // The highest utilization among the element's open constraints.
        const constraints = model.elements[d.element]!.constraints;
        for (let y = 0; y < Y; y++) {
          let v = NaN;
          for (const c of constraints) {
            const u = result.utilization[c * Y + y]!;
            if (!Number.isNaN(u) && !(u <= v)) v = u;
          }
          out[row + y] = v;
        }
        break;
      }
      case 'flow_served':
        out.set(result.flowServed.subarray(d.of! * Y, (d.of! + 1) * Y), row);
        break;
      case 'target_met':
        out.fill(NaN, row, row + Y);
        for (const t of targetYears(result, d.of)) out[row + t.year - model.startYear] = t.met ? 1 : 0;
        break;
    }
  }
}

/** What a batch of runs sends back (plain typed arrays, cheap to pass between threads). */
export interface BatchData {
  runs: number;
  /** `[run][metric * years + year]`, flattened. */
  values: Float64Array;
  /** Bottleneck element per run and year (−1: none). */
  bottleneck: Int32Array;
  /** 1 where an element binds, per run, `[element * years + year]`. */
  binding: Uint8Array;
  /** Drawn value of each uncertain param per run, in `model.uncertainty` order. */
  draws: Float64Array;
}

/** Collects a batch of `size` runs for the aggregate, into arrays sized once. */
export class BatchCollector {
  private readonly data: BatchData;
  private readonly cells: number;

  constructor(private readonly base: Model, private readonly defs: readonly MetricDef[], size: number) {
    const Y = base.years;
    this.cells = defs.length * Y;
    this.data = {
      runs: 0,
      values: new Float64Array(size * this.cells),
      bottleneck: new Int32Array(size * Y),
      binding: new Uint8Array(size * base.elements.length * Y),
      draws: new Float64Array(size * base.uncertainty.length),
    };
  }

  add(outcome: RunOutcome): void {
    const r = this.data.runs++;
    const Y = this.base.years;
    runValues(outcome.result, this.defs, this.data.values, r * this.cells);
    this.data.bottleneck.set(outcome.result.yearBottleneck, r * Y);
    const flags = r * this.base.elements.length * Y;
    outcome.result.yearBinding.forEach((elements, y) => elements.forEach((e) => (this.data.binding[flags + e * Y + y] = 1)));
    this.base.uncertainty.forEach((p, i) => (this.data.draws[r * this.base.uncertainty.length + i] = outcome.draw.values[p.name]!));
  }

  /** The runs added so far. */
  result(): BatchData {
    const { runs } = this.data;
    const Y = this.base.years;
    return {
      runs,
      values: this.data.values.subarray(0, runs * this.cells),
      bottleneck: this.data.bottleneck.subarray(0, runs * Y),
      binding: this.data.binding.subarray(0, runs * this.base.elements.length * Y),
      draws: this.data.draws.subarray(0, runs * this.base.uncertainty.length),
    };
  }
}

/** Bounded-memory aggregate of runs; the same whatever order batches arrive in. */
export class Aggregate {
  runs = 0;
  private readonly bins: (SketchBins | null)[];
  /** Each cell's sketch, made from its bins when a quantile is first asked for (and again after more runs). */
  private readonly sketches = new Map<number, DDSketch>();
  /** Per cell, a value seen in consecutive runs of a batch and how many times, not yet counted. */
  private readonly pendingValue: Float64Array;
  private readonly pendingCount: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /** Largest value seen and how many runs had it: saturated metrics (utilization 1) pile up there. */
  private readonly top: Float64Array;
  private readonly atTop: Float64Array;
  /** Runs with unserved demand, per year. */
  readonly unserved: Float64Array;
  /** Runs in which each element is the year's bottleneck, `[element * years + year]`. */
  readonly bottleneck: Float64Array;
  /** Runs in which each element binds, `[element * years + year]`. */
  readonly binding: Float64Array;
  private readonly drawSketches: DDSketch[];
  private readonly drawSums: Float64Array;
  /** Draws are sketched above their distribution's lower end: relative accuracy on 2027 itself would be ±2 years. */
  private readonly drawOffsets: number[];
  private readonly unservedMetric: number;

  constructor(private readonly model: Model, private readonly defs: readonly MetricDef[]) {
    const cells = defs.length * model.years;
    this.bins = new Array<SketchBins | null>(cells).fill(null);
    this.pendingValue = new Float64Array(cells).fill(NaN);
    this.pendingCount = new Float64Array(cells);
    this.sums = new Float64Array(cells);
    this.counts = new Float64Array(cells);
    this.top = new Float64Array(cells).fill(-Infinity);
    this.atTop = new Float64Array(cells);
    this.unserved = new Float64Array(model.years);
    this.bottleneck = new Float64Array(model.elements.length * model.years);
    this.binding = new Float64Array(model.elements.length * model.years);
    this.drawSketches = model.uncertainty.map(() => newSketch());
    this.drawSums = new Float64Array(model.uncertainty.length);
    this.drawOffsets = model.uncertainty.map((p) => lowerEnd(p.dist));
    this.unservedMetric = defs.findIndex((d) => d.metric === 'unserved' && d.element < 0);
  }

  addBatch(batch: BatchData): void {
    const Y = this.model.years;
    const cells = this.defs.length * Y;
    const P = this.model.uncertainty.length;
    const { values } = batch;
    const { pendingValue, pendingCount } = this;
    this.sketches.clear();
    for (let r = 0; r < batch.runs; r++) {
      const off = r * cells;
      for (let i = 0; i < cells; i++) {
        // Rounded to 1e-9 so that saturated values (utilization 1 ± float noise) tie exactly.
        const v = Math.round(values[off + i]! * 1e9) / 1e9;
        if (!Number.isFinite(v)) continue;
        // Runs often repeat a cell's value (history years, untouched elements): such a value is
        // counted, and added once with its count when another value comes (the same totals).
        if (v === pendingValue[i]) pendingCount[i] = pendingCount[i]! + 1;
        else {
          this.flush(i);
          pendingValue[i] = v;
          pendingCount[i] = 1;
        }
      }
      for (let y = 0; y < Y; y++) {
        if (values[off + this.unservedMetric * Y + y]! > UNSERVED_EPSILON) this.unserved[y] = this.unserved[y]! + 1;
        const b = batch.bottleneck[r * Y + y]!;
        if (b >= 0) this.bottleneck[b * Y + y] = this.bottleneck[b * Y + y]! + 1;
      }
      const flags = r * this.binding.length;
      for (let i = 0; i < this.binding.length; i++) this.binding[i] = this.binding[i]! + batch.binding[flags + i]!;
      for (let p = 0; p < P; p++) {
        const v = batch.draws[r * P + p]!;
        this.drawSketches[p]!.accept(v - this.drawOffsets[p]!);
        this.drawSums[p] = this.drawSums[p]! + Math.round(v * SUM_SCALE);
      }
      this.runs++;
    }
    for (let i = 0; i < cells; i++) this.flush(i);
  }

  /** Adds cell i's pending value, `pendingCount[i]` times: to its bins, sum, count and top. */
  private flush(i: number): void {
    const n = this.pendingCount[i]!;
    if (n === 0) return;
    const v = this.pendingValue[i]!;
    (this.bins[i] ??= new SketchBins(SKETCH_ACCURACY)).accept(v, n);
    // Integers below 2^53: n × round(v·1e6) is the sum of n additions, exactly.
    this.sums[i] = this.sums[i]! + Math.round(v * SUM_SCALE) * n;
    this.counts[i] = this.counts[i]! + n;
    if (v > this.top[i]!) {
      this.top[i] = v;
      this.atTop[i] = n;
    } else if (v === this.top[i]) this.atTop[i] = this.atTop[i]! + n;
    this.pendingCount[i] = 0;
    this.pendingValue[i] = NaN;
  }

  mean(i: number): number {
    return this.counts[i]! > 0 ? this.sums[i]! / SUM_SCALE / this.counts[i]! : NaN;
  }

  /**
   * The q-quantile (lower, at rank q·(n − 1)) within the sketch's relative
   * accuracy, clamped to the values seen; exact when it falls among the runs
   * that share the largest value.
   */
  quantile(i: number, q: number): number {
    const bins = this.bins[i];
    const n = this.counts[i]!;
    if (!bins || n === 0) return NaN;
    if (q * (n - 1) >= n - this.atTop[i]!) return this.top[i]!;
    let s = this.sketches.get(i);
    if (!s) this.sketches.set(i, (s = bins.sketch()));
    return clampedQuantile(s, q);
  }

  /** Summary of each drawn param: mean and percentiles, for the manifest. */
  drawSummary(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    this.model.uncertainty.forEach((p, i) => {
      if (this.runs === 0) return;
      out[p.name] = { mean: round6(this.drawSums[i]! / SUM_SCALE / this.runs) };
      for (const q of QUANTILES) {
        const x = this.drawOffsets[i]! + clampedQuantile(this.drawSketches[i]!, q);
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

const newSketch = () => new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });
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
  const group = (d: MetricDef) => (d.element >= 0 ? 1 : d.metric === 'flow_served' ? 2 : d.metric === 'target_met' ? 3 : 0);
  const order = defs.map((d, m) => ({ d, m, id: subjectOf(model, d) })).sort((a, b) => group(a.d) - group(b.d) || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.m - b.m));
  for (let y = 0; y < Y; y++) {
    const year = model.startYear + y;
    let bottlenecksDone = -2;
    for (const { d, m, id: element } of order) {
      if (d.metric === 'target_met' && agg.counts[m * Y + y] === 0) continue; // a year the target does not apply
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
