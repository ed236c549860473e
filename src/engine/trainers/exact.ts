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
 * the hot loop of every long run and of the benchmark (bench/run.ts, docs/performance.md). A
 * run's recorded steps go through `tabularStepPressures` (stepPressures): the same update, plus
 * each part's pressure summed on the fly instead of the parts written out.
 */
import { mapPacked } from '../arrays.ts';
import { fastExp } from '../fastexp.ts';
import { choleskySolve } from '../linalg.ts';
import { effectiveWeights, mixedReward, mixIsFixed } from '../mix.ts';
import { dot, doubles, plainTable } from '../metrics.ts';
import { policyFeatures } from '../policy.ts';
import type { World } from '../types.ts';
import type { StepResult, Trainer } from './types.ts';

/** The exact trainer, which can also give its update's pressures without materializing parts. */
export interface ExactTrainer extends Trainer {
  /** How many parts the update splits into: one per signal, then the KL term. */
  readonly partCount: number;
  /**
   * Step t's update (applied to θ only when `apply`), writing into `sums[i]` the dot product of
   * its part i with `gradient` (θ space): Σ_j gradient[j] · parts[i][j], bit for bit the pressure
   * `step(t, true).parts` would give, without writing the parts (the run driver's hot path).
   * `mirror` (tabular policies): a plain copy of θ that the caller keeps equal to θ; it is read
   * instead of θ and updated with it.
   */
  stepPressures(
    t: number,
    gradient: number[],
    sums: Float64Array,
    apply: boolean,
    mirror?: number[],
  ): void;
}

/** A buffer not made yet. */
const EMPTY: Float64Array = new Float64Array(0);

/**
 * `tabularStep`'s row scratch (e, u) for the last number of answer styles, shared by the
 * trainers: a step writes it before reading it and calls nothing else.
 */
let rowE = EMPTY;
let rowU = EMPTY;

