// The shipped Middle Corridor scenarios: they reproduce history, show the
// Dostyk–Moyinty expansion, and give the headline findings of
// docs/middle-corridor.md. Each pinned number says how it follows from the
// scenario's inputs, so that an engine change that moves it is noticed.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate, type Result } from '../../src/engine/simulate.js';
import { loadScenario } from '../../src/scenario/index.js';
import { formatProblem } from '../../src/scenario/problems.js';
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

describe('middle-corridor baseline', () => {
  it('reproduces the ministry’s TITR series 2019–2025 within 5 %', () => {
    // MoT series (Report.az / Astana Times 2026-03-10): the capacities must not make history infeasible.
    const mot: Record<number, number> = { 2019: 0.759, 2020: 0.783, 2021: 0.586, 2022: 1.485, 2023: 2.764, 2024: 4.484, 2025: 4.119 };
    const t = titr(variant(''));
    for (const [year, mt] of Object.entries(mot)) expect(Math.abs(t.get(Number(year))!.served / mt - 1)).toBeLessThan(0.05);
  });

  it('shows the Dostyk–Moyinty expansion as a fivefold capacity between 2024 and 2026', () => {
    // 12 → 60 pairs/day; 12 pairs × 2 trains × 2300 t × 365.25 days = 20.16 Mt/yr.
    const r = variant('');
    expect(capacityOf(r, 'dostyk-moyinty', 2024)).toBeCloseTo(20.1618, 4);
    expect(capacityOf(r, 'dostyk-moyinty', 2026) / capacityOf(r, 'dostyk-moyinty', 2024)).toBeCloseTo(5, 12);
  });

  it('TITR first goes unserved in 2031, at the Caspian crossing, and never reaches 10 Mt', () => {
    // Crossing: 6 Mt + 85k TEU × 10 t from 2027 = 6.85 Mt. TITR demand 4.119 · 1.1^(y−2025) to 2030
    // (6.634 Mt), then +5 %: 6.966 Mt in 2031 > 6.85. Served TITR can never exceed 6.85 Mt.
    const r = variant('');
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

  it('World Bank path: TITR unserved from 2027; served stays at 6.85 Mt in 2030 against 11 Mt wanted', () => {
    // 2027 containers 0.77 · 1.217² = 1.14 Mt exceed Alat's phase-1 100k TEU (1.0 Mt) before phase 2 (2028).
    const r = variant('world-bank');
    expect(firstUnserved(r)).toBe(2027);
    expect(titrBlockers(r, 2027)).toEqual(['alat']);
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
    expect([...titr(late)]).toEqual([...titr(variant(''))]);
  });

  it('no new vessels: TITR unserved from 2028, when containers outgrow the crossing’s 100k TEU', () => {
    // 2028 TITR containers 0.77 · 1.1³ = 1.025 Mt > 100k TEU × 10 t = 1.0 Mt.
    const r = variant('no-vessels');
    expect(firstUnserved(r)).toBe(2028);
    expect(titrBlockers(r, 2028)).toEqual(['caspian-crossing']);
  });

  it('Caspian crossing doubled: the bottleneck moves on and 10 Mt is first carried in 2040', () => {
    const r = variant('caspian-expansion');
    expect(firstUnserved(r)).toBe(2032);
    expect(titrBlockers(r, 2032)).not.toContain('caspian-crossing');
    expect(firstAtLeast(r, 10)).toBe(2040);
  });
});

it('npm start runs the Middle Corridor baseline', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  expect(pkg.scripts.start).toContain('scenarios/middle-corridor.yaml');
});
