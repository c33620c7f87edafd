// Every command, for src/cli/main.ts to load when one runs; in the installed
// CLI this is a bundle of its own (dist/commands.cjs, see build.mjs), which
// worker threads load too (bin/worker.cjs) for their tasks.
export { appraiseCommand } from './appraise.js';
export { calibrateCommand } from './calibrate.js';
export { checkCommand } from './check.js';
export { compareCommand } from './compare.js';
export { exploreCommand } from './explore.js';
export { initCommand } from './init.js';
export { monteCarloCommand } from './montecarlo.js';
export { optimumCommand } from './optimum.js';
export { planCommand } from './plan.js';
export { reportCommand } from './report.js';
export { runCommand } from './run.js';
export { schemaCommand } from './schema.js';
export { sensitivityCommand } from './sensitivity.js';
export { sweepCommand } from './sweep.js';
export { validateCommand } from './validate.js';
export { paramsCommand } from './params.js';
export { adaptiveSearchTask, appraisalRiskTask, monteCarloTask, sweepTask } from '../analysis/worker.js';
