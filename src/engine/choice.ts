// Route choice on generalised cost (`allocation: choice`, docs/architecture.md,
// "Route choice"). Each year, every flow spreads its demand over its open
// routes by a (nested) logit on c_r + Λ_r, where c_r is the route's money plus
// value of time × congested days and Λ_r = Σ λ_k the scarcity costs of the
// capacity rows it uses; a flow whose composite cost C_f rises above its
// choke price P_f = C⁰_f + v_f serves D·exp(−(C_f − P_f)/s_f) only.
//
// For fixed congested times the scarcity costs λ ≥ 0 minimise the convex dual
//   Φ(λ) = Σ_f CS_f(C_f(λ)) + Σ_k λ_k K_k + ε/2 ‖λ‖²,
// CS_f(C) = s_f q_f(C) + D max(0, P_f − C) the consumer surplus, whose
// gradient is K_k − flow_k(λ) (+ ελ): the minimiser fills no row beyond its
// capacity and prices only rows that bind. The tiny ε picks, among λ that
// give the same volumes, the one of least norm. Solved by projected Newton
// with the exact Hessian A J Aᵀ (J the logit's Jacobian, per flow) and an
// Armijo line search. Congestion by Newton's method on the rows' loads
// (choice-newton.ts) where the network is small enough, else (or where it
// does not converge) by a fixed point on the volumes, Anderson-accelerated,
// then damped. Runs that share their first years share those years'
// equilibria (choice-prefix.ts). The dual's Newton and the Newton on loads
// run in WebAssembly (src/engine/wasm/kernels.ts), with the same arithmetic.
import type { Model } from './model.js';
import { ChoiceFlows, type FlowState } from './choice-flow.js';
import { JointNewton, type DualSettings } from './choice-newton.js';
import { keepRecent, networkKey, Prefix } from './choice-prefix.js';

/** Relative accuracy of the equilibrium: the gap the run reports should be below it (aim ≤ 1e-9). */
export const EQUILIBRIUM_TOLERANCE = 1e-10;
const MAX_NEWTON = 200;
/**
 * How far from its fill (relative: overfill, or a priced row's slack) a row
 * may be for a Newton step on loads to start from the prices as they are
 * (`solve` with `exact` false): a year's warm prices leave each row a few
 * per cent off, which the joint step corrects with the loads, saving the
 * dual's own Newton there (logit evaluations a year 7.9 → 5.7, Newton steps
 * 2.17 → 2.27). Beyond it (a row that starts or stops binding) the start is
 * priced exactly.
 */
const ROUGH_START = 0.1;
/** The dual's settings, for `solve` and the Newton method's trials alike. */
const DUAL: DualSettings = { tolerance: EQUILIBRIUM_TOLERANCE * 1e-2, roughStart: ROUGH_START, maxNewton: MAX_NEWTON };
const MAX_FIXED_POINT = 2000;
/** Anderson acceleration of the congestion fixed point: residuals mixed, steps without a new least residual before it gives up, and the most steps. */
const ANDERSON_DEPTH = 5;
const ANDERSON_PATIENCE = 8;
const MAX_ANDERSON = 100;

/** A year that does not reach its equilibrium: an error that names the year and the gap, never NaN. */
export class EquilibriumError extends Error {
  override name = 'EquilibriumError';
}

/** Input that choice cannot use and that only the run shows (a free-flow cost ≤ 0 with an elasticity): exit 2. */
export class ChoiceInputError extends Error {
  override name = 'ChoiceInputError';
}

