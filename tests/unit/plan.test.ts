// corridor plan: hand-worked plans (arithmetic in the comments), a brute-force
// enumeration on small random cases, presolve on and off, and the command.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { effectiveCapacity } from '../../src/engine/capacity.js';
import type { Model } from '../../src/engine/model.js';
import { required, targetYearIndices } from '../../src/engine/targets.js';
import { routingRows } from '../../src/optimize/network.js';
import { presentValue, solvePlan, withDecisions } from '../../src/optimize/plan.js';
import { Solver, type Row } from '../../src/optimize/solver.js';
import { modelOf } from '../support/build.js';
import { cli } from '../support/cli.js';

let solver: Solver;
beforeAll(async () => {
  solver = await Solver.load();
});

/**
 * One link of 5 Mt/year, one flow of 10, 2030–2035, 5 %/yr discounting to 2030:
 * the economic rate, which plans use when `planning` names no rate of its own.
 */
const BASE = `
name: p
years: { start: 2030, end: 2035 }
economics: { appraisal: { discount_rate: 0.05 } }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 5 }]
flows: [{ id: f, origin: a, destination: b, demand: 10, routes: [{ id: r, via: [ab] }] }]
`;

const planOf = (text: string) => {
  const model = modelOf(text);
  return { model, outcome: solvePlan(model, solver) };
};
const built = (model: Model, online: readonly (number | undefined)[]) =>
  Object.fromEntries(model.candidates.flatMap((k, i) => (online[i] === undefined ? [] : [[k.id, online[i]]])));

