/**
 * Random worlds for reference and property tests, built through `worldFromTables` from a fixed
 * alea stream: the same seed and options give the same world. Every world has the features the
 * metrics read (`sycophantic`, `correct`), a user model, non-uniform evaluation sets with some
 * zero entries, and (for linear policies) `sycophantic` among the policy features, so the
 * pressure decomposition has something to push on.
 */
import { normalSampler, stream } from '../../src/engine/rng.ts';
import { worldFromTables, type WorldTables } from '../../src/engine/world.ts';
import type { UpdateRule, World } from '../../src/engine/types.ts';

export interface RandomWorldOptions {
  /** Number of situations C. Default 4. */
  contexts?: number;
  /** Number of response styles A. Default 3. */
  actions?: number;
  /** Default 'tabular'. */
  policy?: 'tabular' | 'linear';
  /** Extra Gaussian features f0, f1, … (linear policies use them with `sycophantic`). Default 2. */
  extraFeatures?: number;
  /** Signal name → mix weight. Default correctness 1, spec 0.7, thumbs 0.4. */
  weights?: Record<string, number>;
  /** Divide the weights by their sum. Default false. */
  normalize?: boolean;
  /** Default 0.3. */
  beta?: number;
  /** Default 'gradient'. */
  update?: UpdateRule;
  /** Default 0.5. */
  learningRate?: number;
  /** Default 20. */
  steps?: number;
  /** Default 1e-3. */
  fisherDamping?: number;
  /** Start at a random θ₀ rather than at the reference. Default true. */
  shifted?: boolean;
  /** Number of user segments. Default 2. */
  users?: number;
  /** Scale of the reference logits (larger: a more peaked π_ref). Default 1. */
  referenceScale?: number;
}

const DEFAULT_WEIGHTS = { correctness: 1, spec: 0.7, thumbs: 0.4 };

/** The JSON tables of a random world. */
export function randomTables(seed: number | string, o: RandomWorldOptions = {}): WorldTables {
  const u = stream(seed, 'test-world');
  const normal = normalSampler(u);
  const C = o.contexts ?? 4;
  const A = o.actions ?? 3;
  const K = o.extraFeatures ?? 2;
  const weights = o.weights ?? DEFAULT_WEIGHTS;
  const table = (f: () => number) => Array.from({ length: C }, () => Array.from({ length: A }, f));
  const setWeights = () => {
    const s = Array.from({ length: C }, () => (u() < 0.3 ? 0 : 0.1 + u()));
    if (!s.some((x) => x > 0)) s[0] = 1;
    return s;
  };
  const features: Record<string, number[][]> = {
    sycophantic: table(() => u()),
    correct: table(() => (u() < 0.5 ? 1 : 0)),
  };
  for (let k = 0; k < K; k++) features[`f${k}`] = table(normal);
  const signals = Object.fromEntries(
    Object.keys(weights).map((n) => [n, table(() => 2 * u() - 1)]),
  );
  const refScale = o.referenceScale ?? 1;
  const referencePolicy = table(() => refScale * normal()).map(softmax);
  const linear = o.policy === 'linear';
  const policyFeatures = ['sycophantic', ...Array.from({ length: K }, (_, k) => `f${k}`)];
  const shifted = o.shifted ?? true;
  const tables: WorldTables = {
    name: `random-${seed}`,
    contexts: Array.from({ length: C }, (_, c) => ({ id: `s${c}`, weight: 0.2 + u() })),
    actions: Array.from({ length: A }, (_, a) => ({ id: `r${a}` })),
    features,
    signals,
    weights: { ...weights },
    referencePolicy,
    beta: o.beta ?? 0.3,
    policy: linear ? { kind: 'linear', features: policyFeatures } : { kind: 'tabular' },
    trainer: {
      kind: 'exact',
      steps: o.steps ?? 20,
      learningRate: o.learningRate ?? 0.5,
      update: o.update ?? 'gradient',
      fisherDamping: o.fisherDamping ?? 1e-3,
    },
    users: Array.from({ length: o.users ?? 2 }, (_, i) => ({
      id: `u${i}`,
      weight: 0.2 + u(),
      feedbackRate: 0.1 + 0.2 * u(),
      up: table(() => 0.3 * u()),
      down: table(() => 0.3 * u()),
    })),
    sets: {
      sycophancy: setWeights(),
      accuracy: setWeights(),
      deployment: setWeights(),
      groups: { memoryOn: setWeights() },
    },
  };
  if (shifted && linear) tables.initialTheta = policyFeatures.map(() => normal());
  if (shifted && !linear) {
    tables.initialPolicy = referencePolicy.map((row) =>
      softmax(row.map((x) => Math.log(x) + normal())),
    );
  }
  return tables;
}

/** A random compiled world (see `randomTables`). */
export function randomWorld(seed: number | string, o: RandomWorldOptions = {}): World {
  const world = worldFromTables(randomTables(seed, o));
  world.mix.normalize = o.normalize ?? false;
  return world;
}

/** Row softmax of logits (test-side, independent of the engine's). */
export function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
