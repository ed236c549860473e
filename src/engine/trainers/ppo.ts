/**
 * PPO with KL in the reward (MODEL.md / docs/model.md, "Sampled trainers"). Each step:
 *
 *   rollout    B draws c ~ p(c), a ~ π_old(·|c), π_old = the policy at the start of the step
 *   rewards    r_j = Σ_i w_i r_i(c_j,a_j) − β log(π_old/π_ref)(c_j,a_j), as in reinforce
 *   advantage  adv_j = r_j − b(c_j) with reinforce's baselines (none, batch-mean, expected)
 *   update     `epochs` passes; each shuffles the batch (stream `minibatches`) into `minibatches`
 *              parts and ascends the clipped surrogate on each:
 *                L = mean_j min(ρ_j adv_j, clip(ρ_j, 1 − ε, 1 + ε) adv_j),  ρ_j = π/π_old at (c_j,a_j)
 *              ∇L = mean_j [not clipped] adv_j ρ_j ∇ log π(a_j|c_j); θ += η ∇L
 *   stats      ppo/clip_fraction: share of evaluations with |ρ − 1| > ε;
 *              ppo/approx_kl: mean of (ρ − 1) − log ρ (Schulman's k3 estimate of KL(π_old ‖ π))
 *
 * ρ is constant within a cell, so a minibatch's gradient is again a per-cell sum (sampling.ts).
 */
import { effectiveWeights, mixedReward, mixIsFixed } from '../mix.ts';
import { policyFeatures } from '../policy.ts';
import { aleaNext, cumulative, streamState } from '../rng.ts';
import type { World } from '../types.ts';
import {
  addToTheta,
  createGuidedRows,
  createPolicyTables,
  createRewardSampler,
  drawGuided,
  expectedRows,
  rebuildGuides,
  scoreDirections,
  toTheta,
  updatePolicyTables,
} from './sampling.ts';
import type { StepResult, Trainer, TrainerFactory } from './types.ts';

