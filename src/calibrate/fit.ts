// Fitting route constants to observed volumes (`corridor calibrate`).
//
// For each flow, the observed routes' shares o_{r,y} (of the observed routes'
// total in year y) against the modelled shares p_{r,y} of the same routes,
// from the full equilibrium (scarcity and congestion included). The constant
// of each route moves by s_f × its weighted mean log-share error,
//   κ_r ← κ_r + s_f · Σ_y w_{r,y} (ln p_{r,y} − ln o_{r,y}) / Σ_y w_{r,y},
// w the observed volume, until no constant moves by more than 1e-9 USD/t:
// the point where every route's weighted mean log error is zero. That is the
// weighted least-squares fit on log shares where it fits exactly (one year,
// or years the constants can all match), and close to it otherwise: the
// exact normal equations also weigh each year's errors of the other routes
// by p_r (a constant moves its own log share by −(1 − p)/s, the others' by
// p/s). The route with the largest observed volume is each flow's reference
// (constant kept).
// The step uses the spread of the route's nest (the smaller one where routes
// are nested: a constant moves a nested route's share by about 1/s_n). A
// route-year in which a full element prices the route and its share is below
// the observed one is left out (its scarcity, not its constant, holds the
// share; a share above the observed one still raises the constant, which
// frees the element); a route left with no year cannot be fitted and is named.
import { simulate, type Result } from '../engine/simulate.js';
import type { Model } from '../engine/model.js';
import type { Observation } from './observed.js';

const MAX_ITERATIONS = 500;
const STEP_TOLERANCE = 1e-9;

export interface FitRow {
  readonly obs: Observation;
  /** The model's route volume (or the flow's served volume for a total), Mt/year. */
  readonly modelled: number;
}

export interface FlowFit {
  readonly flow: number;
  readonly reference: number;
  /** Route index → the fitted change of its constant, USD/t (the reference: 0). */
  readonly delta: Map<number, number>;
  /** Volume-weighted RMS of ln p − ln o over the observed route-years. */
  readonly rmsLogError: number;
  /** Routes a full element holds (their share does not answer their constant). */
  readonly held: number[];
}

export interface Fit {
  readonly model: Model;
  readonly result: Result;
  readonly flows: FlowFit[];
  readonly rows: FitRow[];
  readonly iterations: number;
  readonly converged: boolean;
}

/** The model with each route's money raised by `delta[r]` USD/t in every year. */
export function withConstants(model: Model, delta: Float64Array): Model {
  return {
    ...model,
    flows: model.flows.map((f) => ({ ...f, routeMoney: f.routes.map((r, k) => (delta[r] === 0 ? f.routeMoney[k]! : Array.from(f.routeMoney[k]!, (m) => m + delta[r]!))) })),
  };
}

export function fitConstants(model: Model, observations: readonly Observation[]): Fit {
  const Y = model.years;
  const byFlow = model.flows.map((_, f) => observations.filter((o) => o.flow === f && o.route >= 0 && o.volume > 0));
  const reference = byFlow.map((obs) => {
    const totals = new Map<number, number>();
    for (const o of obs) totals.set(o.route, (totals.get(o.route) ?? 0) + o.volume);
    return [...totals].sort((a, b) => b[1] - a[1] || (model.routes[a[0]]!.id < model.routes[b[0]]!.id ? -1 : 1))[0]?.[0] ?? -1;
  });
  const delta = new Float64Array(model.routes.length);
  const held = new Set<number>();
  let current = model;
  let result = simulate(current);
  let iterations = 0;
  let converged = false;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    let largest = 0;
    model.flows.forEach((flow, f) => {
      const steps = logErrors(result, byFlow[f]!, Y, false, true);
      for (const r of new Set(byFlow[f]!.map((o) => o.route))) {
        const s = steps.get(r);
        if (!s) held.add(r);
        if (r === reference[f] || !s) continue;
        held.delete(r);
        const step = nestSpread(flow, byFlow[f]!, r) * (s.error / s.weight);
        delta[r] = delta[r]! + step;
        largest = Math.max(largest, Math.abs(step));
      }
    });
    if (largest <= STEP_TOLERANCE) {
      converged = true;
      break;
    }
    current = withConstants(model, delta);
    result = simulate(current);
  }
  const flows = model.flows.flatMap((_, f): FlowFit[] => {
    if (reference[f]! < 0) return [];
    const own = new Map<number, number>();
    for (const o of byFlow[f]!) own.set(o.route, delta[o.route]!);
    const errs = logErrors(result, byFlow[f]!, Y, true, true);
    let sq = 0;
    let w = 0;
    for (const { error, weight } of errs.values()) {
      sq += error;
      w += weight;
    }
    return [{ flow: f, reference: reference[f]!, delta: own, rmsLogError: w > 0 ? Math.sqrt(sq / w) : 0, held: [...held].filter((r) => model.routes[r]!.flow === f) }];
  });
  const rows = observations.map((obs) => ({ obs, modelled: obs.route >= 0 ? result.routeVolume[obs.route * Y + obs.y]! : result.flowServed[obs.flow * Y + obs.y]! }));
  return { model: current, result, flows, rows, iterations, converged };
}

