// corridor plan --objective npv: a plan worked by hand, and on small random
// cases the plan's NPV against a brute-force enumeration of every choice
// (benefits from one LP per year and choice, costs worked out here).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { effectiveCapacity } from '../../src/engine/capacity.js';
import type { Model } from '../../src/engine/model.js';
import { routingRows } from '../../src/optimize/network.js';
import { optimisedModel } from '../../src/optimize/network-demand.js';
import { solvePlan, withDecisions } from '../../src/optimize/plan.js';
import { buildScenario, loadSource } from '../../src/scenario/index.js';
import { Solver } from '../../src/optimize/solver.js';
import { modelOf } from '../support/build.js';
import { cli } from '../support/cli.js';

let solver: Solver;
beforeAll(async () => {
  solver = await Solver.load();
});

/** One link of 5, demand 10, 2030–2035; 4 USD/t; rate 0; a life of 6 years. */
const BASE = `
name: npv
years: { start: 2030, end: 2035 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 5 }]
flows: [{ id: f, origin: a, destination: b, demand: 10, routes: [{ id: r, via: [ab] }] }]
economics: { value_per_t: 4, life_years: 6, appraisal: { discount_rate: 0 } }
`;

const candidate = (capex: number) => `projects: [{ id: more, target: ab, effect: { add: 5 }, candidate: true, capex_musd: ${capex} }]\n`;

