// Futures for planning under uncertainty: the Monte Carlo's own draws (the
// same streams, so run i of seed S is the future that `corridor montecarlo
// --seed S` runs as run i), each as a model and the events that happen in it.
// Out-of-sample evaluation draws from another seed key, so that its futures
// are not those the plan was made for.
import { drawEvents, drawParams } from '../analysis/montecarlo.js';
import type { EventFilter } from '../engine/capacity.js';
import type { Model } from '../engine/model.js';
import { buildWhatIf, type LoadedSource } from '../scenario/index.js';
import { ScenarioError } from '../scenario/problems.js';

export interface Future {
  readonly run: number;
  readonly model: Model;
  readonly events: EventFilter;
  /** The uncertain params' values in this future. */
  readonly values: Readonly<Record<string, number>>;
}

/** The seed key of out-of-sample futures: another stream than the plan's own runs. */
export const evaluationSeed = (seed: number | string): string => `${seed}/evaluate`;

/** Future `run` of seed `seed`: the base's `set` overrides with that run's draws on top. */
export function drawFuture(source: LoadedSource, base: Model, set: readonly string[], seed: number | string, run: number): Future {
  const draw = drawParams(base, seed, run);
  const scenario = buildWhatIf(source, set, draw.values, `future ${run}: --set`);
  const errors = scenario.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !scenario.model) throw new ScenarioError(errors);
  return { run, model: scenario.model, events: drawEvents(scenario.model, seed, run), values: draw.values };
}

export const drawFutures = (source: LoadedSource, base: Model, set: readonly string[], seed: number | string, runs: number): Future[] =>
  Array.from({ length: runs }, (_, run) => drawFuture(source, base, set, seed, run));
