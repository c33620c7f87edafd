// Random valid scenarios for property tests: layered networks (every origin
// reaches every destination), random capacities (some missing, some zero, some
// per cargo class), random demands, several flows with up to three routes each.
import fc from 'fast-check';

const LAYERS = 4;
export type Scn = { name: string; years: object; nodes: Record<string, unknown>[]; links: Record<string, unknown>[]; flows: Record<string, unknown>[] };

const capacity = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.integer({ min: 1, max: 30 }),
  fc.record({ total: fc.integer({ min: 1, max: 30 }), container: fc.integer({ min: 0, max: 15 }) }),
);

export const scenarioArb = fc
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
