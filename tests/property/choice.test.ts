// Route choice on random networks (the spill invariants' networks, with link
// tariffs and a spread): the equilibrium conditions of product.md, "Route
// choice", checked from the outputs. Value of time 0 (no congestion) except in
// the last case, so that c_r is the route's money, recomputed here from the file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/engine/simulate.js';
import { toCsv } from '../../src/io/csv.js';
import { runTables } from '../../src/io/tables.js';
import { run } from '../support/build.js';
import { scenarioArb, type Scn } from '../support/networks.js';
import { generateScenario } from '../../bench/network.js';

const runs = { numRuns: 60, seed: 29 };

/** The spill network as a choice scenario: link i costs 5 + 3·(i mod 7) USD/t, each route 10 + r more (its cost_per_t). */
const choiceOf = (s: Scn, spread: number, vot = 0) => ({
  ...s,
  defaults: { allocation: 'choice', spread },
  links: s.links.map((l, i) => ({ ...l, cost_per_t: 5 + 3 * (i % 7) })),
  flows: s.flows.map((f) => {
    const { unserved: _, ...rest } = f as Record<string, unknown>;
    return rest;
  }),
  economics: { value_of_time_per_t_day: vot, value_per_t: 40 },
});

const spreadArb = fc.constantFrom(2, 5, 20);

describe('route choice on random networks', () => {
  it('no row overfilled; λ ≥ 0, and 0 where a row does not bind; gap ≤ 1e-9', () => {
    fc.assert(fc.property(scenarioArb, spreadArb, (s, spread) => {
      const r = run(choiceOf(s, spread));
      const ch = r.choice!;
      r.constraintFlow.forEach((load, i) => {
        const K = r.capacity[i]!;
        expect(load).toBeLessThanOrEqual(K * (1 + 1e-9) + 1e-12);
        const lambda = ch.scarcity[i]!;
        if (K === 0) return expect(lambda).toBeNaN();
        expect(lambda).toBeGreaterThanOrEqual(0);
        if (load < K * (1 - 1e-6)) expect(lambda).toBe(0);
      });
      for (const g of ch.gap) expect(g).toBeLessThanOrEqual(1e-9);
    }), runs);
  });

  it('route shares are the logit of c + Λ over the open routes, and served follows the choke', () => {
    fc.assert(fc.property(scenarioArb, spreadArb, (s, spread) => {
      const r = run(choiceOf(s, spread));
      checkShares(r, spread, 40);
    }), runs);
  });

  it('reordering every list in the file changes no byte of the output', () => {
    fc.assert(fc.property(scenarioArb, spreadArb, fc.nat(1000), (s, spread, seed) => {
      const a = choiceOf(s, spread);
      const shuffle = <T>(xs: T[], k: number) => [...xs].sort((x, y) => hash(JSON.stringify(x), seed + k) - hash(JSON.stringify(y), seed + k));
      const b = { ...a, nodes: shuffle(a.nodes, 1), links: shuffle(a.links, 2), flows: shuffle(a.flows, 3).map((f) => ({ ...f, routes: shuffle(f.routes as object[], 4) })) };
      expect(csv(run(b))).toBe(csv(run(a)));
    }), runs);
  });

  it('with congestion (value of time 5 USD/t/day), the fixed point still meets every condition', () => {
    fc.assert(fc.property(scenarioArb, spreadArb, (s, spread) => {
      const r = run(choiceOf(s, spread, 5));
      r.constraintFlow.forEach((load, i) => expect(load).toBeLessThanOrEqual(r.capacity[i]! * (1 + 1e-9) + 1e-12));
      for (const g of r.choice!.gap) expect(g).toBeLessThanOrEqual(1e-9);
      checkShares(r, spread, 40);
    }), { numRuns: 30, seed: 31 });
  });
});

describe('route choice on a large network (the dual\'s sparse Cholesky)', () => {
  it('the bench\'s generated network of 290 rows, 48 rows or more priced at once: every year at its equilibrium', () => {
    // 48 free rows and more are factorised as sparse (src/engine/wasm/kernels.ts, SPARSE_ROWS): a year with that
    // many priced rows ran it. Value of time 0 in the generated network, so c_r is money, as checkShares needs.
    const net = generateScenario({ width: 25, layers: 6, flows: 150, years: 22 }) as Record<string, unknown> & { links: Record<string, unknown>[] };
    const r = run({ ...net, defaults: { allocation: 'choice', spread: 20 }, economics: { value_of_time_per_t_day: 0, value_per_t: 40 }, links: net.links.map((l, i) => ({ ...l, cost_per_t: 5 + 3 * (i % 7) })) });
    const { model } = r;
    const Y = model.years;
    let priced = 0;
    for (let y = 0; y < Y; y++) priced = Math.max(priced, model.constraints.filter((_, c) => r.choice!.scarcity[c * Y + y]! > 0).length);
    expect(priced).toBeGreaterThanOrEqual(48);
    r.constraintFlow.forEach((load, i) => expect(load).toBeLessThanOrEqual(r.capacity[i]! * (1 + 1e-9) + 1e-12));
    for (const g of r.choice!.gap) expect(g).toBeLessThanOrEqual(1e-9);
    checkShares(r, 20, 40);
  });
});

