// The scenarios users make while building a model up: a network without
// flows, one year, a target with only its required keys. Every command that
// solves treats a programme without columns (no flows → no routes) as the
// trivially optimal one, and every other status HiGHS can return is named in
// words.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveOptimum } from '../../src/optimize/optimum.js';
import { solvePlan } from '../../src/optimize/plan.js';
import { Solver, STATUS_WORDS, statusInWords } from '../../src/optimize/solver.js';
import { simulate } from '../../src/engine/simulate.js';
import { modelOf } from '../support/build.js';
import { cli } from '../support/cli.js';

let solver: Solver;
let dir: string;
beforeAll(async () => {
  solver = await Solver.load();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-edge-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Two nodes and a link with a capacity, a candidate that doubles it, and no flows at all. */
const NO_FLOWS = `
name: no-flows
years: { start: 2030, end: 2031 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 5 }]
projects:
  - { id: more, target: ab, effect: { add: 5 }, candidate: true, capex_musd: 10 }
`;

describe('a network without flows', () => {
  it('optimum: 0 served every year, every capacity worth 0', () => {
    const model = modelOf(NO_FLOWS);
    const o = solveOptimum(model, simulate(model).capacity, solver);
    expect([...o.served]).toEqual([0, 0]);
    expect([...o.value]).toEqual([0, 0]);
  });

  it('plan: a share of no demand is met by building nothing; a volume of no flows has no plan', () => {
    // Σ of no flows is 0: share 1 × demand 0 = 0 required (met); 1 Mt/year required cannot be met.
    const met = solvePlan(modelOf(`${NO_FLOWS}targets: [{ id: all, share_served_at_least: 1 }]\n`), solver);
    expect(met).toEqual({ feasible: true, online: [undefined], pv: [0] });
    const short = solvePlan(modelOf(`${NO_FLOWS}targets: [{ id: one, served_at_least: 1 }]\n`), solver);
    expect(short.feasible).toBe(false);
    if (!short.feasible) expect(short.short.map((s) => [s.y, s.required, s.best])).toEqual([[0, 1, 0], [1, 1, 0]]);
  });

  it('the CLI: run, optimum and plan exit 0 (no plan: 3, naming the target-years)', async () => {
    const file = path.join(dir, 'no-flows.yaml');
    fs.writeFileSync(file, `${NO_FLOWS}targets: [{ id: all, share_served_at_least: 1 }]\n`);
    for (const command of ['run', 'optimum', 'plan']) {
      const r = await cli(command, file, '--out', path.join(dir, command), '--quiet');
      expect([command, r.code, r.err]).toEqual([command, 0, '']);
    }
    expect(fs.readFileSync(path.join(dir, 'optimum', 'optimum.csv'), 'utf8')).toBe(
      'scenario,year,demand_mt,served_mt,optimal_served_mt,routing_loss_mt\nno-flows,2030,0,0,0,0\nno-flows,2031,0,0,0,0\n',
    );
    const none = path.join(dir, 'none.yaml');
    fs.writeFileSync(none, `${NO_FLOWS}targets: [{ id: one, served_at_least: 1 }]\n`);
    const r = await cli('plan', none, '--out', path.join(dir, 'none'));
    expect(r.code).toBe(3);
    expect(r.err).toContain('  one 2030: at most 0 of 1 Mt/year (short 1)\n  one 2031: at most 0 of 1 Mt/year (short 1)\n');
  });
});

describe('one year, and a target with only its required keys', () => {
  it('the contract’s example target (no from, no to) applies in every year; in a one-year scenario, in that year', async () => {
    // One flow of 4 on a link of 3: share served 0.75, so "share ≥ 1" is missed by 1 Mt/year in 2030 alone.
    const file = path.join(dir, 'one-year.yaml');
    fs.writeFileSync(file, `
name: one-year
years: { start: 2030, end: 2030 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 3 }]
flows: [{ id: f, origin: a, destination: b, demand: 4, routes: [{ id: r, via: [ab] }] }]
targets:
  - id: no-shortfall
    share_served_at_least: 1
`);
    const r = await cli('check', file);
    expect(r.code).toBe(3);
    expect(r.out).toBe(`${file}: missed no-shortfall 2030: served 3 of 4 Mt/year (short 1)\n0 met, 1 missed\n`);
  });
});

describe('HiGHS statuses', () => {
  it('every status other than empty, optimal and infeasible is named in words', async () => {
    const load = (await import('highs')).default as unknown as () => Promise<{ constants: { modelStatus: Record<string, number> } }>;
    const highs = await load();
    const handled = new Set([6, 7, 8, 9]);
    for (const [name, code] of Object.entries(highs.constants.modelStatus)) {
      if (handled.has(code)) continue;
      expect([name, STATUS_WORDS[code]]).toEqual([name, expect.stringMatching(/^[a-zA-Z]/)]);
      expect(statusInWords(code)).toContain(`(HiGHS model status ${code})`);
    }
    expect(statusInWords(99)).toMatch(/does not know/);
  });
});
