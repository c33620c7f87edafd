// exp and log as V8 computes Math.exp and Math.log (fdlibm's algorithms,
// V8's src/base/ieee754.cc), so that the kernels give JavaScript's bits:
// AssemblyScript's own Math.exp and Math.log (musl's tables) differ from them
// in the last place now and then. Written from the algorithms' descriptions;
// tests/unit/wasm.test.ts compares them with Math.exp and Math.log.

const LN2_HI: f64 = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76

@inline function high(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >> 32);
}

@inline function words(hi: i32, lo: u32): f64 {
  return reinterpret<f64>((<u64>(<u32>hi) << 32) | <u64>lo);
}

/** e^x: argument reduction x = k ln2 + r, |r| ≤ ln2/2, and a rational approximation of e^r (error < 1 ulp). */
export function exp(x: f64): f64 {
  const P1: f64 = 1.66666666666666019037e-1;
  const P2: f64 = -2.77777777770155933842e-3;
  const P3: f64 = 6.61375632143793436117e-5;
  const P4: f64 = -1.65339022054652515390e-6;
  const P5: f64 = 4.13813679705723846039e-8;
  let hx = high(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: NaN, ±∞, overflow or underflow.
    if (hx >= 0x7ff00000) {
      if ((hx & 0xfffff) != 0 || <u32>reinterpret<u64>(x) != 0) return x + x;
      return xsb == 0 ? x : 0;
    }
    if (x > 7.09782712893383973096e2) return Infinity;
    if (x < -7.45133219101941108420e2) return 0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      // ln2/2 < |x| < 3 ln2/2 (V8 returns e itself for x = 1).
      if (x == 1.0) return 2.718281828459045;
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(1.44269504088896338700 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28.
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = k >= -1021 ? words(0x3ff00000 + (k << 20), 0) : words(0x3ff00000 + ((k + 1000) << 20), 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.988465674311579539e307;
    return y * twopk;
  }
  return y * twopk * 9.33263618503218878990e-302;
}

/** ln x: x = 2^k (1 + f), then ln(1 + f) from s = f/(2 + f) by a polynomial in s² (error < 1 ulp). */
export function log(x: f64): f64 {
  const Lg1: f64 = 6.666666666666735130e-1;
  const Lg2: f64 = 3.999999999940941908e-1;
  const Lg3: f64 = 2.857142874366239149e-1;
  const Lg4: f64 = 2.222219843214978396e-1;
  const Lg5: f64 = 1.818357216161805012e-1;
  const Lg6: f64 = 1.531383769920937332e-1;
  const Lg7: f64 = 1.479819860511658591e-1;
  let hx = high(x);
  const lx = <u32>reinterpret<u64>(x);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: ±0, negative, or subnormal (scaled up).
    if (((hx & 0x7fffffff) | <i32>lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= 1.80143985094819840000e16;
    hx = high(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  x = words(hx | (i0 ^ 0x3ff00000), <u32>reinterpret<u64>(x));
  k += i0 >> 20;
  const f = x - 1.0;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20.
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}
