// corridor montecarlo against closed forms, determinism across workers, and Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, interruptedCli, withWorkers } from '../support/cli.js';
import { drawParams } from '../../src/analysis/montecarlo.js';
import { modelOf } from '../support/build.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-mc-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const rows = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').map((l) => l.split(','));
const pick = (table: string[][], year: number, metric: string, element = '') => {
  const header = table[0]!;
  const row = table.find((r) => r[1] === String(year) && r[2] === metric && r[3] === element)!;
  return Object.fromEntries(header.map((h, i) => [h, Number(row[i])]));
};

// One unconstrained link; demand 1 · (1 + g)^(yr − 2025) with g (`growth`; `g` is a unit) ~ uniform(0.05, 0.15).
const GROWTH = `
name: growth
years: { start: 2025, end: 2035 }
params: { growth: 0.1 }
uncertainty: { growth: { dist: uniform, min: 0.05, max: 0.15 } }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b }]
flows: [{ id: f, origin: a, destination: b, demand: "(1 + growth)^(yr - 2025)", routes: [{ id: r, via: [ab] }] }]
`;

// A link of 1 Mt/yr raised to 2 by a project whose online year is 2026, 2027 or 2028 with
// weights 0.6 / 0.3 / 0.1; demand 1.5 is unserved exactly while the project is not yet online.
const DELAY = `
name: delay
years: { start: 2025, end: 2029 }
params: { online: 2026 }
uncertainty: { online: { dist: discrete, values: [2026, 2027, 2028], weights: [0.6, 0.3, 0.1] } }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 1 }]
projects: [{ id: p, target: ab, effect: { set: 2 }, online: online }]
flows: [{ id: f, origin: a, destination: b, demand: 1.5, routes: [{ id: r, via: [ab] }] }]
`;

