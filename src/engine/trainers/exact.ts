/**
 * The exact trainer (normative: MODEL.md / docs/model.md, "The exact trainer"). Deterministic
 * ascent on J(θ) = Σ_c p(c) [Σ_a π(a|c) R[c,a] − β KL(π(·|c) ‖ π_ref(·|c))] with the full
 * expectation:
 *
 *   Q[c,a] = R[c,a] − β (log π(a|c) − log π_ref(a|c))
 *   A[c,a] = Q[c,a] − Σ_b π(b|c) Q[c,b]
 *   g[c,a] = p(c) π(a|c) A[c,a]                       (= ∂J/∂h[c,a])
 *   gradient: tabular θ += η g;  linear θ += η ∇, ∇_k = Σ g F_k
 *   natural:  tabular θ += η A;  linear θ += η (Φ + δI)⁻¹ ∇
 *
 * Tabular policies go through `tabularStep` (below), the same update rearranged for speed: it is
 * the hot loop of every long run and of the benchmark (bench/run.ts, docs/performance.md).
 */
import { fastExp } from '../fastexp.ts';
import { choleskySolve } from '../linalg.ts';
import { effectiveWeights, mixedReward, mixIsFixed } from '../mix.ts';
import { policyFeatures } from '../policy.ts';
import type { World } from '../types.ts';
import type { StepResult, Trainer, TrainerFactory } from './types.ts';

export const createExactTrainer: TrainerFactory = (world: World, theta: Float64Array): Trainer => {
  // ---- setup: tables, buffers -------------------------------------------------------------
  const C = world.contexts.length;
  const A = world.actions.length;
  const n = C * A;
  const { learningRate: eta, update, fisherDamping } = world.trainer;
  const beta = world.beta;
  const p = world.contextWeights;
  const lref = world.referenceLogProbs;
  const linear = world.policy.kind === 'linear';
  const F = policyFeatures(world);
  const K = F.length;
  const fixed = mixIsFixed(world);
  const w = effectiveWeights(world, 0);
  const R = mixedReward(world, w);
  const h = new Float64Array(n);
  const pi = new Float64Array(A);
  const e_ = new Float64Array(A); // the tabular kernel's row scratch
  const u_ = new Float64Array(A);
  const logratio = new Float64Array(n); // log π − log π_ref per cell
  const adv = new Float64Array(n); // A[c,a], kept for the natural update and the parts
  const prob = new Float64Array(n);
  const tabs = { prob, logratio, adv };
  // The tabular parts are written into these each time they are asked for: small typed arrays
  // are slow to allocate, and a run that records every step asks every step. A caller that
  // keeps parts past the next step() must copy them.
  const partBuffers = linear
    ? []
    : Array.from({ length: world.signals.length + 1 }, () => new Float64Array(n));
  const grad = new Float64Array(K);
  const none: StepResult = { stats: null, parts: null };

  return {
    step(t: number, wantParts: boolean): StepResult {
      // ---- the mix at this step ----------------------------------------------------------------
      if (!fixed) {
        effectiveWeights(world, t, w);
        mixedReward(world, w, R);
      }
      // ---- tabular: the fused kernel (writing π, log π/π_ref, A only when parts are wanted) ----
      if (!linear) {
        tabularStep(
          theta,
          lref,
          R,
          p,
          C,
          A,
          eta,
          beta,
          update === 'natural',
          e_,
          u_,
          wantParts ? tabs : null,
        );
        return wantParts
          ? { stats: null, parts: tabularParts(p, prob, w, eta, update === 'natural') }
          : none;
      }
      // ---- linear: policy, Q, advantage, per situation --------------------------------------------
      h.fill(0);
      for (let k = 0; k < K; k++) {
        const th = theta[k];
        if (th === 0) continue;
        const f = F[k];
        for (let i = 0; i < n; i++) h[i] += th * f[i];
      }
      for (let c = 0, row = 0; c < C; c++, row += A) {
        let m = -Infinity;
        for (let a = 0; a < A; a++) {
          const z = lref[row + a] + h[row + a];
          pi[a] = z;
          if (z > m) m = z;
        }
        let s = 0;
        for (let a = 0; a < A; a++) s += pi[a] = fastExp(pi[a] - m);
        const lse = m + Math.log(s);
        const inv = 1 / s;
        let meanQ = 0;
        for (let a = 0; a < A; a++) {
          // log π − log π_ref = h − log Σ exp(ℓ_ref + h): computed from the logits, not log(π),
          // so that an answer style with π = 0 in floating point still has a finite ratio.
          const lr = h[row + a] - lse;
          logratio[row + a] = lr;
          pi[a] *= inv;
          const q = R[row + a] - beta * lr;
          adv[row + a] = q;
          meanQ += pi[a] * q;
        }
        for (let a = 0; a < A; a++) {
          adv[row + a] -= meanQ;
          prob[row + a] = pi[a];
        }
      }
      // ---- linear: ∇ (and the Fisher solve) ------------------------------------------------------
      const M = update === 'natural' ? fisher(world, F, prob, fisherDamping) : null;
      gradientInto(F, p, prob, adv, A, grad);
      const step = M ? choleskySolve(M.slice(), grad, K) : grad;
      const parts = wantParts ? linearParts(F, p, prob, w, M, eta) : null;
      for (let k = 0; k < K; k++) theta[k] += eta * step[k];
      return parts ? { stats: null, parts } : none;
    },
  };

  // ---- the update split by component (signals, then KL), for pressure/* ------------------------
  // A[c,a] is linear in the tables: A = Σ_i centered(w_i r_i) + centered(−β log π/π_ref).
  function componentAdvantages(prob: Float64Array, w: Float64Array): Float64Array[] {
    const tables = world.signals.map((s) => s.table);
    const scales = Array.from(w);
    tables.push(logratio);
    scales.push(-beta);
    return tables.map((tab, i) => {
      const part = new Float64Array(n);
      const wi = scales[i];
      if (wi === 0) return part;
      for (let row = 0; row < n; row += A) {
        let mean = 0;
        for (let a = 0; a < A; a++) mean += prob[row + a] * tab[row + a];
        for (let a = 0; a < A; a++) part[row + a] = wi * (tab[row + a] - mean);
      }
      return part;
    });
  }

  function tabularParts(
    p: Float64Array,
    prob: Float64Array,
    w: Float64Array,
    eta: number,
    natural: boolean,
  ): Float64Array[] {
    // component i's part of θ's update: its centered term of A, times η (natural) or η p π
    const S = world.signals.length;
    for (let i = 0; i <= S; i++) {
      const tab = i < S ? world.signals[i].table : logratio;
      const wi = i < S ? w[i] : -beta;
      const part = partBuffers[i];
      if (wi === 0) {
        part.fill(0);
        continue;
      }
      for (let c = 0, row = 0; c < C; c++, row += A) {
        let mean = 0;
        for (let a = 0; a < A; a++) mean += prob[row + a] * tab[row + a];
        if (natural) {
          const k = eta * wi;
          for (let a = 0; a < A; a++) part[row + a] = k * (tab[row + a] - mean);
        } else {
          const k = eta * p[c] * wi;
          for (let a = 0; a < A; a++) part[row + a] = k * prob[row + a] * (tab[row + a] - mean);
        }
      }
    }
    return partBuffers;
  }

  function linearParts(
    F: Float64Array[],
    p: Float64Array,
    prob: Float64Array,
    w: Float64Array,
    M: Float64Array | null,
    eta: number,
  ): Float64Array[] {
    return componentAdvantages(prob, w).map((partAdv) => {
      const g = new Float64Array(F.length);
      gradientInto(F, p, prob, partAdv, A, g);
      const step = M ? choleskySolve(M.slice(), g, F.length) : g;
      return step.map((x) => eta * x);
    });
  }
};

