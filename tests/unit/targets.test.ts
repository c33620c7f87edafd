// Targets and candidates in the format: how targets are measured on a run
// (worked by hand), `corridor check`, and the problems bad input gives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetYears } from '../../src/engine/targets.js';
import { targetsTable } from '../../src/io/tables.js';
import { toCsv } from '../../src/io/csv.js';
import { errorsOf, run } from '../support/build.js';
import { cli } from '../support/cli.js';

// One flow of 4 Mt/year on a link of 3 Mt/year: served 3, unserved 1, every year.
const BASE = `
name: t
years: { start: 2030, end: 2032 }
nodes: [{ id: a }, { id: b }]
links: [{ id: ab, from: a, to: b, capacity: 3 }]
flows:
  - { id: f, origin: a, destination: b, demand: 4, routes: [{ id: r, via: [ab] }] }
  - { id: g, origin: a, destination: b, demand: 0, routes: [{ id: r, via: [ab] }] }
`;

describe('targets on a run', () => {
  it('a volume and a share, worked by hand', () => {
    const result = run(`${BASE}
targets:
  - { id: vol, flows: [f], from: 2031, served_at_least: 3.5 }    # 3 served < 3.5: missed by 0.5 in 2031 and 2032
  - { id: share, share_served_at_least: 0.75, from: 2030, to: 2030 }  # 0.75 × (4 + 0) = 3 = served: met
`);
    expect(targetYears(result).map((t) => [t.year, result.model.targets[t.target]!.id, t.required, t.served, t.met])).toEqual([
      [2030, 'share', 3, 3, true],
      [2031, 'vol', 3.5, 3, false],
      [2032, 'vol', 3.5, 3, false],
    ]);
    expect(toCsv(targetsTable(result))).toBe(
      'scenario,year,target,required_mt,served_mt,met\nt,2030,share,3,3,true\nt,2031,vol,3.5,3,false\nt,2032,vol,3.5,3,false\n',
    );
  });

  it('corridor check: a line per missed target-year, "N met, M missed", exit 3; exit 0 when all are met', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-check-'));
    try {
      const missing = path.join(dir, 'missing.yaml');
      fs.writeFileSync(missing, `${BASE}\ntargets: [{ id: vol, flows: [f], from: 2031, served_at_least: 3.5 }]\n`);
      const fine = path.join(dir, 'fine.yaml');
      fs.writeFileSync(fine, `${BASE}\ntargets: [{ id: three, from: 2030, served_at_least: "3 Mt/year" }]\n`);
      const r = await cli('check', missing, fine);
      expect(r.code).toBe(3);
      expect(r.out).toBe(
        `${missing}: missed vol 2031: served 3 of 3.5 Mt/year (short 0.5)\n${missing}: missed vol 2032: served 3 of 3.5 Mt/year (short 0.5)\n3 met, 2 missed\n`,
      );
      expect((await cli('check', fine)).code).toBe(0);
      const run = await cli('run', missing, '--out', path.join(dir, 'out'));
      expect(run.out).toContain('targets: 2 of 2 target-years missed\n  missed vol in 2031–2032 (short by up to 0.5 Mt/year: 3 of 3.5 in 2031)\n');
      expect(fs.readFileSync(path.join(dir, 'out', 'targets.csv'), 'utf8').split('\n')[0]).toBe('scenario,year,target,required_mt,served_mt,met');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad targets, candidates and planning are positioned problems', () => {
  it('every problem at once', () => {
    const errors = errorsOf(`${BASE}
planning: { discount_rate: 1.2 }
projects:
  - { id: c1, target: ab, effect: { add: 1 }, candidate: true }
  - { id: c2, target: ab, effect: { add: 1 }, candidate: true, capex_musd: 5, online: 2032, latest: 2031 }
  - { id: p1, target: ab, effect: { add: 1 }, online: 2031, latest: 2032 }
  - { id: p2, target: ab, effect: { add: 1 } }
targets:
  - { id: t1, flows: [ff], from: 2030, served_at_least: 1 }
  - { id: t2, from: 2030, served_at_least: 1, share_served_at_least: 0.5 }
  - { id: t3, from: 2030 }
  - { id: t4, from: 2030, share_served_at_least: 1.5 }
`);
    // Positions checked by hand against the file as the template literal lays it out (BASE starts with an empty line).
    const at = (s: string) => errors.find((e) => e.includes(s));
    expect(at('planning.discount_rate')).toMatch(/:10:28: planning\.discount_rate: the discount rate must lie in \[0, 1\) \(got 1\.2\)/);
    expect(at('projects[0]:')).toMatch(/:12:5: projects\[0\]: a candidate needs `capex_musd`/);
    expect(at('projects[1].latest')).toMatch(/:13:101: projects\[1\]\.latest: `latest` \(2031\) is before `online` \(2032\)/);
    expect(at('projects[2].latest')).toMatch(/projects\[2\]\.latest: `latest` applies only to a candidate/);
    expect(at('projects[3]:')).toMatch(/projects\[3\]: missing required key "online"/);
    expect(at('targets[0].flows[0]')).toMatch(/:17:23: targets\[0\]\.flows\[0\]: unknown flow "ff" \(did you mean `f`\?\)/);
    expect(at('targets[1]:')).toMatch(/not both/);
    expect(at('targets[2]:')).toMatch(/needs `served_at_least` or `share_served_at_least`/);
    expect(at('targets[3].share_served_at_least')).toMatch(/a share must lie between 0 and 1/);
    expect(errors).toHaveLength(9);
  });
});
