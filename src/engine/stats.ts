/**
 * The statistics the launch review and the deployment timeline need: the normal CDF and its
 * inverse, the two-proportion z-test with a Wald interval for the difference, and a binomial
 * (and multinomial) sampler driven by a named stream. Pure functions; docs/review.md says where
 * each is used.
 */
import { normalSampler, type Uniform } from './rng.ts';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * Φ(x), the standard normal CDF, to about 1e-15 absolute: Hart's 1968 rational approximation
 * (algorithm 5666) for |x| < 5√2 and a continued fraction beyond, as given by G. West,
 * "Better approximations to cumulative normal functions" (2005).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let tail: number;
  if (ax > 37) {
    tail = 0;
  } else {
    const e = Math.exp(-0.5 * ax * ax);
    if (ax < 7.07106781186547) {
      let num = 3.52624965998911e-2 * ax + 0.700383064443688;
      num = num * ax + 6.37396220353165;
      num = num * ax + 33.912866078383;
      num = num * ax + 112.079291497871;
      num = num * ax + 221.213596169931;
      num = num * ax + 220.206867912376;
      let den = 8.83883476483184e-2 * ax + 1.75566716318264;
      den = den * ax + 16.064177579207;
      den = den * ax + 86.7807322029461;
      den = den * ax + 296.564248779674;
      den = den * ax + 637.333633378831;
      den = den * ax + 793.826512519948;
      den = den * ax + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let b = ax + 0.65;
      b = ax + 4 / b;
      b = ax + 3 / b;
      b = ax + 2 / b;
      b = ax + 1 / b;
      tail = e / b / SQRT_2PI;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/** Upper tail 1 − Φ(x), without the cancellation of `1 - normalCdf(x)` for large x. */
export function normalSurvival(x: number): number {
  return normalCdf(-x);
}

/**
 * Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9) refined by one Halley step
 * on `normalCdf`, which brings it to double precision.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
    -3.066479806614716e1, 2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step (Acklam): e = Φ(x) − p, u = e·√(2π)·exp(x²/2).
  // Φ(x) − p, written through the lower tail on either side to avoid cancellation.
  const e = x <= 0 ? normalCdf(x) - p : 1 - p - normalCdf(-x);
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/** The result of a two-proportion z-test of p₁ = p₂ (arm 1 minus arm 2). */
export interface TwoProportionTest {
  /** x₁ / n₁ */
  p1: number;
  /** x₂ / n₂ */
  p2: number;
  /** p₁ − p₂ */
  difference: number;
  /** (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)) with the pooled p̂ = (x₁ + x₂)/(n₁ + n₂). */
  z: number;
  /** Two-sided p-value 2·(1 − Φ(|z|)). */
  pValue: number;
  /** Wald interval for p₁ − p₂ at `confidence`: d ± z_{(1+conf)/2}·√(p₁q₁/n₁ + p₂q₂/n₂). */
  ci: [number, number];
}

/**
 * The textbook two-proportion z-test (pooled standard error for the test, unpooled for the
 * interval). Degenerate inputs (an empty arm, or p̂ ∈ {0, 1}) give z = 0 and p = 1.
 */
export function twoProportionZTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  confidence = 0.95,
): TwoProportionTest {
  const p1 = n1 > 0 ? x1 / n1 : 0;
  const p2 = n2 > 0 ? x2 / n2 : 0;
  const difference = p1 - p2;
  let z = 0;
  let pValue = 1;
  if (n1 > 0 && n2 > 0) {
    const pooled = (x1 + x2) / (n1 + n2);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    if (se > 0) {
      z = difference / se;
      pValue = Math.min(1, 2 * normalCdf(-Math.abs(z)));
    }
  }
  const zc = normalQuantile(0.5 + confidence / 2);
  const seWald =
    n1 > 0 && n2 > 0 ? Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2) : Infinity;
  return {
    p1,
    p2,
    difference,
    z,
    pValue,
    ci: [difference - zc * seWald, difference + zc * seWald],
  };
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const y = x - 1;
  let s = coef[0];
  for (let i = 1; i < g + 2; i++) s += coef[i] / (y + i);
  const t = y + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

/** log P(X = k) for X ~ Binomial(n, p). */
export function binomialLogPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return -Infinity;
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return (
    logGamma(n + 1) -
    logGamma(k + 1) -
    logGamma(n - k + 1) +
    k * Math.log(p) +
    (n - k) * Math.log1p(-p)
  );
}

