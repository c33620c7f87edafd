// The shipped Middle Corridor scenarios: they reproduce history, show the
// Dostyk–Moyinty expansion, and give the headline findings of
// docs/middle-corridor.md. Each pinned number says how it follows from the
// scenario's inputs, so that an engine change that moves it is noticed.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate, type Result } from '../../src/engine/simulate.js';
import { loadScenario } from '../../src/scenario/index.js';
import { formatProblem } from '../../src/scenario/problems.js';
import { targetYears } from '../../src/engine/targets.js';
import { isChoice } from '../../src/engine/choice.js';
import { capacityOf } from '../support/build.js';

const readText = (f: string) => fs.readFileSync(f, 'utf8');
const results = new Map<string, Result>();
function runFile(file: string): Result {
  if (!results.has(file)) {
    const loaded = loadScenario(file, { readText });
    expect(loaded.problems.map(formatProblem)).toEqual([]);
    results.set(file, simulate(loaded.model!));
  }
  return results.get(file)!;
}
const variant = (name: string) => runFile(`scenarios/middle-corridor${name ? `-${name}` : ''}.yaml`);
const variantFile = (file: string) => runFile(`scenarios/${file}`).model;

/** TITR (both flows) demand and served volume per year. */
function titr(r: Result): Map<number, { demand: number; served: number }> {
  const out = new Map<number, { demand: number; served: number }>();
  const Y = r.model.years;
  r.model.flows.forEach((f, i) => {
    if (!f.id.startsWith('titr-')) return;
    for (let y = 0; y < Y; y++) {
      const row = out.get(r.model.startYear + y) ?? { demand: 0, served: 0 };
      row.demand += r.flowDemand[i * Y + y]!;
      row.served += r.flowServed[i * Y + y]!;
      out.set(r.model.startYear + y, row);
    }
  });
  return out;
}
const firstUnserved = (r: Result) => [...titr(r)].find(([, v]) => v.demand - v.served > 1e-6)?.[0];
const firstAtLeast = (r: Result, mt: number) => [...titr(r)].find(([, v]) => v.served >= mt - 1e-9)?.[0];

/** Elements that bind on every route of the TITR flows left short in `year` (what stops TITR from growing). */
function titrBlockers(r: Result, year: number): string[] {
  const Y = r.model.years;
  const y = year - r.model.startYear;
  const sets = r.model.flows
    .filter((f, i) => f.id.startsWith('titr-') && r.flowDemand[i * Y + y]! - r.flowServed[i * Y + y]! > 1e-6)
    .flatMap((f) => f.routes)
    .map((k) => new Set(r.model.routes[k]!.constraints.filter((c) => !(r.utilization[c * Y + y]! < 1 - 1e-9)).map((c) => r.model.elements[r.model.constraints[c]!.element]!.id)));
  return [...new Set(sets.flatMap((s) => [...s]))].filter((id) => sets.every((s) => s.has(id))).sort();
}

describe('every shipped scenario', () => {
  const files = fs.readdirSync('scenarios').filter((f) => /\.ya?ml$/.test(f));
  it.each(files)('%s validates and runs', (file) => {
    const r = runFile(`scenarios/${file}`);
    expect(r.flowServed.length).toBeGreaterThan(0);
  });
});

