// The system optimum and the value of capacity: small cases worked by hand,
// and properties on random networks.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/engine/model.js';
import { simulate, type Result } from '../../src/engine/simulate.js';
import { behaviouralValues } from '../../src/optimize/behaviour.js';
import { solveOptimum, type OptimumResult } from '../../src/optimize/optimum.js';
import { Solver } from '../../src/optimize/solver.js';
import { modelOf } from '../support/build.js';
import { scenarioArb } from '../support/networks.js';

let solver: Solver;
beforeAll(async () => {
  solver = await Solver.load();
});

function both(model: Model): { result: Result; optimum: OptimumResult; behavioural: Float64Array } {
  const result = simulate(model);
  return { result, optimum: solveOptimum(model, result.capacity, solver), behavioural: behaviouralValues(result) };
}

/** Value of element `id`'s total capacity in the first year: [optimal, behavioural]. */
function valueOf(model: Model, o: OptimumResult, behavioural: Float64Array, id: string): [number, number] {
  const c = model.constraints.findIndex((k) => model.elements[k.element]!.id === id && k.cargo === 'total');
  return [o.value[c * model.years]!, behavioural[c * model.years]!];
}

const served = (r: Result, y = 0) => r.model.flows.reduce((s, _, f) => s + r.flowServed[f * r.model.years + y]!, 0);

describe('the optimum, by hand', () => {
  it('two flows on a shared link: behaviour loses 5 Mt that the optimum carries', () => {
    // a has x (first) and y; b only x; both demand 10, x and y carry 10.
    // Behaviour: a and b grow together on x at 10 each, x fills at τ = 0.5 (5 + 5); a moves to y
    // for the other half (5 more): a 10, b 5, total 15. Optimum: a on y, b on x: 20, a loss of 5.
    const model = modelOf(`
name: shared
years: { start: 2030, end: 2030 }
nodes: [{ id: o }, { id: d }]
links: [{ id: x, from: o, to: d, capacity: 10 }, { id: y, from: o, to: d, capacity: 10 }]
flows:
  - { id: a, origin: o, destination: d, demand: 10, routes: [{ id: ax, via: [x] }, { id: ay, via: [y] }] }
  - { id: b, origin: o, destination: d, demand: 10, routes: [{ id: bx, via: [x] }] }
`);
    const { result, optimum, behavioural } = both(model);
    expect(served(result)).toBeCloseTo(15, 9);
    expect(optimum.served[0]).toBeCloseTo(20, 9);
    // The optimum serves all demand, so no capacity is worth anything to it. To behaviour, δ more on x
    // lets x fill at τ = (10 + δ)/20, so b gets (10 + δ)/2: ½ per Mt; a is served in full either way.
    // y is used to 5 of its 10: worth nothing to either.
    expect(valueOf(model, optimum, behavioural, 'x')).toEqual([0, 0.5]);
    expect(valueOf(model, optimum, behavioural, 'y')).toEqual([0, 0]);
  });

  it('two equal elements in series: each is worth 0 (more of either alone changes nothing); one alone is worth 1', () => {
    const series = modelOf(`
name: series
years: { start: 2030, end: 2030 }
nodes: [{ id: o }, { id: m, capacity: 5 }, { id: d }]
links: [{ id: om, from: o, to: m, capacity: 5 }, { id: md, from: m, to: d }]
flows: [{ id: f, origin: o, destination: m, demand: 10, routes: [{ id: r, via: [om] }] }]
`);
    const a = both(series);
    expect(a.optimum.served[0]).toBeCloseTo(5, 9);
    expect(valueOf(series, a.optimum, a.behavioural, 'm')).toEqual([0, 0]);
    expect(valueOf(series, a.optimum, a.behavioural, 'om')).toEqual([0, 0]);
    const single = modelOf(`
name: single
years: { start: 2030, end: 2030 }
nodes: [{ id: o }, { id: m, capacity: 6 }, { id: d }]
links: [{ id: om, from: o, to: m, capacity: 5 }]
flows: [{ id: f, origin: o, destination: m, demand: 10, routes: [{ id: r, via: [om] }] }]
`);
    const b = both(single);
    expect(valueOf(single, b.optimum, b.behavioural, 'om')).toEqual([1, 1]);
    expect(valueOf(single, b.optimum, b.behavioural, 'm')).toEqual([0, 0]);
  });

  it('among maximal routings, the least cost one; carry keeps the optimum’s own unserved volume', () => {
    // 8 to carry, two routes of 6: cheap first. The optimum carries 8 on (6 cheap + 2 dear), not (2 + 6).
    const model = modelOf(`
name: cost
years: { start: 2030, end: 2031 }
nodes: [{ id: o }, { id: d }]
links: [{ id: cheap, from: o, to: d, capacity: 6 }, { id: dear, from: o, to: d, capacity: 6 }]
flows:
  - id: f
    origin: o
    destination: d
    demand: { 2030: 14, 2031: 0 }
    unserved: carry
    routes: [{ id: dear, via: [dear], cost_per_t: 9 }, { id: cheap, via: [cheap], cost_per_t: 1 }]
`);
    const { optimum } = both(model);
    const route = (id: string, y: number) => optimum.routeVolume[model.routes.findIndex((r) => r.id === id) * 2 + y]!;
    // 2030: 12 of 14 served, 2 carried into 2031, where they are served on the cheap route.
    expect([route('cheap', 0), route('dear', 0), route('cheap', 1), route('dear', 1)].map((v) => +v.toFixed(9))).toEqual([6, 6, 2, 0]);
    expect(optimum.flowDemand[1]).toBeCloseTo(2, 9);
  });
});