/**
 * Binomial draws are exact below this variance n·p·(1 − p) and use the normal approximation with
 * continuity correction at or above it. At 10,000 the approximation's largest CDF error is below
 * 0.001 (docs/review.md shows the measured figure); below it the exact sampler costs O(√(npq)).
 */
export const BINOMIAL_NORMAL_MIN_VARIANCE = 10_000;

/**
 * A Binomial(n, p) sampler on a uniform stream.
 * - n·p·(1−p) < BINOMIAL_NORMAL_MIN_VARIANCE: exact inversion, with the outcomes visited from
 *   the mode outwards (m, m+1, m−1, m+2, …; Kemp 1986), so a draw costs O(√(npq)) steps; it
 *   uses one uniform per draw.
 * - otherwise: ⌊np + √(npq)·Z + ½⌋ clamped to [0, n], Z standard normal: the continuity
 *   correction assigns each integer k the normal mass on [k − ½, k + ½).
 */
export function binomialSampler(u: Uniform): (n: number, p: number) => number {
  const normal = normalSampler(u);
  return (n, p) => {
    n = Math.round(n);
    if (n <= 0 || !(p > 0)) return 0;
    if (p >= 1) return n;
    const flip = p > 0.5;
    const pp = flip ? 1 - p : p;
    const q = 1 - pp;
    const variance = n * pp * q;
    let k: number;
    if (variance >= BINOMIAL_NORMAL_MIN_VARIANCE) {
      k = Math.floor(n * pp + Math.sqrt(variance) * normal() + 0.5);
      k = Math.min(n, Math.max(0, k));
    } else {
      k = inversionFromMode(u(), n, pp, q);
    }
    return flip ? n - k : k;
  };
}

function inversionFromMode(v: number, n: number, p: number, q: number): number {
  const m = Math.min(n, Math.floor((n + 1) * p));
  const pm = Math.exp(binomialLogPmf(m, n, p));
  const ratio = p / q;
  let rest = v - pm;
  if (rest < 0) return m;
  let lo = m;
  let hi = m;
  let plo = pm;
  let phi = pm;
  while (lo > 0 || hi < n) {
    if (hi < n) {
      phi *= ((n - hi) / (hi + 1)) * ratio;
      hi++;
      rest -= phi;
      if (rest < 0) return hi;
    }
    if (lo > 0) {
      plo *= lo / (n - lo + 1) / ratio;
      lo--;
      rest -= plo;
      if (rest < 0) return lo;
    }
  }
  return m; // the last ulps of rounding: the mode is the likeliest outcome
}

/**
 * Multinomial(n, weights) counts by conditional binomials: count_i ~ Bin(n − Σ_{j<i} count_j,
 * w_i / Σ_{j≥i} w_j). Weights need not sum to 1.
 */
export function multinomialSample(
  binomial: (n: number, p: number) => number,
  n: number,
  weights: ArrayLike<number>,
): number[] {
  let restWeight = 0;
  for (let i = 0; i < weights.length; i++) restWeight += weights[i];
  let rest = Math.round(n);
  const out: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    const last = i === weights.length - 1;
    const k = last ? rest : restWeight > 0 ? binomial(rest, weights[i] / restWeight) : 0;
    out.push(k);
    rest -= k;
    restWeight -= weights[i];
  }
  return out;
}