/** What choice mode writes beside the volumes, per year: arrays indexed `[i * years + y]`. */
export interface ChoiceOutputs {
  /** λ per constraint, USD/t (NaN for a closed row). */
  readonly scarcity: Float64Array;
  /** c_r (congested, without scarcity) and Λ_r (NaN on a closed route), USD/t. */
  readonly routeCost: Float64Array;
  readonly routeScarcity: Float64Array;
  /** C⁰_f (free flow, every route) and C_f (open routes, with scarcity; NaN when every route is closed), USD/t. */
  readonly freeFlowCost: Float64Array;
  readonly compositeCost: Float64Array;
  /** P_f = C⁰_f + v_f, or the model's fixedChoke, USD/t. */
  readonly choke: Float64Array;
  /** Demand after elasticity, Mt/year. */
  readonly demand: Float64Array;
  /** Largest relative violation of the equilibrium conditions, per year. */
  readonly gap: Float64Array;
}

export function choiceOutputs(model: Model): ChoiceOutputs {
  const Y = model.years;
  const [C, R, F] = [model.constraints.length, model.routes.length, model.flows.length];
  return {
    scarcity: new Float64Array(C * Y), routeCost: new Float64Array(R * Y), routeScarcity: new Float64Array(R * Y),
    freeFlowCost: new Float64Array(F * Y), compositeCost: new Float64Array(F * Y), choke: new Float64Array(F * Y), demand: new Float64Array(F * Y), gap: new Float64Array(Y),
  };
}

/**
 * The queue a row's scarcity cost stands for, in days: λ ÷ the volume-weighted
 * value of time (USD/t/day) of the flows through it; NaN where the row is
 * closed, nothing flows or that value of time is 0.
 */
export function waitDays(result: WaitInputs, c: number, y: number): number {
  return waitDaysAll(result)[c * result.model.years + y]!;
}

/**
 * An element's queue in days: the longest over its open rows (0 where none is
 * priced, or its value of time is 0); NaN when every row is closed.
 */
export function elementWaitDays(result: WaitInputs, e: number, y: number): number {
  const Y = result.model.years;
  let wait = NaN;
  for (const c of result.model.elements[e]!.constraints) {
    if (!Number.isFinite(result.choice?.scarcity[c * Y + y] ?? NaN)) continue;
    const w = waitDays(result, c, y);
    wait = Math.max(Number.isNaN(wait) ? 0 : wait, Number.isFinite(w) ? w : 0);
  }
  return wait;
}

type WaitInputs = { model: Model; routeVolume: Float64Array; choice?: ChoiceOutputs | undefined };

/** waitDays of every row and year (`[c * years + y]`), worked out once per result: O(route-row incidences × years). */
const waits = new WeakMap<object, Float64Array>();
/**
 * Their arrays, per the choice outputs a result reads: runs that share
 * buffers (a Monte Carlo's) share these too, and, like the rest of a run's
 * buffers, the next run's overwrite them (no typed array allocated per run).
 */
const waitArrays = new WeakMap<object, { volume: Float64Array; weighted: Float64Array; out: Float64Array }>();

function waitDaysAll(result: WaitInputs): Float64Array {
  const known = waits.get(result);
  if (known) return known;
  const { model } = result;
  const Y = model.years;
  const C = model.constraints.length;
  const owner = result.choice ?? result;
  let arrays = waitArrays.get(owner);
  if (!arrays || arrays.out.length !== C * Y) {
    arrays = { volume: new Float64Array(C * Y), weighted: new Float64Array(C * Y), out: new Float64Array(C * Y) };
    waitArrays.set(owner, arrays);
  }
  const { volume, weighted, out } = arrays;
  volume.fill(0);
  weighted.fill(0);
  model.routes.forEach((route, r) => {
    const vot = model.economics.valueOfTime[route.flow]!;
    for (let y = 0; y < Y; y++) {
      const x = result.routeVolume[r * Y + y]!;
      for (const c of route.constraints) {
        volume[c * Y + y] = volume[c * Y + y]! + x;
        weighted[c * Y + y] = weighted[c * Y + y]! + x * vot[y]!;
      }
    }
  });
  for (let i = 0; i < C * Y; i++) {
    const lambda = result.choice?.scarcity[i] ?? NaN;
    out[i] = Number.isFinite(lambda) && volume[i]! > 0 && weighted[i]! > 0 ? lambda / (weighted[i]! / volume[i]!) : NaN;
  }
  waits.set(result, out);
  return out;
}

