// Seeded streams. Each uncertain param and each probabilistic event draws
// from its own stream, keyed by the seed, its name and the run index, so that
// results do not depend on how runs are split across workers, and adding a
// param does not change the draws of the others. alea is fast to create and
// to draw from (dependencies.md); string keys avoid the collisions of 32-bit
// integer seeds.
import seedrandom from 'seedrandom';
import type { Uniform } from './distributions.js';

export const DEFAULT_SEED = 20250930; // the day Dostyk–Moyinty opened in full

export function stream(seed: number | string, key: string, run: number): Uniform {
  return seedrandom.alea(`${seed}/${key}/${run}`);
}