describe('the spill model (middle-corridor-spill.yaml), which the variants extend', () => {
  it('reproduces the ministry’s TITR series 2019–2025 within 5 %', () => {
    // MoT series (Report.az / Astana Times 2026-03-10): the capacities must not make history infeasible.
    const mot: Record<number, number> = { 2019: 0.759, 2020: 0.783, 2021: 0.586, 2022: 1.485, 2023: 2.764, 2024: 4.484, 2025: 4.119 };
    const t = titr(variant('spill'));
    for (const [year, mt] of Object.entries(mot)) expect(Math.abs(t.get(Number(year))!.served / mt - 1)).toBeLessThan(0.05);
  });

  it('shows the Dostyk–Moyinty expansion as a fivefold capacity between 2024 and 2026', () => {
    // 12 → 60 pairs/day; 12 pairs × 2 trains × 2300 t × 365.25 days = 20.16 Mt/yr.
    const r = variant('spill');
    expect(capacityOf(r, 'dostyk-moyinty', 2024)).toBeCloseTo(20.1618, 4);
    expect(capacityOf(r, 'dostyk-moyinty', 2026) / capacityOf(r, 'dostyk-moyinty', 2024)).toBeCloseTo(5, 12);
  });

  it('TITR first goes unserved in 2031, at the Caspian crossing, and never reaches 10 Mt', () => {
    // Crossing: 6 Mt + 85k TEU × 10 t from 2027 = 6.85 Mt. TITR demand 4.119 · 1.1^(y−2025) to 2030
    // (6.634 Mt), then +5 %: 6.966 Mt in 2031 > 6.85. Served TITR can never exceed 6.85 Mt.
    const r = variant('spill');
    expect(firstUnserved(r)).toBe(2031);
    expect(titrBlockers(r, 2031)).toEqual(['caspian-crossing']);
    expect(Math.max(...[...titr(r).values()].map((v) => v.served))).toBeCloseTo(6.85, 9);
    expect(firstAtLeast(r, 10)).toBeUndefined();
  });
});

describe('variants', () => {
  it('government target: TITR unserved from 2026, at the Caspian crossing; 10 Mt is not reached', () => {
    // 2026 demand 4.119 · 1.5581 = 6.42 Mt > the crossing's 6 Mt before the vessels (2027).
    const r = variant('gov-target');
    expect(firstUnserved(r)).toBe(2026);
    expect(titrBlockers(r, 2026)).toEqual(['caspian-crossing']);
    expect(titr(r).get(2027)!.demand).toBeCloseTo(10, 3);
    expect(firstAtLeast(r, 10)).toBeUndefined();
  });

  it('World Bank path: TITR unserved from 2028, at the Caspian crossing; 6.85 Mt in 2030 against 11 Mt wanted', () => {
    // 2028 demand 4.119 · 1.217³ = 7.42 Mt > the crossing's 6.85 Mt (6 Mt + 85k TEU × 10 t from 2027).
    // In 2027 (6.10 Mt) containers 0.77 · 1.217² = 1.14 Mt fit Alat's 150k TEU since 2025 (AZERTAC 2025-10-06).
    const r = variant('world-bank');
    expect(firstUnserved(r)).toBe(2028);
    expect(titrBlockers(r, 2028)).toEqual(['caspian-crossing']);
    expect(titr(r).get(2030)!.demand).toBeCloseTo(11, 1);
    expect(titr(r).get(2030)!.served).toBeCloseTo(6.85, 9);
  });

  it('Dostyk–Moyinty two years late: the line binds in 2025–2026, but TITR is unaffected', () => {
    // At 12 pairs (20.16 Mt) the line carries Northern transit plus the Dostyk share of KZ–China
    // freight; the excess spills to Altynkol, which has room until the 2030s.
    const late = variant('dm-late');
    const bound = (y: number) => late.yearBinding[y - late.model.startYear]!.map((e) => late.model.elements[e]!.id);
    expect(bound(2025)).toContain('dostyk-moyinty');
    expect(bound(2026)).toContain('dostyk-moyinty');
    expect(bound(2027)).not.toContain('dostyk-moyinty');
    expect([...titr(late)]).toEqual([...titr(variant('spill'))]);
  });

  it('no new vessels: TITR unserved from 2028, when containers outgrow the crossing’s 100k TEU', () => {
    // 2028 TITR containers 0.77 · 1.1³ = 1.025 Mt > 100k TEU × 10 t = 1.0 Mt.
    const r = variant('no-vessels');
    expect(firstUnserved(r)).toBe(2028);
    expect(titrBlockers(r, 2028)).toEqual(['caspian-crossing']);
  });

  it('Caspian crossing doubled: TITR is carried in full until 2039 (10.29 Mt, the first year over 10) and meets the China crossings in 2040', () => {
    // Demand 6.634 · 1.05^(y−2030): 10.29 Mt in 2039, 10.81 in 2040. With Altynkol's second track
    // (×33/18 from 2027) the China crossings fill with KZ–China freight only in 2040.
    const r = variant('caspian-expansion');
    expect(firstAtLeast(r, 10)).toBe(2039);
    expect(firstUnserved(r)).toBe(2040);
    expect(titrBlockers(r, 2040)).not.toContain('caspian-crossing');
  });
});