export const isChoice = (model: Model): boolean => model.flows.length > 0 && model.flows.every((f) => f.allocation === 'choice');

/** Allocators kept per thread, one per network shape, as choice-prefix.ts keeps trajectories (`keepRecent`). */
const allocators = new Map<string, ChoiceAllocator>();

/** Forgets every kept allocator (tests: the next run of each network starts from a new one). */
export function forgetAllocators(): void {
  allocators.clear();
}

/** The equilibrium of each year of a choice scenario. */
export class ChoiceAllocator {
  /**
   * An allocator for a run of `model`: this thread's last one for the same
   * network, bound to the model and outputs (a Monte Carlo run or a sweep's
   * case then builds no index arrays and no buffers), else a new one. A
   * thread runs one simulation at a time, so one allocator per network is
   * never in two runs at once.
   */
  static for(model: Model, out: ChoiceOutputs): ChoiceAllocator {
    const key = networkKey(model);
    const known = allocators.get(key);
    known?.bind(model, out, key);
    const allocator = known ?? new ChoiceAllocator(model, out, key);
    keepRecent(allocators, key, allocator);
    return allocator;
  }

  private readonly flows: ChoiceFlows;
  private readonly C: number;
  private readonly lambda: Float64Array;
  private readonly grad: Float64Array;
  private readonly gradTrial: Float64Array;
  private readonly trial: Float64Array;
  /** The dual's Newton right-hand side (free rows), and λ kept to go back to (the year's start, the Newton method's start). */
  private readonly rhs: Float64Array;
  private readonly lambdaYear: Float64Array;
  private readonly lambdaNewton: Float64Array;
  /** The last year's equilibrium volumes (where the next year's fixed point starts) and its index. */
  private readonly lastX: Float64Array;
  private lastYear = -2;
  private readonly newton: JointNewton;
  private readonly z0: Float64Array;
  /** This run's walk along the first run's years of the same network (choice-prefix.ts). */
  private prefix: Prefix;

  constructor(private model: Model, private out: ChoiceOutputs, key = networkKey(model)) {
    this.flows = new ChoiceFlows(model);
    // In the kernels' memory, as the flows' arrays: the kernels read and write them.
    const k = this.flows.kernels;
    this.C = model.constraints.length;
    this.z0 = k.f64(this.C);
    this.prefix = new Prefix(key);
    this.lambda = k.f64(this.C);
    this.grad = k.f64(this.C);
    this.gradTrial = k.f64(this.C);
    this.trial = k.f64(this.C);
    this.rhs = k.f64(this.C);
    this.lambdaYear = new Float64Array(this.C);
    this.lambdaNewton = new Float64Array(this.C);
    this.lastX = k.f64(model.routes.length);
    // The Cholesky factor and substitution of the dual's free rows (at most rows × rows) and of Anderson's small systems (up to its depth).
    const n = Math.max(this.C, ANDERSON_DEPTH);
    this.factor = k.f64(n * n);
    this.forward = k.f64(n);
    this.solution = k.f64(n);
    k.point({ grad: this.grad, gradTrial: this.gradTrial, trial: this.trial, rhs: this.rhs, factor: this.factor, forward: this.forward, solution: this.solution });
    this.newton = new JointNewton(this.flows);
  }

  private readonly factor: Float64Array;
  private readonly forward: Float64Array;
  private readonly solution: Float64Array;

  /** Solves H d = b for a symmetric positive definite H (n × n, row-major; both in the kernels' memory) by Cholesky (a tiny pivot floored): d in the first n entries of a buffer that the next call overwrites. */
  private solveSpd(H: Float64Array, b: Float64Array, n: number): Float64Array {
    const k = this.flows.kernels;
    k.exports.factorSpd(k.address(H), n, k.address(this.factor));
    k.exports.substitute(k.address(this.factor), k.address(b), n, k.address(this.forward), k.address(this.solution));
    return this.solution;
  }

