// Reference tests for the exact trainer (MODEL.md, "The exact trainer", normative): the update
// against an independent implementation of the math written here from MODEL.md, on the raw JSON
// tables of seeded random worlds (test/helpers/randomWorld.ts). Nothing below computes J, π, the
// Fisher matrix, the tilt or a metric by calling the engine; the engine is only what is checked.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, pressures } from '../../src/engine/metrics.ts';
import { effectiveWeights, mixedReward } from '../../src/engine/mix.ts';
import { tiltOptimum } from '../../src/engine/optimum.ts';
import { createRun, simulate } from '../../src/engine/run.ts';
import { createExactTrainer } from '../../src/engine/trainers/exact.ts';
import type { UpdateRule, World } from '../../src/engine/types.ts';
import { worldFromTables, worldToTables } from '../../src/engine/world.ts';
import { randomTables, type RandomWorldOptions } from '../helpers/randomWorld.ts';
import {
  centered,
  direction,
  makeRef,
  normalizeVec,
  objective,
  policy,
  sum,
  sycophancy,
  tilt,
  type Ref,
  type Rows,
} from '../helpers/reference.ts';

// ---- small tools -------------------------------------------------------------------------------

function maxAbs(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - (b ? b[i] : 0)));
  return m;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Central finite differences of f at x. */
function finiteDifferences(f: (x: Float64Array) => number, x: Float64Array, eps = 1e-5): number[] {
  return Array.from(x, (_, k) => {
    const xp = x.slice();
    const xm = x.slice();
    xp[k] += eps;
    xm[k] -= eps;
    return (f(xp) - f(xm)) / (2 * eps);
  });
}

/** A world and its reference, from the same tables. */
function build(seed: number, o: RandomWorldOptions): { world: World; ref: Ref } {
  const t = randomTables(seed, o);
  const world = worldFromTables(t);
  world.mix.normalize = o.normalize ?? false;
  return { world, ref: makeRef(t, o.normalize) };
}

/** θ after one exact step from θ₀ (the world's update rule and learning rate). */
function oneStep(world: World): { before: Float64Array; after: Float64Array } {
  const before = world.initialTheta.slice();
  const after = before.slice();
  createExactTrainer(world, after, 0).step(0, false);
  return { before, after };
}

// ---- ∂J/∂θ --------------------------------------------------------------------------------------

const gradientWorlds: [string, number, RandomWorldOptions][] = [
  ['tabular', 1, { policy: 'tabular' }],
  ['tabular, β = 0', 2, { policy: 'tabular', beta: 0 }],
  [
    'tabular 5×4, β = 2, normalized',
    3,
    { policy: 'tabular', contexts: 5, actions: 4, beta: 2, normalize: true },
  ],
  ['tabular, peaked π_ref', 4, { policy: 'tabular', referenceScale: 3, beta: 0.7 }],
  ['linear', 5, { policy: 'linear' }],
  ['linear, β = 0', 6, { policy: 'linear', beta: 0 }],
  [
    'linear 6×5, K = 4, β = 1.5, normalized',
    7,
    { policy: 'linear', contexts: 6, actions: 5, extraFeatures: 3, beta: 1.5, normalize: true },
  ],
  ['linear from θ₀ = 0', 8, { policy: 'linear', shifted: false, beta: 0.1 }],
];

describe('∂J/∂θ: the gradient update against central finite differences of J', () => {
  for (const [name, seed, o] of gradientWorlds) {
    it(name, () => {
      const eta = 0.5;
      const { world, ref } = build(seed, { ...o, update: 'gradient', learningRate: eta });
      const { before, after } = oneStep(world);
      const grad = Array.from(after, (x, k) => (x - before[k]) / eta);
      const fd = finiteDifferences((th) => objective(ref, th), before);
      expect(maxAbs(grad)).toBeGreaterThan(1e-3);
      expect(maxAbs(fd, grad) / maxAbs(grad)).toBeLessThanOrEqual(1e-6);
    });
  }

  it('the natural tabular step is the same gradient divided by p(c)·π(a|c)', () => {
    const eta = 0.5;
    const { world, ref } = build(11, { policy: 'tabular', update: 'natural', learningRate: eta });
    const { before, after } = oneStep(world);
    const { pi } = policy(ref, before);
    const fd = finiteDifferences((th) => objective(ref, th), before);
    const expected = fd.map((g, i) => g / (ref.p[Math.floor(i / ref.A)] * pi.flat()[i]));
    const step = Array.from(after, (x, k) => (x - before[k]) / eta);
    expect(maxAbs(step)).toBeGreaterThan(1e-2);
    expect(maxAbs(expected, step) / maxAbs(step)).toBeLessThanOrEqual(1e-6);
  });
});

