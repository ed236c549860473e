/**
 * GRPO (Shao et al. 2024, DeepSeekMath) on the bandit (MODEL.md / docs/model.md, "Sampled
 * trainers"). Each step, with B = batchSize situations and G = groupSize answers each:
 *
 *   rollout    c_g ~ p(c) for each group g, then G answers a ~ π(·|c_g)
 *   rewards    r_j = Σ_i w_i r_i(c_j,a_j), each r_i drawn by its noise model (no KL in the reward)
 *   advantage  Â_j = (r_j − mean_g r) / std_g r (sample std); 0 for a group whose std is 0
 *   KL penalty β · k3 per answer, k3 = π_ref/π − log(π_ref/π) − 1 (unbiased for KL(π ‖ π_ref)),
 *              whose gradient is (1 − π_ref/π) ∇ log π
 *   update     one on-policy step: θ += η · (1/(B·G)) Σ_j (Â_j − β (1 − π_ref/π)(c_j,a_j)) ∇ log π
 *   stats      grpo/reward_std (mean within-group std), grpo/zero_std_fraction, grpo/kl (mean k3)
 *
 * Given each group's std, Â is linear in the per-signal rewards, so the update splits by signal.
 */
import { fastExp } from '../fastexp.ts';
import { effectiveWeights, mixIsFixed } from '../mix.ts';
import { policyFeatures } from '../policy.ts';
import { aleaNext, cumulative, streamState } from '../rng.ts';
import type { World } from '../types.ts';
import {
  addToTheta,
  createGuidedRows,
  createPolicyTables,
  createRewardSampler,
  drawGuided,
  rebuildGuides,
  scoreDirections,
  toTheta,
  updatePolicyTables,
} from './sampling.ts';
import type { StepResult, Trainer, TrainerFactory } from './types.ts';

/** A group's rewards count as equal when their std is below this share of their largest |r|. */
const EQUAL_REWARDS = 1e-12;