/** ∇_k = Σ_{c,a} p(c) π(a|c) A[c,a] F_k[c,a] into `out`. */
export function gradientInto(
  F: Float64Array[],
  p: Float64Array,
  prob: Float64Array,
  adv: Float64Array,
  A: number,
  out: Float64Array,
): Float64Array {
  out.fill(0);
  const n = prob.length;
  for (let k = 0; k < F.length; k++) {
    const f = F[k];
    let s = 0;
    for (let i = 0; i < n; i++) s += p[(i / A) | 0] * prob[i] * adv[i] * f[i];
    out[k] = s;
  }
  return out;
}

/** Φ + δI, Φ = Σ_c p(c) Σ_a π(a|c) d dᵀ with d = F[c,a] − E_π F[c,·] (K×K, row-major). */
export function fisher(
  world: World,
  F: Float64Array[],
  prob: Float64Array,
  damping: number,
): Float64Array {
  const K = F.length;
  const A = world.actions.length;
  const M = new Float64Array(K * K);
  const mean = new Float64Array(K);
  const d = new Float64Array(K);
  for (let c = 0, row = 0; c < world.contexts.length; c++, row += A) {
    const pc = world.contextWeights[c];
    if (pc === 0) continue;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let a = 0; a < A; a++) s += prob[row + a] * F[k][row + a];
      mean[k] = s;
    }
    for (let a = 0; a < A; a++) {
      const wa = pc * prob[row + a];
      if (wa === 0) continue;
      for (let k = 0; k < K; k++) d[k] = F[k][row + a] - mean[k];
      for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) M[k * K + l] += wa * d[k] * d[l];
    }
  }
  for (let k = 0; k < K; k++) M[k * K + k] += damping;
  return M;
}