// ---- the tilt ---------------------------------------------------------------------------------

describe('the tilt π_ref·exp(R/β)/Z', () => {
  it('tiltOptimum matches the closed form', () => {
    for (const beta of [0.05, 0.3, 2, 50]) {
      const { world, ref } = build(21, { contexts: 5, actions: 4, beta });
      const R = mixedReward(world, effectiveWeights(world, 0));
      expect(maxAbs(R, ref.R.flat())).toBeLessThan(1e-14);
      const got = tiltOptimum(R, world.referenceLogProbs, ref.A, beta);
      expect(maxAbs(got, tilt(ref, beta))).toBeLessThan(1e-14);
    }
  });

  it('the natural tabular update converges to it to 1e-9', () => {
    const { world, ref } = build(22, {
      contexts: 5,
      actions: 4,
      beta: 0.5,
      update: 'natural',
      learningRate: 1, // ηβ = 0.5: the error halves each step
      steps: 200,
    });
    const target = tilt(ref, ref.beta);
    const res = simulate(world, { recordPolicies: true, recordEvery: 50 });
    expect(maxAbs(res.trajectory.policies![0], target)).toBeGreaterThan(0.1);
    expect(maxAbs(res.finalPolicy, target)).toBeLessThanOrEqual(1e-9);
    const engineTilt = tiltOptimum(
      mixedReward(world, effectiveWeights(world)),
      world.referenceLogProbs,
      ref.A,
      ref.beta,
    );
    expect(maxAbs(res.finalPolicy, engineTilt)).toBeLessThanOrEqual(1e-9);
  });

  it('the gradient tabular update converges to it to 1e-3 on a small world', () => {
    const { world, ref } = build(23, {
      contexts: 3,
      actions: 3,
      beta: 1,
      update: 'gradient',
      learningRate: 2,
      steps: 1500,
    });
    const target = tilt(ref, ref.beta);
    const res = simulate(world, { recordPolicies: true, recordEvery: 500 });
    const dist = res.trajectory.policies!.map((pol) => maxAbs(pol, target));
    expect(dist[0]).toBeGreaterThan(0.1);
    // Distance to the tilt falls at every recorded point (0, 500, 1,000, 1,500) and ends within 1e-3.
    expect(dist[dist.length - 1]).toBeLessThanOrEqual(1e-3);
    for (let i = 1; i < dist.length; i++) expect(dist[i]).toBeLessThan(dist[i - 1]);
  });
});

// ---- the linear natural update: a direct solve of its Fisher system ---------------------------

describe('linear natural update = η (Φ + δI)⁻¹ ∇, solved densely here', () => {
  const cases: [number, RandomWorldOptions][] = [
    [31, {}],
    [32, { fisherDamping: 0.1, beta: 0 }],
    [33, { contexts: 7, actions: 5, extraFeatures: 4, beta: 1.2, normalize: true }],
    [34, { referenceScale: 3, fisherDamping: 1e-2 }],
    [35, { shifted: false }],
  ];
  for (const [seed, o] of cases) {
    it(`seed ${seed}`, () => {
      const eta = 0.3;
      const { world, ref } = build(seed, {
        ...o,
        policy: 'linear',
        update: 'natural',
        learningRate: eta,
      });
      const { before, after } = oneStep(world);
      const { pi, logPi } = policy(ref, before);
      // A[c,a] = Q − E_π Q, Q = R − β (log π − log π_ref)
      const Q = ref.R.map((row, c) =>
        row.map((v, a) => v - ref.beta * (logPi[c][a] - ref.logRef[c][a])),
      );
      const x = direction(ref, pi, centered(pi, Q), 'natural', world.trainer.fisherDamping);
      const change = Array.from(after, (v, k) => v - before[k]);
      expect(maxAbs(change)).toBeGreaterThan(1e-2);
      expect(
        maxAbs(
          change,
          x.map((v) => eta * v),
        ),
      ).toBeLessThanOrEqual(1e-10 * Math.max(1, maxAbs(x)));
    });
  }
});