/** The exact trainer over `theta` (a TrainerFactory: deterministic, so the seed is not used). */
export function createExactTrainer(
  world: World,
  theta: Float64Array,
  _seed?: number | string,
): ExactTrainer {
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
  // Buffers are made when first needed: a run through stepPressures needs none of the ones for
  // parts, and a sweep makes thousands of short runs.
  const h = linear ? new Float64Array(n) : EMPTY;
  const pi = linear ? new Float64Array(A) : EMPTY;
  let e_ = EMPTY; // the tabular kernel's row scratch (A)
  let u_ = EMPTY;
  let logratio = linear ? new Float64Array(n) : EMPTY; // log π − log π_ref per cell
  let adv = linear ? new Float64Array(n) : EMPTY; // A[c,a], kept for the natural update and the parts
  let prob = linear ? new Float64Array(n) : EMPTY;
  let tabs: { prob: Float64Array; logratio: Float64Array; adv: Float64Array } | null = null;
  // The tabular parts are written into these each time they are asked for: small typed arrays
  // are slow to allocate, and a run that records every step asks every step. A caller that
  // keeps parts past the next step() must copy them.
  let partBuffers: Float64Array[] = [];
  const grad = linear ? new Float64Array(K) : EMPTY;
  const none: StepResult = { stats: null, parts: null };
  const S = world.signals.length;
  let press: PressureKernel | null = null; // made on first use

  /** The mix at step t (a schedule changes it). */
  function mixAt(t: number): void {
    if (!fixed) {
      effectiveWeights(world, t, w);
      mixedReward(world, w, R);
    }
  }

  return {
    partCount: S + 1,
    stepPressures(t, gradient, sums, apply, mirror) {
      mixAt(t);
      if (!linear) {
        if (!press) press = pressureKernel(world, R);
        else if (!fixed) for (let i = 0; i < n; i++) press.R[i] = R[i];
        preparePressures(press, w, beta, gradient);
        const th = mirror ?? press.theta;
        if (!mirror) for (let i = 0; i < n; i++) th[i] = theta[i];
        tabularStepPressures(theta, th, C, A, eta, beta, update === 'natural', press, apply);
        for (let i = 0; i <= S; i++) sums[i] = press.sums[i];
        return;
      }
      const { parts, step } = linearUpdate(true);
      for (let i = 0; i < parts!.length; i++) sums[i] = dot(gradient, parts![i]);
      if (apply) for (let k = 0; k < K; k++) theta[k] += eta * step[k];
    },
    step(t: number, wantParts: boolean): StepResult {
      // ---- the mix at this step ----------------------------------------------------------------
      mixAt(t);
      // ---- tabular: the fused kernel (writing π, log π/π_ref, A only when parts are wanted) ----
      if (!linear) {
        if (e_.length !== A) {
          if (rowE.length !== A) {
            rowE = new Float64Array(A);
            rowU = new Float64Array(A);
          }
          e_ = rowE;
          u_ = rowU;
        }
        if (wantParts && !tabs) {
          prob = new Float64Array(n);
          logratio = new Float64Array(n);
          adv = new Float64Array(n);
          tabs = { prob, logratio, adv };
          partBuffers = Array.from({ length: world.signals.length + 1 }, () => new Float64Array(n));
        }
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
      const { parts, step } = linearUpdate(wantParts);
      for (let k = 0; k < K; k++) theta[k] += eta * step[k];
      return parts ? { stats: null, parts } : none;
    },
  };

  /** A linear policy's update direction at θ (before η) and, when wanted, its parts. */
  function linearUpdate(wantParts: boolean): { step: Float64Array; parts: Float64Array[] | null } {
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
    return { step, parts };
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
}

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

/**
 * The pressure kernel's tables, inputs, outputs and scratch (see `tabularStepPressures`), all
 * plain arrays (see `doubles` in metrics.ts: V8 guards typed-array accesses once any
 * ArrayBuffer was detached, and this kernel makes many).
 */
interface PressureKernel {
  /** ℓ_ref, p, R (kept equal to the trainer's R) and the signals' tables (world order). */
  lref: number[];
  p: number[];
  R: number[];
  tables: number[][];
  /** ∇_θ eval/sycophancy. */
  gradient: number[];
  /** Out: one sum per part (tables.length + 1: the signals, then KL). */
  sums: number[];
  /** The signals whose weight is not 0 at this step, and their weights. */
  active: number[];
  weights: number[];
  nActive: number;
  /** Scratch: θ's copy (without a caller's), exp(ℓ_ref + θ) (shifted in a shifted row) and
   * u = R − βθ per cell (C·A). */
  theta: number[];
  e: number[];
  u: number[];
  /** Scratch per situation: Σ e, Σ e·u, the shift, and log Σ exp(ℓ_ref + θ). */
  sum: number[];
  sumU: number[];
  shift: number[];
  lse: number[];
  /** Row scratch (A): π and log π/π_ref. */
  prob: number[];
  logratio: number[];
}

/** A pressure kernel for `world` (tabular) with the trainer's mixed reward `R`. */
function pressureKernel(world: World, R: Float64Array): PressureKernel {
  const C = world.contexts.length;
  const A = world.actions.length;
  const n = C * A;
  const S = world.signals.length;
  const sc = kernelScratch(C, A, S);
  return {
    // the world's tables: shared plain copies, only read (see plainTable in metrics.ts)
    lref: plainTable(n, world.referenceLogProbs),
    p: plainTable(C, world.contextWeights),
    R: doubles(n, R),
    tables: mapPacked(world.signals, (sig) => plainTable(n, sig.table)),
    gradient: [],
    nActive: 0,
    // scratch written and read within one step (the kernel functions call nothing else), so
    // the kernels of one shape share it
    sums: sc.sums,
    active: sc.active,
    weights: sc.weights,
    theta: sc.theta,
    e: sc.e,
    u: sc.u,
    sum: sc.sum,
    sumU: sc.sumU,
    shift: sc.shift,
    lse: sc.lse,
    prob: sc.prob,
    logratio: sc.logratio,
  };
}

/** The scratch part of a pressure kernel, with the shape it is for. */
type KernelScratch = Omit<
  PressureKernel,
  'lref' | 'p' | 'R' | 'tables' | 'gradient' | 'nActive'
> & {
  C: number;
  A: number;
  S: number;
};
let lastKernelScratch: KernelScratch | null = null;

/** Scratch for pressure kernels of C×A worlds with S signals (the last shape's is kept). */
function kernelScratch(C: number, A: number, S: number): KernelScratch {
  const sc = lastKernelScratch;
  if (sc && sc.C === C && sc.A === A && sc.S === S) return sc;
  const n = C * A;
  lastKernelScratch = {
    C,
    A,
    S,
    sums: doubles(S + 1),
    active: Array.from({ length: S }, () => 0),
    weights: doubles(S),
    theta: doubles(n),
    e: doubles(n),
    u: doubles(n),
    sum: doubles(C),
    sumU: doubles(C),
    shift: doubles(C),
    lse: doubles(C),
    prob: doubles(A),
    logratio: doubles(A),
  };
  return lastKernelScratch;
}

/**
 * Readies the kernel for a step with effective weights `w` and KL coefficient `beta`: the
 * signals with a weight go on the active list; a part with weight 0 is zero (as `tabularParts`
 * writes it), so its sum is Σ gradient · 0, taken here in cell order.
 */
function preparePressures(
  press: PressureKernel,
  w: Float64Array,
  beta: number,
  gradient: number[],
): void {
  press.gradient = gradient;
  const sums = press.sums;
  const S = press.tables.length;
  let nActive = 0;
  for (let i = 0; i <= S; i++) {
    const wi = i < S ? w[i] : -beta;
    if (wi !== 0) {
      if (i < S) {
        press.active[nActive] = i;
        press.weights[nActive++] = wi;
      }
      sums[i] = 0;
      continue;
    }
    let s = 0;
    for (let j = 0; j < gradient.length; j++) s += gradient[j] * 0;
    sums[i] = s;
  }
  press.nActive = nActive;
}

/**
 * `tabularStep` (θ only updated when `apply`) that also sums each part's pressure into
 * `press.sums` (see `pressureRow`), in three passes: the exponentials and sums of every
 * situation (the same arithmetic as `tabularStep`), then the logarithms (independent of one
 * another, so they need not wait on each situation's sums), then the pressures and the update.
 * `th` holds θ's values as a plain array; it is read instead of θ and updated with it.
 *
 * The first pass repeats `tabularStep`'s on purpose: that one reads typed arrays, this one plain
 * arrays, and one function fed both would be compiled for both and run slower for each (the
 * arithmetic must stay the same, term for term: test/engine/fast-path.test.ts compares them).
 */
export function tabularStepPressures(
  theta: Float64Array,
  th: number[],
  C: number,
  A: number,
  eta: number,
  beta: number,
  natural: boolean,
  press: PressureKernel,
  apply: boolean,
): void {
  const { lref, R, p, e: e_, u: u_, sum, sumU, shift: shifts, lse } = press;
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
      const e = fastExp(lref[i] + th[i]);
      const u = R[i] - beta * th[i];
      const e2 = fastExp(lref[i + 1] + th[i + 1]);
      const u2 = R[i + 1] - beta * th[i + 1];
      const e3 = fastExp(lref[i + 2] + th[i + 2]);
      const u3 = R[i + 2] - beta * th[i + 2];
      const e4 = fastExp(lref[i + 3] + th[i + 3]);
      const u4 = R[i + 3] - beta * th[i + 3];
      e_[i] = e;
      u_[i] = u;
      e_[i + 1] = e2;
      u_[i + 1] = u2;
      e_[i + 2] = e3;
      u_[i + 2] = u3;
      e_[i + 3] = e4;
      u_[i + 3] = u4;
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
      const e = fastExp(lref[row + a] + th[row + a]);
      const u = R[row + a] - beta * th[row + a];
      e_[row + a] = e;
      u_[row + a] = u;
      s += e;
      su += e * u;
    }
    s += s2 + (s3 + s4);
    su += su2 + (su3 + su4);
    let shift = 0;
    if (!(s >= 2e-9 && s <= 1e260)) {
      let m = -Infinity;
      for (let a = 0; a < A; a++) m = Math.max(m, lref[row + a] + th[row + a]);
      shift = m;
      s = 0;
      su = 0;
      for (let a = 0; a < A; a++) {
        const e = fastExp(lref[row + a] + th[row + a] - m);
        e_[row + a] = e;
        s += e;
        su += e * u_[row + a];
      }
    }
    sum[c] = s;
    sumU[c] = su;
    shifts[c] = shift;
  }
  for (let c = 0; c < C; c++) lse[c] = shifts[c] + Math.log(sum[c]);
  for (let c = 0, row = 0; c < C; c++, row += A) {
    const inv = 1 / sum[c];
    const mean = sumU[c] * inv;
    pressureRow(press, th, p[c], row, A, inv, lse[c], eta, beta, natural);
    if (!apply) continue;
    // θ += the update, in θ and in its copy th (the rows before this one are done with th)
    if (natural) {
      for (let a = 0, j = row; a < A; a++, j++) theta[j] = th[j] = th[j] + eta * (u_[j] - mean);
    } else {
      const scale = eta * p[c] * inv; // η p(c) π(a|c) = scale · e
      for (let a = 0, j = row; a < A; a++, j++)
        theta[j] = th[j] = th[j] + scale * e_[j] * (u_[j] - mean);
    }
  }
}

