/**
 * REINFORCE with KL in the reward (MODEL.md / docs/model.md, "Sampled trainers"). Each step:
 *
 *   rollout    B draws c ~ p(c), a ~ π(·|c)
 *   rewards    r_j = Σ_i w_i r_i(c_j,a_j) − β log(π/π_ref)(c_j,a_j), r_i drawn by signal i's noise
 *   advantage  adv_j = r_j − b(c_j), b per `trainer.baseline`:
 *                none: 0;  batch-mean: the batch's mean r;
 *                expected: E_π[R − β log π/π_ref] in c_j, exact (the expected shaped reward)
 *   update     θ += η · (1/B) Σ_j adv_j ∇_θ log π(a_j|c_j)
 *
 * The estimate depends on the batch only through per-cell counts and reward sums (sampling.ts),
 * so the hot loop draws and counts, and the update is applied once per batch.
 */
import { effectiveWeights, mixedReward, mixIsFixed } from '../mix.ts';
import { policyFeatures } from '../policy.ts';
import { aleaNext, cumulative, streamState } from '../rng.ts';
import type { World } from '../types.ts';
import {
  addToTheta,
  createPolicyTables,
  createRewardSampler,
  createGuidedRows,
  drawGuided,
  expectedRows,
  rebuildGuides,
  scoreDirections,
  toTheta,
  updatePolicyTables,
} from './sampling.ts';
import type { StepResult, Trainer, TrainerFactory } from './types.ts';