// ---- the limits: β → ∞ and β = 0 ------------------------------------------------------------------

describe('β very large keeps π_ref', () => {
  const beta = 1e6;
  for (const policyKind of ['tabular', 'linear'] as const) {
    for (const update of ['gradient', 'natural'] as const) {
      it(`${policyKind}, ${update}: within 1e-6 of π_ref after 2,000 steps`, () => {
        const { world } = build(41, {
          policy: policyKind,
          update,
          beta,
          learningRate: 1 / beta, // ηβ = 1
          steps: 2000,
          shifted: false,
          normalize: true,
        });
        const ref = Float64Array.from(world.referenceLogProbs, Math.exp);
        const res = simulate(world, { recordPolicies: true, recordEvery: 100 });
        for (const pol of res.trajectory.policies!) expect(maxAbs(pol, ref)).toBeLessThan(1e-6);
        expect(maxAbs(res.finalPolicy, ref)).toBeLessThan(1e-6);
      });
    }
  }

  it('from a shifted start, the natural tabular update pulls back to π_ref', () => {
    const { world } = build(42, {
      update: 'natural',
      beta,
      learningRate: 0.5 / beta,
      steps: 100,
      normalize: true,
    });
    const ref = Float64Array.from(world.referenceLogProbs, Math.exp);
    const res = simulate(world, { recordPolicies: true });
    expect(maxAbs(res.trajectory.policies![0], ref)).toBeGreaterThan(0.1);
    expect(maxAbs(res.finalPolicy, ref)).toBeLessThan(1e-6);
  });

  it('tiltOptimum at β = 1e6 is π_ref to 1e-6, and exactly π_ref at β = ∞', () => {
    const { world, ref } = build(43, { normalize: true });
    const R = Float64Array.from(ref.R.flat());
    const piRef = Float64Array.from(world.referenceLogProbs, Math.exp);
    expect(maxAbs(tiltOptimum(R, world.referenceLogProbs, ref.A, 1e6), piRef)).toBeLessThan(1e-6);
    expect(maxAbs(tiltOptimum(R, world.referenceLogProbs, ref.A, Infinity), piRef)).toBeLessThan(
      1e-15,
    );
  });
});

