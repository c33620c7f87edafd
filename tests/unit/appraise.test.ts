// corridor appraise: cases worked by hand (arithmetic in the comments),
// properties of the cash-flow measures, and bad economic input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appraise, holdChoke, PROGRAMME, type Appraised } from '../../src/appraise/appraise.js';
import { standardTests } from '../../src/appraise/standard-tests.js';
import { eirr, npvAt, summarize } from '../../src/appraise/cashflow.js';
import { switchingValues } from '../../src/appraise/switching.js';
import { errorsOf, modelOf } from '../support/build.js';
import { cli } from '../support/cli.js';

const row = (rows: Appraised[], id: string) => rows.find((r) => r.id === id)!;

/** A link of 5 Mt/year, demand 10, 2030–2039; a project adds 5 in 2030 for 100 M USD. */
const ANNUITY = `
name: annuity
years: { start: 2030, end: 2039 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 5 }]
flows: [{ id: f, origin: a, destination: b, demand: 10, routes: [{ id: r, via: [ab] }] }]
projects: [{ id: more, target: ab, effect: { add: 5 }, online: 2030, capex_musd: 100 }]
economics:
  value_per_t: 4 USD/t
  value_of_time_per_t_day: 0
  life_years: 10
  appraisal: { discount_rate: 0.1, base_year: 2030 }
`;

