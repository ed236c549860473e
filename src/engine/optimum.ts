/**
 * The KL-regularized optimum ("tilt") π*(a|c) = π_ref(a|c) exp(R[c,a]/β) / Z(c)
 * (Rafailov et al. 2023, eq. 4): where the tabular exact trainer converges.
 */
import { softmaxRows } from './policy.ts';

/**
 * π* for rewards R (C·A) and reference log-probabilities, with A styles per row. β = 0 gives the
 * argmax of R within each row, ties split evenly; β = ∞ gives π_ref.
 */
export function tiltOptimum(
  R: Float64Array,
  refLogProbs: Float64Array,
  A: number,
  beta: number,
): Float64Array {
  const n = R.length;
  const out = new Float64Array(n);
  if (beta > 0) {
    // (R − max_a R)/β rather than R/β: the same tilt (a row constant), but for tiny β the
    // quotient overflows only to −∞ (weight 0) instead of +∞ (∞ − ∞ = NaN in the softmax).
    const h = new Float64Array(n);
    if (Number.isFinite(beta)) {
      for (let row = 0; row < n; row += A) {
        let m = -Infinity;
        for (let a = 0; a < A; a++) if (R[row + a] > m) m = R[row + a];
        for (let a = 0; a < A; a++) h[row + a] = (R[row + a] - m) / beta;
      }
    }
    softmaxRows(refLogProbs, h, A, out, new Float64Array(n));
    return out;
  }
  for (let row = 0; row < n; row += A) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) if (R[row + a] > m) m = R[row + a];
    let ties = 0;
    for (let a = 0; a < A; a++) if (R[row + a] === m) ties++;
    for (let a = 0; a < A; a++) out[row + a] = R[row + a] === m ? 1 / ties : 0;
  }
  return out;
}