export const createPpoTrainer: TrainerFactory = (
  world: World,
  theta: Float64Array,
  seed: number | string,
): Trainer => {
  // ---- setup: sizes, hyperparameters, streams, buffers ------------------------------------------
  const C = world.contexts.length;
  const A = world.actions.length;
  const n = C * A;
  const { learningRate: eta, batchSize: B, baseline, clip: eps, epochs } = world.trainer;
  const M = world.trainer.minibatches;
  if (!(Number.isInteger(B) && B >= 1)) throw new Error('ppo: batchSize must be ≥ 1');
  if (!(Number.isInteger(M) && M >= 1)) throw new Error('ppo: minibatches must be ≥ 1');
  const beta = world.beta;
  const linear = world.policy.kind === 'linear';
  const F = policyFeatures(world);
  const signals = world.signals;
  const nParts = signals.length + 1;
  const fixedMix = mixIsFixed(world);
  const w = effectiveWeights(world, 0);
  const R = mixedReward(world, w);
  const old = createPolicyTables(world); // π_old: rollouts, rewards, ρ's denominator
  const cur = createPolicyTables(world); // π during the update
  const contextRows = createGuidedRows(cumulative(world.contextWeights), C, 4 * C);
  const actionRows = createGuidedRows(old.cum, A, 2 * A);
  const contextStream = streamState(seed, 'contexts');
  const actionStream = streamState(seed, 'actions');
  const shuffleStream = streamState(seed, 'minibatches');
  const samplers = signals.map((s) => createRewardSampler(s, seed));
  const cells = new Int32Array(B);
  const draws = signals.map(() => new Float64Array(B)); // each signal's reward per sample
  const reward = new Float64Array(B); // r_j
  const adv = new Float64Array(B);
  const advParts = Array.from({ length: nParts }, () => new Float64Array(B)); // per component
  const order = new Int32Array(B);
  const rowBaseline = new Float64Array(C);
  const ratio = new Float64Array(n);
  const logRatio = new Float64Array(n); // log ρ per cell
  const sums = new Float64Array(n);
  const dir = new Float64Array(n);
  const statKeys = signals.map((s) => `ppo/rewards/${s.name}`);

  return {
    step(t: number, wantParts: boolean): StepResult {
      // ---- the mix at this step --------------------------------------------------------------
      if (!fixedMix) {
        effectiveWeights(world, t, w);
        mixedReward(world, w, R);
      }
      updatePolicyTables(world, theta, F, old);
      rebuildGuides(actionRows);

      // ---- rollout: B situations c ~ p(c), answer styles a ~ π_old(·|c) -----------------------
      for (let j = 0; j < B; j++) {
        const c = drawGuided(contextRows, 0, aleaNext(contextStream));
        cells[j] = drawGuided(actionRows, c, aleaNext(actionStream));
      }

      // ---- rewards: r_j = Σ_i w_i r_ij − β log π_old/π_ref ----------------------------------------
      for (let j = 0; j < B; j++) reward[j] = -beta * old.logratio[cells[j]];
      signals.forEach((_, i) => {
        const d = draws[i];
        samplers[i].draw(cells, 0, B, d);
        const wi = w[i];
        if (wi !== 0) for (let j = 0; j < B; j++) reward[j] += wi * d[j];
      });

      // ---- advantage: adv_j = r_j − b(c_j) ------------------------------------------------------------
      baselineRows(reward, R, -beta, rowBaseline);
      for (let j = 0; j < B; j++) adv[j] = reward[j] - rowBaseline[(cells[j] / A) | 0];
      if (wantParts) splitAdvantages();

      // ---- update: epochs × minibatches of clipped-surrogate ascent ------------------------------------
      const parts = wantParts
        ? Array.from({ length: nParts }, () => new Float64Array(theta.length))
        : null;
      const partStep = wantParts ? new Float64Array(theta.length) : null;
      let evaluations = 0;
      let clipped = 0;
      let approxKl = 0;
      for (let j = 0; j < B; j++) order[j] = j;
      for (let e = 0; e < epochs; e++) {
        shuffle();
        for (let m = 0; m < M; m++) {
          const lo = Math.floor((m * B) / M);
          const hi = Math.floor(((m + 1) * B) / M);
          if (hi === lo) continue;
          // ρ per cell at the current θ (1 where π_old = 0: such a cell is never sampled)
          updatePolicyTables(world, theta, F, cur);
          for (let i = 0; i < n; i++) {
            const po = old.prob[i];
            ratio[i] = po > 0 ? cur.prob[i] / po : 1;
            logRatio[i] = cur.logratio[i] - old.logratio[i];
          }
          // the unclipped samples' adv per cell (a clipped sample's surrogate is flat in θ)
          sums.fill(0);
          for (let k = lo; k < hi; k++) {
            const j = order[k];
            const cell = cells[j];
            const rho = ratio[cell];
            const aj = adv[j];
            evaluations++;
            if (Math.abs(rho - 1) > eps) clipped++;
            approxKl += rho - 1 - logRatio[cell];
            if (active(aj, rho)) sums[cell] += aj;
          }
          scoreDirections(sums, cur.prob, A, dir, ratio);
          const scale = eta / (hi - lo);
          if (parts && partStep) minibatchParts(lo, hi, scale, parts, partStep);
          addToTheta(theta, dir, F, linear, scale);
        }
      }

      // ---- stats -------------------------------------------------------------------------------------
      const stats = batchStats();
      stats['ppo/clip_fraction'] = evaluations > 0 ? clipped / evaluations : 0;
      stats['ppo/approx_kl'] = evaluations > 0 ? approxKl / evaluations : 0;
      return { stats, parts };
    },
  };

  /** True when sample j's clipped surrogate still depends on θ (the min picks ρ·adv). */
  function active(aj: number, rho: number): boolean {
    return aj > 0 ? rho <= 1 + eps : aj < 0 ? rho >= 1 - eps : false;
  }

  /** Fisher–Yates over `order` from the `minibatches` stream. */
  function shuffle(): void {
    for (let i = B - 1; i > 0; i--) {
      const k = Math.floor(aleaNext(shuffleStream) * (i + 1));
      const x = order[i];
      order[i] = order[k];
      order[k] = x;
    }
  }

  /**
   * Baseline per row for per-sample values `x` into `out`: none 0; batch-mean their mean;
   * expected E_π_old[T + klScale · log π_old/π_ref] in the row.
   */
  function baselineRows(
    x: Float64Array,
    T: Float64Array | null,
    klScale: number,
    out: Float64Array,
  ): void {
    if (baseline === 'none') {
      out.fill(0);
    } else if (baseline === 'batch-mean') {
      let s = 0;
      for (let j = 0; j < B; j++) s += x[j];
      out.fill(s / B);
    } else {
      expectedRows(old, T, klScale, A, out);
    }
  }

  // ---- the update split by component (signals in world order, then KL), for pressure/* ------------
  // adv_j is linear in the components (w_i r_ij, −β log π_old/π_ref) with the baseline split the
  // same way; given the clip mask, ρ and π of each minibatch, so is each minibatch's update.
  function splitAdvantages(): void {
    const x = new Float64Array(B);
    const b = new Float64Array(C);
    signals.forEach((s, i) => {
      const wi = w[i];
      const d = draws[i];
      for (let j = 0; j < B; j++) x[j] = wi * d[j];
      baselineRows(
        x,
        Float64Array.from(s.table, (v) => wi * v),
        0,
        b,
      );
      for (let j = 0; j < B; j++) advParts[i][j] = x[j] - b[(cells[j] / A) | 0];
    });
    for (let j = 0; j < B; j++) x[j] = -beta * old.logratio[cells[j]];
    baselineRows(x, null, -beta, b);
    const kl = advParts[signals.length];
    for (let j = 0; j < B; j++) kl[j] = x[j] - b[(cells[j] / A) | 0];
  }

  function minibatchParts(
    lo: number,
    hi: number,
    scale: number,
    parts: Float64Array[],
    partStep: Float64Array,
  ): void {
    const U = new Float64Array(n);
    const g = new Float64Array(n);
    for (let i = 0; i < nParts; i++) {
      U.fill(0);
      const ap = advParts[i];
      for (let k = lo; k < hi; k++) {
        const j = order[k];
        if (active(adv[j], ratio[cells[j]])) U[cells[j]] += ap[j];
      }
      scoreDirections(U, cur.prob, A, g, ratio);
      toTheta(g, F, linear, scale, partStep);
      const part = parts[i];
      for (let k = 0; k < part.length; k++) part[k] += partStep[k];
    }
  }

  /** Batch means: the sampled mixed reward, log π_old/π_ref, and each signal's draws. */
  function batchStats(): Record<string, number> {
    const stats: Record<string, number> = {};
    let mixed = 0;
    signals.forEach((_, i) => {
      const d = draws[i];
      let sum = 0;
      for (let j = 0; j < B; j++) sum += d[j];
      stats[statKeys[i]] = sum / B;
      mixed += (w[i] * sum) / B;
    });
    let kl = 0;
    for (let j = 0; j < B; j++) kl += old.logratio[cells[j]];
    stats['ppo/reward'] = mixed;
    stats['ppo/kl'] = kl / B;
    return stats;
  }
};