/** x_r / q_f = exp(−(c_r + Λ_r)/s) / Σ_open exp(−(c + Λ)/s); q_f = D while C ≤ C⁰ + v, else D·exp(−(C − C⁰ − v)/s). */
function checkShares(r: Result, s: number, v: number): void {
  const { model } = r;
  const Y = model.years;
  const ch = r.choice!;
  model.flows.forEach((f, i) => {
    for (let y = 0; y < Y; y++) {
      const open = f.routes.filter((k) => Number.isFinite(ch.routeScarcity[k * Y + y]!));
      const u = open.map((k) => ch.routeCost[k * Y + y]! + ch.routeScarcity[k * Y + y]!);
      const min = Math.min(...u);
      const w = u.map((x) => Math.exp(-(x - min) / s));
      const sum = w.reduce((a, b) => a + b, 0);
      const q = r.flowServed[i * Y + y]!;
      open.forEach((k, j) => expect(r.routeVolume[k * Y + y]!).toBeCloseTo((q * w[j]!) / sum, 7));
      if (open.length === 0) return expect(q).toBe(0);
      const C = min - s * Math.log(sum);
      expect(ch.compositeCost[i * Y + y]!).toBeCloseTo(C, 7);
      const D = r.flowDemand[i * Y + y]!;
      const P = ch.freeFlowCost[i * Y + y]! + v;
      expect(q).toBeCloseTo(C <= P ? D : D * Math.exp(-(C - P) / s), 7);
    }
  });
}

const csv = (r: Result) => runTables(r).map((t) => toCsv(t)).join('\n');

function hash(text: string, seed: number): number {
  let h = seed * 2654435761;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

describe('as the spreads shrink, route choice approaches the least-cost routing', () => {
  // The LP, solved by HiGHS: min Σ_r c_r x_r + Σ_f (min_r c_r + v) u_f with Σ_r x_r + u_f = D_f and the
  // capacities; the choice run's cost, Σ c_r x_r + Σ_f (min_r c_r + v)(D_f − q_f), approaches its optimum
  // by at most about s·ln(routes) per tonne (the logit's entropy term), compared by objective value.
  let solver: import('../../src/optimize/solver.js').Solver;
  it('the choice run costs at least the LP optimum, and at most s·(1 + ln 3)·ΣD more at s = 0.05', async () => {
    const { Solver } = await import('../../src/optimize/solver.js');
    const { routingRows } = await import('../../src/optimize/network.js');
    solver ??= await Solver.load();
    fc.assert(fc.property(scenarioArb, (s) => {
      const gaps = [5, 0.05].map((spread) => {
        const r = run(choiceOf(s, spread));
        const { model } = r;
        const Y = model.years;
        const y = 0;
        const c = model.routes.map((_, k) => r.choice!.routeCost[k * Y + y]!);
        const floor = model.flows.map((f) => Math.min(...f.routes.map((k) => c[k]!)) + 40);
        const net = routingRows(model, (i) => r.capacity[i * Y + y]!, (f) => r.flowDemand[f * Y + y]!);
        // Columns: routes, then one unserved column per flow (in its demand row, as an equality).
        const R = model.routes.length;
        const rows = net.rows.map((row, j) => {
          const f = net.flowRow.indexOf(j);
          return f < 0 ? row : { cols: [...row.cols, R + f], coefs: [...row.coefs, 1], lower: row.upper, upper: row.upper };
        });
        const cost = [...c, ...floor];
        const lp = solver.solve({ sense: 'min', cost, lower: cost.map(() => 0), upper: cost.map(() => Infinity), rows }, 'least-cost routing');
        if (lp.status !== 'optimal') throw new Error('the least-cost routing always has a solution (every flow may go unserved)');
        const served = model.flows.map((_, f) => r.flowServed[f * Y + y]!);
        const total = c.reduce((acc, ck, k) => acc + ck * r.routeVolume[k * Y + y]!, 0) + floor.reduce((acc, p, f) => acc + p * (r.flowDemand[f * Y + y]! - served[f]!), 0);
        const demand = model.flows.reduce((acc, _, f) => acc + r.flowDemand[f * Y + y]!, 0);
        return { gap: total - lp.objective, bound: spread * (1 + Math.log(3)) * demand + 1e-6 };
      });
      // Never below the optimum (the LP is a lower bound), and close to it when the spread is small.
      for (const g of gaps) expect(g.gap).toBeGreaterThanOrEqual(-1e-6 * (1 + Math.abs(g.bound)));
      expect(gaps[1]!.gap).toBeLessThanOrEqual(gaps[1]!.bound);
    }), { numRuns: 25, seed: 37 });
  });
});
