// Runs that share their first years share those years' equilibria
// (docs/architecture.md, "Route choice"). A Monte Carlo run, a sweep's
// combination or an appraisal case differs from its neighbours only from the
// year its draws, its values or its project first change something; before
// that its years have the same inputs and start from the same state, so the
// equilibrium that the first run of the same network found is exactly what
// solving again would give, bit for bit. Each thread keeps, per network, the
// trajectory of the first run that got there; a run follows it while every
// year's inputs are equal, and solves on its own from the first year that
// differs.
import type { FlowState } from './choice-flow.js';
import type { Model } from './model.js';

/** One year of the first run's trajectory: its inputs after `ChoiceFlows.year`, and what the equilibrium wrote. */
interface PrefixYear {
  readonly inputs: Float64Array;
  readonly x: Float64Array;
  readonly lambda: Float64Array;
  readonly c: Float64Array;
  readonly composite: Float64Array;
  readonly gap: number;
}

/** Networks kept per thread (least recently used out first): one per model shape that a command runs. */
const NETWORKS = 8;
const trajectories = new Map<string, PrefixYear[]>();

/** Keeps `value` as the most recently used of a per-network map, the least recently used out beyond NETWORKS. */
export function keepRecent<T>(kept: Map<string, T>, key: string, value: T): void {
  kept.delete(key);
  kept.set(key, value);
  if (kept.size > NETWORKS) kept.delete(kept.keys().next().value!);
}

/** Forgets every kept trajectory (tests: a run then solves every year itself). */
export function forgetTrajectories(): void {
  trajectories.clear();
}

/**
 * The last key worked out per routes array (the runs of a Monte Carlo share
 * it), with the objects it was worked out from: a model is not changed once
 * built, so the same objects give the same key.
 */
const keys = new WeakMap<object, { parts: unknown[]; key: string }>();

/** The network's shape: what a year's inputs do not hold but its equilibrium depends on. */
export function networkKey(model: Model): string {
  const parts: unknown[] = [model.constraints, model.elements, model.startYear, model.years, model.choiceReference];
  for (const f of model.flows) parts.push(f.routes, f.choice);
  const known = keys.get(model.routes);
  if (known && known.parts.length === parts.length && known.parts.every((p, i) => p === parts[i])) return known.key;
  const key = shapeOf(model);
  keys.set(model.routes, { parts, key });
  return key;
}

function shapeOf(model: Model): string {
  return JSON.stringify([
    model.startYear, model.years,
    model.constraints.map((c) => c.element),
    model.elements.map((e) => [e.bprAlpha, e.bprBeta]),
    model.routes.map((r) => [r.flow, r.elements, r.constraints, r.offNetwork ? 1 : 0]),
    model.flows.map((f) => [f.routes, f.choice!.nests.map((n) => n.routes), f.choice!.elasticity]),
    model.choiceReference,
  ]);
}

function same(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One run's walk along its network's trajectory. */
export class Prefix {
  private readonly years: PrefixYear[];
  /** Whether every year so far followed the trajectory (or extended it), in order. */
  private onTrack = true;
  private next = 0;
  private pending: Float64Array | undefined;

  constructor(key: string) {
    this.years = trajectories.get(key) ?? [];
    keepRecent(trajectories, key, this.years);
  }

  /** Whether year y can still be on the trajectory (else `find` would say no without looking at its inputs). */
  following(y: number): boolean {
    return this.onTrack && y === this.next;
  }

  /**
   * Year y's kept equilibrium when this run has followed the trajectory so
   * far and y's inputs (`ChoiceFlows.yearInputs`) are the same; undefined otherwise (the run then
   * solves, and `keep` extends the trajectory if it is the first to get here).
   */
  find(inputs: Float64Array, y: number): PrefixYear | undefined {
    this.pending = undefined;
    if (!this.onTrack || y !== this.next) {
      this.onTrack = false;
      return undefined;
    }
    this.next++;
    const kept = this.years[y];
    if (kept && same(kept.inputs, inputs)) return kept;
    if (kept) this.onTrack = false;
    else this.pending = Float64Array.from(inputs);
    return undefined;
  }

  /** Extends the trajectory with the year just solved, where `find` said this run is the first to get there. */
  keep(state: FlowState, lambda: Float64Array, y: number, gap: number): void {
    if (!this.pending || this.years.length !== y) return;
    this.years.push({ inputs: this.pending, x: Float64Array.from(state.x), lambda: Float64Array.from(lambda), c: Float64Array.from(state.c), composite: Float64Array.from(state.composite), gap });
    this.pending = undefined;
  }
}
