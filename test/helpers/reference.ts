// An independent implementation of the exact trainer (MODEL.md, "The exact trainer", normative),
// written from MODEL.md on the raw JSON tables of a world (number[][], no engine code): the
// reference the engine's tests check it against (test/engine/reference.test.ts), and the
// reference for the CLI's `inspect --json` tables and `run --json` results
// (test/cli/commands.test.ts).
import type { UpdateRule } from '../../src/engine/types.ts';
import type { WorldTables } from '../../src/engine/world.ts';

// ---- the reference: MODEL.md written out on plain number[][] tables ---------------------------

export type Rows = number[][];

/** A world as the test reads it: straight from the JSON tables, normalized here. */
export interface Ref {
  t: WorldTables;
  C: number;
  A: number;
  /** p(c). */
  p: number[];
  /** Effective mix weights by signal name. */
  w: Record<string, number>;
  /** R[c][a] = Σ_i w_i r_i[c][a]. */
  R: Rows;
  logRef: Rows;
  beta: number;
  /** Linear policy feature tables, or null for tabular. */
  F: Rows[] | null;
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const normalizeVec = (xs: number[]) => {
  const s = sum(xs);
  return xs.map((x) => (s > 0 ? x / s : 0));
};

export function makeRef(t: WorldTables, normalize = false): Ref {
  const C = t.contexts.length;
  const A = t.actions.length;
  const names = Object.keys(t.signals);
  const raw = names.map((n) => t.weights[n] ?? 0);
  const wv = normalize ? normalizeVec(raw) : raw;
  const w = Object.fromEntries(names.map((n, i) => [n, wv[i]]));
  const R = Array.from({ length: C }, (_, c) =>
    Array.from({ length: A }, (_, a) => sum(names.map((n) => w[n] * t.signals[n][c][a]))),
  );
  return {
    t,
    C,
    A,
    p: normalizeVec(t.contexts.map((c) => c.weight)),
    w,
    R,
    logRef: t.referencePolicy.map((row) => row.map(Math.log)),
    beta: t.beta,
    F: t.policy.kind === 'linear' ? t.policy.features.map((f) => t.features[f]) : null,
  };
}

/** h_θ[c][a]: θ[c·A + a] (tabular) or Σ_k θ_k F_k[c][a] (linear). */
export function shift(r: Ref, theta: ArrayLike<number>): Rows {
  return Array.from({ length: r.C }, (_, c) =>
    Array.from({ length: r.A }, (_, a) =>
      r.F ? sum(r.F.map((f, k) => theta[k] * f[c][a])) : theta[c * r.A + a],
    ),
  );
}

/** π_θ and log π_θ by a log-sum-exp per row. */
export function policy(r: Ref, theta: ArrayLike<number>): { pi: Rows; logPi: Rows } {
  const h = shift(r, theta);
  const logPi = h.map((row, c) => {
    const z = row.map((x, a) => r.logRef[c][a] + x);
    const m = Math.max(...z);
    const lse = m + Math.log(sum(z.map((x) => Math.exp(x - m))));
    return z.map((x) => x - lse);
  });
  return { pi: logPi.map((row) => row.map(Math.exp)), logPi };
}

/** J(θ) = Σ_c p(c) [Σ_a π R − β KL(π ‖ π_ref)]. */
export function objective(r: Ref, theta: ArrayLike<number>): number {
  const { pi, logPi } = policy(r, theta);
  let J = 0;
  for (let c = 0; c < r.C; c++) {
    let inner = 0;
    for (let a = 0; a < r.A; a++) {
      inner += pi[c][a] * (r.R[c][a] - r.beta * (logPi[c][a] - r.logRef[c][a]));
    }
    J += r.p[c] * inner;
  }
  return J;
}

/** x[c][a] − Σ_b π(b|c) x[c][b]. */
export function centered(pi: Rows, x: Rows): Rows {
  return x.map((row, c) => {
    const mean = sum(row.map((v, a) => pi[c][a] * v));
    return row.map((v) => v - mean);
  });
}

/** The update direction (before η) that the advantage table `adv` produces under a rule. */
export function direction(
  r: Ref,
  pi: Rows,
  adv: Rows,
  update: UpdateRule,
  damping: number,
): number[] {
  const g = adv.map((row, c) => row.map((v, a) => r.p[c] * pi[c][a] * v));
  if (!r.F) return (update === 'natural' ? adv : g).flat();
  const grad = r.F.map((f) => sum(g.flatMap((row, c) => row.map((v, a) => v * f[c][a]))));
  if (update === 'gradient') return grad;
  return gaussSolve(fisherPlusDamping(r, pi, damping), grad);
}

/** Φ + δI, Φ = Σ_c p(c) Σ_a π d dᵀ, d = F[c,a] − E_π F[c,·]. */
export function fisherPlusDamping(r: Ref, pi: Rows, damping: number): Rows {
  const F = r.F!;
  const K = F.length;
  const M = Array.from({ length: K }, (_, k) =>
    Array.from({ length: K }, (_, l) => (k === l ? damping : 0)),
  );
  for (let c = 0; c < r.C; c++) {
    const mean = F.map((f) => sum(f[c].map((v, a) => pi[c][a] * v)));
    for (let a = 0; a < r.A; a++) {
      const d = F.map((f, k) => f[c][a] - mean[k]);
      for (let k = 0; k < K; k++)
        for (let l = 0; l < K; l++) M[k][l] += r.p[c] * pi[c][a] * d[k] * d[l];
    }
  }
  return M;
}

/** Gaussian elimination with partial pivoting (dense, K×K). */
export function gaussSolve(M: Rows, b: number[]): number[] {
  const K = b.length;
  const m = M.map((row, i) => [...row, b[i]]);
  for (let j = 0; j < K; j++) {
    let piv = j;
    for (let i = j + 1; i < K; i++) if (Math.abs(m[i][j]) > Math.abs(m[piv][j])) piv = i;
    [m[j], m[piv]] = [m[piv], m[j]];
    for (let i = j + 1; i < K; i++) {
      const f = m[i][j] / m[j][j];
      for (let l = j; l <= K; l++) m[i][l] -= f * m[j][l];
    }
  }
  const x = new Array<number>(K).fill(0);
  for (let i = K - 1; i >= 0; i--) {
    let s = m[i][K];
    for (let l = i + 1; l < K; l++) s -= m[i][l] * x[l];
    x[i] = s / m[i][i];
  }
  return x;
}

/** π_ref exp(R/β) / Z per row. */
export function tilt(r: Ref, beta: number): number[] {
  return r.R.flatMap((row, c) => {
    const z = row.map((v, a) => r.logRef[c][a] + v / beta);
    const m = Math.max(...z);
    const e = z.map((x) => Math.exp(x - m));
    const s = sum(e);
    return e.map((x) => x / s);
  });
}

/** S = Σ_c q(c) Σ_a π syc over the sycophancy set, and ∇_θ S. */
export function sycophancy(r: Ref, theta: ArrayLike<number>): { S: number; grad: number[] } {
  const { pi } = policy(r, theta);
  const q = normalizeVec(r.t.sets!.sycophancy!);
  const syc = r.t.features.sycophantic;
  const cen = centered(pi, syc);
  const gh = cen.map((row, c) => row.map((v, a) => q[c] * pi[c][a] * v));
  const S = sum(q.map((qc, c) => qc * sum(pi[c].map((x, a) => x * syc[c][a]))));
  const grad = r.F
    ? r.F.map((f) => sum(gh.flatMap((row, c) => row.map((v, a) => v * f[c][a]))))
    : gh.flat();
  return { S, grad };
}

/**
 * A whole exact run on the tables, from their start (θ₀: the linear policy's initialTheta, or
 * log π₀ − log π_ref for a tabular one, π₀ = initialPolicy) with the tables' fixed mix weights:
 * `steps` updates θ ← θ + η · direction. Returns the final policy, row-major.
 */
export function referenceRun(t: WorldTables): number[] {
  const r = makeRef(t);
  const tr = t.trainer as {
    steps: number;
    learningRate: number;
    update: UpdateRule;
    fisherDamping?: number;
  };
  let theta: number[] = r.F
    ? (t.initialTheta ?? r.F.map(() => 0)).slice()
    : (t.initialPolicy as Rows).flatMap((row, c) =>
        row.map((x, a) => Math.log(x) - r.logRef[c][a]),
      );
  for (let step = 0; step < tr.steps; step++) {
    const { pi, logPi } = policy(r, theta);
    const adv = centered(
      pi,
      r.R.map((row, c) => row.map((v, a) => v - r.beta * (logPi[c][a] - r.logRef[c][a]))),
    );
    const d = direction(r, pi, adv, tr.update, tr.fisherDamping ?? 0);
    theta = theta.map((x, k) => x + tr.learningRate * d[k]);
  }
  return policy(r, theta).pi.flat();
}
