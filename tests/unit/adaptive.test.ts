// plan --adaptive: a rule's pathway against a first-passage probability worked
// out here, the search against brute force on small random cases, out of
// sample against the sampling band, and bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptivePlan, pathwaysTable, staticRules } from '../../src/adaptive/plan.js';
import { NEVER, presentValueOf, RuledFuture, type Rule } from '../../src/adaptive/rules.js';
import type { Model } from '../../src/engine/model.js';
import type { Future } from '../../src/optimize/futures.js';
import { futuresNeeded } from '../../src/optimize/robust.js';
import { errorsOf, futuresOf } from '../support/build.js';
import { cli } from '../support/cli.js';

/** Demand 10 Mt in 2020, then a step of ±1 a year (each with chance ½) to 2030, on one link of 20. */
const YEARS = Array.from({ length: 10 }, (_, i) => 2021 + i);
const walk = (trigger: string) => `
name: walk
years: { start: 2020, end: 2030 }
params: { ${YEARS.map((y) => `s${y}: 0`).join(', ')} }
uncertainty:
${YEARS.map((y) => `  s${y}: { dist: discrete, values: [-1, 1], weights: [0.5, 0.5] }`).join('\n')}
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 20 }]
flows: [{ id: f, origin: a, destination: b, demand: "10 + ${YEARS.map((y) => `s${y} * (yr >= ${y})`).join(' + ')}", routes: [{ id: r, via: [ab] }] }]
projects: [{ id: more, target: ab, effect: { add: 10 }, candidate: true, capex_musd: 10, online: 2021, ${trigger} }]
`;

describe('a rule on a random walk', () => {
  it('the share of futures built by each year is the first-passage probability', () => {
    // Rule: commit when utilization ≥ 0.65 (demand ≥ 13 on 20) in each of the 2 years before; it opens a year later.
    // Worked out here: P(committed by the end of year t) by dynamic programming over (level, years in a row ≥ 13),
    // the walk starting at 10 in 2020. Open by year Y ⇔ committed in a year c ≤ Y − 1 ⇔ the run reached 2 by year Y − 2.
    const { futures, model } = futuresOf(walk('lead_years: 1, trigger: { threshold: 0.65, persist_years: 2 }'), 2000, 11);
    const rule: Rule = { kind: 'signal', threshold: 0.65, persist: 2 };
    const open = futures.map((f) => new RuledFuture(f, ['more']).apply([rule]).open);
    const table = pathwaysTable(model, open, [undefined]);
    const share = (year: number) => table.rows.find((r) => r[1] === 'adaptive' && r[3] === year)![4] as number;
    let dist = new Map<string, number>([['10/0', 1]]); // level/run → probability, not yet committed
    let committed = 0;
    const byEndOf = new Map<number, number>();
    for (let year = 2020; year <= 2030; year++) {
      if (year > 2020) {
        const next = new Map<string, number>();
        for (const [k, p] of dist) {
          const [level, run] = k.split('/').map(Number) as [number, number];
          for (const step of [-1, 1]) next.set(`${level + step}/${run}`, (next.get(`${level + step}/${run}`) ?? 0) + p / 2);
        }
        dist = next;
      }
      const after = new Map<string, number>();
      for (const [k, p] of dist) {
        const [level, run] = k.split('/').map(Number) as [number, number];
        const r = level >= 13 ? run + 1 : 0;
        if (r >= 2) committed += p;
        else after.set(`${level}/${r}`, (after.get(`${level}/${r}`) ?? 0) + p);
      }
      dist = after;
      byEndOf.set(year, committed);
    }
    // The sample's own first passages, from each future's draws: exactly the shares.
    const levels = (f: Future) => YEARS.reduce((path, y) => [...path, path[path.length - 1]! + f.values[`s${y}`]!], [10]);
    for (let year = 2020; year <= 2030; year++) {
      const p = year - 2 >= 2020 ? byEndOf.get(year - 2)! : 0;
      const band = 3.5 * Math.sqrt((p * (1 - p)) / futures.length) + 1e-12;
      expect(Math.abs(share(year) - p)).toBeLessThanOrEqual(band);
      const own = futures.filter((f) => {
        const l = levels(f);
        return l.some((x, i) => i >= 1 && i + 2020 <= year - 2 && x >= 13 && l[i - 1]! >= 13);
      }).length;
      expect(share(year)).toBe(own / futures.length);
    }
    // By hand: two years in a row at 13 or more from 10 needs 2021–2023 all +1 (13 in 2023) and +1 in 2024 (14): ½⁴ = 1/16
    // committed by the end of 2024, so open by 2026; nothing is open by 2025.
    expect(byEndOf.get(2024)).toBe(1 / 16);
    expect(share(2025)).toBe(0);
  });
});

