// Generated networks for benchmarks: L layers of W nodes; each node links to
// the node at the same position and the next one in the following layer, so
// a flow from position o reaches o + k after L − 1 links by many paths. Flows
// take three such paths each; capacities are drawn so that some elements
// saturate and flows spill. Scaling W scales nodes, links and flows together
// while route length stays fixed.
import seedrandom from 'seedrandom';

export interface NetworkSize {
  width: number;
  layers: number;
  flows: number;
  years: number;
}

export interface GenerateOptions {
  /** Name of a param added to every flow's growth rate (0 by default), for sweeps. */
  growthParam?: string;
}

export function generateScenario(size: NetworkSize, seed = 'bench', options: GenerateOptions = {}): Record<string, unknown> {
  const rng = seedrandom.alea(`${seed}/${size.width}/${size.flows}`);
  const { width: W, layers: L } = size;
  const node = (l: number, i: number) => `n${l}-${(i + W) % W}`;
  const nodes = [];
  for (let l = 0; l < L; l++) for (let i = 0; i < W; i++) nodes.push({ id: node(l, i), ...(rng() < 0.3 ? { capacity: 20 + Math.floor(rng() * 40) } : {}) });
  const links = [];
  for (let l = 0; l < L - 1; l++) {
    for (let i = 0; i < W; i++) {
      for (const step of [0, 1]) {
        links.push({ id: `${node(l, i)}_${node(l + 1, i + step)}`, from: node(l, i), to: node(l + 1, i + step), capacity: 5 + Math.floor(rng() * 30), transit_days: 1 });
      }
    }
  }
  const flows = [];
  for (let f = 0; f < size.flows; f++) {
    const o = Math.floor(rng() * W);
    const k = 1 + Math.floor(rng() * (L - 2));
    const routes = [];
    const seen = new Set<string>();
    for (let attempt = 0; routes.length < 3 && attempt < 50; attempt++) {
      const steps = Array.from({ length: L - 1 }, (_, s) => (s < k ? 1 : 0)).sort(() => rng() - 0.5);
      const key = steps.join('');
      if (seen.has(key)) continue;
      seen.add(key);
      let at = o;
      const via = steps.map((s, l) => `${node(l, at)}_${node(l + 1, (at += s))}`);
      routes.push({ id: `r${routes.length}`, via, cost_per_t: routes.length });
    }
    flows.push({
      id: `f${f}`, origin: node(0, o), destination: node(L - 1, o + k),
      demand: `${(1 + rng() * 4).toFixed(3)} * (1 + ${options.growthParam ? `${options.growthParam} + ` : ''}${(0.02 + rng() * 0.08).toFixed(3)})^(yr - 2025)`, routes,
    });
  }
  const params = options.growthParam ? { params: { [options.growthParam]: 0 } } : {};
  return { name: 'bench', years: { start: 2025, end: 2025 + size.years - 1 }, ...params, nodes, links, flows };
}
