/** The trainer registry: scenarios and the CLI name a trainer; the run resolves it here. */
import type { TrainerKind } from '../types.ts';
import { createExactTrainer } from './exact.ts';
import { createGrpoTrainer } from './grpo.ts';
import { createPpoTrainer } from './ppo.ts';
import { createReinforceTrainer } from './reinforce.ts';
import type { TrainerFactory } from './types.ts';

export const trainers: Partial<Record<TrainerKind, TrainerFactory>> = {
  exact: createExactTrainer,
  reinforce: createReinforceTrainer,
  ppo: createPpoTrainer,
  grpo: createGrpoTrainer,
};

/**
 * The diagnostics each sampled trainer adds to a recorded step (StepResult.stats), beside the
 * metrics of METRIC_DOCS. `<t>` is the trainer's name (reinforce, ppo, grpo).
 */
export const TRAINER_STAT_DOCS: Record<string, string> = {
  '<t>/reward': "the batch's mean sampled mixed reward Σ_i w_i r_i (KL term excluded)",
  '<t>/rewards/<signal>': "the batch's mean draw of that signal (unweighted)",
  '<t>/kl': 'reinforce, ppo: batch mean of log π/π_ref at the sampled answers (rollout policy)',
  'ppo/clip_fraction': 'share of minibatch evaluations with |ρ − 1| > clip, ρ = π/π_old',
  'ppo/approx_kl': 'mean of (ρ − 1) − log ρ over minibatch evaluations: KL(π_old ‖ π) estimate',
  'grpo/kl': 'batch mean of the k3 estimator π_ref/π − log(π_ref/π) − 1 of KL(π ‖ π_ref)',
  'grpo/reward_std': "mean over groups of the group's reward std",
  'grpo/zero_std_fraction': 'share of groups whose rewards were all equal (advantage 0)',
};

export { createExactTrainer } from './exact.ts';
export { createReinforceTrainer } from './reinforce.ts';
export { createPpoTrainer } from './ppo.ts';
export { createGrpoTrainer } from './grpo.ts';
export type { Trainer, TrainerFactory, StepResult } from './types.ts';