describe('β = 0 with one dominant signal goes to its argmax', () => {
  // The dominant signal's rows are permutations of {0, 1/3, 2/3, 1}; the others weigh 1e-3 and
  // lie in [−1, 1], too little to move the argmax.
  const dominant = [
    [0, 1 / 3, 2 / 3, 1],
    [1, 0, 2 / 3, 1 / 3],
    [2 / 3, 1, 0, 1 / 3],
  ];
  const best = [3, 0, 1];
  const oneHot = best.flatMap((b) => [0, 1, 2, 3].map((a) => (a === b ? 1 : 0)));
  function dominantWorld(update: UpdateRule, learningRate: number, steps: number): World {
    const t = randomTables(51, {
      contexts: 3,
      actions: 4,
      beta: 0,
      weights: { dominant: 1, spec: 1e-3, thumbs: 1e-3 },
      update,
      learningRate,
      steps,
    });
    t.signals.dominant = dominant;
    return worldFromTables(t);
  }

  it('natural, tabular: to 1e-9', () => {
    const res = simulate(dominantWorld('natural', 1, 300));
    expect(maxAbs(res.finalPolicy, oneHot)).toBeLessThanOrEqual(1e-9);
  });

  it('gradient, tabular: to 1e-4 with enough steps, monotonically', () => {
    const res = simulate(dominantWorld('gradient', 20, 5000), {
      recordPolicies: true,
      recordEvery: 500,
    });
    const dist = res.trajectory.policies!.map((pol) => maxAbs(pol, oneHot));
    expect(dist[0]).toBeGreaterThan(0.5);
    for (let i = 1; i < dist.length; i++) expect(dist[i]).toBeLessThan(dist[i - 1]);
    expect(dist[dist.length - 1]).toBeLessThanOrEqual(1e-4);
  });

  it('tiltOptimum at β = 0 is the argmax, ties split evenly', () => {
    const R = Float64Array.from([1, 3, 3, 2, 5, 5, 5, 5, -1, -2, -3, -4, 0, 0, 7, 0]);
    const logRef = Float64Array.from([0.1, 0.6, 0.2, 0.1, 0.25, 0.25, 0.25, 0.25], Math.log);
    const lr = Float64Array.from([...logRef, ...logRef]);
    expect(Array.from(tiltOptimum(R, lr, 4, 0))).toEqual([
      0, 0.5, 0.5, 0, 0.25, 0.25, 0.25, 0.25, 1, 0, 0, 0, 0, 0, 1, 0,
    ]);
    // and the tilt approaches it as β → 0 where the argmax is unique
    const uniqueRows = Float64Array.from([3, 1, 2, 0, 0, 0, 1, 0.5]);
    expect(
      maxAbs(tiltOptimum(uniqueRows, logRef, 4, 1e-3), tiltOptimum(uniqueRows, logRef, 4, 0)),
    ).toBeLessThan(1e-12);
  });
});

// ---- pressure/* -----------------------------------------------------------------------------------

