// The contract's five allocation invariants and determinism, on random valid
// scenarios: layered networks (every origin reaches every destination), random
// capacities (some missing, some zero, some per cargo class), random demands,
// several flows with up to three routes each.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binding } from '../../src/engine/measures.js';
import type { Result } from '../../src/engine/simulate.js';
import { toCsv } from '../../src/io/csv.js';
import { runTables } from '../../src/io/tables.js';
import { run } from '../support/build.js';

const LAYERS = 4;
type Scn = { name: string; years: object; nodes: Record<string, unknown>[]; links: Record<string, unknown>[]; flows: Record<string, unknown>[] };

const capacity = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.integer({ min: 1, max: 30 }),
  fc.record({ total: fc.integer({ min: 1, max: 30 }), container: fc.integer({ min: 0, max: 15 }) }),
);

const scenarioArb = fc
  .record({
    width: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: LAYERS, maxLength: LAYERS }),
    nodeCaps: fc.array(capacity, { minLength: 12, maxLength: 12 }),
    linkCaps: fc.array(capacity, { minLength: 27, maxLength: 27 }),
    flows: fc.array(
      fc.record({
        demand: fc.integer({ min: 0, max: 40 }),
        container: fc.boolean(),
        carry: fc.boolean(),
        ends: fc.tuple(fc.nat(), fc.nat()),
        routes: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ width, nodeCaps, linkCaps, flows }): Scn => {
    const layers = width.map((w, l) => Array.from({ length: w }, (_, i) => `n${l}${i}`));
    const nodes = layers.flat().map((id, i) => ({ id, ...(nodeCaps[i] !== undefined ? { capacity: nodeCaps[i] } : {}) }));
    const links: Record<string, unknown>[] = [];
    for (let l = 0; l < LAYERS - 1; l++) {
      for (const a of layers[l]!) for (const b of layers[l + 1]!) {
        const cap = linkCaps[links.length];
        links.push({ id: `${a}-${b}`, from: a, to: b, transit_days: 1 + (links.length % 3), ...(cap !== undefined ? { capacity: cap } : {}) });
      }
    }
    const pick = <T>(xs: T[], k: number): T => xs[k % xs.length]!;
    return {
      name: 'prop',
      years: { start: 2030, end: 2032 },
      nodes,
      links,
      flows: flows.map((f, i) => {
        const origin = pick(layers[0]!, f.ends[0]);
        const destination = pick(layers[LAYERS - 1]!, f.ends[1]);
        const routes = f.routes.map(([m1, m2], r) => {
          const path = [origin, pick(layers[1]!, m1), pick(layers[2]!, m2), destination];
          return { id: `r${r}`, cost_per_t: 10 + r, via: path.slice(1).map((n, k) => `${path[k]}-${n}`) };
        });
        return {
          id: `f${i}`, origin, destination, demand: f.demand, cargo: f.container ? 'container' : 'general',
          unserved: f.carry ? 'carry' : 'lost', routes,
        };
      }),
    };
  });

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
            const blocked = r.model.routes[k]!.constraints.some((c) => binding(r.utilization[c * Y + y]!));
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