/** A small case: one or two links in a row with capacities, demand d·(1+growth)^(yr−2020) drawn, a volume target from 2022. */
const small = (c: SmallCase) => `
name: small
years: { start: 2020, end: 2026 }
planning: { discount_rate: 0.07 }
params: { d: 3, growth: 0.1 }
uncertainty: { d: { dist: uniform, min: 2, max: 5 }, growth: { dist: uniform, min: 0, max: 0.3 } }
nodes: [{ id: a }, { id: b }, { id: c }]
links: [{ id: x, from: a, to: b, capacity: ${c.caps[0]} }, { id: z, from: b, to: c, capacity: ${c.caps[1]} }]
flows: [{ id: f, origin: a, destination: c, demand: "d * (1 + growth)^(yr - 2020)", routes: [{ id: fx, via: [x, z] }] }]
targets: [{ id: t, served_at_least: ${c.need}, from: 2022 }]
projects:
${c.candidates.map((k, i) => `  - { id: k${i}, target: ${i === 0 ? 'x' : 'z'}, effect: { add: ${k.add} }, candidate: true, capex_musd: ${k.capex}, online: ${k.online}, lead_years: ${k.lead} }`).join('\n')}
`;

interface SmallCase {
  caps: [number, number];
  need: number;
  confidence: number;
  runs: number;
  seed: number;
  candidates: { add: number; capex: number; online: number; lead: number }[];
}

const candidateArb = fc.record({ add: fc.integer({ min: 1, max: 6 }), capex: fc.integer({ min: 1, max: 50 }), online: fc.integer({ min: 2020, max: 2023 }), lead: fc.integer({ min: 0, max: 2 }) });
const caseArb = (n: number) =>
  fc.record({
    caps: fc.tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 8 })),
    need: fc.integer({ min: 2, max: 6 }),
    confidence: fc.constantFrom(0.5, 0.75, 1),
    runs: fc.integer({ min: 2, max: 10 }),
    seed: fc.integer({ min: 1, max: 1000 }),
    candidates: fc.array(candidateArb, { minLength: n, maxLength: n }),
  });

/** The contract's order, written out here: feasible, least expected PV, higher worst share, later openings, larger threshold. */
function bruteForce(futures: RuledFuture[], ruleSets: Rule[][], need: number, end: number) {
  let best: { rules: Rule[]; pv: number; worst: number; openings: number } | undefined;
  const rank = (r: Rule): [number, number] => (r.kind === 'never' ? [Infinity, 0] : r.kind === 'signal' ? [r.threshold, -r.persist] : [-Infinity, r.year]);
  for (const rules of ruleSets) {
    const runs = futures.map((f) => f.apply(rules));
    const counts = runs[0]!.outcome.met.map((_, t) => runs.filter((r) => r.outcome.met[t]).length);
    if (counts.some((c) => c < need)) continue;
    const pv = runs.reduce((s, r, i) => s + presentValueOf(futures[i]!, r.open), 0) / runs.length;
    const worst = Math.min(1, ...counts.map((c) => c / runs.length));
    const openings = runs.reduce((s, r) => s + r.open.reduce<number>((a, o) => a + (o ?? end + 1), 0), 0) / runs.length;
    const better = () => {
      if (!best) return true;
      if (Math.abs(pv - best.pv) > 1e-9 * Math.max(1, pv, best.pv)) return pv < best.pv;
      if (worst !== best.worst) return worst > best.worst;
      if (Math.abs(openings - best.openings) > 1e-9) return openings > best.openings;
      for (let j = 0; j < rules.length; j++) {
        const [a1, a2] = rank(rules[j]!);
        const [b1, b2] = rank(best.rules[j]!);
        if (a1 !== b1) return a1 > b1;
        if (a2 !== b2) return a2 > b2;
      }
      return false;
    };
    if (better()) best = { rules, pv, worst, openings };
  }
  return best;
}

/** A small case's futures, model, futures needed per target-year, and the futures as the rules run them. */
function smallCase(c: SmallCase) {
  const { futures, model } = futuresOf(small(c), c.runs, c.seed);
  const ruled = futures.map((f) => new RuledFuture(f, model.candidates.map((k) => k.id)));
  return { futures, model, ruled, need: futuresNeeded(c.confidence, c.runs) };
}

/** Every rule of a candidate's family on a threshold grid: never, each fixed year, each threshold × persistence 1–3. */
function rulesOf(model: Model, j: number, grid: readonly number[]): Rule[] {
  const k = model.candidates[j]!;
  return [
    NEVER,
    ...Array.from({ length: k.latest - k.online + 1 }, (_, i): Rule => ({ kind: 'year', year: k.online + i })),
    ...grid.flatMap((threshold) => [1, 2, 3].map((persist): Rule => ({ kind: 'signal', threshold, persist }))),
  ];
}

