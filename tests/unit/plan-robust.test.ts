// corridor plan --runs --confidence: a case in closed form, the P = 1 case
// against the worst drawn future, a brute-force enumeration on small random
// cases, and the command's bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { effectiveCapacity } from '../../src/engine/capacity.js';
import { isMet, required, targetYearIndices } from '../../src/engine/targets.js';
import { mostForTarget, presentValue, solvePlan, withDecisions } from '../../src/optimize/plan.js';
import { futuresNeeded, solveRobustPlan } from '../../src/optimize/robust.js';
import { drawsText, namedFutures, regrets } from '../../src/optimize/regret.js';
import { Solver } from '../../src/optimize/solver.js';
import { futuresOf, modelOf } from '../support/build.js';
import { cli } from '../support/cli.js';
import { loadSource } from '../../src/scenario/index.js';

let solver: Solver;
beforeAll(async () => {
  solver = await Solver.load();
});

/** One link of 5 Mt/year, one flow of demand d ~ U(lo, hi) in 2030, served in full; a candidate adds 5 for 10 M USD. */
const oneCandidate = (lo: number, hi: number) => `
name: robust
years: { start: 2030, end: 2030 }
params: { d: ${(lo + hi) / 2} }
uncertainty: { d: { dist: uniform, min: ${lo}, max: ${hi} } }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 5 }]
flows: [{ id: f, origin: a, destination: b, demand: d, routes: [{ id: r, via: [ab] }] }]
targets: [{ id: all, share_served_at_least: 1 }]
projects: [{ id: more, target: ab, effect: { add: 5 }, candidate: true, capex_musd: 10 }]
`;

describe('robust plans worked by hand', () => {
  it('one candidate, demand uniform on [a, b]: built exactly when the P-quantile of demand exceeds the capacity without it', () => {
    // Closed form: the P-quantile of U(a, b) is a + P (b − a). With P = 0.9: U(2, 5.2) → 4.88 < 5: not built;
    // U(2, 5.5) → 5.15 > 5: built. In the sample (N = 200) the rule is exact: build iff more than
    // N − ⌈P N⌉ = 20 futures have d > 5; with these bounds 0.9 is 0.12 and 0.15 from 5/(b−a)'s share,
    // so the sample lands on the closed form's side (asserted below on the sample itself too).
    for (const [hi, build] of [[5.2, false], [5.5, true]] as const) {
      const { futures, model } = futuresOf(oneCandidate(2, hi), 200);
      const above = futures.filter((f) => f.values.d! > 5).length;
      expect(above > 200 - futuresNeeded(0.9, 200)).toBe(build);
      const plan = solveRobustPlan(model, futures, solver, { confidence: 0.9, objective: 'capex' });
      expect(plan.feasible && plan.online[0] !== undefined).toBe(build);
    }
  });

  it('with P = 1 the plan is the deterministic plan of the worst drawn future', () => {
    const { futures, model } = futuresOf(oneCandidate(3, 6), 30);
    const worst = Math.max(...futures.map((f) => f.values.d!));
    const robust = solveRobustPlan(model, futures, solver, { confidence: 1, objective: 'capex' });
    const deterministic = solvePlan(modelOf(oneCandidate(3, 6), [`d=${worst}`]), solver);
    expect(robust.feasible && deterministic.feasible).toBe(true);
    if (robust.feasible && deterministic.feasible) expect(robust.online).toEqual(deterministic.online);
  });
});

