// corridor compare and corridor sweep, end to end in-process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, interruptedCli, withWorkers } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-cmp-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const csv = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').map((l) => l.split(','));

// Two links in series: a-b (10 Mt/yr) then b-c (12 Mt/yr); demand 4.5 Mt growing 10 %/yr from 2024.
// a-b is the bottleneck (same flow, less capacity); 4.5 · 1.1^k > 10 first for k = 9: 2033.
const SERIES = `
name: series
years: { start: 2024, end: 2040 }
params: { growth: 0.1 }
nodes: [{ id: a }, { id: b }, { id: c }]
links:
  - { id: a-b, from: a, to: b, capacity: 10 }
  - { id: b-c, from: b, to: c, capacity: 12 }
projects:
  - { id: widen, target: a-b, effect: { multiply: 2 }, online: 2045 }
flows:
  - { id: f, origin: a, destination: c, demand: "4.5 * (1 + growth)^(yr - 2024)", routes: [{ id: r, via: [a-b, b-c] }] }
`;

describe('corridor compare', () => {
  beforeEach(() => fs.writeFileSync(path.join(dir, 'series.yaml'), SERIES));

  it('a scenario compared with itself gives all-zero deltas', async () => {
    const r = await cli('compare', path.join(dir, 'series.yaml'), path.join(dir, 'series.yaml'), '--out', dir);
    expect(r.code).toBe(0);
    const [header, ...rows] = csv('compare.csv');
    expect(header).toEqual(['year', 'table', 'element', 'metric', 'series', 'series-2', 'delta_series-2', 'delta_pct_series-2']);
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      expect(row[6]).toBe('0');
      expect(['0', '']).toContain(row[7]); // empty where the base value is 0
    }
  });

  it('narrates the year and element worked out by hand', async () => {
    // Widening a-b ×2 in 2030 (20 Mt/yr) makes b-c (12) the bottleneck from 2030 and moves the
    // first unserved year from 2033 to 2035: 4.5 · 1.1^k > 12 first for k = 11 (1.1^11 = 2.853).
    const r = await cli('compare', path.join(dir, 'series.yaml'), '--variant', 'widen:projects.widen.online=2030', '--out', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('project widen: online 2045 → 2030 (−15 years)');
    expect(r.out).toContain('first year with unserved demand: 2033 → 2035 (+2)');
    expect(r.out).toContain('2030–2040: bottleneck moves from a-b to b-c');
    const rows = csv('compare.csv');
    const unserved2035 = rows.find((x) => x[0] === '2035' && x[1] === 'summary' && x[3] === 'unserved_mt')!;
    expect(Number(unserved2035[4])).toBeCloseTo(4.5 * 1.1 ** 11 - 10, 6);
    expect(Number(unserved2035[6])).toBeCloseTo(-2, 9); // 2 Mt/yr more capacity, all used
    const summary = csv('compare-summary.csv');
    expect(summary[0]).toEqual(['scenario', 'served_total_mt', 'unserved_total_mt', 'first_unserved_year', 'most_binding', 'most_binding_years', 'capex_musd']);
    expect(summary.map((x) => x[3])).toEqual(['first_unserved_year', '2033', '2035']);
  });

  it('delta_pct is empty, not infinite, when the base is zero', async () => {
    // At 20 %/yr, 2030 demand is 4.5 · 1.2^6 = 13.44 > 10: 3.44 unserved against none in the base.
    await cli('compare', path.join(dir, 'series.yaml'), '--variant', 'fast:growth=0.2', '--out', dir);
    const row = csv('compare.csv').find((x) => x[0] === '2030' && x[1] === 'summary' && x[3] === 'unserved_mt')!;
    expect(row.slice(4)).toEqual(['0', String(+(4.5 * 1.2 ** 6 - 10).toFixed(6)), String(+(4.5 * 1.2 ** 6 - 10).toFixed(6)), '']);
  });

  it('a variant that only delays a project changes nothing before the original online year', async () => {
    const r = await cli('compare', 'scenarios/middle-corridor-spill.yaml', '--variant', 'late:projects.dm-second-track.online=2027', '--out', dir);
    expect(r.code).toBe(0);
    const rows = csv('compare.csv').slice(1);
    for (const row of rows.filter((x) => Number(x[0]) < 2025)) expect(row[6]).toBe('0');
    expect(rows.some((x) => Number(x[0]) === 2025 && x[6] !== '0')).toBe(true);
  });

  it('--format json gives the findings to scripts', async () => {
    const r = await cli('compare', path.join(dir, 'series.yaml'), '--variant', 'fast:growth=0.2', '--format', 'json', '--out', dir);
    const json = JSON.parse(r.out);
    expect(json.scenarios.map((s: { name: string }) => s.name)).toEqual(['series', 'fast']);
    expect(json.findings.some((f: { text: string }) => f.text.startsWith('param growth: 0.1 → 0.2'))).toBe(true);
  });

  it('reports every bad override at once and exits 2', async () => {
    const r = await cli('compare', path.join(dir, 'series.yaml'), '--variant', 'a:grwth=1', '--variant', 'b:projects.nope.online=2030,growth=fast', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--variant a: grwth=1: grwth: unknown param "grwth"; did you mean `growth`?');
    expect(r.err).toContain('--variant b: projects.nope.online=2030: projects.nope.online: no element with id "nope"');
    expect(r.err).toContain('--variant b: growth=fast');
    expect(fs.existsSync(path.join(dir, 'compare.csv'))).toBe(false);
  });
});

describe('corridor sweep', () => {
  beforeEach(() => fs.writeFileSync(path.join(dir, 'series.yaml'), SERIES));

  it('a sweep over one param gives the same numbers as separate runs with --set', async () => {
    const r = await cli('sweep', path.join(dir, 'series.yaml'), '--param', 'growth=0.05:0.15:0.05', '--out', path.join(dir, 'sweep'));
    expect(r.code).toBe(0);
    const sweep = csv('sweep/sweep.csv');
    expect(sweep[0]!.slice(0, 4)).toEqual(['scenario', 'growth', 'year', 'demand_mt']);
    for (const g of ['0.05', '0.1', '0.15']) {
      await cli('run', path.join(dir, 'series.yaml'), '--set', `growth=${g}`, '--out', path.join(dir, g), '--quiet');
      const summary = csv(`${g}/summary.csv`).slice(1);
      const rows = sweep.filter((x) => x[1] === g);
      expect(rows.map((x) => [x[2], ...x.slice(3)])).toEqual(summary.map((x) => x.slice(1)));
    }
  });

  it('parallel and serial sweeps give byte-identical CSV', async () => {
    const args = ['sweep', 'scenarios/middle-corridor-spill.yaml', '--param', 'titr_growth=0.05:0.2:0.01', '--param', 'vessels_online=2026,2028,2030,2032,2034'];
    await cli(...args, '--workers', '1', '--out', path.join(dir, 'serial'));
    const r = await withWorkers(() => cli(...args, '--workers', '2', '--out', path.join(dir, 'parallel')));
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 threads');
    // Without forcing, a job this short (a tenth of a second) never starts a worker.
    expect((await cli(...args, '--workers', '2', '--out', path.join(dir, 'auto'))).out).toContain('runs/s, 1 thread)');
    const serial = fs.readFileSync(path.join(dir, 'serial/sweep.csv'), 'utf8');
    expect(serial.split('\n').length).toBe(16 * 5 * 22 + 2); // 80 combinations × 22 years + header + final newline
    expect(fs.readFileSync(path.join(dir, 'parallel/sweep.csv'), 'utf8')).toBe(serial);
    // Threads format their own rows: the decimal-comma dialect must reach them too.
    await cli(...args, '--workers', '1', '--decimal-comma', '--out', path.join(dir, 'serial-dc'));
    await withWorkers(() => cli(...args, '--workers', '2', '--decimal-comma', '--out', path.join(dir, 'parallel-dc')));
    const dc = fs.readFileSync(path.join(dir, 'serial-dc/sweep.csv'), 'utf8');
    expect(dc.startsWith('\uFEFFscenario;titr_growth;vessels_online;year;')).toBe(true);
    expect(dc.split('\n')[1]).toMatch(/^middle-corridor-spill;0,05;2026;2019;/);
    expect(fs.readFileSync(path.join(dir, 'parallel-dc/sweep.csv'), 'utf8')).toBe(dc);
  });

  it('Ctrl-C stops cleanly and leaves nothing in the output folder', async () => {
    const out = path.join(dir, 'out');
    // 200,001 combinations: minutes of work, interrupted after a second and a half.
    const r = await interruptedCli(1500, 'sweep', 'scenarios/middle-corridor-spill.yaml', '--param', 'titr_growth=0.05:0.25:0.000001', '--workers', '2', '--out', out);
    expect(r.code).toBe(130);
    expect(r.err).toContain('interrupted; nothing was written');
    // Not even the folder: it did not exist before the run.
    expect(fs.existsSync(out)).toBe(false);
  });

  it('bad params and overrides are all reported, exit 2', async () => {
    const r = await cli('sweep', path.join(dir, 'series.yaml'), '--param', 'grwth=0.1,0.2', '--param', 'projects.widen.online=2030.5');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown param "grwth"');
    expect(r.err).toContain('value is 2030.5, not a whole year');
    const usage = await cli('sweep', path.join(dir, 'series.yaml'), '--param', 'growth=0.2:0.1:0.05', '--param', 'x');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('the step must be positive and stop ≥ start');
    expect(usage.err).toContain('expected name=start:stop:step');
    const workers = await cli('sweep', path.join(dir, 'series.yaml'), '--param', 'x', '--workers', '2.5');
    expect(workers.code).toBe(2);
    expect(workers.err).toContain('expected name=start:stop:step');
    expect(workers.err).toContain('--workers must be a whole number from 1 to 256, got 2.5');
  });
});