/**
 * Per route of one flow: Σ_y w (ln p − ln o) and Σ_y w over its observed
 * years (or, with `squared`, Σ_y w (ln p − ln o)²), shares taken among the
 * routes observed in that year, w the observed volume.
 */
function logErrors(result: Result, obs: readonly Observation[], Y: number, squared = false, skipHeld = false): Map<number, { error: number; weight: number }> {
  const out = new Map<number, { error: number; weight: number }>();
  const years = [...new Set(obs.map((o) => o.y))];
  for (const y of years) {
    const here = obs.filter((o) => o.y === y);
    const observed = here.reduce((s, o) => s + o.volume, 0);
    const modelled = here.reduce((s, o) => s + result.routeVolume[o.route * Y + y]!, 0);
    for (const o of here) {
      const p = result.routeVolume[o.route * Y + y]! / modelled;
      const e = Math.log(Math.max(p, 1e-300)) - Math.log(o.volume / observed);
      if (skipHeld && e < 0 && result.choice!.routeScarcity[o.route * Y + y]! > 0) continue;
      const acc = out.get(o.route) ?? { error: 0, weight: 0 };
      acc.error += o.volume * (squared ? e * e : e);
      acc.weight += o.volume;
      out.set(o.route, acc);
    }
  }
  return out;
}

/** The spread of the route's nest (its flow's when it is in none), averaged over the years it is observed in. */
function nestSpread(flow: Model['flows'][number], obs: readonly Observation[], r: number): number {
  const nest = flow.choice!.nests.find((n) => n.routes.includes(r) && n.routes.length > 1);
  const spread = nest ? nest.spread : flow.choice!.spread;
  const years = obs.filter((o) => o.route === r).map((o) => o.y);
  return years.reduce((s, y) => s + spread[y]!, 0) / years.length;
}

/** Bounds and tolerance of `--fit spread`: each flow's spread is searched within ×1/4 … ×4 of the written one, to 1e-6 relative. */
const SPREAD_RANGE = 4;
const SPREAD_TOLERANCE = 1e-6;

/** The model with flow f's spread (and its nests' spreads) multiplied by `m`. */
export function withSpread(model: Model, f: number, m: number): Model {
  return {
    ...model,
    flows: model.flows.map((flow, i) =>
      i !== f || !flow.choice
        ? flow
        : { ...flow, choice: { ...flow.choice, spread: Array.from(flow.choice.spread, (x) => x * m), nests: flow.choice.nests.map((n) => ({ ...n, spread: Array.from(n.spread, (x) => x * m) })) } },
    ),
  };
}

/**
 * `--fit spread`: for each flow with observed routes in turn, the spread
 * multiplier (golden-section search on its logarithm, within ×1/4 … ×4) whose
 * constant fit leaves the least RMS log-share error; then the constants at it.
 * Returns the fit and each flow's multiplier.
 */
export function fitSpreads(model: Model, observations: readonly Observation[]): { fit: Fit; multipliers: Map<number, number> } {
  const multipliers = new Map<number, number>();
  let current = model;
  for (let f = 0; f < model.flows.length; f++) {
    if (!observations.some((o) => o.flow === f && o.route >= 0)) continue;
    const error = (logM: number) => {
      const fit = fitConstants(withSpread(current, f, Math.exp(logM)), observations);
      return fit.flows.find((x) => x.flow === f)?.rmsLogError ?? 0;
    };
    const phi = (Math.sqrt(5) - 1) / 2;
    let [a, b] = [-Math.log(SPREAD_RANGE), Math.log(SPREAD_RANGE)];
    let c = b - phi * (b - a);
    let d = a + phi * (b - a);
    let [fc, fd] = [error(c), error(d)];
    while (b - a > SPREAD_TOLERANCE) {
      if (fc <= fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - phi * (b - a);
        fc = error(c);
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + phi * (b - a);
        fd = error(d);
      }
    }
    const m = Math.exp((a + b) / 2);
    multipliers.set(f, m);
    current = withSpread(current, f, m);
  }
  return { fit: fitConstants(current, observations), multipliers };
}
