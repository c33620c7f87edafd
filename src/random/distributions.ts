// Sampling from the distributions of the `uncertainty` block, by inverse CDF
// where it has a closed form (uniform, triangular, discrete), Box–Muller for
// the normal (truncation by rejection), and Marsaglia–Tsang gamma variates for
// the PERT's beta. Every draw reads only the stream it is given.

/** A distribution, as the `uncertainty` block gives it (checked there). */
export type Distribution =
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'triangular'; readonly min: number; readonly mode: number; readonly max: number }
  | { readonly dist: 'normal'; readonly mean: number; readonly sd: number; readonly min?: number | undefined; readonly max?: number | undefined }
  | { readonly dist: 'lognormal'; readonly mu: number; readonly sigma: number }
  | { readonly dist: 'pert'; readonly min: number; readonly mode: number; readonly max: number; readonly lambda?: number | undefined }
  | { readonly dist: 'discrete'; readonly values: readonly number[]; readonly weights: readonly number[] };

/** A uniform number in [0, 1). */
export type Uniform = () => number;

/** Most attempts to draw a truncated normal inside its bounds. */
const MAX_REJECTIONS = 100_000;

export function sample(d: Distribution, u: Uniform): number {
  switch (d.dist) {
    case 'uniform':
      return d.min + u() * (d.max - d.min);
    case 'triangular':
      return triangular(d.min, d.mode, d.max, u());
    case 'normal':
      return truncatedNormal(d.mean, d.sd, d.min ?? -Infinity, d.max ?? Infinity, u);
    case 'lognormal':
      return Math.exp(d.mu + d.sigma * standardNormal(u));
    case 'pert':
      return pert(d.min, d.mode, d.max, d.lambda ?? 4, u);
    case 'discrete':
      return discrete(d.values, d.weights, u());
  }
}

export function triangular(a: number, c: number, b: number, p: number): number {
  if (b === a) return a;
  const fc = (c - a) / (b - a);
  return p < fc ? a + Math.sqrt(p * (b - a) * (c - a)) : b - Math.sqrt((1 - p) * (b - a) * (b - c));
}

export function standardNormal(u: Uniform): number {
  const u1 = 1 - u(); // (0, 1]
  const u2 = u();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function truncatedNormal(mean: number, sd: number, lo: number, hi: number, u: Uniform): number {
  for (let i = 0; i < MAX_REJECTIONS; i++) {
    const x = mean + sd * standardNormal(u);
    if (x >= lo && x <= hi) return x;
  }
  throw new Error(`normal(${mean}, ${sd}) truncated to [${lo}, ${hi}]: no draw fell inside in ${MAX_REJECTIONS} tries`);
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 through the boost x · U^(1/shape). */
function gamma(shape: number, u: Uniform): number {
  if (shape < 1) return gamma(shape + 1, u) * Math.pow(1 - u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(u);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const w = 1 - u();
    if (Math.log(w) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** PERT: min + (max − min) · Beta(1 + λ(mode − min)/(max − min), 1 + λ(max − mode)/(max − min)). */
function pert(min: number, mode: number, max: number, lambda: number, u: Uniform): number {
  if (max === min) return min;
  const alpha = 1 + (lambda * (mode - min)) / (max - min);
  const beta = 1 + (lambda * (max - mode)) / (max - min);
  const x = gamma(alpha, u);
  const y = gamma(beta, u);
  return min + ((max - min) * x) / (x + y);
}

function discrete(values: readonly number[], weights: readonly number[], p: number): number {
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    acc += weights[i]!;
    if (p < acc) return values[i]!;
  }
  return values[values.length - 1]!;
}