describe('pressure/<signal> + pressure/kl = ∇S·Δθ (S = eval/sycophancy)', () => {
  const weights = { correctness: 1, spec: 0.7, thumbs: 0.4, memory: 0 };
  for (const policyKind of ['tabular', 'linear'] as const) {
    for (const update of ['gradient', 'natural'] as const) {
      it(`${policyKind}, ${update}`, () => {
        const eta = update === 'natural' ? 0.4 : 1;
        const { world, ref } = build(61, {
          policy: policyKind,
          update,
          weights,
          beta: 0.8,
          learningRate: eta,
          steps: 6,
          contexts: 5,
          actions: 4,
        });
        const damping = world.trainer.fisherDamping;
        const run = createRun(world, { recordEvery: 1 });
        const names = Object.keys(weights);
        for (let t = 0; t < 6; t++) {
          const before = run.theta();
          run.step();
          const after = run.theta();
          const dTheta = Array.from(after, (v, k) => v - before[k]);
          const tr = run.result().trajectory;
          const point = Object.fromEntries(tr.keys.map((k) => [k, tr.values[k][t]]));
          // ∇_θ S written out here, checked against finite differences of S and the engine's
          const { grad } = sycophancy(ref, before);
          const fd = finiteDifferences((th) => sycophancy(ref, th).S, before);
          expect(maxAbs(fd, grad) / maxAbs(grad)).toBeLessThan(1e-6);
          expect(maxAbs(evaluatePolicy(world, before, t).sycophancyGradient!, grad)).toBeLessThan(
            1e-14,
          );

          const whole = dot(grad, dTheta);
          const parts = names.map((n) => point[`pressure/${n}`]).concat(point['pressure/kl']);
          expect(Math.abs(whole)).toBeGreaterThan(1e-5);
          expect(Math.abs(sum(parts) - whole)).toBeLessThanOrEqual(1e-9);
          expect(Math.abs(point['pressure/total'] - whole)).toBeLessThanOrEqual(1e-9);
          expect(point['pressure/memory']).toBe(0);

          // each part, computed independently: the update the centered table alone would make
          const { pi, logPi } = policy(ref, before);
          const partOf = (table: Rows, scale: number) =>
            dot(
              grad,
              direction(
                ref,
                pi,
                centered(pi, table).map((row) => row.map((v) => scale * v)),
                update,
                damping,
              ).map((v) => eta * v),
            );
          const logRatio = logPi.map((row, c) => row.map((v, a) => v - ref.logRef[c][a]));
          const kl = partOf(logRatio, -ref.beta);
          expect(Math.abs(kl)).toBeGreaterThan(1e-6);
          expect(Math.abs(point['pressure/kl'] - kl)).toBeLessThanOrEqual(
            1e-9 * (1 + Math.abs(kl)),
          );
          for (const n of names) {
            const part = partOf(ref.t.signals[n], ref.w[n]);
            expect(Math.abs(point[`pressure/${n}`] - part)).toBeLessThanOrEqual(
              1e-9 * (1 + Math.abs(part)),
            );
          }
        }
      });
    }
  }

  it("the trainer's parts add up to its actual update, and `pressures` projects them", () => {
    for (const policyKind of ['tabular', 'linear'] as const) {
      for (const update of ['gradient', 'natural'] as const) {
        const { world, ref } = build(62, {
          policy: policyKind,
          update,
          weights,
          learningRate: 0.3,
        });
        const before = world.initialTheta.slice();
        const theta = before.slice();
        const parts = createExactTrainer(world, theta, 0).step(0, true).parts!;
        expect(parts.length).toBe(5);
        const whole = Array.from(theta, (v, k) => v - before[k]);
        const summed = whole.map((_, k) => sum(parts.map((p) => p[k])));
        expect(maxAbs(summed, whole)).toBeLessThanOrEqual(1e-12 * Math.max(1, maxAbs(whole)));
        const { grad } = sycophancy(ref, before);
        const pr = pressures(world, Float64Array.from(grad), parts);
        expect(Object.keys(pr)).toEqual([
          'pressure/correctness',
          'pressure/spec',
          'pressure/thumbs',
          'pressure/memory',
          'pressure/kl',
          'pressure/total',
        ]);
        parts.forEach((p, i) => expect(Object.values(pr)[i]).toBeCloseTo(dot(grad, p), 14));
        expect(Math.abs(pr['pressure/total'] - dot(grad, whole))).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it('the last point carries the pressure of the step that would follow it', () => {
    const { world } = build(63, { policy: 'linear', update: 'natural', weights, steps: 4 });
    const res = simulate(world, { recordEvery: 1 });
    const theta = res.finalTheta.slice();
    const before = theta.slice();
    createExactTrainer(world, theta, 0).step(4, false);
    const grad = evaluatePolicy(world, before, 4).sycophancyGradient!;
    const whole = dot(
      grad,
      Array.from(theta, (v, k) => v - before[k]),
    );
    expect(Math.abs(whole)).toBeGreaterThan(1e-6);
    expect(Math.abs(res.final['pressure/total'] - whole)).toBeLessThanOrEqual(1e-12);
  });
});

// ---- metrics ------------------------------------------------------------------------------------

describe('metrics against independent computation', () => {
  for (const [seed, o] of [
    [71, { policy: 'tabular' }],
    [72, { policy: 'linear', beta: 2.5, users: 3 }],
    [73, { policy: 'tabular', normalize: true, contexts: 6, actions: 5, referenceScale: 2 }],
  ] as [number, RandomWorldOptions][]) {
    it(`seed ${seed} (${o.policy})`, () => {
      const { world, ref } = build(seed, o);
      const t = ref.t;
      const theta = world.initialTheta.slice();
      const v = evaluatePolicy(world, theta, 0).values;
      const { pi, logPi } = policy(ref, theta);
      const overSet = (set: number[], table: Rows) => {
        const q = normalizeVec(set);
        return sum(q.map((qc, c) => qc * sum(pi[c].map((x, a) => x * table[c][a]))));
      };
      const close = (key: string, want: number) => {
        expect(v[key], key).toBeDefined();
        expect(Math.abs(v[key] - want), key).toBeLessThanOrEqual(
          1e-12 * Math.max(1, Math.abs(want)),
        );
      };
      const ctxWeights = t.contexts.map((c) => c.weight);
      let mixed = 0;
      for (const [name, table] of Object.entries(t.signals)) {
        const mean = overSet(ctxWeights, table);
        close(`rewards/${name}/mean`, mean);
        close(`rewards/${name}/weighted`, ref.w[name] * mean);
        close(`weights/${name}`, ref.w[name]);
        mixed += ref.w[name] * mean;
      }
      close('reward/mixed', mixed);
      const kl = sum(
        ref.p.map((pc, c) => pc * sum(pi[c].map((x, a) => x * (logPi[c][a] - ref.logRef[c][a])))),
      );
      const entropy = sum(ref.p.map((pc, c) => -pc * sum(pi[c].map((x, a) => x * logPi[c][a]))));
      expect(kl).toBeGreaterThan(1e-3);
      close('objective/kl', kl);
      close('objective/entropy', entropy);
      close('objective/j', mixed - ref.beta * kl);
      close('objective/j', objective(ref, theta));
      close('eval/sycophancy', overSet(t.sets!.sycophancy!, t.features.sycophantic));
      close('eval/sycophancy/memoryOn', overSet(t.sets!.groups!.memoryOn, t.features.sycophantic));
      close('eval/accuracy', overSet(t.sets!.accuracy!, t.features.correct));
      // thumbs-up share of ratings: ups / (ups + downs) over deployment traffic and segments
      const dep = normalizeVec(t.sets!.deployment!);
      const segW = normalizeVec(t.users!.map((s) => s.weight));
      let ups = 0;
      let downs = 0;
      t.users!.forEach((seg, i) => {
        for (let c = 0; c < ref.C; c++) {
          for (let a = 0; a < ref.A; a++) {
            ups += segW[i] * dep[c] * pi[c][a] * seg.up[c][a];
            downs += segW[i] * dep[c] * pi[c][a] * seg.down[c][a];
          }
        }
      });
      close('ab/thumbs_up', ups / (ups + downs));
    });
  }
});

// ---- the run driver ------------------------------------------------------------------------------

describe('run driver', () => {
  const tiny = (steps: number, o: RandomWorldOptions = {}) =>
    build(81, { contexts: 2, actions: 2, steps, update: 'natural', ...o }).world;

  it('recordEvery k records 0, k, 2k, … and always the last', () => {
    expect(simulate(tiny(23), { recordEvery: 5 }).trajectory.steps).toEqual([0, 5, 10, 15, 20, 23]);
    expect(simulate(tiny(20), { recordEvery: 5 }).trajectory.steps).toEqual([0, 5, 10, 15, 20]);
    expect(simulate(tiny(3), { recordEvery: 10 }).trajectory.steps).toEqual([0, 3]);
    expect(simulate(tiny(4), { recordEvery: 1 }).trajectory.steps).toEqual([0, 1, 2, 3, 4]);
  });

  it('T steps give T+1 points; point t is the policy before step t', () => {
    for (const policyKind of ['tabular', 'linear'] as const) {
      const world = tiny(7, { policy: policyKind, update: 'gradient', learningRate: 1 });
      const res = simulate(world, { recordEvery: 1, recordPolicies: true });
      const tr = res.trajectory;
      expect(tr.steps.length).toBe(8);
      expect(tr.policies!.length).toBe(8);
      const theta = world.initialTheta.slice();
      const trainer = createExactTrainer(world, theta, 0);
      for (let t = 0; t <= 7; t++) {
        const ev = evaluatePolicy(world, theta, t);
        expect(Array.from(tr.policies![t])).toEqual(Array.from(ev.prob));
        for (const [k, v] of Object.entries(ev.values)) expect(tr.values[k][t]).toBe(v);
        if (t < 7) trainer.step(t, false);
      }
      expect(Array.from(res.finalTheta)).toEqual(Array.from(theta));
      expect(Array.from(res.finalPolicy)).toEqual(Array.from(tr.policies![7]));
      for (const k of tr.keys) expect(res.final[k]).toBe(tr.values[k][7]);
      // point 0 is the start policy, not the reference (θ₀ ≠ 0 here)
      const start = evaluatePolicy(world, world.initialTheta).prob;
      expect(Array.from(tr.policies![0])).toEqual(Array.from(start));
      const piRef = Float64Array.from(world.referenceLogProbs, Math.exp);
      expect(maxAbs(tr.policies![0], piRef)).toBeGreaterThan(0.05);
    }
  });

  it('keeps no policies unless asked', () => {
    const res = simulate(tiny(50), { recordEvery: 10 });
    expect(res.trajectory.policies).toBeNull();
    expect(res.finalPolicy.length).toBe(4);
    const kept = simulate(tiny(50), { recordEvery: 10, recordPolicies: true });
    expect(kept.trajectory.policies!.length).toBe(6);
  });

  it('a 100,000-step run with recordEvery 1,000 holds 101 points', () => {
    const res = simulate(tiny(100_000, { update: 'natural', learningRate: 0.5, beta: 0.3 }), {
      recordEvery: 1000,
    });
    expect(res.steps).toBe(100_000);
    expect(res.trajectory.steps.length).toBe(101);
    expect(res.trajectory.steps[100]).toBe(100_000);
    for (const k of res.trajectory.keys) expect(res.trajectory.values[k].length).toBe(101);
    expect(res.trajectory.policies).toBeNull();
  });

  it('run(n) in chunks is byte-identical to one simulate', () => {
    for (const policyKind of ['tabular', 'linear'] as const) {
      for (const update of ['gradient', 'natural'] as const) {
        const world = build(82, {
          policy: policyKind,
          update,
          steps: 97,
          contexts: 4,
          actions: 3,
        }).world;
        const options = { recordEvery: 7, recordPolicies: true };
        const whole = simulate(world, options);
        const run = createRun(world, options);
        run.run(3);
        run.step();
        run.run(0);
        run.run(13);
        expect(run.t).toBe(17);
        expect(run.done).toBe(false);
        while (!run.done) run.run(11);
        run.run(5); // no-op once done
        run.step();
        const chunked = run.result();
        expect(chunked.steps).toBe(97);
        const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
          expect(a.length).toBe(b.length);
          for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect(a[i]).toBe(b[i]);
        };
        same(chunked.trajectory.steps, whole.trajectory.steps);
        expect(chunked.trajectory.keys).toEqual(whole.trajectory.keys);
        for (const k of whole.trajectory.keys)
          same(chunked.trajectory.values[k], whole.trajectory.values[k]);
        whole.trajectory.policies!.forEach((p, i) => same(chunked.trajectory.policies![i], p));
        same(chunked.finalTheta, whole.finalTheta);
        same(chunked.finalPolicy, whole.finalPolicy);
        expect(Object.keys(chunked.final)).toEqual(Object.keys(whole.final));
        for (const k of Object.keys(whole.final))
          expect(Object.is(chunked.final[k], whole.final[k])).toBe(true);
      }
    }
  });
});

// ---- regressions found by the property tests --------------------------------------------------

describe('regressions', () => {
  it('tiltOptimum with a denormal β gives the argmax, not NaN (R/β overflowed to ∞)', () => {
    const two = tiltOptimum(
      Float64Array.from([0, 9.77e-15]),
      Float64Array.from([0.5, 0.5], Math.log),
      2,
      5e-324,
    );
    expect(Array.from(two)).toEqual([0, 1]);
    // β > 0, however small: tied best styles keep the reference's proportions
    const logRef = Float64Array.from([0.2, 0.3, 0.5], Math.log);
    const three = tiltOptimum(Float64Array.from([1, 2, 2]), logRef, 3, 1e-300);
    expect(maxAbs(three, [0, 0.375, 0.625])).toBeLessThan(1e-15);
  });

  it('a reference probability that underflows to 0 survives the tables round trip', () => {
    const { world } = build(91, { contexts: 1, actions: 2, update: 'natural', steps: 3 });
    world.referenceLogProbs = Float64Array.from([0, -800]);
    world.initialTheta = Float64Array.from([0.5, 10]);
    const back = worldFromTables(worldToTables(world));
    expect(Array.from(back.referenceLogProbs)).toEqual([0, -Infinity]);
    expect(Array.from(back.initialTheta).every(Number.isFinite)).toBe(true);
    const res = simulate(back);
    expect(Array.from(res.finalPolicy)).toEqual([1, 0]);
    for (const k of res.trajectory.keys) {
      for (const v of res.trajectory.values[k]) expect(Number.isFinite(v), k).toBe(true);
    }
  });
});