describe('plans worked by hand', () => {
  it('the cheapest choice is one large project, built as late as the targets allow', () => {
    // The target needs 8 served from 2033: 3 more than the link's 5. big (+5) costs 100; the two
    // small ones (+2 each, both needed) 120. big in 2033 is worth 100 / 1.05^3 = 86.3838 today;
    // any earlier year costs more, and nothing before 2033 needs it.
    const { model, outcome } = planOf(`${BASE}
targets: [{ id: eight, served_at_least: 8, from: 2033 }]
projects:
  - { id: big, target: ab, effect: { add: 5 }, candidate: true, capex_musd: 100 }
  - { id: small1, target: ab, effect: { add: 2 }, candidate: true, capex_musd: 60 }
  - { id: small2, target: ab, effect: { add: 2 }, candidate: true, capex_musd: 60 }
`);
    expect(outcome.feasible).toBe(true);
    if (!outcome.feasible) return;
    expect(built(model, outcome.online)).toEqual({ big: 2033 });
    expect(outcome.pv.reduce((s, x) => s + x, 0)).toBeCloseTo(100 / 1.05 ** 3, 9);
  });

  it('a ramp makes the project start a year earlier', () => {
    // +6 over two years: +3 in its first year, +6 from its second. 10 served from 2033 needs +5,
    // so 2033 must be its second year: it opens in 2032 (PV 90 / 1.05^2 = 81.6327).
    const { model, outcome } = planOf(`${BASE}
targets: [{ id: ten, served_at_least: 10, from: 2033 }]
projects:
  - { id: ramped, target: ab, effect: { add: 6 }, ramp_years: 2, candidate: true, capex_musd: 90 }
`);
    expect(outcome.feasible && built(model, outcome.online)).toEqual({ ramped: 2032 });
    expect(outcome.feasible && outcome.pv[0]).toBeCloseTo(90 / 1.05 ** 2, 9);
  });

  it('ties in present value go to fewer projects, then later openings (discount rate 0)', () => {
    // At 0 %, one +5 project (cost 100) and two +3 projects (50 each) cost the same: the one project
    // wins; it opens in 2034, the first target year, not earlier.
    const { model, outcome } = planOf(`${BASE}
planning: { discount_rate: 0 }
targets: [{ id: ten, served_at_least: 10, from: 2034 }]
projects:
  - { id: one, target: ab, effect: { add: 5 }, candidate: true, capex_musd: 100, online: 2031 }
  - { id: half1, target: ab, effect: { add: 3 }, candidate: true, capex_musd: 50 }
  - { id: half2, target: ab, effect: { add: 3 }, candidate: true, capex_musd: 50 }
`);
    expect(outcome.feasible && built(model, outcome.online)).toEqual({ one: 2034 });
  });

  it('no plan exists: each target-year still short with every candidate at its earliest year, and by how much', async () => {
    // 13 served from 2034 needs +8; the one candidate gives +5 (from 2032), so at most 10: short 3.
    const text = `${BASE}
targets: [{ id: thirteen, served_at_least: 13, from: 2034 }]
projects: [{ id: only, target: ab, effect: { add: 5 }, candidate: true, capex_musd: 10, online: 2032 }]
`;
    const { outcome } = planOf(text);
    expect(outcome.feasible).toBe(false);
    if (outcome.feasible) return;
    expect(outcome.short.map((s) => [s.y + 2030, s.required, +s.best.toFixed(9)])).toEqual([[2034, 13, 10], [2035, 13, 10]]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-plan-'));
    try {
      fs.writeFileSync(path.join(dir, 'p.yaml'), text);
      const r = await cli('plan', path.join(dir, 'p.yaml'), '--out', path.join(dir, 'out'));
      expect(r.code).toBe(3);
      expect(r.err).toContain('  thirteen 2034: at most 10 of 13 Mt/year (short 3)\n  thirteen 2035: at most 10 of 13 Mt/year (short 3)\n');
      expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('corridor plan writes a plan that the rest of the tool can use', () => {
  it('plan.csv, plan-targets.csv and plan.yaml; `corridor run plan.yaml` meets the targets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-plan-'));
    try {
      fs.writeFileSync(path.join(dir, 'p.yaml'), `${BASE}
targets: [{ id: eight, served_at_least: 8, from: 2033 }]
projects:
  - { id: big, target: ab, effect: { add: 5 }, candidate: true, capex_musd: 100 }
  - { id: small, target: ab, effect: { add: 2 }, candidate: true, capex_musd: 60 }
`);
      const out = path.join(dir, 'out');
      const r = await cli('plan', path.join(dir, 'p.yaml'), '--out', out);
      expect(r.code).toBe(0);
      const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');
      // 100 / 1.05^3 = 86.383760 (six places).
      expect(read('plan.csv')).toBe('scenario,project,build,online,capex_musd,pv_capex_musd,discount_rate\np,big,true,2033,100,86.38376,0.05\np,small,false,,60,,0.05\n');
      expect(read('plan-targets.csv').split('\n').slice(0, 2)).toEqual([
        'scenario,year,target,required_mt,optimal_served_mt,optimal_met,served_mt,met',
        'p,2033,eight,8,10,true,10,true',
      ]);
      expect(read('plan.yaml')).toMatch(/^name: p-planned\nextends: \.\.\/p\.yaml\nprojects:\n  - id: big\n    candidate: false\n    online: 2033\n$/m);
      const run = await cli('run', path.join(out, 'plan.yaml'), '--out', path.join(dir, 'run'));
      expect(run.code).toBe(0);
      expect(run.out).toContain('targets: all 3 target-years met');
      const compare = await cli('compare', path.join(dir, 'p.yaml'), path.join(out, 'plan.yaml'), '--out', path.join(dir, 'cmp'));
      expect(compare.code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Whether, with these capacities, one routing per year meets every target in force (written here, apart from plan.ts). */
function meetsAll(model: Model, caps: number[][]): boolean {
  const byYear = new Map<number, number[]>();
  for (const { target, y } of targetYearIndices(model)) byYear.set(y, [...(byYear.get(y) ?? []), target]);
  for (const [y, targets] of byYear) {
    const net = routingRows(model, (c) => caps[c]![y]!, (f) => model.flows[f]!.demand[y]!);
    const rows: Row[] = [...net.rows];
    for (const g of targets) {
      const t = model.targets[g]!;
      const cols = t.flows.flatMap((f) => model.flows[f]!.routes);
      rows.push({ cols, coefs: cols.map(() => 1), lower: required(t, y, (f) => model.flows[f]!.demand[y]!), upper: Infinity });
    }
    const R = model.routes.length;
    const s = solver.solve({ sense: 'max', cost: new Array(R).fill(0), lower: new Array(R).fill(0), upper: new Array(R).fill(Infinity), rows }, 'brute force');
    if (s.status !== 'optimal') return false;
  }
  return true;
}

describe('plans on small random cases', () => {
  const caseArb = fc.record({
    // The target asks 1–6 Mt/year more than the links carry, so every case needs a build; some cannot be met.
    caps: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
    demands: fc.array(fc.integer({ min: 4, max: 10 }), { minLength: 2, maxLength: 2 }),
    extra: fc.integer({ min: 1, max: 6 }),
    from: fc.integer({ min: 2031, max: 2033 }),
    candidates: fc.array(
      fc.record({ link: fc.integer({ min: 0, max: 2 }), add: fc.integer({ min: 2, max: 6 }), capex: fc.integer({ min: 1, max: 50 }), online: fc.integer({ min: 2030, max: 2033 }), ramp: fc.integer({ min: 1, max: 2 }) }),
      { minLength: 1, maxLength: 3 },
    ),
  });
  // Two flows a→b over three parallel links (the first flow may use x or y, the second y or z).
  type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
  const scenario = (c: Case) => `
name: rnd
years: { start: 2030, end: 2033 }
planning: { discount_rate: 0.07 }
nodes: [{ id: a }, { id: b }]
links: [{ id: x, from: a, to: b, capacity: ${c.caps[0]} }, { id: y, from: a, to: b, capacity: ${c.caps[1]} }, { id: z, from: a, to: b, capacity: ${c.caps[2]} }]
flows:
  - { id: f, origin: a, destination: b, demand: ${c.demands[0]}, routes: [{ id: fx, via: [x] }, { id: fy, via: [y] }] }
  - { id: g, origin: a, destination: b, demand: ${c.demands[1]}, routes: [{ id: gy, via: [y] }, { id: gz, via: [z] }] }
targets: [{ id: t, served_at_least: ${c.caps.reduce((a, b) => a + b, 0) + c.extra}, from: ${c.from} }]
projects:
${c.candidates.map((k, i) => `  - { id: k${i}, target: ${'xyz'[k.link]}, effect: { add: ${k.add} }, ramp_years: ${k.ramp}, candidate: true, capex_musd: ${k.capex}, online: ${k.online} }`).join('\n')}
`;

  it('the plan’s present value equals a brute-force enumeration of every choice, and the plan meets every target', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const model = modelOf(scenario(c));
        // Every candidate: not built, or built in one of the years from its earliest to 2033.
        let best = Infinity;
        const choose = (i: number, online: (number | undefined)[]) => {
          if (i === model.candidates.length) {
            const pv = online.reduce<number>((s, y, k) => s + (y === undefined ? 0 : presentValue(model, model.candidates[k]!, y)), 0);
            if (pv < best && meetsAll(model, effectiveCapacity(withDecisions(model, online)))) best = pv;
            return;
          }
          choose(i + 1, [...online, undefined]);
          for (let y = model.candidates[i]!.online; y <= model.candidates[i]!.latest; y++) choose(i + 1, [...online, y]);
        };
        choose(0, []);
        const outcome = solvePlan(model, solver);
        expect(outcome.feasible).toBe(best < Infinity);
        if (!outcome.feasible) return;
        expect(outcome.pv.reduce((s, x) => s + x, 0)).toBeCloseTo(best, 6);
        expect(meetsAll(model, effectiveCapacity(withDecisions(model, outcome.online)))).toBe(true);
      }),
      { numRuns: 12, seed: 33 },
    );
  });

  it('presolve off gives an equally good plan (older HiGHS presolve returned sub-optimal MIPs marked optimal)', () => {
    // Equally good by the contract's order: present value, then the number of projects, then the
    // sum of opening years. (Two identical candidates make two equally good plans: either may come.)
    const score = (model: Model, online: readonly (number | undefined)[]) => [
      +online.reduce<number>((s, y, k) => s + (y === undefined ? 0 : presentValue(model, model.candidates[k]!, y)), 0).toFixed(6),
      online.filter((y) => y !== undefined).length,
      online.reduce<number>((s, y) => s + (y ?? 0), 0),
    ];
    fc.assert(
      fc.property(caseArb, (c) => {
        const model = modelOf(scenario(c));
        const on = solvePlan(model, solver);
        const off = solvePlan(model, solver, { presolve: false });
        expect(off.feasible).toBe(on.feasible);
        if (on.feasible && off.feasible) expect(score(model, off.online)).toEqual(score(model, on.online));
      }),
      { numRuns: 10, seed: 33 },
    );
  });
});

it('bench/plan-8.yaml (npm run bench: 8 candidates over 2025–2040) has a plan', async () => {
  const fs = await import('node:fs');
  const { loadScenario } = await import('../../src/scenario/index.js');
  const model = loadScenario('bench/plan-8.yaml', { readText: (f) => fs.readFileSync(f, 'utf8') }).model!;
  expect(model.candidates).toHaveLength(8);
  expect(solvePlan(model, solver).feasible).toBe(true);
});
