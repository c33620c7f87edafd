// Builds scenarios in memory for tests: inline YAML or objects, no files.
import { stringify } from 'yaml';
import type { Model } from '../../src/engine/model.js';
import { simulate, type Result } from '../../src/engine/simulate.js';
import { loadScenario, loadSource, type LoadedScenario } from '../../src/scenario/index.js';
import { drawFutures, type Future } from '../../src/optimize/futures.js';
import { formatProblem } from '../../src/scenario/problems.js';

/** Loads scenario text (and any files it extends) from an in-memory map. */
export function loadText(files: Record<string, string>, main = Object.keys(files)[0]!, overrides: string[] = []): LoadedScenario {
  return loadScenario(main, {
    overrides,
    readText: (f) => {
      const text = files[f];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${f}`), { code: 'ENOENT' });
      return text;
    },
  });
}

export function modelOf(scenario: string | object, overrides: string[] = []): Model {
  const text = typeof scenario === 'string' ? scenario : stringify(scenario);
  const loaded = loadText({ 'test.yaml': text }, 'test.yaml', overrides);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !loaded.model) throw new Error(errors.map(formatProblem).join('\n'));
  return loaded.model;
}

export function run(scenario: string | object, overrides: string[] = []): Result {
  return simulate(modelOf(scenario, overrides));
}

export function errorsOf(text: string): string[] {
  return loadText({ 'test.yaml': text }).problems.filter((p) => p.severity === 'error').map(formatProblem);
}

/** Value of a flat per-year array for the element/flow/route with `id`, in `year`. */
export function at(result: Result, table: 'flowServed' | 'flowDemand' | 'routeVolume', id: string, year: number): number {
  const { model } = result;
  const Y = model.years;
  const y = year - model.startYear;
  if (table === 'routeVolume') {
    const [flow, route] = id.split('/');
    const f = model.flows.find((x) => x.id === flow)!;
    const r = f.routes.find((i) => model.routes[i]!.id === route)!;
    return result.routeVolume[r * Y + y]!;
  }
  const f = model.flows.findIndex((x) => x.id === id);
  return result[table][f * Y + y]!;
}

/** Effective capacity of element `id` (cargo `total` unless given) in `year`. */
export function capacityOf(result: Result, id: string, year: number, cargo = 'total'): number {
  const { model } = result;
  const c = model.constraints.findIndex((k) => model.elements[k.element]!.id === id && k.cargo === cargo);
  return result.capacity[c * model.years + (year - model.startYear)]!;
}

export function utilizationOf(result: Result, id: string, year: number, cargo = 'total'): number {
  const { model } = result;
  const c = model.constraints.findIndex((k) => model.elements[k.element]!.id === id && k.cargo === cargo);
  return result.utilization[c * model.years + (year - model.startYear)]!;
}

/** Futures 0 … runs − 1 of seed `seed` (montecarlo's draws) of scenario text, and its model. */
export function futuresOf(text: string, runs: number, seed = 7): { futures: Future[]; model: Model } {
  const source = loadSource('test.yaml', (f) => (f === 'test.yaml' ? text : ''));
  const model = modelOf(text);
  return { futures: drawFutures(source, model, [], seed, runs), model };
}
