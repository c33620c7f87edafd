// Worker-thread entry for sweeps, Monte Carlo, appraisal risk and adaptive plans: the commands' bundle and
// code cache, as the CLI loads them; each task returns an Outcome
// (src/analysis/worker.ts).
'use strict';
const { loadBundle } = require('./load.cjs');

const bundle = loadBundle('commands');
exports.sweepTask = (batch) => bundle.sweepTask(batch);
exports.monteCarloTask = (batch) => bundle.monteCarloTask(batch);
exports.appraisalRiskTask = (batch) => bundle.appraisalRiskTask(batch);
exports.adaptiveSearchTask = (task) => bundle.adaptiveSearchTask(task);
