// The congested equilibrium of a year by Newton's method on the rows' loads
// (docs/architecture.md, "Route choice"): instead of a fixed point on the
// volumes around a full solve for λ at each step, the loads z that set the
// congested times move by the linearisation of loads and prices together.
// With X(z, λ) the logit's volumes at the costs of loads z and prices λ, the
// conditions are
//   A X − z = 0                       on the rows whose load sets a time,
//   K − A X + ελ = 0                  on the rows priced or overfilled,
//   λ = 0                             on the others
// (the dual's stationarity of choice.ts, with its least-norm ε). Each step
// solves their linearisation (∂X/∂z through the congestion curve's slope,
// ∂X/∂λ from the logit's Jacobian) for δz and δλ, prices each trial z by the
// dual's own Newton started from λ + δλ, and backtracks on the loads'
// residual; near the solution it converges quadratically. The start (last
// year's loads and prices) keeps its prices where every row is within 10 %
// of its fill: the first step corrects them with the loads. Where it does not
// (a step that does not lower the residual, or too many steps), the caller
// falls back on the fixed point, which always gets there.
import { freeRows, type ChoiceFlows, type FlowState } from './choice-flow.js';

const MAX_STEPS = 30;
const MAX_HALVINGS = 6;
/**
 * The most rows with a congested time for which the Newton method is used: its
 * linear system is dense in them (the responses A (∂x/∂u) are rows × routes,
 * the factorisation cubic), so a large network keeps the fixed point, whose
 * cost grows with the network like the dual's own Newton.
 */
const MAX_NEWTON_ROWS = 40;

/**
 * Sets λ for the state's current times, leaving the state and the shared
 * gradient evaluated at it; returns the gap. With `exact` false it may leave
 * λ as it is where it is close (the first point of a solve: the Newton step
 * corrects prices with loads).
 */
export type Prices = (state: FlowState, lambda: Float64Array, exact?: boolean) => number;

export class JointNewton {
  private readonly C: number;
  private readonly slope: Float64Array;
  private readonly slopeRow: Int32Array;
  private readonly toLoad: Float64Array;
  private readonly toPrice: Float64Array;
  private readonly z: Float64Array;
  private readonly zTrial: Float64Array;
  private readonly lambdaTrial: Float64Array;
  private readonly priced: Uint8Array;
  /** Per row, in `direction`: whether its load sets some route-element's time. */
  private readonly setsTime: Uint8Array;
  /** Newton steps the last `solve` took (quadratic convergence: a handful; tests check it). */
  steps = 0;
  private readonly system: Float64Array;
  private readonly rhs: Float64Array;
  /** The linear system's solution, and the step `direction` returns (δz on the rows, then δλ on the free rows). */
  private readonly solved: Float64Array;
  private readonly stepBuffer: Float64Array;

  /** `grad`: the gradient that `prices` leaves (∂Φ/∂λ at its λ). */
  constructor(private readonly flows: ChoiceFlows, private readonly grad: Float64Array) {
    const C = (this.C = flows.timed.length);
    // In the kernels' memory, as the flows' arrays: the kernels read and write them.
    const k = flows.kernels;
    this.slope = k.f64(flows.routeElementCount);
    this.slopeRow = k.i32(flows.routeElementCount);
    this.toLoad = k.f64(C * C);
    this.toPrice = k.f64(C * C);
    this.z = k.f64(C);
    this.zTrial = k.f64(C);
    this.lambdaTrial = k.f64(C);
    this.priced = k.u8(C);
    this.setsTime = new Uint8Array(C);
    this.stepBuffer = new Float64Array(2 * C);
    // The system over the coupled loads (at most MAX_NEWTON_ROWS, else the method does not apply) and the free rows.
    const n = Math.min(C, MAX_NEWTON_ROWS) + C;
    this.system = k.f64(n * n);
    this.rhs = k.f64(n);
    this.solved = k.f64(n);
  }

  /** Whether the year is small enough for it: at most MAX_NEWTON_ROWS open rows whose load sets a time. */
  applies(state: FlowState): boolean {
    return this.timedRows(state).length <= MAX_NEWTON_ROWS;
  }

  /** The open rows whose load sets a time: the loads the method moves. */
  private timedRows(state: FlowState): number[] {
    const rows: number[] = [];
    for (let c = 0; c < this.C; c++) if (this.flows.timed[c] && state.K[c]! > 0) rows.push(c);
    return rows;
  }

  /**
   * The equilibrium of the state's year from loads `z0` and prices `lambda`
   * (updated in place): `prices` sets λ for the state's current times (the
   * dual's globalised Newton) and returns its gap, leaving the state and
   * `grad` evaluated at λ. Returns the equilibrium's gap, or Infinity where
   * Newton does not get to `tolerance` (the caller then restores λ).
   */
  solve(state: FlowState, lambda: Float64Array, z0: Float64Array, tolerance: number, prices: Prices): number {
    const { z, zTrial, lambdaTrial } = this;
    const rows = this.timedRows(state);
    z.set(z0);
    // The start's prices may be left as they come (`Prices`); every trial's are exact.
    let gap = this.at(state, z, lambda, prices, false);
    let merit = this.change(state, z, rows);
    let exact = false;
    for (let step = 0; step < MAX_STEPS; step++) {
      this.steps = step;
      if (merit <= tolerance && !exact) {
        gap = prices(state, lambda);
        exact = true;
        merit = this.change(state, z, rows);
      }
      if (merit <= tolerance) return Math.max(gap, merit);
      const free = freeRows(state, lambda, this.grad);
      const d = this.direction(state, z, rows, free);
      if (!d) return Infinity;
      // Backtrack on the loads' residual; the prices of each trial come from the dual's Newton at its times,
      // started from the linearisation's guess (so that it mostly takes one step).
      let t = 1;
      let accepted = false;
      for (let h = 0; h <= MAX_HALVINGS; h++) {
        zTrial.set(z);
        lambdaTrial.set(lambda);
        for (let i = 0; i < rows.length; i++) zTrial[rows[i]!] = Math.max(0, z[rows[i]!]! + t * d[i]!);
        for (let i = 0; i < free.length; i++) lambdaTrial[free[i]!] = Math.max(0, lambda[free[i]!]! + t * d[rows.length + i]!);
        const trialGap = this.at(state, zTrial, lambdaTrial, prices);
        const next = this.change(state, zTrial, rows);
        if (next < (1 - 1e-4 * t) * merit) {
          z.set(zTrial);
          lambda.set(lambdaTrial);
          [merit, gap] = [next, trialGap];
          exact = true;
          accepted = true;
          break;
        }
        t /= 2;
      }
      if (!accepted) return Infinity;
    }
    return Infinity;
  }

