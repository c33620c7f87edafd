// The contract's five allocation invariants and determinism, on random valid
// scenarios: layered networks (every origin reaches every destination), random
// capacities (some missing, some zero, some per cargo class), random demands,
// several flows with up to three routes each.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blocks } from '../../src/engine/measures.js';
import type { Result } from '../../src/engine/simulate.js';
import { toCsv } from '../../src/io/csv.js';
import { runTables } from '../../src/io/tables.js';
import { run } from '../support/build.js';
import { scenarioArb } from '../support/networks.js';


const csv = (r: Result) => runTables(r).map((t) => toCsv(t)).join('\n');

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (seed * 7919 + i * 104729) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const runs = { numRuns: 150 };

describe('allocation invariants (spill) on random scenarios', () => {
  it('1. no capacity is exceeded (relative 1e-9)', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const r = run(s);
      r.constraintFlow.forEach((flow, i) => expect(flow).toBeLessThanOrEqual(r.capacity[i]! * (1 + 1e-9) + 1e-12));
    }), runs);
  });

  it('2. served + unserved = demand, all volumes ≥ 0', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const r = run(s);
      const Y = r.model.years;
      r.model.flows.forEach((f, i) => {
        for (let y = 0; y < Y; y++) {
          const served = f.routes.reduce((acc, k) => acc + r.routeVolume[k * Y + y]!, 0);
          expect(served).toBeCloseTo(r.flowServed[i * Y + y]!, 9);
          expect(r.flowServed[i * Y + y]!).toBeLessThanOrEqual(r.flowDemand[i * Y + y]! * (1 + 1e-12));
        }
      });
      for (const v of r.routeVolume) expect(v).toBeGreaterThanOrEqual(0);
    }), runs);
  });

  it('3. an element’s flow is the sum of the route volumes through it (recomputed from the file)', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const r = run(s);
      const Y = r.model.years;
      const expected = new Map<string, number>();
      s.flows.forEach((f) => {
        const flow = r.model.flows.find((x) => x.id === f.id)!;
        for (const route of f.routes as { id: string; via: string[] }[]) {
          const k = flow.routes.find((i) => r.model.routes[i]!.id === route.id)!;
          const v = r.routeVolume[k * Y]!;
          const through = new Set(route.via.flatMap((l) => [l, ...l.split('-')]));
          for (const e of through) expected.set(e, (expected.get(e) ?? 0) + v);
        }
      });
      r.model.elements.forEach((e, i) => expect(r.elementFlow[i * Y]!).toBeCloseTo(expected.get(e.id) ?? 0, 9));
    }), runs);
  });

  it('4. reordering nodes, links, flows and routes of different cost changes no number in the output', () => {
    fc.assert(fc.property(scenarioArb, fc.integer({ min: 1, max: 1000 }), (s, seed) => {
      const reordered = {
        ...s,
        nodes: shuffled(s.nodes, seed),
        links: shuffled(s.links, seed + 1),
        flows: shuffled(s.flows, seed + 2).map((f) => ({ ...f, routes: shuffled(f.routes as object[], seed + 3) })),
      };
      expect(csv(run(reordered))).toBe(csv(run(s)));
    }), runs);
  });

  it('5. no waste: a flow with unserved volume has a binding element on every route', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const r = run(s);
      const Y = r.model.years;
      r.model.flows.forEach((f, i) => {
        for (let y = 0; y < Y; y++) {
          const unserved = r.flowDemand[i * Y + y]! - r.flowServed[i * Y + y]!;
          if (unserved <= 1e-9 * r.flowDemand[i * Y + y]!) continue;
          for (const k of f.routes) {
            const blocked = r.model.routes[k]!.constraints.some((c) => blocks(r.utilization[c * Y + y]!));
            expect(blocked, `flow ${f.id} route ${r.model.routes[k]!.id} in year ${y}`).toBe(true);
          }
        }
      });
    }), runs);
  });

  it('determinism: the same scenario gives byte-identical tables', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      expect(csv(run(s))).toBe(csv(run(s)));
    }), { numRuns: 50 });
  });
});
