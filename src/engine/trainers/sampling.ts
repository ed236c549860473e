/**
 * What the three sampled trainers (reinforce, ppo, grpo) share: the policy tables they draw
 * from, each signal's noise model, and the score-function algebra of a softmax policy. The
 * algorithms themselves stay one per file.
 *
 * The gradient of a batch depends on the samples only through per-cell sums: for a softmax
 * policy ∇_h log π(a|c) = e_a − π(·|c) in row c, so Σ_j x_j ∇_h log π(a_j|c_j) over samples in
 * cells (c_j, a_j) is `V[c,a] − π(a|c) Σ_b V[c,b]` with V[c,a] the sum of x_j over the samples
 * that landed in cell (c,a). Trainers accumulate V and apply it once per batch; for a linear
 * policy the same h-space vector is projected on the features (∇_θ log π = F[c,a] − E_π F[c,·]).
 */
import { fastExp } from '../fastexp.ts';
import { aleaNext, streamState } from '../rng.ts';
import type { AleaState } from '../rng.ts';
import type { Signal, World } from '../types.ts';

/** The policy at θ as tables, rewritten in place each time θ changes. */
export interface PolicyTables {
  /** h_θ (linear policies only; tabular policies read θ directly). */
  h: Float64Array;
  /** π(a|c). */
  prob: Float64Array;
  /** log π(a|c) − log π_ref(a|c), from the logits (finite even where π underflows to 0). */
  logratio: Float64Array;
  /** Cumulative π within each row (the last entry of a row is ≈ 1): what actions are drawn from. */
  cum: Float64Array;
}

/** Buffers for the policy tables of `world`. */
export function createPolicyTables(world: World): PolicyTables {
  const n = world.contexts.length * world.actions.length;
  return {
    h: new Float64Array(world.policy.kind === 'linear' ? n : 0),
    prob: new Float64Array(n),
    logratio: new Float64Array(n),
    cum: new Float64Array(n),
  };
}

/** Rewrites `tab` for the policy at θ (F: the linear policy's feature tables, else empty). */
export function updatePolicyTables(
  world: World,
  theta: Float64Array,
  F: Float64Array[],
  tab: PolicyTables,
): void {
  const A = world.actions.length;
  const lref = world.referenceLogProbs;
  const { prob, logratio, cum } = tab;
  const n = prob.length;
  let hh = theta;
  if (world.policy.kind === 'linear') {
    hh = tab.h;
    hh.fill(0);
    for (let k = 0; k < F.length; k++) {
      const th = theta[k];
      if (th === 0) continue;
      const f = F[k];
      for (let i = 0; i < n; i++) hh[i] += th * f[i];
    }
  }
  for (let row = 0; row < n; row += A) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      const z = lref[row + a] + hh[row + a];
      prob[row + a] = z;
      if (z > m) m = z;
    }
    let s = 0;
    for (let a = 0; a < A; a++) s += prob[row + a] = fastExp(prob[row + a] - m);
    const inv = 1 / s;
    const lse = m + Math.log(s);
    let acc = 0;
    for (let a = 0; a < A; a++) {
      const pa = prob[row + a] * inv;
      prob[row + a] = pa;
      logratio[row + a] = hh[row + a] - lse;
      cum[row + a] = acc += pa;
    }
  }
}

/**
 * Inverse-CDF draws from rows of cumulative weights, sped up by guide tables (Chen & Asau 1974):
 * for each of G equal slices of [0, total) a row's guide holds the first index whose cumulative
 * weight passes the slice's start, so a draw starts its search there and usually stops at once.
 * The index drawn is exactly the inverse CDF's (`drawIndex` in rng.ts); only the search is faster.
 */
export interface GuidedRows {
  /** Cumulative weights, rows of `len` entries (shared with the caller, which keeps them fresh). */
  cum: Float64Array;
  len: number;
  /** Slices per row. */
  slices: number;
  guide: Int32Array;
}