/**
 * One situation's terms of each part's pressure. Part i of the update in cell (c,a) is
 * k_i (r_i[c,a] − E_π r_i) with k_i = η w_i (natural), or k_i π(a|c) (r_i[c,a] − E_π r_i) with
 * k_i = η p(c) w_i (gradient), with w = −β and table log π/π_ref for the KL part; `sums[i]` gets
 * gradient · part in cell order, each term computed as `tabularParts` computes the part's cell
 * (written here as (k_i f_a)(r − E r) with f_a = 1 (natural: k_i · 1 = k_i exactly) or π(a|c)).
 * Each sum is a chain of dependent additions; the parts go four or five at a time (the KL part
 * with the first four signals), their chains interleaved, so that the CPU overlaps them.
 */
function pressureRow(
  press: PressureKernel,
  theta: number[],
  pc: number,
  row: number,
  A: number,
  inv: number,
  lse: number,
  eta: number,
  beta: number,
  natural: boolean,
): void {
  const { tables, gradient: g, sums, prob, logratio, active, weights, nActive } = press;
  const e_ = press.e;
  const S = tables.length;
  const c = natural ? eta : eta * pc; // k_i = c · w_i
  for (let a = 0; a < A; a++) {
    prob[a] = e_[row + a] * inv;
    logratio[a] = theta[row + a] - lse;
  }
  let kl = beta !== 0; // the KL part still to do in this row
  let m = 0;
  for (; m + 3 < nActive; m += 4) {
    const i0 = active[m];
    const i1 = active[m + 1];
    const i2 = active[m + 2];
    const i3 = active[m + 3];
    const t0 = tables[i0];
    const t1 = tables[i1];
    const t2 = tables[i2];
    const t3 = tables[i3];
    const k0 = c * weights[m];
    const k1 = c * weights[m + 1];
    const k2 = c * weights[m + 2];
    const k3 = c * weights[m + 3];
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let s0 = sums[i0];
    let s1 = sums[i1];
    let s2 = sums[i2];
    let s3 = sums[i3];
    if (kl) {
      // the first four signals carry the KL part as a fifth chain
      kl = false;
      const k4 = c * -beta;
      let m4 = 0;
      let s4 = sums[S];
      for (let a = 0, j = row; a < A; a++, j++) {
        const pa = prob[a];
        m0 += pa * t0[j];
        m1 += pa * t1[j];
        m2 += pa * t2[j];
        m3 += pa * t3[j];
        m4 += pa * logratio[a];
      }
      for (let a = 0, j = row; a < A; a++, j++) {
        const ga = g[j];
        const fa = natural ? 1 : prob[a];
        s0 += ga * (k0 * fa * (t0[j] - m0));
        s1 += ga * (k1 * fa * (t1[j] - m1));
        s2 += ga * (k2 * fa * (t2[j] - m2));
        s3 += ga * (k3 * fa * (t3[j] - m3));
        s4 += ga * (k4 * fa * (logratio[a] - m4));
      }
      sums[S] = s4;
    } else {
      for (let a = 0, j = row; a < A; a++, j++) {
        const pa = prob[a];
        m0 += pa * t0[j];
        m1 += pa * t1[j];
        m2 += pa * t2[j];
        m3 += pa * t3[j];
      }
      for (let a = 0, j = row; a < A; a++, j++) {
        const ga = g[j];
        const fa = natural ? 1 : prob[a];
        s0 += ga * (k0 * fa * (t0[j] - m0));
        s1 += ga * (k1 * fa * (t1[j] - m1));
        s2 += ga * (k2 * fa * (t2[j] - m2));
        s3 += ga * (k3 * fa * (t3[j] - m3));
      }
    }
    sums[i0] = s0;
    sums[i1] = s1;
    sums[i2] = s2;
    sums[i3] = s3;
  }
  for (; m < nActive; m++) {
    const i = active[m];
    const tab = tables[i];
    const k = c * weights[m];
    let mean = 0;
    for (let a = 0, j = row; a < A; a++, j++) mean += prob[a] * tab[j];
    let s = sums[i];
    for (let a = 0, j = row; a < A; a++, j++)
      s += g[j] * (k * (natural ? 1 : prob[a]) * (tab[j] - mean));
    sums[i] = s;
  }
  if (kl) {
    const k = c * -beta;
    let mean = 0;
    for (let a = 0; a < A; a++) mean += prob[a] * logratio[a];
    let s = sums[S];
    for (let a = 0; a < A; a++)
      s += g[row + a] * (k * (natural ? 1 : prob[a]) * (logratio[a] - mean));
    sums[S] = s;
  }
}
