// The run driver's fast path gives bit for bit what the plain definitions give: the exact
// trainer's fused pressures (stepPressures) against the dot products of its update's parts, the
// plain-array policy evaluator against the typed-array functions, and a run that records every
// k-th step (its copy of θ goes stale and is refreshed) against one that records every step.
import { describe, expect, it } from 'vitest';
import {
  createPolicyEvaluator,
  doubles,
  evaluatePolicy,
  metricKeys,
  pressures,
  thumbsUpShare,
} from '../../src/engine/metrics.ts';
import { policyProbabilities } from '../../src/engine/policy.ts';
import { createRun, simulate } from '../../src/engine/run.ts';
import { createExactTrainer } from '../../src/engine/trainers/exact.ts';
import type { World } from '../../src/engine/types.ts';
import { worldFromTables } from '../../src/engine/world.ts';
import { randomTables, type RandomWorldOptions } from '../helpers/randomWorld.ts';

/** Equal element by element under Object.is (so +0 and −0 differ). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`element ${i}: ${a[i]} !== ${b[i]}`);
  }
}

const FIVE = { correctness: 1, spec: 0.7, thumbs: 0.4, memory: 0.3, extra: -0.2 };
const worlds: [string, number, RandomWorldOptions][] = [
  ['tabular, natural, five signals', 1, { update: 'natural', weights: FIVE, steps: 12 }],
  ['tabular, gradient, five signals', 2, { update: 'gradient', weights: FIVE, steps: 12 }],
  [
    'tabular, natural, a zero weight, 5×4',
    3,
    { update: 'natural', contexts: 5, actions: 4, weights: { a: 1, b: 0, c: 0.5 }, steps: 12 },
  ],
  ['tabular, gradient, β = 0', 4, { update: 'gradient', beta: 0, steps: 12 }],
  ['tabular, natural, normalized', 5, { update: 'natural', normalize: true, steps: 12 }],
  ['linear, natural', 6, { policy: 'linear', update: 'natural', steps: 12 }],
  ['linear, gradient', 7, { policy: 'linear', update: 'gradient', steps: 12 }],
];

function build(seed: number, o: RandomWorldOptions): World {
  const world = worldFromTables(randomTables(seed, o));
  world.mix.normalize = o.normalize ?? false;
  return world;
}

describe('exact trainer: stepPressures', () => {
  for (const [label, seed, o] of worlds) {
    it(`${label}: the parts' dot products with the gradient, and the same θ`, () => {
      const world = build(seed, o);
      const tabular = world.policy.kind === 'tabular';
      const evaluator = createPolicyEvaluator(world);
      const frame = new Float64Array(evaluator.keys.length);
      const thA = world.initialTheta.slice();
      const thB = thA.slice();
      const byParts = createExactTrainer(world, thA);
      const fused = createExactTrainer(world, thB);
      const mirror = tabular ? doubles(thB.length, thB) : undefined;
      const sums = new Float64Array(fused.partCount);
      for (let t = 0; t < 6; t++) {
        evaluator.evaluate(thA, t, frame);
        const g = evaluator.gradient!;
        const parts = byParts.step(t, true).parts!;
        const expected = parts.map((part) => {
          let s = 0;
          for (let j = 0; j < part.length; j++) s += g[j] * part[j];
          return s;
        });
        // a dry step first: the same sums, θ untouched
        const before = thB.slice();
        fused.stepPressures(t, g, sums, false);
        same(sums, expected);
        same(thB, before);
        fused.stepPressures(t, g, sums, true, mirror);
        same(sums, expected);
        same(thB, thA);
        if (mirror) same(mirror, thB);
      }
      // and the keyed pressures agree with pressures() on the parts
      evaluator.evaluate(thA, 6, frame);
      const keyed = pressures(
        world,
        Float64Array.from(evaluator.gradient!),
        byParts.step(6, true).parts!,
      );
      fused.stepPressures(6, evaluator.gradient!, sums, true, mirror);
      expect(Object.keys(keyed)).toEqual([
        ...world.signals.map((s) => `pressure/${s.name}`),
        'pressure/kl',
        'pressure/total',
      ]);
      same(Object.values(keyed).slice(0, sums.length), sums);
    });
  }
});

describe('policy evaluator', () => {
  for (const [label, seed, o] of worlds) {
    it(`${label}: the typed-array functions' values`, () => {
      const world = build(seed, o);
      const theta = world.initialTheta.slice();
      for (let i = 0; i < theta.length; i++) theta[i] += 0.3 * Math.sin(i + seed);
      const evaluator = createPolicyEvaluator(world);
      expect(evaluator.keys).toEqual(metricKeys(world));
      const frame = new Float64Array(evaluator.keys.length);
      evaluator.evaluate(theta, 3, frame);
      const prob = policyProbabilities(world, theta);
      same(evaluator.prob, prob);
      const values = evaluatePolicy(world, theta, 3).values;
      same(frame, Object.values(values));
      expect(values['ab/thumbs_up']).toBe(thumbsUpShare(world, prob));
      const plain = new Float64Array(frame.length);
      evaluator.evaluatePlain(doubles(theta.length, theta), 3, plain);
      same(plain, frame);
    });
  }
});

describe('run driver', () => {
  for (const [label, seed, o] of worlds) {
    it(`${label}: recording every 3rd step gives the every-step values at those steps`, () => {
      const world = build(seed, { ...o, steps: 13 });
      const all = simulate(world, { recordEvery: 1, recordPolicies: true });
      const some = simulate(world, { recordEvery: 3, recordPolicies: true });
      expect(some.trajectory.steps).toEqual([0, 3, 6, 9, 12, 13]);
      expect(some.trajectory.keys).toEqual(all.trajectory.keys);
      for (const key of all.trajectory.keys) {
        const col = all.trajectory.values[key];
        same(
          some.trajectory.values[key],
          some.trajectory.steps.map((s) => col[s]),
        );
      }
      some.trajectory.steps.forEach((s, i) =>
        same(some.trajectory.policies![i], all.trajectory.policies![s]),
      );
      same(some.finalTheta, all.finalTheta);
      same(some.finalPolicy, all.finalPolicy);
      expect(some.final).toEqual(all.final);
    });
  }

  it('a run stepped by hand (θ read between steps) ends where simulate ends', () => {
    const world = build(8, { update: 'natural', weights: FIVE, steps: 10 });
    const run = createRun(world, { recordEvery: 2 });
    const seen: Float64Array[] = [];
    while (!run.done) {
      run.step();
      seen.push(run.theta());
    }
    const ref = simulate(world, { recordEvery: 2 });
    same(seen[seen.length - 1], ref.finalTheta);
    expect(run.result().trajectory).toEqual(ref.trajectory);
  });
});