describe('NPV plans worked by hand', () => {
  it('builds at once when it pays, not at all when it does not, and as late as a target allows when it must', () => {
    // Opening in year t serves 5 more for n = 2036 − t years: benefits 20 n. Residual value C (6 − n)/6.
    // NPV(n) = 20 n − C + C (6 − n)/6 = n (20 − C/6). C = 60: best n = 6 (2030), NPV 60.
    const cheap = solvePlan(modelOf(`${BASE}${candidate(60)}`), solver, { objective: 'npv' });
    expect(cheap.feasible && [cheap.online[0], cheap.value!.npv]).toEqual([2030, expect.closeTo(60, 9)]);
    // C = 150: NPV(n) = −5 n < 0 for every n: build nothing (NPV 0).
    const dear = solvePlan(modelOf(`${BASE}${candidate(150)}`), solver, { objective: 'npv' });
    expect(dear.feasible && [dear.online[0], dear.value!.npv]).toEqual([undefined, 0]);
    // A target of 10 from 2034 forces it by 2034 (n ≥ 2): the least loss is n = 2, NPV −10; without
    // the target NPV is 0, so the target costs 10.
    const forced = solvePlan(modelOf(`${BASE}${candidate(150)}targets: [{ id: ten, served_at_least: 10, from: 2034 }]\n`), solver, { objective: 'npv' });
    expect(forced.feasible && [forced.online[0], forced.value!.npv, forced.value!.candidateNpv[0]]).toEqual([2034, expect.closeTo(-10, 9), expect.closeTo(-10, 9)]);
  });

  it('the CLI: plan.csv gains pv_benefits_musd and npv_musd; the summary names what only serves the target and its cost', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-npv-'));
    try {
      const file = path.join(dir, 'npv.yaml');
      fs.writeFileSync(file, `${BASE}${candidate(150)}targets: [{ id: ten, served_at_least: 10, from: 2034 }]\n`);
      const r = await cli('plan', file, '--objective', 'npv', '--out', path.join(dir, 'out'));
      expect(r.code).toBe(0);
      // PV benefits 2 years × 20 = 40; capex 150 less the residual 150 × 4/6 = 100: costs 50; NPV −10.
      expect(fs.readFileSync(path.join(dir, 'out', 'plan.csv'), 'utf8')).toBe(
        'scenario,project,build,online,capex_musd,pv_capex_musd,discount_rate,pv_benefits_musd,npv_musd\nnpv,more,true,2034,150,150,0,40,-10\n',
      );
      expect(r.out).toContain(
        'also in the NPV plan without targets: none\nbuilt only to meet the targets: more\ncost of the targets: 10 M USD of NPV (0 M USD without them)\n' +
          'NPV below 0 last in (built for the targets, or for what it adds with the others): more\n',
      );
      // Without targets, a least-cost plan has nothing to aim at: a usage error that names the way out.
      fs.writeFileSync(file, `${BASE}${candidate(60)}`);
      const none = await cli('plan', file, '--out', path.join(dir, 'none'));
      expect(none.code).toBe(2);
      expect(none.err).toMatch(/has no targets.*--objective npv/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('NPV plans on small random cases', () => {
  const caseArb = fc.record({
    caps: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
    demands: fc.array(fc.integer({ min: 2, max: 10 }), { minLength: 2, maxLength: 2 }),
    values: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 2, maxLength: 2 }),
    rate: fc.constantFrom(0, 0.05, 0.12),
    candidates: fc.array(
      fc.record({
        link: fc.integer({ min: 0, max: 2 }), add: fc.integer({ min: 1, max: 6 }), capex: fc.integer({ min: 1, max: 60 }),
        online: fc.integer({ min: 2030, max: 2033 }), ramp: fc.integer({ min: 1, max: 2 }), opex: fc.integer({ min: 0, max: 3 }), life: fc.integer({ min: 2, max: 8 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });
  type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
  const scenario = (c: Case) => `
name: rnd
years: { start: 2030, end: 2033 }
nodes: [{ id: a }, { id: b }]
links: [{ id: x, from: a, to: b, capacity: ${c.caps[0]} }, { id: y, from: a, to: b, capacity: ${c.caps[1]} }, { id: z, from: a, to: b, capacity: ${c.caps[2]} }]
flows:
  - { id: f, origin: a, destination: b, demand: ${c.demands[0]}, routes: [{ id: fx, via: [x] }, { id: fy, via: [y] }] }
  - { id: g, origin: a, destination: b, demand: ${c.demands[1]}, routes: [{ id: gy, via: [y] }, { id: gz, via: [z] }] }
projects:
${c.candidates.map((k, i) => `  - { id: k${i}, target: ${'xyz'[k.link]}, effect: { add: ${k.add} }, ramp_years: ${k.ramp}, candidate: true, capex_musd: ${k.capex}, online: ${k.online} }`).join('\n')}
economics:
  flows: { f: { value_per_t: ${c.values[0]} }, g: { value_per_t: ${c.values[1]} } }
  projects: { ${c.candidates.map((k, i) => `k${i}: { opex_musd_per_year: ${k.opex}, life_years: ${k.life} }`).join(', ')} }
  appraisal: { discount_rate: ${c.rate}, base_year: 2030 }
`;

  /** NPV of a choice, worked out here: per year, the most value free routing earns (an LP), against no build; costs by hand. */
  function npvOf(model: Model, c: Case, online: readonly (number | undefined)[]): number {
    const d = (year: number) => (1 + c.rate) ** -(year - 2030);
    const valueOf = (caps: number[][]) => {
      let pv = 0;
      for (let y = 0; y < model.years; y++) {
        const net = routingRows(model, (k) => caps[k]![y]!, (f) => model.flows[f]!.demand[y]!);
        const cost = model.routes.map((r) => c.values[r.flow]!);
        const s = solver.solve({ sense: 'max', cost, lower: cost.map(() => 0), upper: cost.map(() => Infinity), rows: net.rows }, 'brute force');
        if (s.status !== 'optimal') throw new Error('infeasible routing');
        pv += s.objective * d(2030 + y);
      }
      return pv;
    };
    let costs = 0;
    online.forEach((t, i) => {
      if (t === undefined) return;
      const k = c.candidates[Number(model.candidates[i]!.id.slice(1))]!; // the model orders candidates by online, then id
      costs += k.capex * d(t);
      for (let year = t; year <= 2033; year++) costs += k.opex * d(year);
      costs -= ((k.capex * Math.max(0, k.life - (2033 - t + 1))) / k.life) * d(2033);
    });
    return valueOf(effectiveCapacity(withDecisions(model, online))) - valueOf(effectiveCapacity(model)) - costs;
  }

  it('the NPV plan equals a brute-force enumeration, and is ≥ every single-candidate plan and building nothing', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const model = modelOf(scenario(c));
        let best = -Infinity;
        const choose = (i: number, online: (number | undefined)[]) => {
          if (i === model.candidates.length) {
            best = Math.max(best, npvOf(model, c, online));
            return;
          }
          choose(i + 1, [...online, undefined]);
          for (let y = model.candidates[i]!.online; y <= model.candidates[i]!.latest; y++) choose(i + 1, [...online, y]);
        };
        choose(0, []);
        const outcome = solvePlan(model, solver, { objective: 'npv' });
        if (!outcome.feasible) throw new Error('an NPV plan without targets is always feasible');
        expect(outcome.value!.npv).toBeCloseTo(best, 6);
        expect(npvOf(model, c, outcome.online)).toBeCloseTo(outcome.value!.npv, 6);
        // ≥ building nothing (NPV 0) and ≥ each candidate alone at each of its years: implied by the enumeration, checked anyway.
        expect(outcome.value!.npv).toBeGreaterThanOrEqual(-1e-7);
        model.candidates.forEach((k, i) => {
          for (let y = k.online; y <= k.latest; y++) {
            expect(outcome.value!.npv).toBeGreaterThanOrEqual(npvOf(model, c, model.candidates.map((_, j) => (j === i ? y : undefined))) - 1e-6);
          }
        });
      }),
      { numRuns: 10, seed: 33 },
    );
  });

  it('one weighted solve chooses the same plan as three lexicographic solves (the most NPV, the fewest projects, the latest openings)', () => {
    // Integer values and capacities make ties common (a candidate on a link no flow needs, two of the same size).
    fc.assert(
      fc.property(caseArb, (c) => {
        const model = modelOf(scenario(c));
        const one = solvePlan(model, solver, { objective: 'npv' });
        const three = solvePlan(model, solver, { objective: 'npv', threeSolves: true });
        expect(one.feasible && three.feasible).toBe(true);
        if (one.feasible && three.feasible) expect(one.online).toEqual(three.online);
      }),
      { numRuns: 40, seed: 41 },
    );
  });
});

describe('NPV plan of the plan scenario', () => {
  it('the one-solve method builds what the three solves build, with and without the targets', () => {
    const model = optimisedModel(buildScenario(loadSource('scenarios/middle-corridor-plan.yaml', (f) => fs.readFileSync(f, 'utf8')), []).model!);
    for (const ignoreTargets of [false, true]) {
      const one = solvePlan(model, solver, { objective: 'npv', ignoreTargets });
      const three = solvePlan(model, solver, { objective: 'npv', ignoreTargets, threeSolves: true });
      expect(one.feasible && three.feasible && one.online).toEqual(three.feasible && three.online);
    }
  });
});