  /** A new run of a model of the same network (`networkKey` = key): from λ = 0 and no last year, as a new allocator starts. */
  private bind(model: Model, out: ChoiceOutputs, key: string): void {
    this.model = model;
    this.out = out;
    this.flows.bind(model);
    this.prefix = new Prefix(key);
    this.lambda.fill(0);
    this.lastYear = -2;
  }

  /** Year y: route volumes into `volume` (and served demand as their sum), the outputs into `out`. */
  allocate(capacity: Float64Array, demand: Float64Array, volume: Float64Array, y: number): void {
    const { model, flows, out } = this;
    const Y = model.years;
    const lambda = this.lambda;
    // From the times of the previous year's volumes (close to this year's, so fewer fixed-point steps); where that
    // start does not converge, again from free-flow times, as in a run's first year.
    const warm = flows.congestible && this.lastYear === y - 1;
    let state = flows.year(y, capacity, demand, model.choiceReference);
    let gap: number;
    const kept = this.prefix.following(y) ? this.prefix.find(flows.yearInputs(state), y) : undefined;
    if (kept) {
      // The same inputs from the same start as the first run of this network: its equilibrium, bit for bit.
      state.x.set(kept.x);
      lambda.set(kept.lambda);
      state.c.set(kept.c);
      state.composite.set(kept.composite);
      gap = kept.gap;
    } else {
      const lambda0 = this.lambdaYear;
      lambda0.set(lambda);
      ({ state, gap } = this.equilibrium(capacity, demand, y, warm, true));
      if (warm && !(gap <= 1e-6)) {
        lambda.set(lambda0);
        ({ state, gap } = this.equilibrium(capacity, demand, y, false, false));
      }
      if (!(gap <= 1e-6)) throw new EquilibriumError(`the route choice of ${model.startYear + y} does not converge (gap ${gap.toExponential(2)}); check spreads and capacities`);
      flows.scatterTwins(state, lambda);
      this.prefix.keep(state, lambda, y, gap);
    }
    for (let f = 0; f < model.flows.length; f++) out.demand[f * Y + y] = state.demand[f]!;
    volume.set(state.x);
    this.lastX.set(state.x);
    this.lastYear = y;
    flows.write(state, lambda, out, y, Y);
    out.gap[y] = gap;
  }

  /**
   * The fixed point of volumes and congested times from volumes `x`, damped:
   * the step halves when the change fails to fall by 5 % (a cycle), and, with
   * `regrow`, grows by half again when it falls by half. Returns the gap.
   */
  private fixedPoint(state: FlowState, lambda: Float64Array, x: Float64Array, regrow: boolean): number {
    const { flows } = this;
    let gap = Infinity;
    let step = 1;
    let last = Infinity;
    for (let it = 0; it < MAX_FIXED_POINT; it++) {
      flows.congest(x);
      gap = this.solve(state, lambda);
      let change = 0;
      for (let r = 0; r < x.length; r++) change = Math.max(change, Math.abs(state.x[r]! - x[r]!) / (1 + state.scale));
      // The state holds the equilibrium at the times of x, which differ from its own volumes' by `change`.
      if (change <= EQUILIBRIUM_TOLERANCE) return Math.max(gap, change);
      if (change > 0.95 * last) step = Math.max(step / 2, 1 / 4096);
      else if (regrow && change < 0.5 * last) step = Math.min(1, step * 1.5);
      last = change;
      for (let r = 0; r < x.length; r++) x[r] = x[r]! + step * (state.x[r]! - x[r]!);
    }
    flows.congest(x);
    gap = this.solve(state, lambda);
    let change = 0;
    for (let r = 0; r < x.length; r++) change = Math.max(change, Math.abs(state.x[r]! - x[r]!) / (1 + state.scale));
    return Math.max(gap, change, last);
  }

