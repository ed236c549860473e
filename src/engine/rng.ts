/**
 * Named seeded random streams. Each stream is its own alea generator seeded by (seed, name), so
 * adding a signal or a stage never shifts another stream's draws, and the same seed gives the
 * same numbers on every machine and in every runtime.
 */
import alea from 'seedrandom/lib/alea.js';

/** A uniform generator on [0, 1). */
export type Uniform = () => number;

/** Opens the stream `name` under `seed`. */
export function stream(seed: number | string, name: string): Uniform {
  const prng = alea(`rewardmix:${seed}:${name}`);
  return () => prng();
}

/** Standard normal draws by Box–Muller (two per pair of uniforms, the second cached). */
export function normalSampler(u: Uniform): () => number {
  let spare = NaN;
  return () => {
    if (spare === spare) {
      const s = spare;
      spare = NaN;
      return s;
    }
    let u1 = u();
    while (u1 <= 0) u1 = u();
    const r = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted). */
export function gammaSample(u: Uniform, normal: () => number, shape: number): number {
  if (shape < 1) {
    let v = u();
    while (v <= 0) v = u();
    return gammaSample(u, normal, shape + 1) * Math.pow(v, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Student-t(ν) draws: Z / sqrt(G / ν) with G ~ χ²(ν) = 2·Gamma(ν/2). */
export function studentTSampler(u: Uniform, nu: number): () => number {
  const normal = normalSampler(u);
  return () => normal() / Math.sqrt((2 * gammaSample(u, normal, nu / 2)) / nu);
}

/** Draws an index from cumulative weights `cum` (last entry = total) by binary search. */
export function drawIndex(cum: Float64Array, x: number): number {
  const target = x * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Cumulative sums of `w`. */
export function cumulative(w: ArrayLike<number>): Float64Array {
  const out = new Float64Array(w.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) out[i] = s += w[i];
  return out;
}