/** Guide tables over the rows of `cum` (call `rebuildGuides` whenever `cum` changes). */
export function createGuidedRows(cum: Float64Array, len: number, slices: number): GuidedRows {
  const rows: GuidedRows = {
    cum,
    len,
    slices,
    guide: new Int32Array((cum.length / len) * slices),
  };
  rebuildGuides(rows);
  return rows;
}

/** Recomputes the guide tables after `cum` changed. */
export function rebuildGuides(g: GuidedRows): void {
  const { cum, len, slices, guide } = g;
  for (let from = 0, gi = 0; from < cum.length; from += len) {
    const last = from + len - 1;
    const step = cum[last] / slices;
    // A slice's start, lowered by far more than rounding, so a guide never passes the answer.
    const margin = 1e-12 * Math.abs(cum[last]);
    let i = from;
    for (let k = 0; k < slices; k++, gi++) {
      const start = k * step - margin;
      while (i < last && cum[i] <= start) i++;
      guide[gi] = i;
    }
  }
}

/** The index (into `cum`) drawn in row `r` by the uniform `x`: the first entry above x·total. */
export function drawGuided(g: GuidedRows, r: number, x: number): number {
  const cum = g.cum;
  const last = r * g.len + g.len - 1;
  const target = x * cum[last];
  let i = g.guide[r * g.slices + ((x * g.slices) | 0)];
  while (i < last && cum[i] <= target) i++;
  return i;
}

/**
 * Draws of one signal around its table, from its own stream `rewards:<name>` (so adding a signal
 * never shifts another's draws). `draw(cells, from, to, out)` writes one reward per sample
 * `j ∈ [from, to)` of the cell index `cells[j]` into `out[j]`.
 */
export interface RewardSampler {
  readonly signal: Signal;
  /** False for noise `none` (the draw is the table value and no random number is used). */
  readonly random: boolean;
  draw(cells: Int32Array, from: number, to: number, out: Float64Array): void;
}

/** The sampler of `signal`'s noise model (types.ts, NoiseModel) under `seed`. */
export function createRewardSampler(signal: Signal, seed: number | string): RewardSampler {
  const table = signal.table;
  const noise = signal.noise;
  const name = `rewards:${signal.name}`;
  switch (noise.kind) {
    case 'none':
      return {
        signal,
        random: false,
        draw(cells, from, to, out) {
          for (let j = from; j < to; j++) out[j] = table[cells[j]];
        },
      };
    case 'bernoulli': {
      const { low, high } = noise;
      if (!(high > low))
        throw new Error(`signal "${signal.name}": bernoulli noise needs high > low`);
      // P(high) per cell, clamped: a table value outside [low, high] cannot be a mean.
      const pHigh = Float64Array.from(table, (r) =>
        Math.min(1, Math.max(0, (r - low) / (high - low))),
      );
      const values = Float64Array.of(low, high);
      const s: AleaState = streamState(seed, name);
      return {
        signal,
        random: true,
        draw(cells, from, to, out) {
          // high when u < P(high): an indexed load rather than a branch a coin flip would mispredict
          for (let j = from; j < to; j++) out[j] = values[Number(aleaNext(s) < pHigh[cells[j]])];
        },
      };
    }
    case 'gaussian': {
      // Marsaglia's polar method: two normals per accepted pair of uniforms, no trigonometry.
      // A pair's second normal waits in `spare` for the next call, so how a batch is split into
      // calls never changes the sequence.
      const sigma = noise.sigma;
      const s: AleaState = streamState(seed, name);
      const spare = new Float64Array(2); // [has a spare, the spare]
      return {
        signal,
        random: true,
        draw(cells, from, to, out) {
          let j = from;
          if (spare[0] === 1 && j < to) {
            out[j] = table[cells[j]] + sigma * spare[1];
            spare[0] = 0;
            j++;
          }
          while (j < to) {
            let x: number;
            let y: number;
            let q: number;
            do {
              x = 2 * aleaNext(s) - 1;
              y = 2 * aleaNext(s) - 1;
              q = x * x + y * y;
            } while (q >= 1 || q === 0);
            const f = Math.sqrt((-2 * Math.log(q)) / q);
            out[j] = table[cells[j]] + sigma * x * f;
            j++;
            if (j < to) {
              out[j] = table[cells[j]] + sigma * y * f;
              j++;
            } else {
              spare[0] = 1;
              spare[1] = y * f;
            }
          }
        },
      };
    }
    case 'student-t': {
      // Bailey's polar method (Math. Comp. 62, 1994): (x, y) uniform in the unit disc, w = x² + y²,
      // t = x · sqrt(ν (w^(−2/ν) − 1) / w) is Student-t(ν). One t per accepted pair. (w^(−2/ν) as
      // exp(−2/ν · ln w): Math.pow is several times slower.)
      const { nu, sigma } = noise;
      if (!(nu > 0)) throw new Error(`signal "${signal.name}": student-t noise needs nu > 0`);
      const s: AleaState = streamState(seed, name);
      const e = -2 / nu;
      return {
        signal,
        random: true,
        draw(cells, from, to, out) {
          for (let j = from; j < to; j++) {
            let x: number;
            let y: number;
            let w: number;
            do {
              x = 2 * aleaNext(s) - 1;
              y = 2 * aleaNext(s) - 1;
              w = x * x + y * y;
            } while (w >= 1 || w === 0);
            out[j] =
              table[cells[j]] + sigma * x * Math.sqrt((nu * (fastExp(e * Math.log(w)) - 1)) / w);
          }
        },
      };
    }
  }
}