describe('second edition (data note 2)', () => {
  it('the Georgian main line: 27 Mt/yr before the modernisation, 48 from 2026', () => {
    const r = variant('spill');
    expect(capacityOf(r, 'khashuri', 2025)).toBe(27);
    expect(capacityOf(r, 'khashuri', 2026)).toBe(48);
  });

  it('the Aktau hub (40k → 140k → 240k TEU) and Altynkol’s second track (×33/18 from 2027)', () => {
    const r = variant('spill');
    // 10 t per TEU: 40k TEU = 0.4 Mt, 140k = 1.4 Mt, 240k = 2.4 Mt.
    expect([2025, 2026, 2027].map((y) => +capacityOf(r, 'aktau', y, 'container').toFixed(9))).toEqual([0.4, 1.4, 2.4]);
    expect(capacityOf(r, 'altynkol', 2027) / capacityOf(r, 'altynkol', 2026)).toBeCloseTo(33 / 18, 12);
  });

  it('every official target is missed from its first year: demand on the observed path stays below it', () => {
    // TITR demand 4.119 · 1.1^(y−2025): 4.98 Mt in 2027, 5.48 in 2028, 6.63 in 2030 (< 10 and 11);
    // containers 0.77 · 1.1^(y−2025): 1.13 Mt (113k TEU) in 2029 < 300k, 1.24 Mt in 2030 < 500k.
    const r = variant('spill');
    const first = new Map<string, number>();
    for (const t of targetYears(r)) if (!t.met && !first.has(r.model.targets[t.target]!.id)) first.set(r.model.targets[t.target]!.id, t.year);
    expect(Object.fromEntries(first)).toEqual({
      'titr-10mt-capacity-2027': 2027,
      'titr-10mt-2028': 2028,
      'titr-300k-teu-2029': 2029,
      'titr-500k-teu-2030': 2030,
      'titr-11mt-2030-world-bank': 2030,
    });
  });

  it('every node that is a place has a position for the map (only regions have none)', () => {
    for (const file of fs.readdirSync('scenarios').filter((f) => f.startsWith('middle-corridor') && f.endsWith('.yaml'))) {
      const model = variantFile(file);
      const unlocated = model.elements.filter((e) => e.kind === 'node' && !e.at).map((e) => e.id);
      expect(unlocated, file).toEqual(['china', 'europe-turkiye', 'kz-network', 'russia']);
    }
  });
});

it('npm start runs the Middle Corridor on generalised cost (route choice); the spill model is its own file', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  expect(pkg.scripts.start).toMatch(/run scenarios\/middle-corridor\.yaml$/);
  expect(isChoice(variantFile('middle-corridor.yaml'))).toBe(true);
  expect(isChoice(variantFile('middle-corridor-spill.yaml'))).toBe(false);
});

