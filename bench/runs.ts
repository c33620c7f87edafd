// What one Monte Carlo run of a scenario costs, part by part (`npm run bench
// -- runs`): bench/engine.ts bundles this file the way build.mjs bundles the
// CLI (minified, so closures carry no name-keeping helpers that tsx would
// add) and runs it in a child process. Prints one JSON object.
import fs from 'node:fs';
import { Aggregate, BatchCollector, drawEvents, drawParams, metricDefs } from '../src/analysis/montecarlo.js';
import { RunBuffers, simulate, simulateInto } from '../src/engine/simulate.js';
import { buildScenario, buildWhatIf, loadSource } from '../src/scenario/index.js';
import { BATCH_RUNS } from '../src/cli/montecarlo.js';

const file = process.argv[2] ?? 'scenarios/middle-corridor-spill.yaml';
const BATCH = BATCH_RUNS;
const BATCHES = Number(process.argv[3] ?? 60);
/** The first batches (2,000 runs) warm the JIT up. */
const WARM_UP = Math.ceil(2000 / BATCH);
const source = loadSource(file, (f) => fs.readFileSync(f, 'utf8'));
const base = buildScenario(source).model!;
const defs = metricDefs(base);
const agg = new Aggregate(base, defs);
const parts = { draw: [] as number[], build: [] as number[], engine: [] as number[], collect: [] as number[], bucket: [] as number[], merge: [] as number[] };
let buffers: RunBuffers | undefined;
for (let b = 0; b < BATCHES; b++) {
  const sum = { draw: 0, build: 0, engine: 0, collect: 0 };
  const collector = new BatchCollector(base, defs, BATCH);
  for (let run = b * BATCH; run < (b + 1) * BATCH; run++) {
    let t = performance.now();
    const draw = drawParams(base, 1, run);
    let next = performance.now();
    sum.draw += next - t;
    t = next;
    const model = buildWhatIf(source, [], draw.values).model!;
    next = performance.now();
    sum.build += next - t;
    t = next;
    const result = simulateInto(model, (buffers ??= new RunBuffers(model)), { eventApplies: drawEvents(model, 1, run) });
    next = performance.now();
    sum.engine += next - t;
    t = next;
    collector.add({ draw, result });
    sum.collect += performance.now() - t;
  }
  let t = performance.now();
  const batch = collector.result();
  const bucket = performance.now() - t;
  t = performance.now();
  agg.addBatch(batch);
  const merge = performance.now() - t;
  if (b < WARM_UP) continue;
  for (const k of ['draw', 'build', 'engine', 'collect'] as const) parts[k].push((sum[k] * 1000) / BATCH);
  parts.bucket.push((bucket * 1000) / BATCH);
  parts.merge.push((merge * 1000) / BATCH);
}

// Engine only, the baseline with its central values: into reused buffers (all years kept after the first run,
// as in a run that draws nothing) and into new arrays each time (every year worked out).
const times = (fn: () => void, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    for (let k = 0; k < 100; k++) fn();
    out.push((performance.now() - t) * 10);
  }
  return out;
};
const reused = new RunBuffers(base);
const engineKept = times(() => simulateInto(base, reused), 30);
const engineFresh = times(() => simulate(base), 30);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: s[s.length >> 1]!, min: s[0]! };
};
console.log(JSON.stringify({
  runs: (BATCHES - WARM_UP) * BATCH,
  parts: Object.fromEntries(Object.entries(parts).map(([k, xs]) => [k, stats(xs)])),
  engineKept: stats(engineKept),
  engineFresh: stats(engineFresh),
}));