describe('the search against brute force', () => {
  it('one candidate: equals the best rule over every value the signal takes (as written, 6 decimals)', () => {
    fc.assert(
      fc.property(caseArb(1), (c) => {
        const { futures, model, ruled, need } = smallCase(c);
        // The grid: every utilization of x the runs without the candidate show, to 6 decimals as written (floor of x + 1e-9).
        const grid = [...new Set(ruled.flatMap((f) => [...f.run([undefined]).signals].filter(Number.isFinite).map((x) => Math.floor((x + 1e-9) * 1e6) / 1e6)))];
        const best = bruteForce(ruled, rulesOf(model, 0, grid).map((r) => [r]), need, 2026);
        const found = adaptivePlan(model, futures, need, undefined).score;
        expect(found.deficit === 0).toBe(best !== undefined);
        if (!best) return;
        expect(found.pv).toBeCloseTo(best.pv, 9);
        expect(found.rules).toEqual(best.rules);
      }),
      { numRuns: 25, seed: 5 },
    );
  });

  it('two candidates in a row: never more expected PV than the best pair on a grid of thresholds', () => {
    fc.assert(
      fc.property(caseArb(2), (c) => {
        const { futures, model, ruled, need } = smallCase(c);
        const grid = [0.5, 0.6, 0.7, 0.8, 0.9, 1];
        const pairs = rulesOf(model, 0, grid).flatMap((a) => rulesOf(model, 1, grid).map((b) => [a, b]));
        const best = bruteForce(ruled, pairs, need, 2026);
        const found = adaptivePlan(model, futures, need, undefined).score;
        if (!best) return;
        expect(found.deficit).toBe(0);
        expect(found.pv).toBeLessThanOrEqual(best.pv + 1e-9);
      }),
      { numRuns: 15, seed: 9 },
    );
  });

  it('from the static plan: never more expected PV than it, where behaviour meets the targets with it', () => {
    fc.assert(
      fc.property(caseArb(2), (c) => {
        const { futures, model, ruled, need } = smallCase(c);
        const start = model.candidates.map((k) => k.online);
        const fixed = bruteForce(ruled, [staticRules(start)], need, 2026);
        const found = adaptivePlan(model, futures, need, start).score;
        if (fixed) expect(found.pv).toBeLessThanOrEqual(fixed.pv + 1e-9);
      }),
      { numRuns: 15, seed: 21 },
    );
  });
});