/**
 * One tabular update of θ in place: MODEL.md's exact update, rearranged for speed.
 * - With u[c,a] = R[c,a] − β θ[c,a], Q = u + β lse(c) differs from u by a constant per
 *   situation, so A[c,a] = u[c,a] − Σ_b π(b|c) u[c,b]: no logarithm is needed.
 * - Softmax is shift-invariant; the usual shift by the row's maximum only guards exp against
 *   overflow and underflow. So the first pass sums exp(ℓ_ref + θ) unshifted, and only a row
 *   whose sum falls outside [2e-9, 1e260] (its largest logit below about −20 or above about
 *   600, or not finite) is redone shifted by its maximum. In a row that passes, cells more than
 *   ~700 below the largest weigh < 1e-300 either way.
 * So a situation usually costs two passes over its row: exp and the sums, then the update. The
 * first pass takes four cells at a time into four pairs of partial sums, so that the additions
 * need not wait on one another (about a quarter faster in V8 than one cell at a time).
 * With `out`, π, log π/π_ref and A are also written there (before the update) for the pressure
 * parts; θ comes out the same either way. A free function over its arguments, which V8
 * optimizes better than a closure's captured variables.
 */
export function tabularStep(
  theta: Float64Array,
  lref: Float64Array,
  R: Float64Array,
  p: Float64Array,
  C: number,
  A: number,
  eta: number,
  beta: number,
  natural: boolean,
  e_: Float64Array,
  u_: Float64Array,
  out: { prob: Float64Array; logratio: Float64Array; adv: Float64Array } | null,
): void {
  for (let c = 0, row = 0; c < C; c++, row += A) {
    let s = 0;
    let su = 0;
    let s2 = 0;
    let su2 = 0;
    let s3 = 0;
    let su3 = 0;
    let s4 = 0;
    let su4 = 0;
    let a = 0;
    for (; a + 3 < A; a += 4) {
      const i = row + a;
      const e = fastExp(lref[i] + theta[i]);
      const u = R[i] - beta * theta[i];
      const e2 = fastExp(lref[i + 1] + theta[i + 1]);
      const u2 = R[i + 1] - beta * theta[i + 1];
      const e3 = fastExp(lref[i + 2] + theta[i + 2]);
      const u3 = R[i + 2] - beta * theta[i + 2];
      const e4 = fastExp(lref[i + 3] + theta[i + 3]);
      const u4 = R[i + 3] - beta * theta[i + 3];
      e_[a] = e;
      u_[a] = u;
      e_[a + 1] = e2;
      u_[a + 1] = u2;
      e_[a + 2] = e3;
      u_[a + 2] = u3;
      e_[a + 3] = e4;
      u_[a + 3] = u4;
      s += e;
      su += e * u;
      s2 += e2;
      su2 += e2 * u2;
      s3 += e3;
      su3 += e3 * u3;
      s4 += e4;
      su4 += e4 * u4;
    }
    for (; a < A; a++) {
      const e = fastExp(lref[row + a] + theta[row + a]);
      const u = R[row + a] - beta * theta[row + a];
      e_[a] = e;
      u_[a] = u;
      s += e;
      su += e * u;
    }
    s += s2 + (s3 + s4);
    su += su2 + (su3 + su4);
    let shift = 0;
    if (!(s >= 2e-9 && s <= 1e260)) {
      // the row's largest logit is below about −20 or above about 600 (or not finite): shift
      let m = -Infinity;
      for (let a = 0; a < A; a++) m = Math.max(m, lref[row + a] + theta[row + a]);
      shift = m;
      s = 0;
      su = 0;
      for (let a = 0; a < A; a++) {
        const e = fastExp(lref[row + a] + theta[row + a] - m);
        e_[a] = e;
        s += e;
        su += e * u_[a];
      }
    }
    const inv = 1 / s;
    const mean = su * inv;
    if (out) {
      const lse = shift + Math.log(s);
      for (let a = 0; a < A; a++) {
        out.prob[row + a] = e_[a] * inv;
        out.logratio[row + a] = theta[row + a] - lse;
        out.adv[row + a] = u_[a] - mean;
      }
    }
    if (natural) {
      for (let a = 0; a < A; a++) theta[row + a] += eta * (u_[a] - mean);
    } else {
      const scale = eta * p[c] * inv; // η p(c) π(a|c) = scale · e
      for (let a = 0; a < A; a++) theta[row + a] += scale * e_[a] * (u_[a] - mean);
    }
  }
}