  /**
   * The equilibrium of year y from free-flow times, or (`warm`) from the
   * times of the last year's volumes; its state and gap (`prepared`:
   * `flows.year` has just set the state up).
   */
  private equilibrium(capacity: Float64Array, demand: Float64Array, y: number, warm: boolean, prepared: boolean): { state: FlowState; gap: number } {
    const { flows } = this;
    const lambda = this.lambda;
    const state = prepared ? flows.current : flows.year(y, capacity, demand, this.model.choiceReference);
    if (flows.congestible && this.newton.applies()) {
      // One Newton system over loads and prices, from the last year's loads (warm) or free flow (no load).
      const z0 = this.z0;
      if (warm) flows.loadsOf(this.lastX, z0);
      else z0.fill(0);
      const lambda0 = this.lambdaNewton;
      lambda0.set(lambda);
      const gap = this.newton.solve(state, lambda, z0, EQUILIBRIUM_TOLERANCE, DUAL);
      if (gap <= EQUILIBRIUM_TOLERANCE * 10) return { state, gap };
      lambda.set(lambda0);
      flows.year(y, capacity, demand, this.model.choiceReference);
    }
    // `year` leaves free-flow times.
    if (warm) flows.congest(this.lastX);
    let gap = this.solve(state, lambda);
    if (flows.congestible) {
      const x0 = Float64Array.from(state.x);
      const lambda0 = Float64Array.from(lambda);
      gap = this.anderson(state, lambda, Float64Array.from(x0));
      if (!(gap <= 1e-6)) {
        lambda.set(lambda0);
        gap = this.fixedPoint(state, lambda, Float64Array.from(x0), false);
      }
      if (!(gap <= 1e-6)) {
        // Halving the step on every cycle can leave it too small to get anywhere: again from the same start,
        // letting the step grow back after a fast fall (which, in turn, can keep other cases cycling).
        lambda.set(lambda0);
        gap = this.fixedPoint(state, lambda, Float64Array.from(x0), true);
      }
    }
    return { state, gap };
  }

