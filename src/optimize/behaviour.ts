// The value of capacity to the behavioural allocation: how many Mt/year more
// the water-filling serves, that year, per extra Mt/year of one constraint's
// capacity, all else fixed. It can be negative: more capacity on one route
// can let a spilling flow crowd out another.
import { Allocator } from '../engine/allocate.js';
import type { Result } from '../engine/simulate.js';

/** First step (Mt/year, relative to max(1, capacity)) and the agreement two steps must reach. */
const STEP = 1e-6;
const AGREE = 1e-7;
const HALVINGS = 30;

/**
 * The right derivative of the year's served total in each constraint's
 * capacity, `[c * years + y]`. The allocation is piecewise linear in the
 * capacities (fill times are linear in them while the order of events holds),
 * so a difference quotient over a step that stays on the first linear piece
 * is exact up to rounding. The step is halved until two successive quotients
 * agree: then both lie on one piece.
 */
export function behaviouralValues(result: Result): Float64Array {
  const { model } = result;
  const Y = model.years;
  const C = model.constraints.length;
  const allocator = new Allocator(model);
  const cap = new Float64Array(C);
  const demand = new Float64Array(model.flows.length);
  const volume = new Float64Array(model.routes.length);
  const out = new Float64Array(C * Y);
  const served = (): number => {
    allocator.allocate(cap, demand, volume);
    let sum = 0;
    model.flows.forEach((f, i) => {
      let v = 0;
      for (const r of f.routes) v += volume[r]!;
      sum += Math.min(v, demand[i]!);
    });
    return sum;
  };
  for (let y = 0; y < Y; y++) {
    for (let c = 0; c < C; c++) cap[c] = result.capacity[c * Y + y]!;
    for (let f = 0; f < demand.length; f++) demand[f] = result.flowDemand[f * Y + y]!;
    const base = served();
    for (let c = 0; c < C; c++) {
      const at = cap[c]!;
      const slope = (step: number): number => {
        cap[c] = at + step;
        const s = served();
        cap[c] = at;
        return (s - base) / step;
      };
      let step = STEP * Math.max(1, at);
      let previous = slope(step);
      for (let i = 0; i < HALVINGS; i++) {
        step /= 2;
        const next = slope(step);
        const agree = Math.abs(next - previous) <= AGREE;
        previous = next;
        if (agree) break;
      }
      out[c * Y + y] = Math.round(previous * 1e6) / 1e6;
    }
  }
  return out;
}