describe('what does 10 Mt take? (scenarios/middle-corridor-plan.yaml)', () => {
  it('10 Mt from 2030: Alat’s phase-2 containers, the six KMTF ships and the fleet step, all in 2030', async () => {
    // The crossing has 6 Mt (100k TEU) without candidates; 10 Mt of TITR needs 4 Mt more. The
    // cheapest way: six ships (+2.55 Mt, 138) + fleet step (+1.5 Mt, 138) = 4.05 Mt for 276, against
    // ships + ferries (4.65 Mt, 371) or ships + the two vessels (3.4 Mt, too little). TITR containers
    // (0.77 · 1.1942^5 = 1.87 Mt, 187k TEU) outgrow Alat's 150k TEU: its phase-2 containers (200).
    // All open in 2030, the first target year (later is cheaper). PV at 5 %/yr to 2026:
    // (200 + 138 + 138) / 1.05^4 = 391.606.
    const { Solver } = await import('../../src/optimize/solver.js');
    const { solvePlan } = await import('../../src/optimize/plan.js');
    const loaded = loadScenario('scenarios/middle-corridor-plan.yaml', {
      readText,
      overrides: ['titr_growth=0.1942', 'growth_break=2030', 'targets.titr-10mt.from=2030'],
    });
    const model = loaded.model!;
    const outcome = solvePlan(model, await Solver.load());
    expect(outcome.feasible).toBe(true);
    if (!outcome.feasible) return;
    const built = Object.fromEntries(model.candidates.flatMap((k, i) => (outcome.online[i] === undefined ? [] : [[k.id, outcome.online[i]]])));
    expect(built).toEqual({ 'alat-phase2-containers': 2030, 'kmtf-six-container-ships': 2030, 'caspian-fleet-step': 2030 });
    expect(outcome.pv.reduce((s, x) => s + x, 0)).toBeCloseTo(476 / 1.05 ** 4, 6);
  });

  it('10 Mt from 2028: ferries from 2026, Alat’s containers and the six ships in 2028; behaviour carries it too', async () => {
    // The fleet step's earliest year is 2029, so by 2028 the crossing's +4 Mt takes the ferries
    // (ramped over three years: +2.1 Mt only from their third year, so they open in 2026) and the
    // six ships. PV: 233 + (200 + 138) / 1.05^2 = 539.576.
    const { Solver } = await import('../../src/optimize/solver.js');
    const { solvePlan, withDecisions } = await import('../../src/optimize/plan.js');
    const model = loadScenario('scenarios/middle-corridor-plan.yaml', { readText }).model!;
    const outcome = solvePlan(model, await Solver.load());
    expect(outcome.feasible).toBe(true);
    if (!outcome.feasible) return;
    const built = Object.fromEntries(model.candidates.flatMap((k, i) => (outcome.online[i] === undefined ? [] : [[k.id, outcome.online[i]]])));
    expect(built).toEqual({ 'kuryk-alat-ferries': 2026, 'alat-phase2-containers': 2028, 'kmtf-six-container-ships': 2028 });
    expect(outcome.pv.reduce((s, x) => s + x, 0)).toBeCloseTo(233 + 338 / 1.05 ** 2, 6);
    const planned = simulate(withDecisions(model, outcome.online));
    expect(targetYears(planned).every((t) => t.met)).toBe(true);
  });
});

describe('the wider uncertainty (scenarios/middle-corridor-adaptive.yaml)', () => {
  it('the Caspian level cuts the Kazakh ports and the crossing beyond the dredged margin, and stage 2 of the dredging gives it back', () => {
    // Central values: the level falls 0.2 m/yr from 2025; the 2025 dredging absorbs 0.75 m; each metre beyond costs 20 %.
    // 2028: 0.6 m ≤ 0.75 → no loss. 2035: 2.0 − 0.75 = 1.25 m → 1 − 0.2·1.25 = 0.75. 2040: 3.0 − 0.75 = 2.25 m → 0.55.
    // Stage 2 (1.5 m more margin) built in 2027: 2035 → 2.0 − 2.25 < 0 → no loss; 2040 → 3.0 − 2.25 = 0.75 m → 0.85.
    const plan = variant('plan');
    const adaptive = variant('adaptive');
    for (const [year, factor] of [[2028, 1], [2035, 0.75], [2040, 0.55]] as const) {
      for (const id of ['aktau', 'kuryk', 'caspian-crossing']) expect(capacityOf(adaptive, id, year) / capacityOf(plan, id, year)).toBeCloseTo(factor, 12);
    }
    const files: Record<string, string> = {
      'dredged.yaml': 'name: dredged\nextends: scenarios/middle-corridor-adaptive.yaml\nprojects: [{ id: dredging-aktau-2, candidate: false, online: 2027 }]\n',
    };
    const loaded = loadScenario('dredged.yaml', { readText: (f) => files[f] ?? readText(f) });
    expect(loaded.problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([]);
    const dredged = simulate(loaded.model!);
    expect(capacityOf(dredged, 'aktau', 2035) / capacityOf(plan, 'aktau', 2035)).toBeCloseTo(1, 12);
    expect(capacityOf(dredged, 'aktau', 2040) / capacityOf(plan, 'aktau', 2040)).toBeCloseTo(0.85, 12);
    // The crossing is not dredged: it keeps the loss.
    expect(capacityOf(dredged, 'caspian-crossing', 2040) / capacityOf(plan, 'caspian-crossing', 2040)).toBeCloseTo(0.55, 12);
  });
});
