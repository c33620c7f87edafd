// Worker-thread entry for sweeps: the same bundle and code cache as the CLI.
'use strict';
const { loadBundle } = require('./load.cjs');

const { bundle } = loadBundle();
exports.runSweepBatch = (batch) => bundle.runSweepBatch(batch);
exports.runMonteCarloBatch = (batch) => bundle.runMonteCarloBatch(batch);
