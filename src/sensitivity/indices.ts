// Global sensitivity from one Monte Carlo sample (no runs beyond it): the
// Spearman rank correlation of an input with an output, and the input's
// first-order Sobol index, the share of the output's variance that the input
// explains alone, Var(E[Y | X]) / Var(Y). Pure.

/** Ranks from 1, ties sharing their average rank. */
export function ranks(xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const out = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && xs[order[j + 1]!] === xs[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]!] = r;
    i = j + 1;
  }
  return out;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Spearman's ρ: the Pearson correlation of the ranks; NaN when either is constant. */
export const spearman = (x: ArrayLike<number>, y: ArrayLike<number>): number => pearson(ranks(x), ranks(y));

/** Bins for the first-order estimate: about √N runs each, at least 10 and at most 50 bins. */
export const binsFor = (n: number): number => Math.max(10, Math.min(50, Math.round(Math.sqrt(n))));

/**
 * First-order index by the given-data (binning) estimator: the runs are
 * sorted by the input and cut into M bins of equal count (equal inputs stay
 * in one bin); the variance of the bin means estimates Var(E[Y | X]). Bin
 * means carry sampling noise, which is taken out as in a one-way analysis of
 * variance: S = (SSB − (M − 1) · SSW / (N − M)) / SST, clamped to [0, 1].
 * NaN when the output does not vary. At 2,000 runs its standard error is
 * about 0.01–0.02 (docs/sensitivity.md; a closed-form test checks it).
 */
export function firstOrder(x: ArrayLike<number>, y: ArrayLike<number>, bins = binsFor(x.length)): number {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += (y[i]! - mean) ** 2;
  if (!(sst > 1e-18 * n * Math.max(1, mean * mean))) return NaN;
  let ssb = 0;
  let ssw = 0;
  let groups = 0;
  for (let i = 0; i < n; ) {
    // A bin ends at its share of the runs, but not between equal inputs.
    let j = Math.min(n, Math.max(i + 1, Math.round(((groups + 1) * n) / bins)));
    while (j < n && x[order[j]!] === x[order[j - 1]!]) j++;
    let m = 0;
    for (let k = i; k < j; k++) m += y[order[k]!]!;
    m /= j - i;
    ssb += (j - i) * (m - mean) ** 2;
    for (let k = i; k < j; k++) ssw += (y[order[k]!]! - m) ** 2;
    groups++;
    i = j;
  }
  if (groups < 2 || n <= groups) return 0;
  const s = (ssb - ((groups - 1) * ssw) / (n - groups)) / sst;
  return Math.min(1, Math.max(0, s));
}
