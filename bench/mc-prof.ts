import fs from 'node:fs';
import { loadSource } from '../src/scenario/index.js';
import { baseModel, monteCarloBatch } from '../src/analysis/worker.js';
import { finish } from '../src/analysis/tasks.js';
import { Aggregate, metricDefs } from '../src/analysis/montecarlo.js';
const file = process.argv[2] ?? 'scenarios/middle-corridor.yaml';
const rounds = Number(process.argv[3] ?? 30);
const source = loadSource(file, (f) => fs.readFileSync(f, 'utf8'));
const base = baseModel(source, []);
const agg = new Aggregate(base, metricDefs(base));
const run: number[] = [], ag: number[] = [];
for (let round = 0; round < rounds; round++) {
  const t = performance.now();
  const r = finish(monteCarloBatch(source, base, { file, set: [], seed: 1, from: round * 50, to: (round + 1) * 50, keepRuns: false, decimalComma: false }));
  const t2 = performance.now();
  agg.addBatch(r);
  const t3 = performance.now();
  if (round >= 5) { run.push((t2 - t) * 20); ag.push((t3 - t2) * 20); }
}
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!.toFixed(1);
console.log(run.filter((_, i) => i % 8 === 0).map((x) => x.toFixed(0)).join(" "));
const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
console.log(`mean run ${mean(run)} aggregate ${mean(ag)}`);
console.log(`run µs: min ${q(run, 0)} p25 ${q(run, 0.25)} med ${q(run, 0.5)}   aggregate µs: min ${q(ag, 0)} p25 ${q(ag, 0.25)} med ${q(ag, 0.5)}`);
