// Route choice (`allocation: choice`) against closed forms worked out by hand
// from the contract's formulas (product.md, "Route choice"). Costs in USD/t,
// volumes in Mt/year; value of time 0 unless a case says otherwise, so that a
// route's cost is its money.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JointNewton } from '../../src/engine/choice-newton.js';
import { forgetAllocators } from '../../src/engine/choice.js';
import { forgetTrajectories } from '../../src/engine/choice-prefix.js';
import { Kernels } from '../../src/engine/kernels.js';
import { simulate, type Result } from '../../src/engine/simulate.js';
import { buildReport } from '../../src/report/build.js';
import { errorsOf, modelOf } from '../support/build.js';
import { cli } from '../support/cli.js';

/** One year, nodes a and b, flow f of demand D from a to b over the given links and routes. */
function scenario(o: { D: number; links: string; routes: string; spread?: number; value?: number; nests?: string; extra?: string }): string {
  return `name: choice
years: { start: 2030, end: 2030 }
defaults: { allocation: choice, spread: ${o.spread ?? 10} }
nodes: [{ id: a }, { id: b }]
links:
${o.links}
flows:
  - id: f
    origin: a
    destination: b
    demand: ${o.D}
    routes:
${o.routes}
${o.nests ? `    nests: ${o.nests}\n` : ''}economics:
  value_of_time_per_t_day: 0
  value_per_t: ${o.value ?? 1000}
${o.extra ?? ''}`;
}

const run = (text: string): Result => simulate(modelOf(text));