describe('appraisals worked by hand', () => {
  it('one project, one flow: NPV, BCR, EIRR and payback of an annuity', () => {
    // Δ served 5 Mt/year × 4 USD/t = 20 M USD a year for 10 years (2030–2039), capex 100 in 2030,
    // life 10 = its years in service, so no residual value. At 10 %, base 2030 (an annuity due):
    // PV benefits = 20 × (1 − 1.1^−10) / (1 − 1.1^−1) = 135.18047633; NPV = 35.18047633; BCR 1.3518.
    // EIRR: 100 = 20 × (1 − (1+r)^−10) / (1 − (1+r)^−1), r = 0.2024183241 (bisection in Python, 1e-14).
    // Payback: −100 + 20 × Σ_{k≤K} 1.1^−k ≥ 0 first at K = 6 (Σ_{0..5} = 4.7908, Σ_{0..6} = 5.3553): 2036.
    const { rows } = appraise(modelOf(ANNUITY));
    const r = row(rows, 'more');
    expect(r.summary.pvBenefits).toBeCloseTo(135.18047633, 7);
    expect(r.summary.pvCosts).toBeCloseTo(100, 9);
    expect(r.summary.npv).toBeCloseTo(35.18047633, 7);
    expect(r.summary.bcr).toBeCloseTo(1.3518047633, 9);
    expect(r.summary.eirr.rate).toBeCloseTo(0.2024183241, 9);
    expect(r.summary.paybackYear).toBe(2036);
    expect(r.npvAlone).toBeCloseTo(r.summary.npv, 9);
    expect(r.streams.deltaServed).toEqual(new Array(10).fill(5));
    expect(r.streams.costs).toEqual([100, ...new Array(9).fill(0)]);
    // One project: the programme is the project.
    expect(row(rows, PROGRAMME).summary.npv).toBeCloseTo(r.summary.npv, 9);
  });

  it('residual value and opex: a 40-year life leaves 30/40 of capex at the end; opex from the opening year', () => {
    // Capex 100 with a life of 40 and 10 years in service: residual 100 × 30/40 = 75 in 2039.
    // Opex 2 a year, 2030–2039. At a rate of 0: NPV = 10 × 20 + 75 − 100 − 10 × 2 = 155.
    const { rows } = appraise(modelOf(`${ANNUITY.replace('life_years: 10', 'life_years: 40').replace('discount_rate: 0.1', 'discount_rate: 0')}
  projects: { more: { opex_musd_per_year: 2 } }
`));
    const r = row(rows, 'more');
    expect(r.streams.benefits[9]).toBeCloseTo(20 + 75, 9);
    expect(r.summary.npv).toBeCloseTo(155, 9);
  });

  it('two projects in series: each alone is worth −capex, last in each is worth the whole gain, together they pay', () => {
    // a → b → c, both links 5, demand 10; each project adds 5 to one link (30 M USD each, 2030).
    // Value 10 USD/t, rate 0, 2030–2031, life 2 (no residual). Together: Δ 5 × 10 × 2 years = 100 − 60 = 40.
    // Last in (the other one there): Δ 5 → 100 − 30 = 70 each. Alone: the other link still binds, Δ 0 → −30.
    const model = modelOf(`
name: series
years: { start: 2030, end: 2031 }
nodes: [{ id: a }, { id: b }, { id: c }]
links: [{ id: ab, from: a, to: b, capacity: 5 }, { id: bc, from: b, to: c, capacity: 5 }]
flows: [{ id: f, origin: a, destination: c, demand: 10, routes: [{ id: r, via: [ab, bc] }] }]
projects:
  - { id: first, target: ab, effect: { add: 5 }, online: 2030, capex_musd: 30 }
  - { id: second, target: bc, effect: { add: 5 }, online: 2030, capex_musd: 30 }
economics: { value_per_t: 10, value_of_time_per_t_day: 0, life_years: 2, appraisal: { discount_rate: 0 } }
`);
    const { rows } = appraise(model);
    for (const id of ['first', 'second']) {
      expect(row(rows, id).summary.npv).toBeCloseTo(70, 9);
      expect(row(rows, id).npvAlone).toBeCloseTo(-30, 9);
    }
    expect(row(rows, PROGRAMME).summary.npv).toBeCloseTo(40, 9);
  });

  it('a project whose only benefit is transit time: congestion relief under BPR', () => {
    // Demand 8 on a link of 10 (u 0.8), free-flow 2 days, BPR 0.15 and 4: 2 × (1 + 0.15 × 0.8⁴) = 2.12288 days.
    // Doubled to 20 (u 0.4): 2 × (1 + 0.15 × 0.4⁴) = 2.00768. Saved 0.1152 days on 8 Mt = 0.9216 Mt·day;
    // at 10 USD/t/day: 9.216 M USD. Nothing more is served (Δ served 0); no capex, so no BCR and no EIRR.
    const { rows } = appraise(modelOf(`
name: bpr
years: { start: 2030, end: 2030 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 10, transit_days: 2 }]
flows: [{ id: f, origin: a, destination: b, demand: 8, routes: [{ id: r, via: [ab] }] }]
projects: [{ id: wider, target: ab, effect: { multiply: 2 }, online: 2030 }]
economics: { value_per_t: 25, value_of_time_per_t_day: 10 USD/t/day, appraisal: { discount_rate: 0 } }
`));
    const r = row(rows, 'wider');
    expect(r.streams.deltaServed[0]).toBeCloseTo(0, 12);
    expect(r.streams.deltaTonneDays[0]).toBeCloseTo(0.9216, 12);
    expect(r.summary.npv).toBeCloseTo(9.216, 9);
    expect(r.summary.bcr).toBeUndefined();
    expect(r.summary.eirr).toEqual({ rate: undefined, kind: 'positive', reason: expect.stringMatching(/positive at every rate/) });
  });

  it('switching values: capex in closed form; demand growth by bisection', () => {
    // Annuity case: NPV 35.18047633 is linear in capex (no residual), so capex may rise 35.18 %.
    // Growth g after 2030 multiplies demand by (1+g)^(yr − 2030); the link serves at most 5 without the
    // project and 10 with it, so Δ served = min(10(1+g)^k, 10) − min(10(1+g)^k, 5): with g < 0 it shrinks
    // once 10(1+g)^k < 10. NPV = 0 where Σ_k 4 × (min(10(1+g)^k,10) − min(10(1+g)^k,5)) × 1.1^−k = 100;
    // the bisection's g must give |NPV| below 1e-3 when the scenario is run again with it.
    const model = modelOf(ANNUITY);
    const { runs } = appraise(model);
    const s = switchingValues(model, 'more', runs);
    expect(s.capex.value).toBeCloseTo(0.3518047633, 9);
    const g = s.growth.value!;
    expect(g).toBeLessThan(0);
    const npvWith = (x: number) => {
      let pv = 0;
      for (let k = 0; k < 10; k++) {
        const d = 10 * (1 + x) ** k;
        pv += 4 * (Math.min(d, 10) - Math.min(d, 5)) * 1.1 ** -k;
      }
      return pv - 100;
    };
    expect(Math.abs(npvWith(g))).toBeLessThan(1e-3);
  });
});

