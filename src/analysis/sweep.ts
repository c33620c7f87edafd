// Parameter sweeps: a grid of override values, each combination run as a
// what-if of one scenario, one row per combination and year. The runner is
// the same function in the main thread and in workers, so a parallel sweep
// gives the same bytes as a serial one.
import { simulateWith, type BufferHolder } from '../engine/simulate.js';
import { DECIMAL_COMMA, STANDARD, toCsvRows, type Cell } from '../io/csv.js';
import { buildScenario, type LoadedSource } from '../scenario/index.js';
import { ScenarioError } from '../scenario/problems.js';
import { yearMetrics, type YearMetrics } from '../engine/metrics.js';

export interface SweepParam {
  /** Param name or dotted path, as for --set. */
  name: string;
  values: number[];
}

/** Largest grid accepted, to catch a mistyped step before it runs for hours. */
export const MAX_COMBINATIONS = 1_000_000;

/** `name=start:stop:step` (stop included) or `name=v1,v2,v3`; returns an error message or the param. */
export function parseSweepParam(spec: string): SweepParam | string {
  const eq = spec.indexOf('=');
  if (eq <= 0) return `--param "${spec}": expected name=start:stop:step or name=v1,v2,...`;
  const name = spec.slice(0, eq).trim();
  const body = spec.slice(eq + 1).trim();
  const numbers = (parts: string[]) => parts.map((p) => Number(p.trim()));
  if (body.includes(':')) {
    const parts = numbers(body.split(':'));
    if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x))) return `--param "${spec}": a range is start:stop:step with three numbers`;
    const [start, stop, step] = parts as [number, number, number];
    if (step <= 0 || stop < start) return `--param "${spec}": the step must be positive and stop ≥ start`;
    const n = Math.floor((stop - start) / step + 1e-9) + 1;
    if (n > MAX_COMBINATIONS) return `--param "${spec}": ${n} values is too many`;
    // Values are start + i·step, rounded to 12 significant digits so that 0.1 + 2·0.05 prints as 0.2.
    return { name, values: Array.from({ length: n }, (_, i) => Number((start + i * step).toPrecision(12))) };
  }
  const values = numbers(body.split(','));
  if (values.length === 0 || values.some((x) => !Number.isFinite(x))) return `--param "${spec}": values must be numbers separated by commas`;
  return { name, values };
}

/** Every combination, the last param varying fastest. */
export function grid(params: readonly SweepParam[]): number[][] {
  return params.reduce<number[][]>((acc, p) => acc.flatMap((combo) => p.values.map((v) => [...combo, v])), [[]]);
}

export const overridesFor = (params: readonly SweepParam[], combo: readonly number[]): string[] =>
  params.map((p, i) => `${p.name}=${combo[i]}`);

/**
 * Runs one combination; throws ScenarioError if its overrides make the
 * scenario invalid. With `buffers` (a batch's), runs reuse their arrays.
 */
export function runCombination(source: LoadedSource, overrides: readonly string[], buffers?: BufferHolder): YearMetrics[] {
  const scenario = buildScenario(source, overrides);
  const errors = scenario.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !scenario.model) throw new ScenarioError(errors);
  return yearMetrics(simulateWith(scenario.model, buffers));
}

/** A task for a thread: some combinations of a sweep, and how to write their rows. */
export interface SweepBatch {
  file: string;
  /** Scenario name, the first column. */
  name: string;
  /** Overrides of each combination (base --set included). */
  combos: string[][];
  /** Swept values of each combination, one column each. */
  values: number[][];
  /** Mt/year → the output volume unit. */
  factor: number;
  decimalComma: boolean;
}

/**
 * Runs a batch (main thread or worker) and returns its sweep.csv rows,
 * formatted: the thread that ran the combinations formats them, so the main
 * thread only writes text, and the bytes do not depend on which thread ran what.
 */
export function* sweepBatch(source: LoadedSource, batch: SweepBatch): Generator<void, string> {
  const rows: Cell[][] = [];
  const k = batch.factor;
  const buffers: BufferHolder = {};
  for (const [i, overrides] of batch.combos.entries()) {
    for (const m of runCombination(source, overrides, buffers)) {
      rows.push([batch.name, ...batch.values[i]!, m.year, m.demand * k, m.served * k, m.unserved * k, m.maxUtilization, m.bottleneck, m.binding.join(' ')]);
    }
    yield;
  }
  return toCsvRows(rows, batch.decimalComma ? DECIMAL_COMMA : STANDARD);
}

/** sweep.csv's columns: the swept params, then the summary metrics. */
export function sweepHeader(params: readonly SweepParam[], unit: { suffix: string }): string[] {
  const s = unit.suffix;
  return ['scenario', ...params.map((p) => p.name), 'year', `demand${s}`, `served${s}`, `unserved${s}`, 'max_utilization', 'bottleneck', 'binding'];
}
