// Worker-thread task for sweeps (bin/worker.cjs loads it from the CLI bundle). Each worker
// reads the scenario once and runs batches of combinations with the same
// function as a serial run.
import fs from 'node:fs';
import { loadSource, type LoadedSource } from '../scenario/index.js';
import type { YearMetrics } from './metrics.js';
import { runCombination } from './sweep.js';

export interface SweepBatch {
  file: string;
  /** Overrides of each combination in the batch (base --set included). */
  combos: string[][];
}

const sources = new Map<string, LoadedSource>();

export function runSweepBatch(batch: SweepBatch): YearMetrics[][] {
  let source = sources.get(batch.file);
  if (!source) {
    source = loadSource(batch.file, (f) => fs.readFileSync(f, 'utf8'));
    sources.set(batch.file, source);
  }
  return batch.combos.map((overrides) => runCombination(source, overrides));
}
