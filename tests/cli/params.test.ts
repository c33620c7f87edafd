// Params that explain themselves: `{ value, description, unit, min, max }`
// beside bare numbers, `corridor params`, and the range held for --set,
// variants and draws.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorsOf, modelOf } from '../support/build.js';
import { cli } from '../support/cli.js';

const SCENARIO = `
name: pd
years: { start: 2030, end: 2031 }
params:
  growth: { value: 0.1, description: Demand growth a year, unit: share per year, min: 0, max: 0.3 }
  plain: 5
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 50 }]
flows: [{ id: f, origin: a, destination: b, demand: "plain * (1 + growth)^(yr - 2030)", routes: [{ id: r, via: [ab] }] }]
`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-params-'));
  fs.writeFileSync(path.join(dir, 'pd.yaml'), SCENARIO);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('described params', () => {
  it('a described param is its value to the model; a bare number stays valid', () => {
    // 2031: 5 × 1.1 = 5.5.
    const model = modelOf(SCENARIO);
    expect(model.params).toEqual({ growth: 0.1, plain: 5 });
    expect(model.flows[0]!.demand[1]).toBeCloseTo(5.5, 12);
  });

  it('corridor params lists value, unit, range and description; every shipped baseline param is described', async () => {
    const r = await cli('params', path.join(dir, 'pd.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/growth\s+0\.1\s+share per year\s+\[0, 0\.3\]\s+Demand growth a year/);
    expect(r.out).toMatch(/without a description: plain/);
    for (const file of ['scenarios/middle-corridor-spill.yaml', 'scenarios/middle-corridor.yaml', 'scenarios/tutorial.yaml', 'scenarios/middle-corridor-dm-late.yaml']) {
      const shipped = await cli('params', file);
      expect(shipped.code).toBe(0);
      expect(shipped.out).not.toMatch(/without a description/);
    }
    // A variant's bare number is the value of the base's described param: the description stays.
    expect((await cli('params', 'scenarios/middle-corridor-dm-late.yaml')).out).toMatch(/dm_online\s+2027\s+year\s+\[2019, 2040\]\s+Year the Dostyk–Moyinty second track opens/);
    // Its uncertainty shows beside it.
    expect((await cli('params', 'scenarios/middle-corridor-spill.yaml')).out).toMatch(/titr_growth\s+0\.1\s+share per year\s+\[-0\.5, 1\]\s+triangular 0–0\.217, mode 0\.1/);
  });

  it('--set keeps the description and holds the range; outside it is exit 2 naming the range', async () => {
    const inside = await cli('params', path.join(dir, 'pd.yaml'), '--set', 'growth=0.2');
    expect(inside.out).toMatch(/growth\s+0\.2\s+share per year\s+\[0, 0\.3\]\s+Demand growth a year/);
    const dotted = await cli('params', path.join(dir, 'pd.yaml'), '--set', 'params.growth=0.25');
    expect(dotted.out).toMatch(/growth\s+0\.25\s+share per year/);
    const outside = await cli('run', path.join(dir, 'pd.yaml'), '--set', 'growth=0.5', '--out', path.join(dir, 'out'));
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/--set growth=0\.5: params\.growth\.value: param "growth" is 0\.5, outside its range \[0, 0\.3\]/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('a distribution that can draw outside the range, and a range upside down, are refused with positions', () => {
    expect(errorsOf(`${SCENARIO}uncertainty:\n  growth: { dist: uniform, min: 0, max: 0.4 }\n`)).toEqual([
      expect.stringMatching(/uncertainty\.growth: "growth" may be drawn from 0 to 0\.4, outside its range \[0, 0\.3\]/),
    ]);
    expect(errorsOf(SCENARIO.replace('min: 0, max: 0.3', 'min: 0.3, max: 0'))).toEqual([expect.stringMatching(/params\.growth\.max: min must not exceed max/)]);
  });
});
