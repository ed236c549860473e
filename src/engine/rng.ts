/**
 * Named seeded random streams. Each stream is its own alea generator seeded by (seed, name), so
 * adding a signal or a stage never shifts another stream's draws, and the same seed gives the
 * same numbers on every machine and in every runtime.
 */

/** A uniform generator on [0, 1). */
export type Uniform = () => number;

/**
 * The state of one alea generator, `[s0, s1, s2, c]`. Alea (Baagøe 2010) as in seedrandom's
 * `lib/alea.js`, ported inline because the sampled trainers draw tens of millions of numbers a
 * second and a closure over a typed array is about twice as fast as seedrandom's object. The
 * output is bit-identical to seedrandom's (test/engine/rng.test.ts compares 10,000 draws).
 */
export type AleaState = Float64Array;

/** Baagøe's Mash hash, which alea uses to turn a string seed into its three seeds. */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
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
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
}

/** A fresh alea state seeded from the string `seed`, exactly as `seedrandom.alea(seed)`. */
export function aleaState(seed: string): AleaState {
  const m = mash();
  const s = new Float64Array(4);
  s[0] = m(' ');
  s[1] = m(' ');
  s[2] = m(' ');
  s[3] = 1;
  for (let i = 0; i < 3; i++) {
    s[i] -= m(seed);
    if (s[i] < 0) s[i] += 1;
  }
  return s;
}

/** The next uniform on [0, 1) from an alea state (advances it). */
export function aleaNext(s: AleaState): number {
  const t = 2091639 * s[0] + s[3] * 2.3283064365386963e-10; // 2^-32
  s[0] = s[1];
  s[1] = s[2];
  const c = t | 0;
  s[3] = c;
  return (s[2] = t - c);
}

/** The state of stream `name` under `seed` (for hot loops that call `aleaNext` directly). */
export function streamState(seed: number | string, name: string): AleaState {
  return aleaState(`rewardmix:${seed}:${name}`);
}

/** Opens the stream `name` under `seed`. */
export function stream(seed: number | string, name: string): Uniform {
  const s = streamState(seed, name);
  return () => aleaNext(s);
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