describe('robust plans on small random cases', () => {
  const caseArb = fc.record({
    cap: fc.integer({ min: 0, max: 4 }),
    need: fc.integer({ min: 1, max: 8 }),
    confidence: fc.constantFrom(0.5, 0.7, 1),
    runs: fc.integer({ min: 1, max: 10 }),
    seed: fc.integer({ min: 1, max: 1000 }),
    candidates: fc.array(fc.record({ add: fc.integer({ min: 1, max: 6 }), capex: fc.integer({ min: 1, max: 50 }), online: fc.integer({ min: 2030, max: 2032 }) }), { minLength: 1, maxLength: 3 }),
  });
  type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
  const scenario = (c: Case) => `
name: rnd
years: { start: 2030, end: 2032 }
planning: { discount_rate: 0.07 }
params: { d: 5, growth: 0.1 }
uncertainty: { d: { dist: uniform, min: 2, max: 9 }, growth: { dist: uniform, min: 0, max: 0.3 } }
nodes: [{ id: a }, { id: b }]
links: [{ id: x, from: a, to: b, capacity: ${c.cap} }]
flows: [{ id: f, origin: a, destination: b, demand: "d * (1 + growth)^(yr - 2030)", routes: [{ id: fx, via: [x] }] }]
targets: [{ id: t, served_at_least: ${c.need}, from: 2031 }]
projects:
${c.candidates.map((k, i) => `  - { id: k${i}, target: x, effect: { add: ${k.add} }, candidate: true, capex_musd: ${k.capex}, online: ${k.online} }`).join('\n')}
`;

  it('equals a brute-force enumeration; its in-sample met share is ≥ P for every target-year', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { futures, model } = futuresOf(scenario(c), c.runs, c.seed);
        const need = futuresNeeded(c.confidence, c.runs);
        // Per choice: per target-year, the futures in which free routing meets it (worked out here, one LP each).
        const meets = (online: (number | undefined)[]) =>
          targetYearIndices(model).every(({ target, y }) => {
            const ok = futures.filter((f) => {
              const m = withDecisions(f.model, f.model.candidates.map((k) => online[model.candidates.findIndex((q) => q.id === k.id)]));
              const caps = effectiveCapacity(m, f.events);
              const demand = (i: number) => m.flows[i]!.demand[y]!;
              return isMet(mostForTarget(m, solver, target, y, (k) => caps[k]![y]!, demand), required(m.targets[target]!, y, demand));
            }).length;
            return ok >= need;
          });
        let best = Infinity;
        const choose = (i: number, online: (number | undefined)[]) => {
          if (i === model.candidates.length) {
            const pv = online.reduce<number>((s, y, k) => s + (y === undefined ? 0 : presentValue(model, model.candidates[k]!, y)), 0);
            if (pv < best - 1e-9 && meets(online)) best = pv;
            return;
          }
          choose(i + 1, [...online, undefined]);
          for (let y = model.candidates[i]!.online; y <= model.candidates[i]!.latest; y++) choose(i + 1, [...online, y]);
        };
        choose(0, []);
        const plan = solveRobustPlan(model, futures, solver, { confidence: c.confidence, objective: 'capex' });
        expect(plan.feasible).toBe(best < Infinity);
        if (!plan.feasible) return;
        expect(plan.pv.reduce((s, x) => s + x, 0)).toBeCloseTo(best, 6);
        for (const t of plan.inSample) expect(t.share).toBeGreaterThanOrEqual(c.confidence - 1e-9);
        // Feasible in every future it counts as met, so no future's own least-cost plan (P = 1, that future alone) costs more.
        if (c.confidence === 1) {
          for (const f of futures) {
            const own = solvePlan({ ...f.model, candidates: f.model.candidates }, solver);
            if (own.feasible) expect(own.pv.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(best + 1e-6);
          }
        }
      }),
      { numRuns: 10, seed: 33 },
    );
  });
});

describe('plan-regret.csv worked by hand', () => {
  it('the median-demand future: perfect foresight builds iff d > 5; regret = capex + shortfall × value_per_t − perfect', () => {
    // One year (2030 = base year, so no discounting), capacity 5, the candidate adds 5 for 10 M USD, the
    // default value_per_t (10 USD/t, so 1 Mt short is worth 10 M USD). Built: regret 10 − perfect. Not built:
    // behaviour serves min(d, 5), short max(0, d − 5) Mt, regret 10·max(0, d − 5) − perfect.
    const { futures, model } = futuresOf(oneCandidate(2, 8), 21);
    const source = loadSource('test.yaml', (f) => (f === 'test.yaml' ? oneCandidate(2, 8) : ''));
    const named = namedFutures(source, model, [], futures);
    expect(named.map((n) => n.name)).toEqual(['demand-p5', 'demand-p50', 'demand-p95']);
    const ds = futures.map((f) => f.values.d!).sort((a, b) => a - b);
    // Nearest rank of 21: ⌈0.05·21⌉ = 2nd, ⌈0.5·21⌉ = 11th, ⌈0.95·21⌉ = 20th smallest.
    expect(named.map((n) => n.future.values.d)).toEqual([ds[1], ds[10], ds[19]]);
    const rows = regrets(model, named, [{ name: 'build', decided: new Map([['more', 2030]]), pv: 10 }, { name: 'none', decided: new Map(), pv: 0 }], solver);
    for (const r of rows) {
      const d = r.future.future.values.d!;
      const perfect = d > 5 ? 10 : 0;
      expect(r.pvPerfect).toBeCloseTo(perfect, 9);
      const short = r.plan === 'build' ? Math.max(0, d - 10) : Math.max(0, d - 5);
      expect(r.shortfall).toBeCloseTo(short, 9);
      expect(r.regret).toBeCloseTo(r.pvPlan + 10 * short - perfect, 6);
      // The row says what perfect foresight builds there, and what the future draws.
      expect(r.perfectPlan).toBe(d > 5 ? 'more 2030' : 'nothing');
    }
    expect(drawsText(named[1]!.future.values)).toBe(`d=${+named[1]!.future.values.d!.toPrecision(6)}`);
  });

  it('a param that moves an opening has a late case at its latest value; one that does not has none', () => {
    const text = oneCandidate(2, 8)
      .replace('years: { start: 2030, end: 2030 }', 'years: { start: 2030, end: 2031 }')
      .replace('params: { d: 5 }', 'params: { d: 5, opens: 2030 }')
      .replace('uncertainty: {', 'uncertainty: { opens: { dist: discrete, values: [2030, 2031], weights: [0.7, 0.3] },')
      .replace('capex_musd: 10 }]', 'capex_musd: 10 }, { id: other, target: ab, effect: { add: 1 }, online: opens }]');
    const { futures, model } = futuresOf(text, 5);
    const source = loadSource('test.yaml', (f) => (f === 'test.yaml' ? text : ''));
    const late = namedFutures(source, model, [], futures).filter((n) => n.name.endsWith('-late'));
    expect(late.map((n) => [n.name, n.future.values.opens])).toEqual([['opens-late', 2031]]);
    expect(late[0]!.future.model.projects.find((p) => p.id === 'other')!.online).toBe(2031);
  });
});

