/** Small dense linear algebra for the linear natural update: (Φ + δI) x = b by Cholesky. */

/**
 * Solves M x = b for a symmetric positive-definite K×K matrix M (row-major). M is overwritten
 * by its Cholesky factor; returns x in a new array. Throws when M is not positive definite.
 */
export function choleskySolve(M: Float64Array, b: Float64Array, K: number): Float64Array {
  for (let j = 0; j < K; j++) {
    let d = M[j * K + j];
    for (let k = 0; k < j; k++) d -= M[j * K + k] * M[j * K + k];
    if (!(d > 0)) throw new Error('matrix is not positive definite');
    const ljj = Math.sqrt(d);
    M[j * K + j] = ljj;
    for (let i = j + 1; i < K; i++) {
      let s = M[i * K + j];
      for (let k = 0; k < j; k++) s -= M[i * K + k] * M[j * K + k];
      M[i * K + j] = s / ljj;
    }
  }
  const y = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= M[i * K + k] * y[k];
    y[i] = s / M[i * K + i];
  }
  const x = new Float64Array(K);
  for (let i = K - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < K; k++) s -= M[k * K + i] * x[k];
    x[i] = s / M[i * K + i];
  }
  return x;
}
