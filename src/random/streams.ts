// Seeded streams. Each uncertain param and each probabilistic event draws
// from its own stream, keyed by the seed, its name and the run index, so that
// results do not depend on how runs are split across workers, and adding a
// param does not change the draws of the others. alea is fast to create and
// to draw from (dependencies.md); string keys avoid the collisions of 32-bit
// integer seeds.
import seedrandom from 'seedrandom';
import type { Uniform } from './distributions.js';

export { DEFAULT_SEED } from './seed.js';

/**
 * seedrandom's alea keyed by "<seed>/<key>/<run>": the same numbers as
 * `seedrandom.alea("<seed>/<key>/<run>")`. The generator is the library's;
 * its seed state is worked out here (aleaState), because seeding was most
 * of a stream's cost and a Monte Carlo run makes one stream per param and
 * probabilistic event.
 */
export function stream(seed: number | string, key: string, run: number): Uniform {
  return seedrandom.alea('', { state: aleaState(seed, key, run) });
}

/**
 * The state `new Alea("<seed>/<key>/<run>")` starts from (seedrandom's
 * lib/alea.js): Baagøe's Mash hashes " " three times, then the key three
 * times, carrying its state n from one call to the next; s0, s1, s2 are the
 * spaces' hashes minus the key's, wrapped into [0, 1). Mash is the library's
 * arithmetic step for step, with n a local number instead of a variable
 * that its closure updates (a boxed number per step). The first hash of the
 * key starts from a fixed state, so its "<seed>/<key>/" part is hashed once
 * per seed and key. Tests compare the streams with seedrandom's.
 */
export function aleaState(seed: number | string, key: string, run: number): { c: number; s0: number; s1: number; s2: number } {
  let byKey = prefixes.get(seed);
  if (!byKey) {
    if (prefixes.size >= 64) prefixes.clear();
    prefixes.set(seed, (byKey = new Map()));
  }
  let n = byKey.get(key);
  if (n === undefined) byKey.set(key, (n = mash(SPACES.n, `${seed}/${key}/`)));
  const text = `${seed}/${key}/${run}`;
  n = mash(n, String(run));
  let s0 = SPACES.s0 - (n >>> 0) * TO_UNIT;
  if (s0 < 0) s0 += 1;
  n = mash(n, text);
  let s1 = SPACES.s1 - (n >>> 0) * TO_UNIT;
  if (s1 < 0) s1 += 1;
  n = mash(n, text);
  let s2 = SPACES.s2 - (n >>> 0) * TO_UNIT;
  if (s2 < 0) s2 += 1;
  return { c: 1, s0, s1, s2 };
}

/** 2^-32. */
const TO_UNIT = 2.3283064365386963e-10;

/** Mash's state n after hashing `data` from state n. */
function mash(n: number, data: string): number {
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000; // 2^32
  }
  return n;
}

/** Mash's state after its three hashes of " ", and those hashes. */
const SPACES = (() => {
  const n1 = mash(0xefc8249d, ' ');
  const n2 = mash(n1, ' ');
  const n3 = mash(n2, ' ');
  return { n: n3, s0: (n1 >>> 0) * TO_UNIT, s1: (n2 >>> 0) * TO_UNIT, s2: (n3 >>> 0) * TO_UNIT };
})();

/** Mash's state after " " three times and "<seed>/<key>/", by seed and key (a few per scenario). */
const prefixes = new Map<number | string, Map<string, number>>();