/**
 * Score directions from per-cell sums: `out[c,a] = V[c,a] − π(a|c) Σ_b V[c,b]`, i.e.
 * Σ_j x_j ∇_h log π(a_j|c_j) when V holds the sums of x_j per cell. With `ratio`, each cell's
 * sum is first scaled by it (PPO's importance ratio, constant within a cell).
 */
export function scoreDirections(
  V: Float64Array,
  prob: Float64Array,
  A: number,
  out: Float64Array,
  ratio: Float64Array | null = null,
): Float64Array {
  for (let row = 0; row < V.length; row += A) {
    let s = 0;
    for (let a = 0; a < A; a++) {
      const v = ratio ? ratio[row + a] * V[row + a] : V[row + a];
      out[row + a] = v;
      s += v;
    }
    if (s !== 0) for (let a = 0; a < A; a++) out[row + a] -= prob[row + a] * s;
  }
  return out;
}

/**
 * An h-space direction `g` scaled by `scale`, in θ space, into `out` (length of θ): the cells
 * themselves for a tabular policy, `Σ_{c,a} g F_k` for a linear one.
 */
export function toTheta(
  g: Float64Array,
  F: Float64Array[],
  linear: boolean,
  scale: number,
  out: Float64Array,
): Float64Array {
  if (!linear) {
    for (let i = 0; i < g.length; i++) out[i] = scale * g[i];
    return out;
  }
  for (let k = 0; k < F.length; k++) {
    const f = F[k];
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i] * f[i];
    out[k] = scale * s;
  }
  return out;
}

/** θ += scale · (g in θ space), without a temporary. */
export function addToTheta(
  theta: Float64Array,
  g: Float64Array,
  F: Float64Array[],
  linear: boolean,
  scale: number,
): void {
  if (!linear) {
    for (let i = 0; i < g.length; i++) theta[i] += scale * g[i];
    return;
  }
  for (let k = 0; k < F.length; k++) {
    const f = F[k];
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i] * f[i];
    theta[k] += scale * s;
  }
}

/** Per row: E_π[T + klScale · log π/π_ref] (T null counts as 0), into `out` (length C). */
export function expectedRows(
  tab: PolicyTables,
  T: Float64Array | null,
  klScale: number,
  A: number,
  out: Float64Array,
): Float64Array {
  const { prob, logratio } = tab;
  for (let c = 0, row = 0; row < prob.length; c++, row += A) {
    let e = 0;
    for (let a = 0; a < A; a++) {
      const lr = klScale === 0 ? 0 : klScale * logratio[row + a];
      e += prob[row + a] * ((T ? T[row + a] : 0) + lr);
    }
    out[c] = e;
  }
  return out;
}
