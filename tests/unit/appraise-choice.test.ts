// corridor appraise in choice mode: the users' benefit as the change in
// consumer surplus on generalised cost (product.md, "Appraisal that a
// reviewer accepts"), against cases worked by hand from the route choice
// closed forms. CS(C) = s·q + D·max(0, P − C), P = C⁰ + v held fixed.
// Costs in USD/t, volumes in Mt/year, money in million USD; value of time 0
// so that a route's cost is its money.
import { describe, expect, it } from 'vitest';
import { appraise, holdChoke, userBenefit, PROGRAMME } from '../../src/appraise/appraise.js';
import { simulate } from '../../src/engine/simulate.js';
import { modelOf } from '../support/build.js';

/** Link ab (100 USD/t) of the given capacity; flow f of demand 10 (spread 2, value 4); 2030–2031 at 0 %/yr. */
const scenario = (o: { capacity: number; project?: string; flowExtra?: string; cost?: string }) => `
name: cs
years: { start: 2030, end: 2031 }
defaults: { allocation: choice, spread: 2 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: ${o.capacity}, cost_per_t: ${o.cost ?? 100} }]
flows:
  - id: f
    origin: a
    destination: b
    demand: 10
    routes: [{ id: r, via: [ab] }]
${o.flowExtra ?? ''}projects: [${o.project ?? ''}]
economics:
  value_per_t: 4
  value_of_time_per_t_day: 0
  life_years: 2
  appraisal: { discount_rate: 0, base_year: 2030 }
`;

const rowOf = (text: string, id: string) => appraise(modelOf(text)).rows.find((r) => r.id === id)!;

describe("users' benefit from generalised cost", () => {
  it('a project that only removes a queue is worth the queue it removes', () => {
    // Without: capacity 5 < D = 10, so served K = 5 and λ = v + s·ln(D/K) = 4 + 2 ln 2; C₀ = 100 + λ > P = 104:
    // choked, CS₀ = s·q = 2 × 5 = 10. With +10 (capacity 15, not binding): C₁ = 100, q = 10,
    // CS₁ = 2 × 10 + 10 × (104 − 100) = 60. Benefit 50 a year; 2 years at 0 % less capex 60 (life 2: no residual): NPV 40.
    const r = rowOf(scenario({ capacity: 5, project: '{ id: more, target: ab, effect: { add: 10 }, online: 2030, capex_musd: 60 }' }), 'more');
    expect(r.streams.benefits[0]).toBeCloseTo(50, 6);
    expect(r.streams.benefits[1]).toBeCloseTo(50, 6);
    expect(r.summary.npv).toBeCloseTo(40, 6);
    // The simpler (spill) measure would give Δ served × v = 5 × 4 = 20 a year: the queue's cost is what it misses.
    expect(r.streams.deltaServed[0]).toBeCloseTo(5, 6);
  });

  it('a project that opens a route where every route was closed has a finite benefit', () => {
    // Without: the only route is closed (capacity 0): C = ∞, q = 0, CS₀ = 0. With capacity 20: C₁ = 100, q = 10,
    // CS₁ = 2 × 10 + 10 × (104 − 100) = 60 a year. Two years less capex 60: NPV 60.
    const text = scenario({ capacity: 0, project: '{ id: open, target: ab, effect: { set: 20 }, online: 2030, capex_musd: 60 }' });
    const r = rowOf(text, 'open');
    expect(r.streams.benefits[0]).toBeCloseTo(60, 6);
    expect(r.summary.npv).toBeCloseTo(60, 6);
    expect(Number.isFinite(rowOf(text, PROGRAMME).summary.npv)).toBe(true);
  });

  it('a tariff cut with generated traffic: the rule of a half', () => {
    // Elasticity −1, reference year 2030. Case 0: 100 USD/t in both years. Case 1: 100 in 2030, 50 in 2031, so
    // 2031's demand is 10 × (50/100)^−1 = 20. Uncapacitated: nobody is choked (P = 104 held from case 0).
    // 2031: ½ (q₀ + q₁)(C₀ − C₁) = ½ (10 + 20)(100 − 50) = 750; 2030: the cases are the same, 0.
    const elastic = '    elasticity: -1\n';
    const before = holdChoke(modelOf(scenario({ capacity: 1000, flowExtra: elastic })));
    const after = { ...modelOf(scenario({ capacity: 1000, flowExtra: elastic, cost: '{ 2030: 100, 2031: 50 }' })), fixedChoke: before.fixedChoke };
    const w = simulate(after);
    const wo = simulate(before);
    expect(w.flowServed[1]).toBeCloseTo(20, 9);
    expect(userBenefit(w, wo, 0, 0)).toBeCloseTo(0, 9);
    expect(userBenefit(w, wo, 0, 1)).toBeCloseTo(750, 6);
  });

  it('the choke price is the scenario’s as written in every derived case', () => {
    // Value of time 1 USD/t/day and 10 days on the link: C⁰ = 100 + 10 = 110, P = 114. With every value of time
    // × 0.8 the run's own P would be 100 + 8 + 4 = 112; held, it stays 114.
    const text = scenario({ capacity: 1000 }).replace('value_of_time_per_t_day: 0', 'value_of_time_per_t_day: 1').replace('cost_per_t: 100 }', 'cost_per_t: 100, transit_days: 10 }');
    const held = holdChoke(modelOf(text));
    expect(simulate(held).choice!.choke[0]).toBeCloseTo(114, 9);
    const slower = modelOf(text.replace('value_of_time_per_t_day: 1', 'value_of_time_per_t_day: 0.8'));
    expect(simulate(slower).choice!.choke[0]).toBeCloseTo(112, 9);
    expect(simulate({ ...slower, fixedChoke: held.fixedChoke }).choice!.choke[0]).toBeCloseTo(114, 9);
  });
});
