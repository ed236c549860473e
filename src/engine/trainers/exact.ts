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
 */
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
  const q_ = new Float64Array(A); // Q[c,·] of the row at hand (fused tabular step)
  const logratio = new Float64Array(n); // log π − log π_ref per cell
  const adv = new Float64Array(n); // A[c,a], kept for the natural update and the parts
  const prob = new Float64Array(n);
  const grad = new Float64Array(K);
  const none: StepResult = { stats: null, parts: null };

  return {
    step(t: number, wantParts: boolean): StepResult {
      // ---- the mix at this step ----------------------------------------------------------------
      if (!fixed) {
        effectiveWeights(world, t, w);
        mixedReward(world, w, R);
      }
      // ---- tabular without parts: the same arithmetic, fused, nothing stored but θ --------------
      if (!linear && !wantParts) {
        tabularStep();
        return none;
      }
      // ---- policy, Q, advantage, per situation ---------------------------------------------
      if (linear) {
        h.fill(0);
        for (let k = 0; k < K; k++) {
          const th = theta[k];
          if (th === 0) continue;
          const f = F[k];
          for (let i = 0; i < n; i++) h[i] += th * f[i];
        }
      }
      const hh = linear ? h : theta;
      for (let c = 0, row = 0; c < C; c++, row += A) {
        let m = -Infinity;
        for (let a = 0; a < A; a++) {
          const z = lref[row + a] + hh[row + a];
          pi[a] = z;
          if (z > m) m = z;
        }
        let s = 0;
        for (let a = 0; a < A; a++) s += pi[a] = Math.exp(pi[a] - m);
        const lse = m + Math.log(s);
        const inv = 1 / s;
        let meanQ = 0;
        for (let a = 0; a < A; a++) {
          // log π − log π_ref = h − log Σ exp(ℓ_ref + h): computed from the logits, not log(π),
          // so that an answer style with π = 0 in floating point still has a finite ratio.
          const lr = hh[row + a] - lse;
          logratio[row + a] = lr;
          pi[a] *= inv;
          const q = R[row + a] - beta * lr;
          adv[row + a] = q;
          meanQ += pi[a] * q;
        }
        const pc = p[c];
        for (let a = 0; a < A; a++) {
          const av = adv[row + a] - meanQ;
          adv[row + a] = av;
          prob[row + a] = pi[a];
          if (!linear) theta[row + a] += update === 'natural' ? eta * av : eta * pc * pi[a] * av;
        }
      }
      // ---- linear: ∇ (and the Fisher solve) ------------------------------------------------------
      let parts: Float64Array[] | null = null;
      if (linear) {
        const M = update === 'natural' ? fisher(world, F, prob, fisherDamping) : null;
        gradientInto(F, p, prob, adv, A, grad);
        const step = M ? choleskySolve(M.slice(), grad, K) : grad;
        if (wantParts) parts = linearParts(F, p, prob, w, M, eta);
        for (let k = 0; k < K; k++) theta[k] += eta * step[k];
      } else if (wantParts) {
        parts = tabularParts(p, prob, w, eta, update === 'natural');
      }
      return parts ? { stats: null, parts } : none;
    },
  };

  /**
   * One tabular update, row by row, with the operations of the general loop above in the same
   * order (so the same bits), but keeping only the row's π and Q: the hot loop of long runs.
   */
  function tabularStep(): void {
    const natural = update === 'natural';
    for (let c = 0, row = 0; c < C; c++, row += A) {
      let m = -Infinity;
      for (let a = 0; a < A; a++) {
        const z = lref[row + a] + theta[row + a];
        pi[a] = z;
        if (z > m) m = z;
      }
      let s = 0;
      for (let a = 0; a < A; a++) s += pi[a] = Math.exp(pi[a] - m);
      const lse = m + Math.log(s);
      const inv = 1 / s;
      let meanQ = 0;
      for (let a = 0; a < A; a++) {
        const q = R[row + a] - beta * (theta[row + a] - lse);
        q_[a] = q;
        meanQ += (pi[a] *= inv) * q;
      }
      if (natural) {
        for (let a = 0; a < A; a++) theta[row + a] += eta * (q_[a] - meanQ);
      } else {
        const pc = p[c];
        for (let a = 0; a < A; a++) theta[row + a] += eta * pc * pi[a] * (q_[a] - meanQ);
      }
    }
  }

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
    const parts = componentAdvantages(prob, w);
    for (const part of parts) {
      for (let c = 0, row = 0; c < C; c++, row += A) {
        for (let a = 0; a < A; a++) part[row + a] *= natural ? eta : eta * p[c] * prob[row + a];
      }
    }
    return parts;
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