describe('Benders decomposition against the one MILP', () => {
  // Two flows share link y, each with a target the same year (the check must route them jointly), one flow
  // carries its unserved demand (pieces span years); both methods must reach the same least PV, a value
  // the monolithic MILP (solved by HiGHS's branch and bound, not by cuts) works out independently.
  const caseArb = fc.record({
    capX: fc.integer({ min: 0, max: 5 }),
    capY: fc.integer({ min: 0, max: 6 }),
    needF: fc.integer({ min: 1, max: 6 }),
    shareG: fc.constantFrom(0.5, 0.8, 1),
    carry: fc.boolean(),
    confidence: fc.constantFrom(0.5, 0.8, 1),
    runs: fc.integer({ min: 1, max: 8 }),
    seed: fc.integer({ min: 1, max: 1000 }),
    candidates: fc.array(fc.record({ on: fc.constantFrom('x', 'y'), add: fc.integer({ min: 1, max: 5 }), capex: fc.integer({ min: 1, max: 40 }), online: fc.integer({ min: 2030, max: 2032 }) }), { minLength: 1, maxLength: 3 }),
  });
  type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
  const scenario = (c: Case) => `
name: joint
years: { start: 2030, end: 2032 }
params: { d: 4, e2: 3 }
uncertainty: { d: { dist: uniform, min: 1, max: 7 }, e2: { dist: uniform, min: 1, max: 6 } }
nodes: [{ id: a }, { id: b }, { id: c }]
links: [{ id: x, from: a, to: b, capacity: ${c.capX} }, { id: y, from: b, to: c, capacity: ${c.capY} }]
flows:
  - { id: f, origin: a, destination: c, demand: d, routes: [{ id: fxy, via: [x, y] }] }
  - { id: g, origin: b, destination: c, demand: e2, ${c.carry ? 'unserved: carry, ' : ''}routes: [{ id: gy, via: [y] }] }
targets:
  - { id: tf, flows: [f], served_at_least: ${c.needF}, from: 2031 }
  - { id: tg, flows: [g], share_served_at_least: ${c.shareG}, from: 2032 }
projects:
${c.candidates.map((k, i) => `  - { id: k${i}, target: ${k.on}, effect: { add: ${k.add} }, candidate: true, capex_musd: ${k.capex}, online: ${k.online} }`).join('\n')}
`;

  it('reaches the same least PV on random cases with joint targets and carried demand', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { futures, model } = futuresOf(scenario(c), c.runs, c.seed);
        const options = { confidence: c.confidence, objective: 'capex' as const };
        const benders = solveRobustPlan(model, futures, solver, { ...options, method: 'benders' });
        const milp = solveRobustPlan(model, futures, solver, { ...options, method: 'monolithic' });
        expect(benders.feasible).toBe(milp.feasible);
        if (!benders.feasible || !milp.feasible) return;
        expect(benders.method).toBe('benders');
        expect(benders.proven).toBe(true);
        expect(benders.objective).toBeCloseTo(milp.objective, 6);
        for (const t of benders.inSample) expect(t.share).toBeGreaterThanOrEqual(c.confidence - 1e-9);
      }),
      { numRuns: 12, seed: 33 },
    );
  });
});

