// Charts that read: units from the scenario's volume unit, shares and
// probabilities on % axes, legends titled by what they list.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { stackLabels } from '../../src/report/charts.js';
import { cli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-charts-'));
  expect((await cli('montecarlo', 'scenarios/middle-corridor-plan.yaml', '--runs', '20', '--out', dir)).code).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Monte Carlo report charts', () => {
  it('say Mt/year, draw utilization and probabilities in %, and title the targets’ legend "target"', () => {
    const report = buildReport(dir);
    const spec = (id: string) => JSON.stringify(report.charts.find((c) => c.id === id)!.spec);
    expect(report.charts.find((c) => c.id === 'fan-served')!.title).toBe('Served volume (Mt/year)');
    expect(spec('fan-served')).toContain('"title":"Mt/year"');
    expect(spec('fan-served')).not.toContain('served_mt');
    const utilization = report.charts.find((c) => c.id.startsWith('fan-utilization-'))!;
    expect(JSON.stringify(utilization.spec)).toContain('"title":"utilization (%)","axis":{"format":"%"}');
    // Probabilities: 0–100 %, so a target never met still shows an axis, not one tick "0.000000".
    expect(spec('target-odds')).toContain('"axis":{"format":"%"},"scale":{"domain":[0,1]}');
    expect(spec('target-odds')).toContain('"title":"target"');
    expect(report.findings[0]).toMatch(/ Mt\/year in 90 % of runs/);
  });
});

describe('opening labels on the element charts', () => {
  it('stack where they would run into each other, and stay on the top line where they do not', () => {
    // 2019–2040 on WIDTH px: a label of n characters is 6n px long. Two openings in 2025 share a year: the second
    // goes a line down (y 8 → 20); one in 2035 is far enough right of both to sit on the top line again.
    const placed = stackLabels([{ year: 2025, label: 'dm-second-track' }, { year: 2025, label: 'dostyk-exchange' }, { year: 2035, label: 'late' }], 2019, 2040);
    expect(placed.map((p) => [p.label, p.y])).toEqual([['dm-second-track', 8], ['dostyk-exchange', 20], ['late', 8]]);
  });
});
