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
// falls back on the fixed point, which always gets there. The method runs in
// the kernels (src/engine/wasm/kernels.ts, `newton`); this class lays out its
// buffers and says when it applies.
import type { ChoiceFlows, FlowState } from './choice-flow.js';

const MAX_STEPS = 30;
const MAX_HALVINGS = 6;
/**
 * The most rows with a congested time for which the Newton method is used: its
 * linear system is dense in them (the responses A (∂x/∂u) are rows × routes,
 * the factorisation cubic), so a large network keeps the fixed point, whose
 * cost grows with the network like the dual's own Newton.
 */
const MAX_NEWTON_ROWS = 40;

/** The side of the Newton system: the coupled loads (rows with a time, at most MAX_NEWTON_ROWS, else the method does not apply) and the free rows. */
export const newtonSystemSize = (rows: number, timed: number): number => Math.min(timed, MAX_NEWTON_ROWS) + rows;

/** How the dual's own Newton prices each trial (ChoiceAllocator's settings): its tolerance, its rough start, its most steps. */
export interface DualSettings {
  tolerance: number;
  roughStart: number;
  maxNewton: number;
}

export class JointNewton {
  /** Newton steps the last `solve` took (quadratic convergence: a handful; tests check it). */
  steps = 0;

  /** Lays out the method's buffers in the flows' kernel memory; the gradient is the allocator's (`grad` there). */
  constructor(private readonly flows: ChoiceFlows) {
    const C = flows.timed.length;
    const k = flows.kernels;
    const entries = flows.timedEntries;
    const n = newtonSystemSize(C, flows.timed.reduce((sum, t) => sum + t, 0));
    k.point({
      timed: k.u8From(flows.timed), timedEntries: k.i32From(entries), timedEntryCount: entries.length,
      slope: k.f64(flows.routeElementCount), slopeRow: k.i32(flows.routeElementCount),
      toLoad: k.f64(C * C), toPrice: k.f64(C * C), priced: k.u8(C), setsTime: k.u8(C),
      z: k.f64(C), zTrial: k.f64(C), lambdaTrial: k.f64(C), newtonRows: k.i32(C), newtonFree: k.i32(C), coupled: k.i32(C),
      system: k.f64(n * n), systemRhs: k.f64(n), solved: k.f64(n), stepBuffer: k.f64(2 * C),
    });
  }

  /** Whether the year `year` set up last is small enough for it: at most MAX_NEWTON_ROWS open rows whose load sets a time. */
  applies(): boolean {
    return this.flows.kernels.exports.timedRows() <= MAX_NEWTON_ROWS;
  }

  /**
   * The equilibrium of the state's year from loads `z0` and prices `lambda`
   * (updated in place; both in the kernels' memory), each trial's prices by
   * the dual's own Newton with `dual`'s settings, leaving the state and the
   * allocator's gradient evaluated at λ. Returns the equilibrium's gap, or
   * Infinity where Newton does not get to `tolerance` (the caller then
   * restores λ).
   */
  solve(state: FlowState, lambda: Float64Array, z0: Float64Array, tolerance: number, dual: DualSettings): number {
    const k = this.flows.kernels;
    const gap = k.exports.newton(k.address(lambda), k.address(z0), tolerance, MAX_STEPS, MAX_HALVINGS, state.epsilon, state.maxStep, state.scale, dual.tolerance, dual.roughStart, dual.maxNewton);
    this.steps = k.exports.newtonSteps.value;
    return gap;
  }
}
