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
import { drawFutures, type Future } from '../../src/optimize/futures.js';
import { mostForTarget, presentValue, solvePlan, withDecisions } from '../../src/optimize/plan.js';
import { futuresNeeded, solveRobustPlan } from '../../src/optimize/robust.js';
import { Solver } from '../../src/optimize/solver.js';
import { loadText, modelOf } from '../support/build.js';
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

function futuresOf(text: string, runs: number, seed = 7): { futures: Future[]; model: ReturnType<typeof modelOf> } {
  const source = loadSource('test.yaml', (f) => (f === 'test.yaml' ? text : ''));
  const model = loadText({ 'test.yaml': text }).model!;
  return { futures: drawFutures(source, model, [], seed, runs), model };
}

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
      { numRuns: 25 },
    );
  }, 60_000);
});

describe('corridor plan --runs: bad input and a run', () => {
  it('exit 2 with a sentence for --confidence, --runs and a scenario without uncertainty; a small run writes plan-robustness.csv', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-robust-'));
    try {
      const file = path.join(dir, 'r.yaml');
      fs.writeFileSync(file, oneCandidate(3, 6));
      const bad = async (...a: string[]) => cli('plan', file, '--out', path.join(dir, 'bad'), ...a);
      expect((await bad('--runs', '10', '--confidence', '1.5')).err).toMatch(/--confidence must lie in \(0, 1\], got 1\.5/);
      expect((await bad('--runs', '0')).err).toMatch(/--runs must be a whole number ≥ 1, got 0/);
      const plain = path.join(dir, 'plain.yaml');
      fs.writeFileSync(plain, oneCandidate(3, 6).replace(/^uncertainty:.*$/m, ''));
      const r = await cli('plan', plain, '--runs', '10');
      expect([r.code, r.err]).toEqual([2, expect.stringMatching(/has no `uncertainty` block: --runs draws its futures from one/)]);
      expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);
      const ok = await cli('plan', file, '--runs', '20', '--confidence', '0.8', '--evaluate', '50', '--out', path.join(dir, 'ok'));
      expect(ok.code).toBe(0);
      const rows = fs.readFileSync(path.join(dir, 'ok', 'plan-robustness.csv'), 'utf8').trim().split('\n');
      // One target-year (2030), two plans (deterministic, robust), by plan name.
      expect(rows[0]).toBe('scenario,plan,year,target,p_met_optimal,p_met_behaviour,expected_shortfall_mt');
      expect(rows.map((l) => l.split(',').slice(1, 4).join(','))).toEqual(['plan,year,target', 'deterministic,2030,all', 'robust,2030,all']);
      expect(ok.out).toMatch(/planned for 20 futures \(seed 20250930\): each target-year met in at least 16 of them/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