describe('plan --adaptive, the command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adaptive-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  // Demand d·(1+growth)^(yr−2020) on a link of 4, all of it to be served from 2022; the candidate adds 30, a year after it is committed.
  const scenario = `
name: cmd
years: { start: 2020, end: 2026 }
params: { d: 3, growth: 0.1 }
uncertainty: { d: { dist: uniform, min: 2, max: 5 }, growth: { dist: uniform, min: 0, max: 0.3 } }
nodes: [{ id: a }, { id: b }]
links: [{ id: x, from: a, to: b, capacity: 4 }]
flows: [{ id: f, origin: a, destination: b, demand: "d * (1 + growth)^(yr - 2020)", routes: [{ id: fx, via: [x] }] }]
targets: [{ id: t, share_served_at_least: 1, from: 2022 }]
projects:
  - { id: k0, target: x, effect: { add: 30 }, candidate: true, capex_musd: 30, online: 2021, lead_years: 1 }
`;

  it('writes its tables; out of sample the rules meet P within the sampling band', async () => {
    const file = write('small.yaml', scenario);
    const out = path.join(dir, 'out');
    const r = await cli('plan', file, '--adaptive', '--runs', '200', '--confidence', '0.8', '--evaluate', '1000', '--out', out, '--quiet');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['plan.csv', 'plan-adaptive.csv', 'plan-pathways.csv', 'tipping-points.csv', 'plan-robustness.csv']) expect(fs.existsSync(path.join(out, f))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toContain('value_of_flexibility_musd');
    const rows = fs.readFileSync(path.join(out, 'plan-robustness.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const adaptive = rows.filter((row) => row[1] === 'adaptive');
    expect(adaptive.length).toBeGreaterThan(0);
    // P = 0.8, M = 1000: P(met) ≥ 0.8 − 3.5·√(0.8·0.2/1000) = 0.8 − 0.0443.
    for (const row of adaptive) expect(Number(row[5])).toBeGreaterThanOrEqual(0.8 - 3.5 * Math.sqrt((0.8 * 0.2) / 1000));
    // Tipping points: per year in force (2022–2026: 5 rows), shares of futures whose first miss is then; they sum to at most 1.
    const tips = fs.readFileSync(path.join(out, 'tipping-points.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[3]));
    expect(tips).toHaveLength(5);
    expect(tips.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
    // plan.yaml fixes the static plan's decisions (candidate: false): the option keys (lead_years) do not stop it from running.
    expect((await cli('run', path.join(out, 'plan.yaml'), '--out', path.join(dir, 'planned'), '--quiet')).code).toBe(0);
    const report = await cli('report', out);
    expect(report.code).toBe(0);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('plan-pathways');
    expect(html).toContain('Waiting and watching is worth');
  });

  it('the same bytes for any --workers (the descents from each start run on their own threads)', async () => {
    const file = write('workers.yaml', scenario);
    const outs = [1, 2].map((k) => path.join(dir, `w${k}`));
    for (const [i, out] of outs.entries()) {
      const r = await cli('plan', file, '--adaptive', '--runs', '60', '--confidence', '0.8', '--evaluate', '50', '--workers', String(i + 1), '--out', out, '--quiet');
      expect(r.err).toBe('');
    }
    const csvs = fs.readdirSync(outs[0]!).filter((f) => f.endsWith('.csv')).sort();
    expect(csvs).toContain('plan-adaptive.csv');
    for (const f of csvs) expect(fs.readFileSync(path.join(outs[1]!, f), 'utf8'), f).toBe(fs.readFileSync(path.join(outs[0]!, f), 'utf8'));
    expect((await cli('plan', file, '--runs', '20', '--workers', '2')).err).toContain('--workers goes with --adaptive');
  });

  it('no rules meet P under behaviour where free routing needs nothing: exit 3, naming the target-years, nothing written', async () => {
    // f1 may take x or z, f2 only x (5 each, capacities 5). Free routing puts f1 on z and meets f2's target with no
    // candidate (the static robust plan builds nothing); the water-filling shares x between both (2.5 each), and
    // the only candidate widens z, which f2 cannot use: no rule meets the target in any future.
    const file = write('no-rules.yaml', `
name: nr
years: { start: 2020, end: 2022 }
params: { d: 5 }
uncertainty: { d: { dist: uniform, min: 4.9, max: 5 } }
nodes: [{ id: a }, { id: b }]
links: [{ id: x, from: a, to: b, capacity: 5 }, { id: z, from: a, to: b, capacity: 5 }]
flows:
  - { id: f1, origin: a, destination: b, demand: 5, routes: [{ id: f1x, via: [x] }, { id: f1z, via: [z] }] }
  - { id: f2, origin: a, destination: b, demand: d, routes: [{ id: f2x, via: [x] }] }
targets: [{ id: t, flows: [f2], share_served_at_least: 1 }]
projects: [{ id: more-z, target: z, effect: { add: 5 }, candidate: true, capex_musd: 10 }]
`);
    const out = path.join(dir, 'no-rules');
    const r = await cli('plan', file, '--adaptive', '--runs', '10', '--evaluate', '5', '--out', out);
    expect(r.code).toBe(3);
    expect(r.err).toContain('no adaptive rules meet every target-year in 10 of 10 futures under behaviour; nothing was written');
    expect(r.err).toContain('t 2020: the best rules found meet it in 0 of 10 futures');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('bad input: --adaptive without --runs, unknown signals, a threshold out of range, a trigger on a decided project', async () => {
    const file = write('ok.yaml', scenario);
    const r = await cli('plan', file, '--adaptive');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--adaptive needs --runs');
    const bad = scenario.replace('lead_years: 1 }', 'lead_years: 1, trigger: { signal: "utilization:q", threshold: 1.5 } }');
    expect(errorsOf(bad).join('\n')).toMatch(/trigger\.signal.*unknown node or link "q"/);
    expect(errorsOf(scenario.replace('lead_years: 1 }', 'lead_years: 1, trigger: { threshold: 1.5 } }')).join('\n')).toMatch(/trigger\.threshold.*\[0, 1\]/);
    expect(errorsOf(scenario.replace('lead_years: 1 }', 'lead_years: 1, trigger: { signal: "served:g" } }')).join('\n')).toMatch(/trigger\.signal: unknown flow "g"/);
    expect(errorsOf(scenario.replace('lead_years: 1 }', 'lead_years: 1, trigger: { signal: "shortfall:t2" } }')).join('\n')).toMatch(/unknown target "t2"/);
    expect(errorsOf(scenario.replace('lead_years: 1 }', 'lead_years: 1, trigger: { signal: "utilization:a" } }')).join('\n')).toMatch(/"a" has no capacity/);
    expect(errorsOf(scenario.replace('lead_years: 1 }', 'lead_years: 1, trigger: { signal: "queue:x" } }')).join('\n')).toMatch(/is not a signal/);
    expect(errorsOf(scenario.replace('candidate: true, capex_musd: 30, online: 2021, lead_years: 1 }', 'online: 2021, lead_years: 1 }')).join('\n')).toMatch(/`lead_years` applies only to a candidate/);
  });
});