  /**
   * The fixed point of volumes and congested times by Anderson acceleration
   * (depth ANDERSON_DEPTH) of x ← F(x), F the equilibrium volumes at the
   * times of x: each step mixes the last few residuals so that their
   * combination is least. Returns the gap, or Infinity when the residual
   * stops falling (the damped iteration then takes over from the start).
   */
  private anderson(state: FlowState, lambda: Float64Array, x: Float64Array): number {
    const { flows } = this;
    const n = x.length;
    const m = ANDERSON_DEPTH;
    // The last iterates and residuals, oldest first in xs and gs[0, count): buffers made once, never per step.
    const { xs, gs, gamma, normal, products } = this.andersonBuffers(n);
    let count = 0;
    let best = Infinity;
    let worse = 0;
    for (let it = 0; it < MAX_ANDERSON; it++) {
      flows.congest(x);
      const gap = this.solve(state, lambda);
      // The residual goes into the buffer it will be kept in: the next free one, or, with m + 1 kept, the oldest's.
      const full = count > m;
      const g = gs[full ? 0 : count]!;
      let change = 0;
      for (let r = 0; r < n; r++) {
        g[r] = state.x[r]! - x[r]!;
        change = Math.max(change, Math.abs(g[r]!) / (1 + state.scale));
      }
      if (change <= EQUILIBRIUM_TOLERANCE) return Math.max(gap, change);
      if (change < best) {
        best = change;
        worse = 0;
      } else if (++worse >= ANDERSON_PATIENCE) return Infinity;
      if (full) {
        // The oldest's buffers become the newest's.
        xs.push(xs.shift()!);
        gs.push(gs.shift()!);
      } else count++;
      xs[count - 1]!.set(x);
      const k = count - 1;
      // γ = argmin ‖g − ΔG γ‖ over the last k differences (normal equations, lightly regularised).
      gamma.fill(0);
      if (k > 0) {
        const A = normal;
        const b = products;
        b.fill(0);
        const dG = (i: number, r: number) => gs[i + 1]![r]! - gs[i]![r]!;
        let trace = 0;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j <= i; j++) {
            let sum = 0;
            for (let r = 0; r < n; r++) sum += dG(i, r) * dG(j, r);
            A[i * k + j] = sum;
            A[j * k + i] = sum;
          }
          trace += A[i * k + i]!;
          for (let r = 0; r < n; r++) b[i] = b[i]! + dG(i, r) * g[r]!;
        }
        for (let i = 0; i < k; i++) A[i * k + i] = A[i * k + i]! + 1e-10 * trace + 1e-300;
        gamma.set(this.solveSpd(A, b, k).subarray(0, k));
      }
      for (let r = 0; r < n; r++) {
        let next = x[r]! + g[r]!;
        for (let i = 0; i < k; i++) next -= gamma[i]! * (xs[i + 1]![r]! - xs[i]![r]! + gs[i + 1]![r]! - gs[i]![r]!);
        x[r] = Math.max(0, next);
      }
    }
    return Infinity;
  }

  /** Anderson's iterates and residuals (depth + 1 of routes each), and its small system in the kernels' memory: made once per allocator. */
  private andersonBuffers(n: number): { xs: Float64Array[]; gs: Float64Array[]; gamma: Float64Array; normal: Float64Array; products: Float64Array } {
    const m = ANDERSON_DEPTH;
    return (this.ring ??= {
      xs: Array.from({ length: m + 1 }, () => new Float64Array(n)),
      gs: Array.from({ length: m + 1 }, () => new Float64Array(n)),
      gamma: new Float64Array(m),
      normal: this.flows.kernels.f64(m * m),
      products: this.flows.kernels.f64(m),
    });
  }

  private ring: ReturnType<ChoiceAllocator['andersonBuffers']> | undefined;

  /**
   * λ for the state's route costs, by projected Newton from the current λ
   * (in the kernels, `dual`); returns the relative gap. Each step solves
   * with the exact Hessian of the free rows (priced or overfilled), by
   * Cholesky; far from the fill (a row that begins to bind, or is emptied)
   * the loads answer a price exponentially and Newton on K − load creeps up
   * in steps of about a spread, so it first tries Newton on ln(load) − ln(K),
   * whose step in the logit's exponential regime is the whole way (the same
   * factor); Armijo on Φ along the projected path. Converged where the
   * optimality conditions hold to EQUILIBRIUM_TOLERANCE × 1e-2. Not `exact`:
   * the current λ as it is (evaluated there) unless some row is more than
   * ROUGH_START from its fill.
   */
  private solve(state: FlowState, lambda: Float64Array, exact = true): number {
    return this.flows.dual(state, lambda, exact, DUAL);
  }
}

/**
 * What each flow would send to the network's routes at free flow, per year
 * (Mt/year): its demand (after elasticity; carry-over aside) × the share of
 * its routes that are not off the network, with nothing full and no queue.
 * `optimum` and `plan` take it as demand in choice mode.
 */
export function freeFlowNetworkDemand(model: Model): Float64Array[] {
  const flows = new ChoiceFlows(model);
  const Y = model.years;
  const out = model.flows.map(() => new Float64Array(Y));
  const open = new Float64Array(model.constraints.length).fill(Infinity);
  const demand = new Float64Array(model.flows.length);
  const lambda = flows.kernels.f64(model.constraints.length);
  for (let y = 0; y < Y; y++) {
    model.flows.forEach((f, i) => (demand[i] = f.demand[y]!));
    const state = flows.year(y, open, demand, model.choiceReference);
    flows.evaluate(state, lambda);
    model.flows.forEach((f, i) => {
      let sum = 0;
      for (const r of f.routes) if (!model.routes[r]!.offNetwork) sum += state.x[r]!;
      out[i]![y] = sum;
    });
  }
  return out;
}
