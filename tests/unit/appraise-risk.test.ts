// appraise --runs N --seed S: each run is montecarlo's draw of the same
// index, appraised; the summary's percentiles are montecarlo.csv's (lower
// quantile at rank q·(n − 1)); EIRRs that do not exist rank as ±∞ or are
// excluded; the bytes do not depend on the workers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appraise, PROGRAMME } from '../../src/appraise/appraise.js';
import { eirrRank, lowerQuantile, riskTable, RiskValues } from '../../src/appraise/risk.js';
import { drawParams } from '../../src/analysis/montecarlo.js';
import { buildWhatIf, loadSource } from '../../src/scenario/index.js';
import { modelOf } from '../support/build.js';
import { cli, withWorkers } from '../support/cli.js';

/** A link of 5 Mt/year, an uncertain demand around 10; a project adds 5 in 2030 for an uncertain capex around 100. */
const UNCERTAIN = `
name: risky
years: { start: 2030, end: 2039 }
params: { d: 10, bias: 1 }
uncertainty:
  d: { dist: uniform, min: 4, max: 12 }
  bias: { dist: triangular, min: 0.9, mode: 1, max: 1.6 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 5 }]
flows: [{ id: f, origin: a, destination: b, demand: d, routes: [{ id: r, via: [ab] }] }]
projects: [{ id: more, target: ab, effect: { add: 5 }, online: 2030, capex_musd: "100 * bias" }]
economics:
  value_per_t: 4
  value_of_time_per_t_day: 0
  life_years: 10
  appraisal: { discount_rate: 0.1, base_year: 2030 }
`;

async function withScenario(fn: (dir: string, file: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-risk-'));
  try {
    const file = path.join(dir, 'risky.yaml');
    fs.writeFileSync(file, UNCERTAIN);
    await fn(dir, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('appraisal risk', () => {
  it('one run equals the deterministic appraisal of that draw', async () => {
    await withScenario(async (dir, file) => {
      const r = await cli('appraise', file, '--runs', '1', '--seed', '7', '--out', path.join(dir, 'out'), '--quiet', '--report');
      expect(r.code).toBe(0);
      // The report's appraisal page: the per-project table, the tests, the ledger and the NPV distribution.
      const html = fs.readFileSync(path.join(dir, 'out', 'report.html'), 'utf8');
      for (const part of ['<h2>Per project</h2>', '<h2>Standard tests (NPV, M USD)</h2>', 'data-chart="appraisal-ledger"', 'data-chart="appraisal-risk"', 'P(NPV &lt; 0) = ']) expect(html).toContain(part);
      const [header, ...rows] = fs.readFileSync(path.join(dir, 'out', 'appraisal-risk.csv'), 'utf8').trim().split('\n');
      const col = header!.split(',').indexOf('npv_p50_musd');
      const source = loadSource(file, (f) => fs.readFileSync(f, 'utf8'));
      const draw = drawParams(modelOf(UNCERTAIN), 7, 0);
      const { rows: appraised } = appraise(buildWhatIf(source, [], draw.values, 'run 0').model!);
      for (const id of ['more', PROGRAMME]) {
        const line = rows.find((l) => l.split(',')[1] === id)!.split(',');
        // One run: every percentile and the mean are that run's NPV (written to six decimals).
        expect(Number(line[col])).toBeCloseTo(appraised.find((a) => a.id === id)!.summary.npv, 5);
        expect(line[header!.split(',').indexOf('runs')]).toBe('1');
      }
    });
  });

  it('the same seed gives the same bytes with one thread or two', async () => {
    await withScenario(async (dir, file) => {
      const one = await cli('appraise', file, '--runs', '120', '--seed', '3', '--workers', '1', '--out', path.join(dir, 'one'), '--quiet');
      const two = await withWorkers(() => cli('appraise', file, '--runs', '120', '--seed', '3', '--workers', '2', '--out', path.join(dir, 'two'), '--quiet'));
      expect([one.code, two.code]).toEqual([0, 0]);
      const read = (d: string) => fs.readFileSync(path.join(dir, d, 'appraisal-risk.csv'), 'utf8');
      expect(read('two')).toBe(read('one'));
      // Demand from 4 to 12 against a capacity of 5: in some futures the project serves nothing and loses its capex.
      const p = Number(read('one').split('\n')[1]!.split(',')[8]);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    });
  });

  it('percentiles at rank q·(n − 1); EIRRs ranked ±∞ where NPV keeps its sign, several rates excluded', () => {
    // 1…10: p5 at rank floor(0.45) = 0 → 1; p50 at floor(4.5) = 4 → 5; p95 at floor(8.55) = 8 → 9.
    const ten = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect([0.05, 0.5, 0.95].map((q) => lowerQuantile(ten, q))).toEqual([1, 5, 9]);
    expect(eirrRank({ rate: undefined, kind: 'negative', reason: '' })).toBe(-Infinity);
    expect(eirrRank({ rate: undefined, kind: 'positive', reason: '' })).toBe(Infinity);
    expect(eirrRank({ rate: undefined, kind: 'several', reason: '' })).toBeNaN();
    // Five runs: EIRR −∞, −∞, 0.05, 0.1 and one excluded. Ranked (4): p5 at rank 0 → −∞ (empty), p50 at floor(1.5) = 1 → −∞ (empty),
    // p95 at floor(2.85) = 2 → 0.05. NPVs −3, −1, 2, 4, 0: mean 0.4, P(NPV < 0) = 2/5.
    const v = new RiskValues(['x'], 5);
    v.add({ from: 0, npv: [[-3, -1, 2, 4, 0]], eirr: [[-Infinity, -Infinity, 0.05, 0.1, NaN]] });
    const [row] = riskTable(modelOf(UNCERTAIN), v).rows;
    expect(row).toEqual(['risky', 'x', 'world', 5, 0.4, -3, 0, 2, 0.4, null, null, 0.05, 1]);
  });

  it('--seed without --runs is a usage error', async () => {
    await withScenario(async (dir, file) => {
      const r = await cli('appraise', file, '--seed', '3', '--out', path.join(dir, 'out'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--seed and --workers go with --runs/);
    });
  });
});