describe('the optimum on random networks', () => {
  it('is never below behaviour, and every value_per_mt lies in [0, 1] (all flows weigh the same)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const model = modelOf(s);
        const { result, optimum } = both(model);
        for (let y = 0; y < model.years; y++) {
          // With carry, the optimum's demand differs; compare on years whose demand is the same (the first).
          if (y === 0) expect(optimum.served[y]!).toBeGreaterThanOrEqual(served(result, y) - 1e-7);
        }
        for (const v of optimum.value) {
          expect(v).toBeGreaterThanOrEqual(-1e-9);
          expect(v).toBeLessThanOrEqual(1 + 1e-9);
        }
      }),
      { numRuns: 20, seed: 33 },
    );
  });
});

describe('corridor optimum', () => {
  it('writes the three tables with the contract’s leading columns; a solver failure exits 1 and writes nothing', async () => {
    const { cli } = await import('../support/cli.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { vi } = await import('vitest');
    const { SolverError } = await import('../../src/optimize/solver.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-opt-'));
    try {
      const r = await cli('optimum', 'scenarios/tutorial.yaml', '--out', path.join(dir, 'ok'));
      expect(r.code).toBe(0);
      const head = (f: string) => fs.readFileSync(path.join(dir, 'ok', f), 'utf8').split('\n')[0];
      expect(head('optimum.csv')).toBe('scenario,year,demand_mt,served_mt,optimal_served_mt,routing_loss_mt');
      expect(head('optimum-flows.csv')).toBe('scenario,year,flow,demand_mt,served_mt,optimal_served_mt');
      expect(head('capacity-value.csv')).toBe('scenario,year,element,cargo,capacity_mt,value_per_mt,behavioural_value_per_mt');
      expect(r.out).not.toMatch(/-0\.000/);
      const spy = vi.spyOn(Solver.prototype, 'solve').mockImplementation(() => {
        throw new SolverError('the solver stopped without an optimal solution for 2030: timeLimit');
      });
      const bad = await cli('optimum', 'scenarios/tutorial.yaml', '--out', path.join(dir, 'bad'));
      spy.mockRestore();
      expect(bad.code).toBe(1);
      expect(bad.err).toBe('corridor: the solver stopped without an optimal solution for 2030: timeLimit; nothing was written\n');
      expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
