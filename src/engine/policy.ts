/**
 * The softmax policy π_θ(a|c) = softmax_a(ℓ_ref[c,a] + h_θ[c,a]) with its two parameterizations
 * (docs/model.md, "Policy"). Probabilities and log-probabilities are written into caller-owned
 * buffers so trainers can reuse them step after step.
 */
import type { World } from './types.ts';

/** The C×A feature tables of a linear policy, in the order of `policy.features`. */
export function policyFeatures(world: World): Float64Array[] {
  if (world.policy.kind !== 'linear') return [];
  return world.policy.features.map((name) => {
    const f = world.features[name];
    if (!f) throw new Error(`linear policy feature "${name}" is not a feature of the world`);
    return f;
  });
}

/** Number of parameters θ has: C·A (tabular) or K (linear). */
export function thetaSize(world: World): number {
  return world.policy.kind === 'tabular'
    ? world.contexts.length * world.actions.length
    : world.policy.features.length;
}

/** h_θ[c,a] into `out` (C·A). */
export function logitShift(world: World, theta: Float64Array, out: Float64Array): Float64Array {
  if (world.policy.kind === 'tabular') {
    out.set(theta);
    return out;
  }
  const feats = policyFeatures(world);
  out.fill(0);
  for (let k = 0; k < feats.length; k++) {
    const f = feats[k];
    const th = theta[k];
    if (th === 0) continue;
    for (let i = 0; i < out.length; i++) out[i] += th * f[i];
  }
  return out;
}

/**
 * Row-wise softmax of ℓ_ref + h into `prob` and `logProb`. Stable for any finite shift: each row
 * is shifted by its maximum before exponentiation.
 */
export function softmaxRows(
  refLogProbs: Float64Array,
  h: Float64Array,
  A: number,
  prob: Float64Array,
  logProb: Float64Array,
): void {
  const n = refLogProbs.length;
  for (let row = 0; row < n; row += A) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      const z = refLogProbs[row + a] + h[row + a];
      logProb[row + a] = z;
      if (z > m) m = z;
    }
    let s = 0;
    for (let a = 0; a < A; a++) {
      const e = Math.exp(logProb[row + a] - m);
      prob[row + a] = e;
      s += e;
    }
    const inv = 1 / s;
    const lse = m + Math.log(s);
    for (let a = 0; a < A; a++) {
      prob[row + a] *= inv;
      logProb[row + a] -= lse;
    }
  }
}

/** π_θ as a fresh C·A table. */
export function policyProbabilities(world: World, theta: Float64Array): Float64Array {
  const n = world.contexts.length * world.actions.length;
  const h = logitShift(world, theta, new Float64Array(n));
  const prob = new Float64Array(n);
  softmaxRows(world.referenceLogProbs, h, world.actions.length, prob, new Float64Array(n));
  return prob;
}

/** Row-normalized log-probabilities of arbitrary logits (used for reference policies). */
export function logSoftmaxRows(logits: ArrayLike<number>, A: number): Float64Array {
  const zero = new Float64Array(logits.length);
  const lp = new Float64Array(logits.length);
  softmaxRows(Float64Array.from(logits), zero, A, new Float64Array(logits.length), lp);
  return lp;
}

/** Splits a flat C·A table into C rows of A numbers (the JSON shape). */
export function toRows(table: ArrayLike<number>, A: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < table.length; i += A)
    rows.push(Array.from({ length: A }, (_, a) => table[i + a]));
  return rows;
}

/** Flattens C rows of A numbers. */
export function fromRows(rows: number[][]): Float64Array {
  const A = rows[0]?.length ?? 0;
  const out = new Float64Array(rows.length * A);
  rows.forEach((r, c) => out.set(r, c * A));
  return out;
}
