/**
 * The compiled world as plain JSON tables (the shape `rewardmix inspect --json` prints and the
 * golden vectors use), and back. C×A tables are arrays of C rows of A numbers.
 */
import { effectiveWeights, mixedReward } from './mix.ts';
import { fromRows, policyProbabilities, toRows } from './policy.ts';
import { tiltOptimum } from './optimum.ts';
import type { Attribute, NoiseModel, PolicyKind, TrainerConfig, World } from './types.ts';

/** Defaults for every trainer hyperparameter (each documented in docs/model.md). */
export const TRAINER_DEFAULTS: TrainerConfig = {
  kind: 'exact',
  steps: 300,
  learningRate: 0.5,
  update: 'natural',
  fisherDamping: 1e-3,
  batchSize: 256,
  baseline: 'batch-mean',
  clip: 0.2,
  epochs: 4,
  minibatches: 4,
  groupSize: 8,
};

/** The JSON tables of a world. */
export interface WorldTables {
  name?: string;
  contexts: { id: string; weight: number; attributes?: Record<string, Attribute> }[];
  actions: { id: string; attributes?: Record<string, Attribute> }[];
  features: Record<string, number[][]>;
  signals: Record<string, number[][]>;
  noise?: Record<string, NoiseModel>;
  /** Effective weights (after normalization) at step 0. */
  weights: Record<string, number>;
  reward?: number[][];
  referencePolicy: number[][];
  initialPolicy?: number[][];
  initialTheta?: number[];
  beta: number;
  policy: PolicyKind;
  trainer: Partial<TrainerConfig> & { kind?: TrainerConfig['kind'] };
  optimum?: number[][];
  users?: { id: string; weight: number; feedbackRate: number; up: number[][]; down: number[][] }[];
  sets?: {
    sycophancy?: number[];
    accuracy?: number[];
    deployment?: number[];
    groups?: Record<string, number[]>;
  };
}

function normalized(w: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return Float64Array.from(w, (x) => (s > 0 ? x / s : 0));
}

/** Builds a World from JSON tables (golden vectors, `inspect --json` output). */
export function worldFromTables(t: WorldTables): World {
  const A = t.actions.length;
  const contextWeights = normalized(t.contexts.map((c) => c.weight));
  const ref = fromRows(t.referencePolicy);
  const referenceLogProbs = Float64Array.from(ref, Math.log);
  const signalNames = Object.keys(t.signals);
  let initialTheta: Float64Array;
  if (t.policy.kind === 'linear') {
    initialTheta = Float64Array.from(t.initialTheta ?? t.policy.features.map(() => 0));
  } else if (t.initialPolicy) {
    const init = fromRows(t.initialPolicy);
    // A style the reference gives probability 0 (e.g. underflowed when printed) has π = 0 for
    // any finite θ; θ = 0 there, not log 0 − log 0 = NaN.
    initialTheta = Float64Array.from(init, (x, i) =>
      x === 0 && ref[i] === 0 ? 0 : Math.log(x) - referenceLogProbs[i],
    );
  } else {
    initialTheta = new Float64Array(t.contexts.length * A);
  }
  const all = contextWeights;
  return {
    name: t.name ?? 'tables',
    contexts: t.contexts.map((c, i) => ({
      id: c.id,
      weight: contextWeights[i],
      attributes: c.attributes ?? {},
    })),
    actions: t.actions.map((a) => ({ id: a.id, attributes: a.attributes ?? {} })),
    contextWeights,
    features: Object.fromEntries(Object.entries(t.features).map(([k, v]) => [k, fromRows(v)])),
    signals: signalNames.map((name) => ({
      name,
      table: fromRows(t.signals[name]),
      noise: t.noise?.[name] ?? { kind: 'none' },
    })),
    users: (t.users ?? []).map((u) => ({ ...u, up: fromRows(u.up), down: fromRows(u.down) })),
    mix: {
      weights: Float64Array.from(signalNames, (n) => t.weights[n] ?? 0),
      normalize: false,
      schedule: null,
      constraints: [],
      multiplierRate: 1,
    },
    referenceLogProbs,
    beta: t.beta,
    policy: t.policy,
    initialTheta,
    trainer: { ...TRAINER_DEFAULTS, ...t.trainer },
    sets: {
      sycophancy: t.sets?.sycophancy ? normalized(t.sets.sycophancy) : all,
      accuracy: t.sets?.accuracy ? normalized(t.sets.accuracy) : all,
      deployment: t.sets?.deployment ? normalized(t.sets.deployment) : all,
      groups: Object.fromEntries(
        Object.entries(t.sets?.groups ?? {}).map(([k, v]) => [k, normalized(v)]),
      ),
    },
  };
}

/** The JSON tables of a world: what `inspect --json` prints. */
export function worldToTables(
  world: World,
): Required<Omit<WorldTables, 'initialTheta'>> & { initialTheta?: number[] } {
  const A = world.actions.length;
  const w = effectiveWeights(world, 0);
  const R = mixedReward(world, w);
  const rows = (x: Float64Array) => toRows(x, A);
  const out = {
    name: world.name,
    contexts: world.contexts.map((c) => ({ id: c.id, weight: c.weight, attributes: c.attributes })),
    actions: world.actions.map((a) => ({ id: a.id, attributes: a.attributes })),
    features: Object.fromEntries(Object.entries(world.features).map(([k, v]) => [k, rows(v)])),
    signals: Object.fromEntries(world.signals.map((s) => [s.name, rows(s.table)])),
    noise: Object.fromEntries(world.signals.map((s) => [s.name, s.noise])),
    weights: Object.fromEntries(world.signals.map((s, i) => [s.name, w[i]])),
    reward: rows(R),
    referencePolicy: rows(Float64Array.from(world.referenceLogProbs, Math.exp)),
    initialPolicy: rows(policyProbabilities(world, world.initialTheta)),
    beta: world.beta,
    policy: world.policy,
    trainer: world.trainer,
    optimum: rows(tiltOptimum(R, world.referenceLogProbs, A, world.beta)),
    users: world.users.map((u) => ({
      id: u.id,
      weight: u.weight,
      feedbackRate: u.feedbackRate,
      up: rows(u.up),
      down: rows(u.down),
    })),
    sets: {
      sycophancy: Array.from(world.sets.sycophancy),
      accuracy: Array.from(world.sets.accuracy),
      deployment: Array.from(world.sets.deployment),
      groups: Object.fromEntries(
        Object.entries(world.sets.groups).map(([k, v]) => [k, Array.from(v)]),
      ),
    },
  };
  return world.policy.kind === 'linear'
    ? { ...out, initialTheta: Array.from(world.initialTheta) }
    : out;
}
