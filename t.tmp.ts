import fs from 'node:fs';
import { loadSource, buildScenario } from './src/scenario/index.ts';
import { drawFutures } from './src/optimize/futures.ts';
import { solveRobustPlan } from './src/optimize/robust.ts';
import { Solver } from './src/optimize/solver.ts';
const source = loadSource('scenarios/middle-corridor-plan.yaml', (f) => fs.readFileSync(f, 'utf8'));
const model = buildScenario(source).model!;
const solver = await Solver.load();

for (const n of [20, 100]) { const futures = drawFutures(source, model, [], 20250930, n); const [tie, gap] = [false, 1e-6];
  const t = performance.now();
  const plan = solveRobustPlan(model, futures, solver, { confidence: 0.8, objective: 'capex', tieBreak: tie, mipRelGap: gap });
  console.log(n, (performance.now() - t).toFixed(0), plan.feasible && plan.pv.reduce((a, b) => a + b, 0), plan.feasible && plan.online);
}