describe('corridor montecarlo', () => {
  it('matches the closed form of growth ~ uniform(0.05, 0.15): median 1.1^k, p5 1.055^k', async () => {
    // Demand is increasing in g, so its quantiles are (1 + g_q)^k with g_0.5 = 0.10, g_0.05 = 0.055.
    // With N = 2000 the sample median of g has sd √(0.25/N)/f = 0.0011 (density f = 10), and the
    // 5th percentile √(0.05·0.95/N)/f = 0.0005; at k = 10, three sd move demand by 3.1 % and 1.4 %.
    // The sketch adds at most 0.1 %. Tolerances: 3.5 % and 2 %.
    fs.writeFileSync(path.join(dir, 'g.yaml'), GROWTH);
    const r = await cli('montecarlo', path.join(dir, 'g.yaml'), '--runs', '2000', '--seed', '42', '--workers', '1', '--out', dir);
    expect(r.code).toBe(0);
    const mc = rows('montecarlo.csv');
    const k = 10;
    const d = pick(mc, 2025 + k, 'demand_mt');
    expect(Math.abs(d.p50! / 1.1 ** k - 1)).toBeLessThan(0.035);
    expect(Math.abs(d.p5! / 1.055 ** k - 1)).toBeLessThan(0.02);
    expect(d.p5!).toBeLessThan(d.p25!);
    expect(d.p75!).toBeLessThan(d.p95!);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.seed).toBe(42);
    expect(Math.abs(manifest.draws.growth.mean - 0.1)).toBeLessThan(0.003); // sd of the mean: 0.0289/√2000 = 0.00065
  });

  it('a discrete delay with weights 0.6 / 0.3 / 0.1 shows up in those shares', async () => {
    // P(unserved) is P(online > year): 0.4 in 2026, 0.1 in 2027, 0 from 2028; 1 in 2025.
    // N = 2000: sd √(0.4·0.6/N) = 0.011; tolerance 0.04.
    fs.writeFileSync(path.join(dir, 'd.yaml'), DELAY);
    await cli('montecarlo', path.join(dir, 'd.yaml'), '--runs', '2000', '--seed', '7', '--workers', '1', '--out', dir);
    const mc = rows('montecarlo.csv');
    const p = (y: number) => pick(mc, y, 'p_unserved').mean!;
    expect(p(2025)).toBe(1);
    expect(Math.abs(p(2026) - 0.4)).toBeLessThan(0.04);
    expect(Math.abs(p(2027) - 0.1)).toBeLessThan(0.04);
    expect(p(2028)).toBe(0);
    // The link binds exactly when the project is late: the same shares.
    expect(pick(mc, 2026, 'binding_share', 'ab').mean).toBe(p(2026));
    // Its utilization is 1 when late and 1.5 / 2 = 0.75 once expanded: p5 0.75 within the
    // sketch's 0.1 % relative accuracy, p95 exactly 1 (the runs tied at the top).
    const u = pick(mc, 2026, 'utilization', 'ab');
    expect(Math.abs(u.p5! / 0.75 - 1)).toBeLessThan(0.001);
    expect(u.p95).toBe(1);
  });

  it('the same seed gives the same bytes, whatever the number of workers; another seed differs', async () => {
    fs.writeFileSync(path.join(dir, 'g.yaml'), GROWTH);
    // 1,000 runs: five batches of BATCH_RUNS (200), so that both threads take some.
    const runMc = (out: string, workers: string, seed = '5') =>
      withWorkers(() => cli('montecarlo', path.join(dir, 'g.yaml'), '--runs', '1000', '--seed', seed, '--workers', workers, '--keep-runs', '--out', path.join(dir, out)));
    await runMc('w1', '1');
    expect((await runMc('w2', '2')).out).toContain('2 threads');
    await runMc('again', '2');
    await runMc('other', '1', '6');
    for (const f of ['montecarlo.csv', 'runs.csv']) {
      const one = fs.readFileSync(path.join(dir, 'w1', f), 'utf8');
      expect(fs.readFileSync(path.join(dir, 'w2', f), 'utf8')).toBe(one);
      expect(fs.readFileSync(path.join(dir, 'again', f), 'utf8')).toBe(one);
      expect(fs.readFileSync(path.join(dir, 'other', f), 'utf8')).not.toBe(one);
    }
    expect(rows('w1/runs.csv')).toHaveLength(1 + 1000 * 11);
  });

  it('adding a param does not change the draws of the others', () => {
    // Streams are keyed by seed, param and run, never by position: `growth` draws the same
    // values whether or not `alpha` (drawn first, by name) is uncertain too.
    const one = modelOf(GROWTH);
    const two = modelOf(GROWTH.replace('params: { growth: 0.1 }', 'params: { growth: 0.1, alpha: 1 }')
      .replace('uncertainty: {', 'uncertainty: { alpha: { dist: normal, mean: 1, sd: 0.1 },'));
    expect(two.uncertainty.map((p) => p.name)).toEqual(['alpha', 'growth']);
    for (const run of [0, 1, 2, 500]) {
      expect(drawParams(two, 5, run).values.growth).toBe(drawParams(one, 5, run).values.growth);
    }
    expect(drawParams(one, 5, 0).values.growth).not.toBe(drawParams(one, 6, 0).values.growth); // the seed matters
  });

  it('a draw that makes the scenario invalid is a positioned input error (exit 2), on any thread', async () => {
    // One run in a hundred draws online = 2026.5, not a whole year; the runs are spread over
    // the main thread and a worker, and whichever meets it first reports it.
    fs.writeFileSync(path.join(dir, 'd.yaml'), DELAY.replace('values: [2026, 2027, 2028], weights: [0.6, 0.3, 0.1]', 'values: [2026, 2026.5], weights: [0.99, 0.01]'));
    const r = await withWorkers(() => cli('montecarlo', path.join(dir, 'd.yaml'), '--runs', '400', '--workers', '2', '--out', path.join(dir, 'out')));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/d\.yaml:8:61: projects\[0\]\.online: "online" is 2026\.5, not a whole year \(for a year drawn from a distribution, write round\(name\)\)/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('reproduces the fan of outcomes quoted in docs/middle-corridor.md', async () => {
    // 2,000 runs, default seed: TITR carried (the Caspian crossing's flow) in 2030 and how
    // often the crossing binds. Pinned so that a change to the engine or the sampling that
    // moves the documented numbers is noticed (then re-run the command and update the docs).
    const r = await cli('montecarlo', 'scenarios/middle-corridor-spill.yaml', '--runs', '2000', '--workers', '1', '--out', dir);
    expect(r.code).toBe(0);
    const mc = rows('montecarlo.csv');
    const flow = pick(mc, 2030, 'flow_mt', 'caspian-crossing');
    expect([flow.p5, flow.p50, flow.p95].map((x) => x!.toFixed(2))).toEqual(['4.85', '6.32', '6.85']);
    expect(pick(mc, 2030, 'binding_share', 'caspian-crossing').mean).toBeCloseTo(0.5235, 4);
    expect(pick(mc, 2035, 'binding_share', 'caspian-crossing').mean).toBeCloseTo(0.8735, 4);
  });

  it('bad --runs and --workers are both reported, exit 2, before anything runs', async () => {
    const r = await cli('montecarlo', 'scenarios/middle-corridor-spill.yaml', '--runs', '0', '--workers', '2.5', '--out', path.join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--runs must be a whole number from 1 to 1,000,000, got 0');
    expect(r.err).toContain('--workers must be a whole number from 1 to 256, got 2.5');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('Ctrl-C stops cleanly and writes nothing', async () => {
    const out = path.join(dir, 'out');
    const r = await interruptedCli(1500, 'montecarlo', 'scenarios/middle-corridor-spill.yaml', '--runs', '100000', '--workers', '1', '--keep-runs', '--out', out);
    expect(r.code).toBe(130);
    expect(r.err).toContain('interrupted; nothing was written');
    // Not even the folder: it did not exist before the run.
    expect(fs.existsSync(out)).toBe(false);
  });
});