describe('a solve stopped by the time limit', () => {
  // A solver whose master MILP "hits the limit" at once: it returns HiGHS's point with a made-up gap of 25 %,
  // or a point that opens nothing. Demand U(2, 8) exceeds 5 in about half of 20 futures, so P = 0.9 needs
  // the candidate (10 M USD in the base year: PV 10). Gap reported = (incumbent − bound) / incumbent with
  // bound = 10 × (1 − 0.25): 0.25 again. A point that opens nothing meets too few futures: no plan, an error.
  const stopping = (empty: boolean) =>
    ({
      solve: (p: Parameters<Solver['solve']>[0], what: string, o?: Parameters<Solver['solve']>[2]) => {
        const real = solver.solve(p, what, o);
        if (what !== 'the master programme' || real.status !== 'optimal') return real;
        return { status: 'limit', objective: real.objective, x: empty ? new Float64Array(real.x.length) : real.x, gap: 0.25 };
      },
    }) as unknown as Solver;

  it('reports the best plan found, not proven, with its gap; exit 1 (a SolverError) when it has none', () => {
    const { futures, model } = futuresOf(oneCandidate(2, 8), 20);
    const plan = solveRobustPlan(model, futures, stopping(false), { confidence: 0.9, objective: 'capex', method: 'benders' });
    expect(plan.feasible).toBe(true);
    if (!plan.feasible) return;
    expect([plan.proven, plan.online]).toEqual([false, [2030]]);
    expect(plan.gap).toBeCloseTo(0.25, 9);
    expect(() => solveRobustPlan(model, futures, stopping(true), { confidence: 0.9, objective: 'capex', method: 'benders' })).toThrow(/the time limit was reached after \d+ master solves/);
  });
});

describe('corridor plan --runs: bad input and a run', () => {
  it('exit 2 with a sentence for --confidence, --runs and a scenario without uncertainty; a small run writes plan-robustness.csv', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-robust-'));
    try {
      const file = path.join(dir, 'r.yaml');
      fs.writeFileSync(file, oneCandidate(3, 6));
      const bad = async (...a: string[]) => cli('plan', file, '--out', path.join(dir, 'bad'), ...a);
      expect((await bad('--runs', '10', '--confidence', '1.5')).err).toMatch(/--confidence must lie in \(0, 1\], got 1\.5/);
      expect((await bad('--runs', '0')).err).toMatch(/--runs must be a whole number from 1 to 10,000, got 0/);
      const plain = path.join(dir, 'plain.yaml');
      fs.writeFileSync(plain, oneCandidate(3, 6).replace(/^uncertainty:.*$/m, ''));
      const r = await cli('plan', plain, '--runs', '10');
      expect([r.code, r.err]).toEqual([2, expect.stringMatching(/has no `uncertainty` block: --runs draws its futures from one/)]);
      expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);
      const ok = await cli('plan', file, '--runs', '20', '--confidence', '0.8', '--evaluate', '50', '--out', path.join(dir, 'ok'), '--report');
      expect(ok.code).toBe(0);
      const rows = fs.readFileSync(path.join(dir, 'ok', 'plan-robustness.csv'), 'utf8').trim().split('\n');
      // One target-year (2030), two plans (deterministic, robust), by plan name.
      expect(rows[0]).toBe('scenario,plan,year,target,p_met_optimal,p_met_behaviour,expected_shortfall_mt');
      expect(rows.map((l) => l.split(',').slice(1, 4).join(','))).toEqual(['plan,year,target', 'deterministic,2030,all', 'robust,2030,all']);
      // ⌈0.8 · 20⌉ = 16 futures needed; 20250930 is the default seed.
      expect(ok.out).toMatch(/planned for 20 futures \(seed 20250930\): each target-year met in at least 16 of them/);
      // Three demand futures × two plans, nothing else uncertain moves an opening.
      const regret = fs.readFileSync(path.join(dir, 'ok', 'plan-regret.csv'), 'utf8').trim().split('\n');
      expect(regret[0]).toBe('scenario,future,description,draws,perfect_plan,plan,pv_perfect_musd,pv_plan_musd,shortfall_mt,shortfall_value_musd,regret_musd');
      expect(regret.slice(1).map((l) => l.split(',')[1])).toEqual(['demand-p5', 'demand-p5', 'demand-p50', 'demand-p50', 'demand-p95', 'demand-p95']);
      // The report: the chance per year for both plans, and the robust plan's build (the central d = 4.5 < 5 builds
      // nothing; d ~ U(3, 6) exceeds 5 in about a third of futures, more than the 4 of 20 that P = 0.8 may give up).
      const html = fs.readFileSync(path.join(dir, 'ok', 'report.html'), 'utf8');
      expect(html).toContain('Chance that behaviour meets all');
      expect(html).toContain('robust: more');
      expect(html).not.toContain('deterministic: more');
      expect(html).toMatch(/Out of sample, the deterministic plan meets all with behaviour in [\d.]+ % of futures/);
      // Without the candidate no plan holds in every future (d ~ U(3, 6) exceeds 5 in a third of them): the message says how far one gets.
      const infeasible = await cli('plan', file, '--runs', '10', '--confidence', '1', '--set', 'projects.more.remove=true', '--out', path.join(dir, 'none'));
      expect([infeasible.code, infeasible.err]).toEqual([3, expect.stringMatching(/The most any plan reaches \(every candidate at its earliest\): all in 2030 met in \d+ of 10/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
