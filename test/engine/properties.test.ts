// Property tests: the exact trainer, the run driver and the metrics stay finite and the policies
// stay distributions over random worlds with extreme mix weights (0 … 1e6) and β (0 … 1e6),
// tabular and linear, gradient and natural. Learning rates are kept sane (ηβ below 2 on the KL
// term's curvature); the reward's size is not bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tiltOptimum } from '../../src/engine/optimum.ts';
import { simulate } from '../../src/engine/run.ts';
import type { World } from '../../src/engine/types.ts';
import { randomWorld } from '../helpers/randomWorld.ts';

/** Weights and β: exactly 0 and 1e6 often, anything in between, tiny and unit values. */
const extreme = fc.oneof(
  fc.constant(0),
  fc.constant(1e6),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(5e-324, 1e-300, 1e-12, 1e-3, 1, 1e3),
);

const worldSpec = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  contexts: fc.integer({ min: 1, max: 5 }),
  actions: fc.integer({ min: 1, max: 5 }),
  extraFeatures: fc.integer({ min: 0, max: 3 }),
  policy: fc.constantFrom('tabular' as const, 'linear' as const),
  update: fc.constantFrom('gradient' as const, 'natural' as const),
  weights: fc.tuple(extreme, extreme, extreme, extreme),
  beta: extreme,
  normalize: fc.boolean(),
  shifted: fc.boolean(),
  /** 1000: π_ref has probabilities that underflow to exactly 0. */
  referenceScale: fc.constantFrom(0, 1, 5, 30, 1000),
  fisherDamping: fc.constantFrom(1e-6, 1e-3, 1),
  /** ηβ·curvature bound, below 2. */
  lrFactor: fc.double({ min: 0.01, max: 1.9, noNaN: true }),
  steps: fc.integer({ min: 1, max: 6 }),
});

type Spec = typeof worldSpec extends fc.Arbitrary<infer T> ? T : never;

/**
 * A bound on the curvature the KL term puts on θ per unit β: 1 for tabular (and for the
 * Fisher-preconditioned linear update), Σ_k range(F_k)² for the linear gradient update.
 */
function curvature(world: World): number {
  if (world.policy.kind === 'tabular' || world.trainer.update === 'natural') return 1;
  let L = 0;
  for (const name of world.policy.features) {
    const f = world.features[name];
    L += (Math.max(...f) - Math.min(...f)) ** 2;
  }
  return Math.max(L, 1);
}

function buildWorld(s: Spec): World {
  const [correctness, spec, thumbs, memory] = s.weights;
  const world = randomWorld(s.seed, {
    contexts: s.contexts,
    actions: s.actions,
    extraFeatures: s.extraFeatures,
    policy: s.policy,
    update: s.update,
    weights: { correctness, spec, thumbs, memory },
    beta: s.beta,
    normalize: s.normalize,
    // A shifted start is drawn around π_ref in probability space; where π_ref is denormal it can
    // underflow to a start probability of 0 (θ₀ = −∞), which is not a valid world.
    shifted: s.shifted && s.referenceScale < 1000,
    referenceScale: s.referenceScale,
    fisherDamping: s.fisherDamping,
    steps: s.steps,
  });
  world.trainer.learningRate = s.lrFactor * Math.min(1, 1 / (s.beta * curvature(world)));
  return world;
}

/** Every entry finite and ≥ 0, every row summing to 1 within 1e-12. */
function expectDistribution(prob: Float64Array, A: number): void {
  for (let row = 0; row < prob.length; row += A) {
    let s = 0;
    for (let a = 0; a < A; a++) {
      const x = prob[row + a];
      if (!(Number.isFinite(x) && x >= 0)) expect.fail(`π[${row + a}] = ${x}`);
      s += x;
    }
    if (!(Math.abs(s - 1) <= 1e-12)) expect.fail(`row at ${row} sums to ${s}`);
  }
}

describe('random worlds with extreme weights and β', () => {
  it('policies are distributions and no metric is NaN or infinite', () => {
    fc.assert(
      fc.property(worldSpec, (s) => {
        const world = buildWorld(s);
        const A = world.actions.length;
        const res = simulate(world, { recordEvery: 1, recordPolicies: true });
        const tr = res.trajectory;
        expect(tr.steps.length).toBe(s.steps + 1);
        expect(tr.keys).toContain('pressure/kl');
        expect(tr.keys).toContain('ab/thumbs_up');
        for (const pol of tr.policies!) expectDistribution(pol, A);
        expectDistribution(res.finalPolicy, A);
        for (const key of tr.keys) {
          for (const [i, v] of tr.values[key].entries()) {
            if (!Number.isFinite(v)) expect.fail(`${key} at step ${tr.steps[i]} is ${v}`);
          }
        }
        for (const [key, v] of Object.entries(res.final)) {
          if (!Number.isFinite(v)) expect.fail(`final ${key} is ${v}`);
        }
        for (const x of res.finalTheta) if (!Number.isFinite(x)) expect.fail(`θ holds ${x}`);
      }),
      { numRuns: 400 },
    );
  });

  it('the tilt is a distribution for any reward size and β, β = 0 included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 36, maxLength: 36 }),
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 36, maxLength: 36 }),
        extreme,
        (A, r, logits, beta) => {
          const n = A * Math.floor(36 / A);
          const R = Float64Array.from(r.slice(0, n));
          const logRef = new Float64Array(n);
          for (let row = 0; row < n; row += A) {
            const z = logits.slice(row, row + A);
            const m = Math.max(...z);
            const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
            for (let a = 0; a < A; a++) logRef[row + a] = z[a] - lse;
          }
          expectDistribution(tiltOptimum(R, logRef, A, beta), A);
        },
      ),
      { numRuns: 300 },
    );
  });
});