/** Calls `fn` with a temporary folder holding tut.yaml: the tutorial under route choice (spread 15 USD/t); removes it after. */
async function withChoiceTutorial(fn: (dir: string, file: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-choice-'));
  try {
    const file = path.join(dir, 'tut.yaml');
    fs.writeFileSync(file, `name: tut-choice\nextends: ${path.resolve('scenarios/tutorial.yaml')}\ndefaults: { allocation: choice, spread: 15 }\n`);
    await fn(dir, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const volume = (r: Result, id: string) => r.routeVolume[r.model.routes.findIndex((x) => x.id === id)]!;
const lambda = (r: Result, id: string) => r.choice!.scarcity[r.model.constraints.findIndex((c) => r.model.elements[c.element]!.id === id)]!;

describe('logit shares without capacity', () => {
  it('two routes: share of the dearer = 1/(1 + exp(Δc/s)) exactly', () => {
    // Δc = 30 − 20 = 10, s = 10: the dearer route carries D/(1 + e) = 100/(1 + e).
    const r = run(scenario({
      D: 100,
      links: '  - { id: cheap, from: a, to: b, cost_per_t: 20 }\n  - { id: dear, from: a, to: b, cost_per_t: 30 }',
      routes: '      - { id: rc, via: [cheap] }\n      - { id: rd, via: [dear] }',
    }));
    expect(volume(r, 'rd')).toBeCloseTo(100 / (1 + Math.E), 9);
    expect(volume(r, 'rc')).toBeCloseTo(100 - 100 / (1 + Math.E), 9);
    // C = −s ln(e^{−2} + e^{−3}) = 20 − 10 ln(1 + e^{−1}); C⁰ the same (nothing binds).
    expect(r.choice!.compositeCost[0]).toBeCloseTo(20 - 10 * Math.log(1 + Math.exp(-1)), 9);
    expect(r.choice!.freeFlowCost[0]).toBeCloseTo(r.choice!.compositeCost[0]!, 12);
    expect(r.choice!.gap[0]).toBeLessThanOrEqual(1e-9);
  });

  it('an off-network route costs its own money and days; the value of time prices the days', () => {
    // Rail: 100 USD/t + 4 USD/t/day × 10 days = 140; sea: 60 + 4 × 30 = 180; s = 20: the sea's share 1/(1 + e²).
    const r = run(scenario({
      D: 10,
      spread: 20,
      links: '  - { id: rail, from: a, to: b, cost_per_t: 100, transit_days: 10 }',
      routes: '      - { id: by-rail, via: [rail] }\n      - { id: sea, off_network: { cost_per_t: 60, transit_days: 30 } }',
      extra: '',
    }).replace('value_of_time_per_t_day: 0', 'value_of_time_per_t_day: 4').replace('{ id: rail,', '{ id: rail, bpr_alpha: 0,'));
    expect(volume(r, 'sea')).toBeCloseTo(10 / (1 + Math.exp(2)), 9);
    expect(r.choice!.routeCost[r.model.routes.findIndex((x) => x.id === 'sea')]).toBeCloseTo(180, 9);
  });
});

describe('scarcity at a full element', () => {
  const capped = (D: number, K: number, value = 1000) => scenario({
    D,
    value,
    links: `  - { id: rail, from: a, to: b, capacity: ${K}, cost_per_t: 100 }`,
    routes: '      - { id: by-rail, via: [rail] }\n      - { id: sea, off_network: { cost_per_t: 120, transit_days: 0 } }',
  });

  it('not choked: λ = max(0, c₂ − c₁ + s ln((D − K)/K))', () => {
    // D = 10, K = 6: λ = 120 − 100 + 10 ln(4/6) = 20 − 4.0546…; rail carries K, the sea D − K.
    const r = run(capped(10, 6));
    expect(lambda(r, 'rail')).toBeCloseTo(20 + 10 * Math.log(4 / 6), 8);
    expect(volume(r, 'by-rail')).toBeCloseTo(6, 9);
    expect(volume(r, 'sea')).toBeCloseTo(4, 9);
    // Without the bind (K = 9.9 > the unconstrained rail volume 10/(1 + e^{−2}) = 8.808): λ = 0.
    expect(lambda(run(capped(10, 9.9)), 'rail')).toBe(0);
  });

  it('choked: the sea carries D·exp((C⁰ + v − c₂)/s), the rail K, λ = c₂ − c₁ + s ln(sea/K)', () => {
    // v = 1: C⁰ = 100 − 10 ln(1 + e^{−2}) = 98.7307…; C⁰ + v < c₂ = 120, so the flow is choked once the rail is full.
    const D = 10;
    const K = 2;
    const c0 = 100 - 10 * Math.log(1 + Math.exp(-2));
    const sea = D * Math.exp((c0 + 1 - 120) / 10);
    const r = run(capped(D, K, 1));
    expect(volume(r, 'sea')).toBeCloseTo(sea, 9);
    expect(volume(r, 'by-rail')).toBeCloseTo(K, 9);
    expect(lambda(r, 'rail')).toBeCloseTo(20 + 10 * Math.log(sea / K), 7);
    expect(r.flowServed[0]).toBeCloseTo(K + sea, 9);
  });
});

/**
 * Runs `fn` collecting each Newton solve of the loads (choice-newton.ts): its gap (finite: it converged; Infinity: the
 * fixed point took over) and its steps (quadratic convergence from free flow takes about ten, the first from no load
 * where the curve is flat; a wrong Jacobian gives up).
 */
function watchNewton<T>(fn: () => T): { value: T; gaps: number[]; steps: number[] } {
  const proto = JointNewton.prototype as unknown as { solve: (...a: unknown[]) => number };
  const original = proto.solve;
  const gaps: number[] = [];
  const steps: number[] = [];
  proto.solve = function (this: { steps: number }, ...a: unknown[]) {
    const gap = original.apply(this, a);
    gaps.push(gap);
    steps.push(this.steps);
    return gap;
  };
  try {
    return { value: fn(), gaps, steps };
  } finally {
    proto.solve = original;
  }
}

describe('congestion and scarcity together (the Newton method on loads)', () => {
  // Rail: 100 USD/t + 4 USD/t/day × 10 days × (1 + 2 u⁴), capacity K; the sea off the network; D = 10.
  const congested = (K: number, sea: number, spread: number) => run(scenario({
    D: 10,
    spread,
    links: `  - { id: rail, from: a, to: b, capacity: ${K}, cost_per_t: 100, transit_days: 10, bpr_alpha: 2, bpr_beta: 4 }`,
    routes: `      - { id: by-rail, via: [rail] }\n      - { id: sea, off_network: { cost_per_t: ${sea}, transit_days: 0 } }`,
  }).replace('value_of_time_per_t_day: 0', 'value_of_time_per_t_day: 4'));
  const railCost = (x: number, K: number) => 100 + 40 * (1 + 2 * (x / K) ** 4);

  it('not full: the rail volume solves x = D / (1 + exp((c(x) − 180)/s)), found here by bisection', () => {
    // K = 10, s = 5: the right side falls as x rises and the left rises, so one root in [0, D] (x = 8.015…), and 200
    // halvings pin it to the last bit. There the right side's slope is −5.2, so x ← F(x) alone would oscillate away.
    const K = 10;
    let [lo, hi] = [0, 10];
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (mid < 10 / (1 + Math.exp((railCost(mid, K) - 180) / 5))) lo = mid;
      else hi = mid;
    }
    const { value: r, gaps, steps } = watchNewton(() => congested(K, 180, 5));
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toBeLessThanOrEqual(1e-9);
    expect(steps[0]).toBeLessThanOrEqual(12);
    expect(volume(r, 'by-rail')).toBeCloseTo(lo, 9);
    expect(lambda(r, 'rail')).toBe(0);
  });

  it('full: the rail carries K at its time at capacity, λ = 300 − c(K) + s ln((D − K)/K)', () => {
    // K = 6, the sea 300, s = 20: at u = 1 the rail costs 100 + 40 × 3 = 220, where it would take 10/(1 + e^{−4}) = 9.82 > 6,
    // so it binds:
    // λ = 300 − 220 + 20 ln(4/6) = 71.890…
    const { value: r, gaps, steps } = watchNewton(() => congested(6, 300, 20));
    expect(gaps[0]).toBeLessThanOrEqual(1e-9);
    expect(steps[0]).toBeLessThanOrEqual(12);
    expect(volume(r, 'by-rail')).toBeCloseTo(6, 9);
    expect(r.choice!.routeCost[r.model.routes.findIndex((x) => x.id === 'by-rail')]).toBeCloseTo(220, 7);
    expect(lambda(r, 'rail')).toBeCloseTo(80 + 20 * Math.log(4 / 6), 6);
  });
});

describe('runs that share their first years share those years (choice-prefix.ts)', () => {
  // Ten years of the congested case above; the variant's demand differs from 2035 on. Solved after the base, the
  // variant takes 2030–2034 from the base's trajectory (no Newton solve there) and gives the same bits as solving
  // it on its own.
  const tenYears = (late: number) => modelOf(scenario({
    D: 10,
    spread: 5,
    links: '  - { id: rail, from: a, to: b, capacity: 10, cost_per_t: 100, transit_days: 10, bpr_alpha: 2, bpr_beta: 4 }',
    routes: '      - { id: by-rail, via: [rail] }\n      - { id: sea, off_network: { cost_per_t: 180, transit_days: 0 } }',
  }).replace('years: { start: 2030, end: 2030 }', 'years: { start: 2030, end: 2039 }')
    .replace('demand: 10', `demand: { 2030: 8, 2034: 10, 2035: ${late}, 2039: ${late} }`)
    .replace('value_of_time_per_t_day: 0', 'value_of_time_per_t_day: 4'));

  it('the variant follows the base to 2034 and solves 2035–2039 itself, bit for bit as alone', () => {
    forgetTrajectories();
    const alone = watchNewton(() => simulate(tenYears(14)));
    expect(alone.gaps).toHaveLength(10);
    forgetTrajectories();
    expect(watchNewton(() => simulate(tenYears(12))).gaps).toHaveLength(10);
    const after = watchNewton(() => simulate(tenYears(14)));
    expect(after.gaps).toHaveLength(5);
    for (const key of ['routeVolume', 'flowServed'] as const) expect([...after.value[key]]).toEqual([...alone.value[key]]);
    for (const key of ['scarcity', 'routeCost', 'compositeCost', 'gap'] as const) expect([...after.value.choice![key]]).toEqual([...alone.value.choice![key]]);
    // The same run again follows its own years all the way.
    expect(watchNewton(() => simulate(tenYears(12))).gaps).toHaveLength(0);
  });
});

describe('a thread reuses its allocator for runs of the same network (ChoiceAllocator.for)', () => {
  // Two runs of one network shape whose data differ: the rail's money (so the reference cost of the elasticity
  // differs too) and the value of time. B run on the allocator that A used must give the bits of B on a new one:
  // nothing of A's (reference costs, λ, the last year's volumes) may stay.
  const model = (railCost: number, vot: number) => modelOf(scenario({
    D: 10,
    spread: 5,
    links: `  - { id: rail, from: a, to: b, capacity: 10, cost_per_t: ${railCost}, transit_days: 10, bpr_alpha: 2, bpr_beta: 4 }`,
    routes: '      - { id: by-rail, via: [rail] }\n      - { id: sea, off_network: { cost_per_t: 180, transit_days: 0 } }',
  }).replace('years: { start: 2030, end: 2030 }', 'years: { start: 2030, end: 2034 }')
    .replace('demand: 10', 'demand: { 2030: 8, 2034: 14 }\n    elasticity: -0.5')
    .replace('value_of_time_per_t_day: 0', `value_of_time_per_t_day: ${vot}`));

  it('B after A gives the bits of B on a new allocator', () => {
    forgetAllocators();
    forgetTrajectories();
    const first = simulate(model(100, 4));
    forgetAllocators();
    forgetTrajectories();
    const other = simulate(model(140, 7));
    forgetTrajectories();
    const again = simulate(model(100, 4));
    // A's data give other volumes (else the test would not tell).
    expect(other.routeVolume[0]).not.toBeCloseTo(first.routeVolume[0]!, 3);
    for (const key of ['routeVolume', 'flowServed'] as const) expect([...again[key]]).toEqual([...first[key]]);
    for (const key of ['scarcity', 'routeCost', 'compositeCost', 'demand', 'gap'] as const) expect([...again.choice![key]]).toEqual([...first.choice![key]]);
  });
});

describe('power (the congestion curve\'s u^β, in the kernels)', () => {
  const { power } = new Kernels(0).exports;
  it('a whole β by squaring is u ** β within a few units in the last place, and monotone in u', () => {
    // Exponentiation by squaring rounds once per product: at most about 2 log2 β + 1 roundings of 2^-53 each.
    let last = -1;
    for (let i = 0; i <= 4000; i++) {
      const u = i / 1000;
      for (const beta of [1, 2, 3, 4, 5, 7, 10, 16, 32]) {
        const exact = u ** beta;
        expect(Math.abs(power(u, beta) - exact)).toBeLessThanOrEqual(12 * Number.EPSILON * exact);
      }
      const p = power(u, 10);
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
  });

  it('other β by **: fractional, zero, beyond 32', () => {
    for (const beta of [0, 0.5, 2.5, 33, 40]) expect(power(1.7, beta)).toBe(1.7 ** beta);
    expect(power(0, 4)).toBe(0);
  });
});

describe('one capacitated route and nothing else', () => {
  const only = (D: number, K: number) => scenario({ D, value: 5, links: `  - { id: rail, from: a, to: b, capacity: ${K}, cost_per_t: 100 }`, routes: '      - { id: by-rail, via: [rail] }' });

  it('D < K: λ = 0 and served = D', () => {
    const r = run(only(3, 4));
    expect(lambda(r, 'rail')).toBe(0);
    expect(r.flowServed[0]).toBeCloseTo(3, 12);
  });

  it('D > K: served = K and λ = v + s ln(D/K)', () => {
    const r = run(only(8, 4));
    expect(r.flowServed[0]).toBeCloseTo(4, 9);
    expect(lambda(r, 'rail')).toBeCloseTo(5 + 10 * Math.log(2), 7);
  });

  it('D = K exactly: λ = 0 (the least norm of [0, v])', () => {
    const r = run(only(4, 4));
    expect(lambda(r, 'rail')).toBeCloseTo(0, 9);
    expect(r.flowServed[0]).toBeCloseTo(4, 9);
  });

  it('two rows that the same routes use (the link and its end node): the least norm shares Λ among equal capacities', () => {
    // D = 8 through the rail and node b: the route's scarcity is v + s ln(D/K) = 5 + 10 ln 2 as above. With both
    // capacities 4, λ_rail + λ_b is all that the volumes fix and the least norm halves it; with node b at 6 it has
    // slack, so λ_b = 0 and the rail takes it all.
    const both = (Kb: number) => run(only(8, 4).replace('{ id: b }', `{ id: b, capacity: ${Kb} }`));
    const route = 5 + 10 * Math.log(2);
    const equal = both(4);
    expect(lambda(equal, 'rail')).toBeCloseTo(route / 2, 7);
    expect(lambda(equal, 'b')).toBeCloseTo(route / 2, 7);
    expect(equal.choice!.gap[0]).toBeLessThanOrEqual(1e-9);
    const slack = both(6);
    expect(lambda(slack, 'rail')).toBeCloseTo(route, 7);
    expect(lambda(slack, 'b')).toBe(0);
  });

  it('a closed route (capacity 0) carries nothing: an empty scarcity, C over the open routes', () => {
    const r = run(only(4, 0));
    expect(r.flowServed[0]).toBe(0);
    expect(lambda(r, 'rail')).toBeNaN();
    expect(r.choice!.compositeCost[0]).toBeNaN();
    expect(r.choice!.freeFlowCost[0]).toBeCloseTo(100, 12);
  });
});

describe('a nested logit, by hand', () => {
  it('two rail routes in a nest (s_n = 5) beside the sea (s = 10)', () => {
    // Rail 100 and 110 in a nest: C_n = −5 ln(e^{−20} + e^{−22}) = 100 − 5 ln(1 + e^{−2}); sea 105.
    // P(nest) = 1/(1 + exp(−(105 − C_n)/10)); within the nest, route 2 has 1/(1 + e²).
    const cn = 100 - 5 * Math.log(1 + Math.exp(-2));
    const pNest = 1 / (1 + Math.exp(-(105 - cn) / 10));
    const r = run(scenario({
      D: 50,
      links: '  - { id: r1, from: a, to: b, cost_per_t: 100 }\n  - { id: r2, from: a, to: b, cost_per_t: 110 }',
      routes: '      - { id: one, via: [r1] }\n      - { id: two, via: [r2] }\n      - { id: sea, off_network: { cost_per_t: 105, transit_days: 0 } }',
      nests: '[{ id: rail, spread: 5, routes: [one, two] }]',
    }));
    expect(volume(r, 'sea')).toBeCloseTo(50 * (1 - pNest), 9);
    expect(volume(r, 'two')).toBeCloseTo((50 * pNest) / (1 + Math.exp(2)), 9);
    expect(r.choice!.compositeCost[0]).toBeCloseTo(cn - 10 * Math.log(1 + Math.exp(-(105 - cn) / 10)), 9);
  });
});

describe('bad input', () => {
  it('every problem at once, with its position', () => {
    const text = scenario({
      D: 5,
      links: '  - { id: rail, from: a, to: b, capacity: 4 }',
      routes: '      - { id: by-rail, via: [rail], off_network: { cost_per_t: 1, transit_days: 1 } }\n      - { id: sea, off_network: { cost_per_t: 5, transit_days: 1 } }',
      nests: '[{ id: n, spread: 20, routes: [sea, nope] }]',
    }).replace('demand: 5', 'demand: 5\n    allocation: spill\n    elasticity: 0.5');
    const errors = errorsOf(text);
    expect(errors.some((e) => /flows\[0\]\.elasticity: .*0/.test(e))).toBe(true);
    expect(errorsOf(text.replace('    elasticity: 0.5\n', ''))).toEqual([
      expect.stringMatching(/flows\[0\]\.allocation: a flow-level allocation \("spill"\) in a choice scenario/),
      expect.stringMatching(/flows\[0\]\.routes\[0\]\.via: an off-network route has no `via`/),
      expect.stringMatching(/flows\[0\]\.nests\[0\]\.routes\[1\]: "nope" is not a route of flow "f"/),
    ]);
  });
});

describe('compare names queue changes in words', () => {
  it('the days it prints are links.csv’s wait_days of the variant (λ ÷ the value of time through the link)', () =>
    withChoiceTutorial(async (dir, file) => {
      const r = await cli('compare', file, '--variant', 'fast:growth=0.15', '--out', path.join(dir, 'cmp'));
      expect(r.code).toBe(0);
      const m = /(\d{4})(?:–\d{4})?: ferry's queue 0 → ([\d.]+) days/.exec(r.out);
      expect(m).not.toBeNull();
      expect((await cli('run', file, '--set', 'growth=0.15', '--quiet', '--out', path.join(dir, 'run'))).code).toBe(0);
      const row = fs.readFileSync(path.join(dir, 'run', 'links.csv'), 'utf8').split('\n').find((l) => l.startsWith(`tut-choice,${m![1]},ferry,`))!;
      const wait = Number(row.split(',').at(-1));
      expect(wait).toBeGreaterThan(0.5);
      expect(+wait.toFixed(1)).toBe(Number(m![2]));
    }));
});

describe('montecarlo in choice mode', () => {
  it('bands of each element’s queue and each flow’s composite cost; with no uncertainty every band is the run’s own value', () =>
    withChoiceTutorial(async (dir, file) => {
      expect((await cli('montecarlo', file, '--runs', '20', '--out', path.join(dir, 'mc'))).code).toBe(0);
      expect((await cli('run', file, '--quiet', '--out', path.join(dir, 'run'))).code).toBe(0);
      const mc = fs.readFileSync(path.join(dir, 'mc', 'montecarlo.csv'), 'utf8').split('\n');
      const wait = mc.find((l) => l.startsWith('tut-choice,2030,wait_days,ferry,'))!.split(',');
      const link = fs.readFileSync(path.join(dir, 'run', 'links.csv'), 'utf8').split('\n').find((l) => l.startsWith('tut-choice,2030,ferry,'))!.split(',');
      expect(Number(wait[4])).toBeCloseTo(Number(link.at(-1)), 5);
      expect(Number(wait[4])).toBeGreaterThan(0);
      const cost = mc.find((l) => l.startsWith('tut-choice,2030,composite_cost_usd_per_t,bulk,'))!.split(',');
      const flow = fs.readFileSync(path.join(dir, 'run', 'flows.csv'), 'utf8').split('\n').find((l) => l.startsWith('tut-choice,2030,bulk,'))!.split(',');
      expect(Number(cost[4])).toBeCloseTo(Number(flow.at(-1)), 5);
      for (const q of cost.slice(5)) expect(Number(q)).toBeCloseTo(Number(cost[4]), 5);
    }));
});

describe('the run report in choice mode', () => {
  it('charts the queues: one line per element whose wait reaches a tenth of a day, as links.csv and nodes.csv give them', () =>
    withChoiceTutorial(async (dir, file) => {
      expect((await cli('run', file, '--quiet', '--out', path.join(dir, 'run'))).code).toBe(0);
      const queued = new Set<string>();
      for (const t of ['links.csv', 'nodes.csv']) {
        for (const line of fs.readFileSync(path.join(dir, 'run', t), 'utf8').trim().split('\n').slice(1)) {
          const cells = line.split(',');
          if (Number(cells.at(-1)) >= 0.1) queued.add(cells[2]!);
        }
      }
      expect(queued.size).toBeGreaterThan(0);
      const chart = buildReport(path.join(dir, 'run')).charts.find((c) => c.id === 'wait-days')!;
      expect(chart.series).toBe(queued.size);
    }));
});

describe('elasticity and nest spreads', () => {
  it('demand × (C⁰_y / C⁰_ref)^ε: one route whose tariff doubles from 2030 to 2031, ε = −0.5 → demand × 2^−0.5', () => {
    const r = run(`name: elastic
years: { start: 2030, end: 2031 }
defaults: { allocation: choice, spread: 10 }
nodes: [{ id: a }, { id: b }]
links:
  - { id: rail, from: a, to: b, cost_per_t: { 2030: 50, 2031: 100 } }
flows:
  - { id: f, origin: a, destination: b, demand: 8, elasticity: -0.5, routes: [{ id: r, via: [rail] }] }
economics: { value_of_time_per_t_day: 0, value_per_t: 1000 }
`);
    // One route: C⁰ = its cost, 50 then 100; the reference year is years.start.
    expect(r.flowDemand[0]).toBeCloseTo(8, 12);
    expect(r.flowDemand[1]).toBeCloseTo(8 / Math.SQRT2, 12);
    expect(r.flowServed[1]).toBeCloseTo(8 / Math.SQRT2, 12);
  });

  it('a nest spread above its flow’s is an error naming the year', () => {
    const errors = errorsOf(scenario({
      D: 5,
      links: '  - { id: r1, from: a, to: b, cost_per_t: 1 }\n  - { id: r2, from: a, to: b, cost_per_t: 2 }',
      routes: '      - { id: one, via: [r1] }\n      - { id: two, via: [r2] }',
      nests: '[{ id: n, spread: 20, routes: [one, two] }]',
    }));
    expect(errors).toEqual([expect.stringMatching(/flows\[0\]\.nests\[0\]\.spread: a nest spread above its flow's \(20 > 10 USD\/t in 2030\)/)]);
  });
});

describe('optimum in choice mode', () => {
  it('sets the network’s part of behaviour beside the optimum of the free-flow network demand', async () => {
    // Rail 100 (capacity 6) or the sea 120 off the network, s = 10, D = 10. Free flow sends 10/(1 + e^{−2}) = 8.808 to the
    // rail (the network demand); the optimum carries min(6, 8.808) = 6; behaviour carries 6 on the rail (and 4 by sea,
    // no part of it): routing loss 0, not −4.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-choice-optimum-'));
    try {
      const file = path.join(dir, 'capped.yaml');
      fs.writeFileSync(file, scenario({
        D: 10,
        links: '  - { id: rail, from: a, to: b, capacity: 6, cost_per_t: 100 }',
        routes: '      - { id: by-rail, via: [rail] }\n      - { id: sea, off_network: { cost_per_t: 120, transit_days: 0 } }',
      }));
      const r = await cli('optimum', file, '--out', dir);
      expect(r.code).toBe(0);
      const row = fs.readFileSync(path.join(dir, 'optimum.csv'), 'utf8').trim().split('\n')[1]!.split(',');
      const [demand, served, optimal, loss] = row.slice(2).map(Number);
      expect(demand).toBeCloseTo(10 / (1 + Math.exp(-2)), 5);
      expect(served).toBeCloseTo(6, 5);
      expect(optimal).toBeCloseTo(6, 5);
      expect(loss).toBeCloseTo(0, 5);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('plan in choice mode', () => {
  it('plan --runs plans for the futures’ free-flow network demand and says so', () =>
    withChoiceTutorial(async (dir, file) => {
      fs.appendFileSync(file, 'uncertainty:\n  growth: { dist: uniform, min: 0.08, max: 0.12 }\n');
      // At P = 0.75 a plan must meet each target-year in ⌈0.75 × 8⌉ = 6 futures; with every candidate at its earliest,
      // ten-mt in 2034 is met in 5 (the exit-3 message reports it; 5 < 6 is why no plan holds).
      const strict = await cli('plan', file, '--runs', '8', '--confidence', '0.75', '--evaluate', '20', '--out', path.join(dir, 'strict'));
      expect(strict.code).toBe(3);
      expect(strict.err).toContain('ten-mt in 2034 met in 5 of 8');
      const most = Number(/met in (\d+) of 8/.exec(strict.err)![1]);
      expect(most).toBeLessThan(Math.ceil(0.75 * 8));
      expect(most).toBeGreaterThanOrEqual(Math.ceil(0.5 * 8));
      // At P = 0.5 (4 of 8) one does, and the summary says on which demand it was planned.
      const r = await cli('plan', file, '--runs', '8', '--confidence', '0.5', '--evaluate', '20', '--out', path.join(dir, 'plan'));
      expect(r.code).toBe(0);
      expect(r.out).toContain('each flow’s demand is what it sends to the network’s routes at free flow');
      expect(fs.readFileSync(path.join(dir, 'plan', 'plan-robustness.csv'), 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    }));
});

describe('bad values of choice', () => {
  it('a spread that is not a positive money per mass, and a constant that is not money per mass', () => {
    const text = scenario({
      D: 5,
      spread: -3,
      links: '  - { id: rail, from: a, to: b, cost_per_t: 1 }',
      routes: '      - { id: by-rail, via: [rail], constant: "5 km" }\n      - { id: sea, off_network: { cost_per_t: 5, transit_days: 1 } }',
    });
    const errors = errorsOf(text);
    expect(errors).toEqual([
      expect.stringMatching(/:3:41: defaults\.spread: spread must be a positive money per mass \(got -3 USD\/t in 2030\)/),
      expect.stringMatching(/flows\[0\]\.routes\[0\]\.constant: .*incompatible with money per mass, of either sign/),
    ]);
  });
});
