/**
 * The compiled world and the data every stage passes on. Plain data only: typed arrays are
 * C×A tables stored row-major (`[c * A + a]`), so a world can be printed, saved and compared.
 * The math these tables feed is written once, in docs/model.md.
 */

/** A situation attribute or response-style attribute. */
export type Attribute = number | boolean | string;

/** A kind of conversation turn `c`, with its weight `p(c)` in the training prompt mix. */
export interface Situation {
  id: string;
  /** Training weight p(c); compiled worlds hold weights normalized to sum 1. */
  weight: number;
  attributes: Record<string, Attribute>;
}

/** An answer style `a`. */
export interface ResponseStyle {
  id: string;
  attributes: Record<string, Attribute>;
}

/** How the sampled trainers draw a reward around a signal's expected value `r[c,a]`. */
export type NoiseModel =
  | { kind: 'none' }
  /** r ∈ {low, high} with P(high) = (r[c,a] − low) / (high − low); needs low ≤ r ≤ high. */
  | { kind: 'bernoulli'; low: number; high: number }
  | { kind: 'gaussian'; sigma: number }
  /** r[c,a] + sigma · t(nu): heavy-tailed reward error (Kwa et al. 2024). */
  | { kind: 'student-t'; nu: number; sigma: number };

/** A reward signal `r_i[c,a]` (its expected value per cell) with its noise model. */
export interface Signal {
  name: string;
  table: Float64Array;
  noise: NoiseModel;
}

/**
 * A segment of users. `up` and `down` are the per-conversation probabilities of a thumbs up and a
 * thumbs down (feedback rate included) for each cell.
 */
export interface UserSegment {
  id: string;
  /** Share of users (normalized to sum 1). */
  weight: number;
  /** Probability that a conversation gets any feedback from this segment. */
  feedbackRate: number;
  up: Float64Array;
  down: Float64Array;
}

/** The reward mix: raw weights per signal, optional per-step schedules, and normalization. */
export interface Mix {
  /** Raw weight per signal, in the order of `World.signals`. */
  weights: Float64Array;
  /** When true the weights are divided by their sum, so adding a signal dilutes the others. */
  normalize: boolean;
  /**
   * Raw weight per step for scheduled signals: `schedule[i]` has length steps + 1 (step t's
   * update uses entry t); null where signal i is fixed.
   */
  schedule: (Float64Array | null)[] | null;
  /**
   * Constrained mode (Moskovitz et al. 2023): each constraint bounds a set-average of a feature;
   * its Lagrange multiplier adapts during training and acts as a dynamic weight. Empty = fixed mix.
   */
  constraints: MixConstraint[];
  /** Step size of the multipliers' dual ascent. */
  multiplierRate: number;
}

/** A bound on a metric that is the average of a feature over a set of situations. */
export interface MixConstraint {
  /** The metric key, e.g. `eval/sycophancy`. */
  metric: string;
  /** The feature averaged (C·A) and the set weights (C, summing to 1). */
  feature: Float64Array;
  set: Float64Array;
  /** `max`: metric ≤ bound; `min`: metric ≥ bound. */
  sense: 'max' | 'min';
  bound: number;
}

/** How θ enters the policy: one parameter per cell, or shared weights over named features. */
export type PolicyKind = { kind: 'tabular' } | { kind: 'linear'; features: string[] };

export type TrainerKind = 'exact' | 'reinforce' | 'ppo' | 'grpo';
export type UpdateRule = 'gradient' | 'natural';

/** Trainer hyperparameters; each trainer reads the ones it needs (docs/model.md). */
export interface TrainerConfig {
  kind: TrainerKind;
  steps: number;
  learningRate: number;
  /** Exact trainer: the update rule. */
  update: UpdateRule;
  /** δ in (Φ + δI)⁻¹ for the linear natural update. */
  fisherDamping: number;
  /** Sampled trainers: rollouts per step (GRPO: situations per step). */
  batchSize: number;
  /** REINFORCE and PPO: the baseline subtracted from the reward. */
  baseline: 'none' | 'batch-mean' | 'expected';
  /** PPO: clip range ε. */
  clip: number;
  /** PPO: passes over each batch. */
  epochs: number;
  /** PPO: minibatches per epoch. */
  minibatches: number;
  /** GRPO: answers sampled per situation. */
  groupSize: number;
}

/** Named situation sets that metrics average over (weights over situations, each summing to 1). */
export interface EvalSets {
  /** Situations where a yes-man answer is possible: eval/sycophancy averages `sycophantic` here. */
  sycophancy: Float64Array;
  /** The offline eval set (task situations): eval/accuracy averages `correct` here. */
  accuracy: Float64Array;
  /** Deployment traffic: ab/thumbs_up is the thumbs-up share of ratings here. */
  deployment: Float64Array;
  /** Extra named groups: each adds a metric `eval/sycophancy/<name>`. */
  groups: Record<string, Float64Array>;
}

/** Everything a trainer needs, as tables. Produced by the scenario compiler or `worldFromTables`. */
export interface World {
  name: string;
  contexts: Situation[];
  actions: ResponseStyle[];
  /** p(c): the contexts' weights, normalized. */
  contextWeights: Float64Array;
  features: Record<string, Float64Array>;
  signals: Signal[];
  users: UserSegment[];
  mix: Mix;
  /** log π_ref(a|c), each row normalized. */
  referenceLogProbs: Float64Array;
  beta: number;
  policy: PolicyKind;
  /** θ₀: C·A values (tabular) or one per policy feature (linear). */
  initialTheta: Float64Array;
  trainer: TrainerConfig;
  sets: EvalSets;
}

/** One metric value at one recorded step: the long format charts and files use. */
export interface MetricRow {
  step: number;
  key: string;
  value: number;
}

/** A notice for the user, returned in results rather than printed from inside the engine. */
export interface Warning {
  code: string;
  message: string;
}