  /** The state at loads z (congested times and their slopes) with λ priced for them; the prices' gap. */
  private at(state: FlowState, z: Float64Array, lambda: Float64Array, prices: Prices, exact = true): number {
    this.flows.congestLoads(state, z, this.slope, this.slopeRow);
    return prices(state, lambda, exact);
  }

  /** The largest |A X − z| over `rows` (those whose load sets a time), relative to 1 + the largest demand. */
  private change(state: FlowState, z: Float64Array, rows: readonly number[]): number {
    let worst = 0;
    for (const c of rows) worst = Math.max(worst, Math.abs(state.load[c]! - z[c]!));
    return worst / (1 + state.scale);
  }

  /** The Newton step (δz on `rows`, then δλ on `free`) at the state's last evaluation, or undefined where singular. */
  private direction(state: FlowState, z: Float64Array, rows: number[], free: number[]): Float64Array | undefined {
    const { C, toLoad, toPrice, grad, slopeRow, setsTime } = this;
    // Only the priced rows' columns of ∂load/∂λ; every row's response, by columns (contiguous: the loops have no index list).
    const priced = this.priced;
    priced.fill(0);
    for (const c of free) priced[c] = 1;
    this.flows.loadResponse(state, this.slope, this.slopeRow, toLoad, toPrice, priced);
    // Only the loads that set some element's time enter the costs (∂load/∂z is 0 in the others' columns): the
    // system couples their δz and δλ; the other rows' δz follow from their own equations afterwards.
    setsTime.fill(0);
    const entries = this.flows.timedEntries;
    for (let k = 0; k < entries.length; k++) if (slopeRow[entries[k]!]! >= 0) setsTime[slopeRow[entries[k]!]!] = 1;
    const coupled = rows.filter((c) => setsTime[c] === 1);
    const na = coupled.length;
    const nf = free.length;
    const n = na + nf;
    const M = this.system;
    const b = this.rhs;
    // A X − z on the coupled rows: (∂load/∂z − I) δz + ∂load/∂λ δλ = −(load − z).
    for (let i = 0; i < na; i++) {
      const c = coupled[i]!;
      for (let j = 0; j < na; j++) M[i * n + j] = toLoad[coupled[j]! * C + c]! - (i === j ? 1 : 0);
      for (let j = 0; j < nf; j++) M[i * n + na + j] = toPrice[free[j]! * C + c]!;
      b[i] = -(state.load[c]! - z[c]!);
    }
    // K − load + ελ on `free`: ∂load/∂z δz + (∂load/∂λ − ε) δλ = K − load + ελ.
    for (let i = 0; i < nf; i++) {
      const c = free[i]!;
      const row = (na + i) * n;
      for (let j = 0; j < na; j++) M[row + j] = toLoad[coupled[j]! * C + c]!;
      for (let j = 0; j < nf; j++) M[row + na + j] = toPrice[free[j]! * C + c]! - (i === j ? state.epsilon : 0);
      b[na + i] = grad[c]!;
    }
    const solved = this.solved;
    // Gaussian elimination with partial pivoting (M overwritten), in the kernels; 0 where singular.
    if (!this.flows.kernels.exports.solveLu(M.byteOffset, b.byteOffset, n, solved.byteOffset)) return undefined;
    // δz on `rows` (the others: −δz + ∂load/∂z δz + ∂load/∂λ δλ = −(load − z), solved for their δz), then δλ on `free`.
    const nz = rows.length;
    const d = this.stepBuffer;
    for (let k = 0; k < nf; k++) d[nz + k] = solved[na + k]!;
    for (let i = 0, a = 0; i < nz; i++) {
      const c = rows[i]!;
      if (setsTime[c] === 1) {
        d[i] = solved[a++]!;
        continue;
      }
      let v = state.load[c]! - z[c]!;
      for (let j = 0; j < na; j++) v += toLoad[coupled[j]! * C + c]! * solved[j]!;
      for (let k = 0; k < nf; k++) v += toPrice[free[k]! * C + c]! * solved[na + k]!;
      d[i] = v;
    }
    // A flat direction (no route responds to a price yet) gives a huge step: keep λ's part to a sensible size.
    let longest = 0;
    for (let i = nz; i < nz + nf; i++) longest = Math.max(longest, Math.abs(d[i]!));
    if (longest > state.maxStep) for (let i = nz; i < nz + nf; i++) d[i] = (d[i]! * state.maxStep) / longest;
    return d;
  }
}