export const createReinforceTrainer: TrainerFactory = (
  world: World,
  theta: Float64Array,
  seed: number | string,
): Trainer => {
  // ---- setup: sizes, hyperparameters, streams, buffers ------------------------------------------
  const C = world.contexts.length;
  const A = world.actions.length;
  const n = C * A;
  const { learningRate: eta, batchSize: B, baseline } = world.trainer;
  if (!(Number.isInteger(B) && B >= 1)) throw new Error('reinforce: batchSize must be ≥ 1');
  const beta = world.beta;
  const linear = world.policy.kind === 'linear';
  const F = policyFeatures(world);
  const signals = world.signals;
  const fixedMix = mixIsFixed(world);
  const w = effectiveWeights(world, 0);
  const R = mixedReward(world, w); // the expected mixed reward, for the `expected` baseline
  const quiet = new Float64Array(n); // Σ w_i r_i over the noise-free signals
  const pol = createPolicyTables(world);
  const contextRows = createGuidedRows(cumulative(world.contextWeights), C, 4 * C);
  const actionRows = createGuidedRows(pol.cum, A, 2 * A);
  const contextStream = streamState(seed, 'contexts');
  const actionStream = streamState(seed, 'actions');
  const samplers = signals.map((s) => createRewardSampler(s, seed));
  const noisy = samplers.flatMap((s, i) => (s.random ? [i] : []));
  const cells = new Int32Array(B); // the cell index c·A + a of each sample
  const draws = samplers.map((s) => new Float64Array(s.random ? B : 0));
  const count = new Float64Array(n); // samples per cell
  const sums = new Float64Array(n); // Σ r_j per cell, then Σ adv_j per cell
  const rowBaseline = new Float64Array(C);
  const dir = new Float64Array(n);
  const statKeys = signals.map((s) => `reinforce/rewards/${s.name}`);
  mixQuiet();

  return {
    step(t: number, wantParts: boolean): StepResult {
      // ---- the mix at this step --------------------------------------------------------------
      if (!fixedMix) {
        effectiveWeights(world, t, w);
        mixedReward(world, w, R);
        mixQuiet();
      }
      updatePolicyTables(world, theta, F, pol);
      rebuildGuides(actionRows);
      const { prob, logratio } = pol;

      // ---- rollout: B situations c ~ p(c), answer styles a ~ π(·|c) -------------------------
      count.fill(0);
      for (let j = 0; j < B; j++) {
        const c = drawGuided(contextRows, 0, aleaNext(contextStream));
        const cell = drawGuided(actionRows, c, aleaNext(actionStream));
        cells[j] = cell;
        count[cell]++;
      }

      // ---- rewards: Σ_i w_i r_i − β log π/π_ref, summed per cell -------------------------------
      // Noise-free terms are per-cell constants (count × value); noisy signals add their draws.
      // Every noisy signal draws every step, even at weight 0, so its stream stays aligned.
      for (let i = 0; i < n; i++) sums[i] = count[i] * (quiet[i] - beta * logratio[i]);
      for (const i of noisy) {
        const d = draws[i];
        samplers[i].draw(cells, 0, B, d);
        const wi = w[i];
        if (wi !== 0) for (let j = 0; j < B; j++) sums[cells[j]] += wi * d[j];
      }

      // ---- advantage: Σ_j (r_j − b(c_j)) per cell = sums − b(c) · count ------------------------
      if (baseline !== 'none') {
        baselineRows(sums, R, rowBaseline);
        for (let c = 0, row = 0; c < C; c++, row += A) {
          const b = rowBaseline[c];
          for (let a = 0; a < A; a++) sums[row + a] -= b * count[row + a];
        }
      }

      // ---- update: θ += η · (1/B) Σ_j adv_j ∇_θ log π(a_j|c_j) -------------------------------------
      scoreDirections(sums, prob, A, dir);
      const parts = wantParts ? updateParts() : null;
      addToTheta(theta, dir, F, linear, eta / B);

      // ---- stats -------------------------------------------------------------------------------------
      return { stats: batchStats(), parts };
    },
  };

  /** Σ w_i r_i over the noise-free signals at the current weights. */
  function mixQuiet(): void {
    quiet.fill(0);
    signals.forEach((s, i) => {
      if (samplers[i].random || w[i] === 0) return;
      for (let k = 0; k < n; k++) quiet[k] += w[i] * s.table[k];
    });
  }

  /**
   * The baseline per row into `out`. batch-mean: the batch mean of the per-cell sums `U`.
   * expected: E_π[T + klScale · log π/π_ref] in the row (T = R, klScale = −β for the whole
   * shaped reward; T = w_i r_i, 0 for a signal's part; T = null, −β for the KL part).
   */
  function baselineRows(
    U: Float64Array,
    T: Float64Array | null,
    out: Float64Array,
    klScale = -beta,
  ): void {
    if (baseline === 'batch-mean') {
      let s = 0;
      for (let i = 0; i < n; i++) s += U[i];
      out.fill(s / B);
      return;
    }
    expectedRows(pol, T, klScale, A, out);
  }

  // ---- the update split by component (signals in world order, then KL), for pressure/* ------------
  // adv_j = Σ_i (w_i r_ij − b_i(c_j)) + (−β log π/π_ref − b_KL(c_j)) with the baseline split the
  // same way, and the update is linear in adv, so each component's update is its own sum.
  function updateParts(): Float64Array[] {
    const { prob, logratio } = pol;
    const U = new Float64Array(n);
    const b = new Float64Array(C);
    const g = new Float64Array(n);
    const part = (fill: () => void, T: Float64Array | null, klScale: number): Float64Array => {
      fill();
      if (baseline !== 'none') {
        baselineRows(U, T, b, klScale);
        for (let c = 0, row = 0; c < C; c++, row += A)
          for (let a = 0; a < A; a++) U[row + a] -= b[c] * count[row + a];
      }
      scoreDirections(U, prob, A, g);
      return toTheta(g, F, linear, eta / B, new Float64Array(theta.length));
    };
    const parts = signals.map((s, i) => {
      const wi = w[i];
      const weighted = Float64Array.from(s.table, (x) => wi * x);
      return part(
        () => {
          if (samplers[i].random) {
            U.fill(0);
            const d = draws[i];
            for (let j = 0; j < B; j++) U[cells[j]] += wi * d[j];
          } else {
            for (let k = 0; k < n; k++) U[k] = count[k] * weighted[k];
          }
        },
        weighted,
        0,
      );
    });
    parts.push(
      part(
        () => {
          for (let k = 0; k < n; k++) U[k] = count[k] * -beta * logratio[k];
        },
        null,
        -beta,
      ),
    );
    return parts;
  }

  /** Batch means: the sampled mixed reward, log π/π_ref, and each signal's draws. */
  function batchStats(): Record<string, number> {
    const { logratio } = pol;
    const stats: Record<string, number> = {};
    let mixed = 0;
    for (let i = 0; i < signals.length; i++) {
      let sum = 0;
      if (samplers[i].random) {
        const d = draws[i];
        for (let j = 0; j < B; j++) sum += d[j];
      } else {
        const tab = signals[i].table;
        for (let k = 0; k < n; k++) sum += count[k] * tab[k];
      }
      stats[statKeys[i]] = sum / B;
      mixed += (w[i] * sum) / B;
    }
    let kl = 0;
    for (let k = 0; k < n; k++) kl += count[k] * logratio[k];
    stats['reinforce/reward'] = mixed;
    stats['reinforce/kl'] = kl / B;
    return stats;
  }
};