export const createGrpoTrainer: TrainerFactory = (
  world: World,
  theta: Float64Array,
  seed: number | string,
): Trainer => {
  // ---- setup: sizes, hyperparameters, streams, buffers ------------------------------------------
  const C = world.contexts.length;
  const A = world.actions.length;
  const n = C * A;
  const { learningRate: eta, batchSize: B, groupSize: G } = world.trainer;
  if (!(Number.isInteger(B) && B >= 1)) throw new Error('grpo: batchSize must be ≥ 1');
  if (!(Number.isInteger(G) && G >= 1)) throw new Error('grpo: groupSize must be ≥ 1');
  const N = B * G;
  const beta = world.beta;
  const linear = world.policy.kind === 'linear';
  const F = policyFeatures(world);
  const signals = world.signals;
  const fixedMix = mixIsFixed(world);
  const w = effectiveWeights(world, 0);
  const pol = createPolicyTables(world);
  const contextRows = createGuidedRows(cumulative(world.contextWeights), C, 4 * C);
  const actionRows = createGuidedRows(pol.cum, A, 2 * A);
  const contextStream = streamState(seed, 'contexts');
  const actionStream = streamState(seed, 'actions');
  const samplers = signals.map((s) => createRewardSampler(s, seed));
  const cells = new Int32Array(N); // group g holds samples g·G … g·G + G − 1
  const draws = signals.map(() => new Float64Array(N));
  const reward = new Float64Array(N);
  const invStd = new Float64Array(B); // 1 / std_g, or 0 for a group of equal rewards
  const refOverPi = new Float64Array(n);
  const sums = new Float64Array(n);
  const dir = new Float64Array(n);
  const statKeys = signals.map((s) => `grpo/rewards/${s.name}`);

  return {
    step(t: number, wantParts: boolean): StepResult {
      // ---- the mix at this step --------------------------------------------------------------
      if (!fixedMix) effectiveWeights(world, t, w);
      updatePolicyTables(world, theta, F, pol);
      rebuildGuides(actionRows);
      const { prob, logratio } = pol;

      // ---- rollout: B situations, G answer styles each -----------------------------------------
      for (let g = 0, j = 0; g < B; g++) {
        const c = drawGuided(contextRows, 0, aleaNext(contextStream));
        for (let k = 0; k < G; k++, j++)
          cells[j] = drawGuided(actionRows, c, aleaNext(actionStream));
      }

      // ---- rewards: r_j = Σ_i w_i r_ij -------------------------------------------------------------
      reward.fill(0);
      signals.forEach((_, i) => {
        const d = draws[i];
        samplers[i].draw(cells, 0, N, d);
        const wi = w[i];
        if (wi !== 0) for (let j = 0; j < N; j++) reward[j] += wi * d[j];
      });

      // ---- advantage: (r − mean_g) / std_g, summed per cell ------------------------------------------
      sums.fill(0);
      let stdSum = 0;
      let zeroStd = 0;
      for (let g = 0, j0 = 0; g < B; g++, j0 += G) {
        let mean = 0;
        let big = 0;
        for (let j = j0; j < j0 + G; j++) {
          mean += reward[j];
          big = Math.max(big, Math.abs(reward[j]));
        }
        mean /= G;
        let ss = 0;
        for (let j = j0; j < j0 + G; j++) ss += (reward[j] - mean) ** 2;
        const std = G > 1 ? Math.sqrt(ss / (G - 1)) : 0;
        stdSum += std;
        const equal = !(std > EQUAL_REWARDS * big);
        if (equal) zeroStd++;
        invStd[g] = equal ? 0 : 1 / std;
        const s = invStd[g];
        if (s !== 0) for (let j = j0; j < j0 + G; j++) sums[cells[j]] += (reward[j] - mean) * s;
      }

      // ---- KL penalty: −β (1 − π_ref/π) per answer, and the k3 estimate for the stats -----------
      for (let i = 0; i < n; i++) refOverPi[i] = fastExp(-logratio[i]); // π_ref/π per cell
      let k3 = 0;
      for (let j = 0; j < N; j++) {
        const cell = cells[j];
        sums[cell] -= beta * (1 - refOverPi[cell]);
        k3 += refOverPi[cell] + logratio[cell] - 1;
      }

      // ---- update: θ += η/(B·G) Σ_j coefficient_j ∇ log π(a_j|c_j) ---------------------------------
      scoreDirections(sums, prob, A, dir);
      const parts = wantParts ? updateParts() : null;
      addToTheta(theta, dir, F, linear, eta / N);

      // ---- stats -------------------------------------------------------------------------------------
      const stats = batchStats();
      stats['grpo/reward_std'] = stdSum / B;
      stats['grpo/zero_std_fraction'] = zeroStd / B;
      stats['grpo/kl'] = k3 / N;
      return { stats, parts };
    },
  };

  // ---- the update split by component (signals in world order, then KL), for pressure/* ------------
  // Â_j = Σ_i (w_i r_ij − mean_g w_i r_i) / std_g given the group's std; the KL term is its own.
  function updateParts(): Float64Array[] {
    const { prob } = pol;
    const U = new Float64Array(n);
    const g = new Float64Array(n);
    const scale = eta / N;
    const parts = signals.map((_, i) => {
      U.fill(0);
      const wi = w[i];
      const d = draws[i];
      for (let grp = 0, j0 = 0; grp < B; grp++, j0 += G) {
        const s = invStd[grp];
        if (s === 0) continue;
        let mean = 0;
        for (let j = j0; j < j0 + G; j++) mean += wi * d[j];
        mean /= G;
        for (let j = j0; j < j0 + G; j++) U[cells[j]] += (wi * d[j] - mean) * s;
      }
      scoreDirections(U, prob, A, g);
      return toTheta(g, F, linear, scale, new Float64Array(theta.length));
    });
    U.fill(0);
    for (let j = 0; j < N; j++) U[cells[j]] -= beta * (1 - refOverPi[cells[j]]);
    scoreDirections(U, prob, A, g);
    parts.push(toTheta(g, F, linear, scale, new Float64Array(theta.length)));
    return parts;
  }

  /** Batch means: the sampled mixed reward and each signal's draws. */
  function batchStats(): Record<string, number> {
    const stats: Record<string, number> = {};
    let mixed = 0;
    signals.forEach((_, i) => {
      const d = draws[i];
      let sum = 0;
      for (let j = 0; j < N; j++) sum += d[j];
      stats[statKeys[i]] = sum / N;
      mixed += (w[i] * sum) / N;
    });
    stats['grpo/reward'] = mixed;
    return stats;
  }
};