describe('cash-flow measures on random streams', () => {
  // Costs first (a capex in year 0, some opex), then benefits: a conventional stream.
  const conventional = fc.record({
    capex: fc.double({ min: 1, max: 1000, noNaN: true }),
    opex: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 3, maxLength: 30 }),
    benefit: fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: 3, maxLength: 30 }),
  }).map(({ capex, opex, benefit }) => {
    const years = Math.min(opex.length, benefit.length);
    return { startYear: 2030, benefits: [0, ...benefit.slice(0, years - 1)], costs: [capex, ...opex.slice(0, years - 1)] };
  });

  const at = (rate: number) => ({ rate, baseYear: 2030, from: -Infinity });

  it('NPV at the EIRR is 0 within 1e-6 of the PV of costs', () => {
    fc.assert(
      fc.property(conventional, (cf) => {
        const r = eirr(cf);
        if (r.rate === undefined) return;
        const pvCosts = summarize(cf, at(r.rate)).pvCosts;
        expect(Math.abs(npvAt(cf, at(r.rate)))).toBeLessThanOrEqual(1e-6 * pvCosts);
      }),
      { numRuns: 300 },
    );
  });

  it('NPV falls as the discount rate rises when costs come first and benefits after', () => {
    fc.assert(
      fc.property(conventional, fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.001, max: 0.5, noNaN: true }), (cf, r, dr) => {
        // Net flow: −capex + ... the first year's net is the only negative one when opex ≤ benefits; else skip.
        if (cf.benefits.some((b, i) => i > 0 && b < cf.costs[i]!)) return;
        expect(npvAt(cf, at(r + dr))).toBeLessThanOrEqual(npvAt(cf, at(r)) + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('an EIRR that does not exist is undefined with a reason, never NaN', () => {
    expect(eirr({ startYear: 2030, benefits: [0, 0], costs: [10, 0] })).toEqual({ rate: undefined, kind: 'negative', reason: expect.stringMatching(/never repay/) });
    expect(eirr({ startYear: 2030, benefits: [0, 0], costs: [0, 0] })).toEqual({ rate: undefined, kind: 'nothing', reason: 'no benefits and no costs' });
    // −1, +5, −6: NPV 0 at r = 1 and r = 2 ((1+r)² − 5(1+r) + 6 = 0): two rates, so none is "the" EIRR.
    const two = eirr({ startYear: 2030, benefits: [0, 5, 0], costs: [1, 0, 6] });
    expect(two).toEqual({ rate: undefined, kind: 'several', reason: expect.stringMatching(/several rates give NPV 0 \(100 %, 200 %\)/) });
  });
});

describe('corridor appraise of the Middle Corridor baseline', () => {
  it('writes the contract’s tables and a report; the programme row comes last', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-appraise-mc-'));
    try {
      const r = await cli('appraise', 'scenarios/middle-corridor-spill.yaml', '--out', dir, '--report');
      expect(r.code).toBe(0);
      const lines = fs.readFileSync(path.join(dir, 'appraisal.csv'), 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(/^scenario,project,online,capex_musd,pv_costs_musd,pv_benefits_musd,npv_musd,bcr,eirr,payback_year,/);
      expect(lines.at(-1)).toMatch(/^middle-corridor-spill,\(programme\),/);
      expect(fs.readFileSync(path.join(dir, 'appraisal-years.csv'), 'utf8').split('\n')[0]).toBe('scenario,year,project,delta_served_mt,delta_tonne_days,delta_co2_t,benefit_musd,cost_musd');
      // The baseline's 14 projects, and the programme: one row each (appraisal.csv), per year (2019–2040: 22) in appraisal-years.csv.
      expect(lines).toHaveLength(1 + 15);
      expect(fs.readFileSync(path.join(dir, 'appraisal-years.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 15 * 22);
      const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
      expect(html).toContain('Net present value per project');
      expect(html).toContain('Cumulative discounted cash flow of the programme');
      expect(r.out).toMatch(/^middle-corridor-spill: appraisal of 14 projects for the world \(tariffs cancel\), discounted at 9 %\/yr \(economics\.appraisal\.discount_rate\) to 2026, hurdle EIRR 9 %/);
      // 11 of the 14 have no capex (and no opex): "not appraised", never "worth it"; the programme is the 3 costed ones.
      const uncosted = lines.filter((l) => l.includes('"not appraised: no capex_musd and no opex'));
      expect(uncosted).toHaveLength(11);
      for (const l of uncosted) expect(l).toMatch(/,0,0,-?[0-9.e-]+,,,,,0\.09,world,compounded,/);
      expect(r.out).not.toMatch(/^(btk-modernisation|poti-yard) .*worth it/m);
      // The ledger's world rows of each appraised row sum to its NPV (an invariant of the split).
      const ledger = fs.readFileSync(path.join(dir, 'appraisal-ledger.csv'), 'utf8').trim().split('\n');
      expect(ledger[0]).toBe('scenario,project,perspective,stakeholder,country,pv_musd');
      const header = lines[0]!.split(',');
      for (const l of lines.slice(1)) {
        const cells = l.split(',');
        const npv = cells[header.indexOf('npv_musd')]!;
        const mine = ledger.slice(1).filter((x) => x.split(',')[1] === cells[1]);
        if (npv === '') expect(mine).toHaveLength(0);
        else expect(mine.reduce((a, x) => a + Number(x.split(',')[5]), 0)).toBeCloseTo(Number(npv), 4);
      }
      expect(lines.at(-1)).toMatch(/,2040,.*,the 3 costed projects against none of them; 11 without costs stay in both cases,/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('emissions', () => {
  it('a benefit line of its own: −Δ CO₂ × the social cost of carbon', () => {
    // ab is 1,000 km at 20 g CO₂/tkm: 20,000 g = 20 kg per tonne. The project serves 5 Mt more:
    // Δ CO₂ = 5 Mt × 20,000 g/t = 100,000 t a year; at USD 50/t CO₂ that is −5 M USD a year, beside 5 × 4 = 20.
    const text = ANNUITY.replace('capacity: 5 }', 'capacity: 5, length_km: 1000, co2_g_per_tkm: 20 }').replace('economics:\n', 'economics:\n  social_cost_of_carbon: 50\n');
    const r = row(appraise(modelOf(text)).rows, 'more');
    expect(r.streams.deltaCo2[0]).toBeCloseTo(100_000, 6);
    expect(r.streams.lines.emissions[0]).toBeCloseTo(-5, 9);
    expect(r.streams.benefits[0]).toBeCloseTo(15, 9);
    // Without a value given, the default: 40 USD/t in 2020 × 1.02^10 in 2030 = 48.7598 USD/t: −4.87598 M USD.
    const byDefault = row(appraise(modelOf(text.replace('  social_cost_of_carbon: 50\n', ''))).rows, 'more');
    expect(byDefault.streams.lines.emissions[0]).toBeCloseTo(-0.1 * 40 * 1.02 ** 10, 9);
  });

  it('needs a length, and is never negative', () => {
    const errors = errorsOf(ANNUITY.replace('capacity: 5 }', 'capacity: 5, co2_g_per_tkm: 20 }'));
    expect(errors).toEqual([expect.stringMatching(/links\[0\]\.co2_g_per_tkm: emissions per tonne-km need the link’s `length_km`/)]);
    expect(errorsOf(ANNUITY.replace('capacity: 5 }', 'capacity: 5, length_km: 10, co2_g_per_tkm: -1 }'))).toEqual([expect.stringMatching(/:5:\d+: links\[0\]\.co2_g_per_tkm: Too small: expected number to be >=0/)]);
  });
});

describe('the ledger: who gains, by stakeholder and country', () => {
  // ANNUITY with the link ab Kazakh (tariff 30 USD/t, opex 10 USD/t) and the flow's shippers Chinese; KZ pays the project.
  // Spill mode: the world's benefit stays Δ served × value_per_t = 5 × 4 = 20 a year (PV 135.18047633; annuity factor
  // 6.7590238165 at 10 %, 10 years, due). Producers (KZ): Δ volume 5 × (30 − 10) = 100 a year, PV 675.90238165;
  // users (CN) the rest, 20 − 100 = −80 a year, PV −540.72190532; costs (KZ) −100; emissions 0.
  const KZ = ANNUITY.replace('capacity: 5 }', 'capacity: 5, country: KZ, cost_per_t: 30, opex_per_t: 10 }')
    .replace('demand: 10,', 'demand: 10, country: CN,');
  const ledgerOf = (text: string) => row(appraise(modelOf(text)).rows, 'more').ledger;
  const pvOf = (ledger: readonly { perspective: string; stakeholder: string; country: string; pv: number }[], perspective: string, stakeholder: string, country: string) =>
    ledger.find((l) => l.perspective === perspective && l.stakeholder === stakeholder && l.country === country)!.pv;
  const sum = (ledger: readonly { perspective: string; pv: number }[], perspective: string) => ledger.filter((l) => l.perspective === perspective).reduce((a, l) => a + l.pv, 0);

  it('splits the world NPV between users, producers and who pays; rows sum to each perspective’s NPV', () => {
    const ledger = ledgerOf(KZ);
    expect(pvOf(ledger, 'world', 'producers', 'KZ')).toBeCloseTo(675.90238165, 6);
    expect(pvOf(ledger, 'world', 'users', 'CN')).toBeCloseTo(-540.72190532, 6);
    expect(pvOf(ledger, 'world', 'costs', 'KZ')).toBeCloseTo(-100, 9);
    expect(pvOf(ledger, 'world', 'emissions', '')).toBe(0);
    // Countries: '' (the nodes have none), CN, KZ; three stakeholders each, and emissions once.
    expect(ledger.filter((l) => l.perspective === 'world')).toHaveLength(3 * 3 + 1);
    expect(sum(ledger, 'world')).toBeCloseTo(35.18047633, 6);
    // Kazakhstan's view: its producers' 675.90238165 less its 100 of capex.
    const kz = appraise(modelOf(KZ.replace('base_year: 2030 }', 'base_year: 2030, perspective: KZ }')));
    const more = row(kz.rows, 'more');
    expect(more.summary.npv).toBeCloseTo(575.90238165, 6);
    expect(sum(more.ledger, 'KZ')).toBeCloseTo(575.90238165, 6);
    expect(sum(more.ledger, 'world')).toBeCloseTo(35.18047633, 6);
  });

  it('doubling every tariff moves money from users to producers and leaves the world NPV as it was', () => {
    // Tariff 60: producers 5 × (60 − 10) = 250 a year, users 20 − 250 = −230: the world still gains 20 a year.
    const doubled = ledgerOf(KZ.replace('cost_per_t: 30', 'cost_per_t: 60'));
    expect(pvOf(doubled, 'world', 'producers', 'KZ')).toBeCloseTo(250 * 6.7590238165, 6);
    expect(pvOf(doubled, 'world', 'users', 'CN')).toBeCloseTo(-230 * 6.7590238165, 6);
    expect(sum(doubled, 'world')).toBeCloseTo(sum(ledgerOf(KZ), 'world'), 9);
  });

  it('cost shares split costs and residual value; a perspective no one names is refused', () => {
    // AZ pays 40 % of the 100: costs AZ −40, KZ −60.
    const shared = ledgerOf(KZ.replace('capex_musd: 100 }', 'capex_musd: 100, cost_shares: { KZ: 0.6, AZ: 0.4 } }'));
    expect(pvOf(shared, 'world', 'costs', 'AZ')).toBeCloseTo(-40, 9);
    expect(pvOf(shared, 'world', 'costs', 'KZ')).toBeCloseTo(-60, 9);
    expect(errorsOf(KZ.replace('base_year: 2030 }', 'base_year: 2030, perspective: TM }'))).toEqual([
      expect.stringMatching(/economics\.appraisal\.perspective: no element, flow or cost share names the country "TM".*one of: CN, KZ/),
    ]);
    expect(errorsOf(KZ.replace('capex_musd: 100 }', 'capex_musd: 100, cost_shares: { KZ: 0.5 } }'))).toEqual([
      expect.stringMatching(/projects\[0\]\.cost_shares: the cost shares must sum to 1 \(they sum to 0\.5\)/),
    ]);
    expect(errorsOf(KZ.replace('opex_per_t: 10', 'opex_per_t: -1'))).toEqual([expect.stringMatching(/links\[0\]\.opex_per_t: .*negative/)]);
  });
});

describe('standard tests', () => {
  const testsOf = (text: string) => {
    const model = modelOf(text);
    const { rows, runs } = appraise(model);
    return new Map(standardTests(model, rows, runs).filter((t) => t.id === 'more').map((t) => [t.test, t.summary]));
  };
  const npvOf = (text: string) => row(appraise(modelOf(text)).rows, 'more').summary.npv;

  it('capex and benefits by hand; each equals a rerun of the changed scenario', () => {
    // ANNUITY: benefits 20 a year → 16: PV 0.8 × 135.18047633 = 108.14438106; capex 100 → 120.
    const t = testsOf(ANNUITY);
    expect([...t.keys()]).toEqual(['capex+20%', 'benefits-20%', 'opening+1y', 'value_of_time-20%', 'capex+20%&benefits-20%']);
    expect(t.get('capex+20%')!.npv).toBeCloseTo(135.18047633 - 120, 7);
    expect(t.get('capex+20%')!.npv).toBeCloseTo(npvOf(ANNUITY.replace('capex_musd: 100', 'capex_musd: 120')), 9);
    expect(t.get('benefits-20%')!.npv).toBeCloseTo(108.14438106 - 100, 7);
    expect(t.get('capex+20%&benefits-20%')!.npv).toBeCloseTo(108.14438106 - 120, 7);
    // Opening 2031: benefits 20 a year 2031–2039, PV 20 × Σ_{k=1..9} 1.1^−k = 115.18047633; capex 100 / 1.1 = 90.90909091;
    // residual 100 × (10 − 9)/10 = 10 in 2039, PV 10 / 1.1^9 = 4.24097618. NPV 28.5123616.
    expect(t.get('opening+1y')!.npv).toBeCloseTo(28.5123616, 6);
    expect(t.get('opening+1y')!.npv).toBeCloseTo(npvOf(ANNUITY.replace('online: 2030', 'online: 2031')), 9);
    // The value of time is 0 here: the test changes nothing.
    expect(t.get('value_of_time-20%')!.npv).toBeCloseTo(35.18047633, 7);
  });

  it('sizes come from economics.appraisal.tests; the value-of-time test in choice mode holds the choke prices as written', () => {
    const sized = testsOf(ANNUITY.replace('base_year: 2030 }', 'base_year: 2030, tests: { capex: 0.5, opening_years: 2 } }'));
    expect(sized.get('capex+50%')!.npv).toBeCloseTo(135.18047633 - 150, 7);
    expect(sized.has('opening+2y')).toBe(true);
    // Choice: a binding link with 10 days at 1 USD/t/day; the test equals appraising the scenario with the value of time
    // × 0.8 and the choke prices of the scenario as written.
    const text = `
name: vot
years: { start: 2030, end: 2031 }
defaults: { allocation: choice, spread: 2 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 5, cost_per_t: 100, transit_days: 10 }]
flows: [{ id: f, origin: a, destination: b, demand: 10, routes: [{ id: r, via: [ab] }] }]
projects: [{ id: more, target: ab, effect: { add: 10 }, online: 2030, capex_musd: 60 }]
economics: { value_per_t: 4, value_of_time_per_t_day: 1, life_years: 2, appraisal: { discount_rate: 0, base_year: 2030 } }
`;
    const held = holdChoke(modelOf(text));
    const slower = { ...modelOf(text.replace('value_of_time_per_t_day: 1', 'value_of_time_per_t_day: 0.8')), fixedChoke: held.fixedChoke };
    expect(testsOf(text).get('value_of_time-20%')!.npv).toBeCloseTo(row(appraise(slower).rows, 'more').summary.npv, 9);
  });
});

describe('costs as a bank counts them', () => {
  // ANNUITY at 10 % to 2030: PV benefits 135.18047633 (20 a year, 2030–2039; worked out above); life 10 = years in service, no residual.
  const PV_BENEFITS = 135.18047633;
  const withProject = (extra: string) => ANNUITY.replace('capex_musd: 100 }', `capex_musd: 100${extra} }`);

  it('a capex profile reaching before years.start is compounded to the base year, or left out with sunk: exclude', () => {
    // [0.5, 0.5] ending 2030: 50 in 2029 (compounded: 50 × 1.1 = 55) and 50 in 2030: PV costs 105, NPV 30.18047633.
    const compounded = row(appraise(modelOf(withProject(', capex_profile: [0.5, 0.5]'))).rows, 'more');
    expect(compounded.streams.startYear).toBe(2029);
    expect(compounded.streams.costs.slice(0, 2)).toEqual([50, 50]);
    expect(compounded.summary.pvCosts).toBeCloseTo(105, 9);
    expect(compounded.summary.npv).toBeCloseTo(PV_BENEFITS - 105, 7);
    // sunk: exclude drops 2029's 50: PV costs 50, NPV 85.18047633.
    const excluded = row(appraise(modelOf(withProject(', capex_profile: [0.5, 0.5]').replace('base_year: 2030 }', 'base_year: 2030, sunk: exclude }'))).rows, 'more');
    expect(excluded.summary.pvCosts).toBeCloseTo(50, 9);
    expect(excluded.summary.npv).toBeCloseTo(PV_BENEFITS - 50, 7);
  });

  it('the conversion factor scales capex (and so residual value) and opex; capex may be an expression of params', () => {
    // Capex 100 × 0.9 = 90 in 2030: NPV 135.18047633 − 90.
    const converted = row(appraise(modelOf(ANNUITY.replace('base_year: 2030 }', 'base_year: 2030, conversion_factor: 0.9 }'))).rows, 'more');
    expect(converted.summary.npv).toBeCloseTo(PV_BENEFITS - 90, 7);
    // An optimism-bias factor as a param: 100 × 1.2 = 120.
    const biased = row(appraise(modelOf(`${ANNUITY.replace('capex_musd: 100', 'capex_musd: "100 * bias"')}params: { bias: 1.2 }\n`)).rows, 'more');
    expect(biased.capexMusd).toBeCloseTo(120, 12);
    expect(biased.summary.npv).toBeCloseTo(PV_BENEFITS - 120, 7);
  });

  it('a project without costs is not appraised, and the programme is the costed projects against none of them', () => {
    // A second +5, free of cost: with both, 15 for a demand of 10. Without `more`, `free` alone carries all 10 (Δ served 0):
    // `more` last in is worth −100; the programme (`more` against no `more`, `free` in both cases) the same −100.
    const text = ANNUITY.replace('projects: [', 'projects: [{ id: free, target: ab, effect: { add: 5 }, online: 2030 }, ');
    const { rows } = appraise(modelOf(text));
    const free = row(rows, 'free');
    expect(free.appraised).toBe(false);
    expect(free.note).toMatch(/^not appraised: no capex_musd and no opex/);
    expect(free.npvAlone).toBeUndefined();
    expect(row(rows, 'more').summary.npv).toBeCloseTo(-100, 9);
    const programme = row(rows, PROGRAMME);
    expect(programme.summary.npv).toBeCloseTo(-100, 9);
    expect(programme.capexMusd).toBe(100);
    expect(programme.note).toBe('the 1 costed projects against none of them; 1 without costs stay in both cases');
  });
});

describe('bad economic input', () => {
  it('costs that cannot be a project, or cannot be discounted, are refused with positions', () => {
    const errors = errorsOf(
      `${ANNUITY.replace('capex_musd: 100 }', 'capex_musd: 1e9 }').replace('life_years: 10', 'life_years: 1e308').replace('base_year: 2030 }', 'base_year: 2030, conversion_factor: 0 }')}
  opex_musd_per_year: 1e12
  projects: { more: { life_years: 20 } }
`,
    );
    expect(errors.find((e) => e.includes('capex_musd'))).toMatch(/projects\[0\]\.capex_musd: capex of 1000000000 million USD is beyond any project/);
    expect(errors.find((e) => e.includes('economics.life_years'))).toMatch(/at most 1000 \(got 1e\+308\)/);
    expect(errors.find((e) => e.includes('conversion_factor'))).toMatch(/a conversion factor must be above 0 and at most 10 \(got 0\)/);
    expect(errors.find((e) => e.includes('opex_musd_per_year'))).toMatch(/at most 1,000,000 \(got 1000000000000\)/);
    const profile = errorsOf(ANNUITY.replace('capex_musd: 100 }', 'capex_musd: 100, capex_profile: [0.5, 0.4] }'));
    expect(profile).toEqual([expect.stringMatching(/:7:.*projects\[0\]\.capex_profile: the shares of capex must sum to 1 \(they sum to 0\.9\)/)]);
  });

  it('is reported at once with positions', () => {
    const errors = errorsOf(`${ANNUITY.replace('value_per_t: 4 USD/t', 'value_per_t: 25 EUR/t').replace('life_years: 10', 'life_years: -5').replace('discount_rate: 0.1', 'discount_rate: 1.5')}
  flows: { g: { value_per_t: "5 km" } }
`);
    // Lines counted in ANNUITY as the template lays it out (it starts with an empty line).
    expect(errors.find((e) => e.includes('economics.value_per_t'))).toMatch(/:9:16: economics\.value_per_t: .*unknown name "EUR".*another currency needs its rate in `units`/);
    expect(errors.find((e) => e.includes('economics.life_years'))).toMatch(/:11:15: economics\.life_years: an economic life must be a positive number of years, at most 1000 \(got -5\)/);
    expect(errors.find((e) => e.includes('discount_rate'))).toMatch(/economics\.appraisal\.discount_rate: a rate must lie in \[0, 1\) \(got 1\.5\)/);
    // economics.flows.g names no flow: a warning (a variant may have removed it), not an error.
    expect(errors.find((e) => e.includes('economics.flows.g'))).toBeUndefined();
    expect(errors).toHaveLength(3);
  });

  it('a currency defined in units is converted; the CLI exits 2 and writes nothing on bad input', async () => {
    // 25 EUR/t at 1.08 USD per EUR = 27 USD/t.
    const model = modelOf(`${ANNUITY.replace('value_per_t: 4 USD/t', 'value_per_t: 25 EUR/t')}units: { EUR: 1.08 USD }\n`);
    expect(model.economics.valuePerT[0]![0]).toBeCloseTo(27, 12);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-appraise-'));
    try {
      const bad = path.join(dir, 'bad.yaml');
      fs.writeFileSync(bad, ANNUITY.replace('life_years: 10', 'life_years: -5'));
      const r = await cli('appraise', bad, '--out', path.join(dir, 'out'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/bad\.yaml:11:15: economics\.life_years/);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
