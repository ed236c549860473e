// The sampled trainers (reinforce, ppo, grpo): they learn, they are reproducible bit for bit,
// their noise models have the right means, and their pressure parts add up to the whole update.
import { describe, expect, it } from 'vitest';
import { createExactTrainer } from '../../src/engine/trainers/exact.ts';
import { createGrpoTrainer } from '../../src/engine/trainers/grpo.ts';
import { createPpoTrainer } from '../../src/engine/trainers/ppo.ts';
import { createReinforceTrainer } from '../../src/engine/trainers/reinforce.ts';
import {
  createGuidedRows,
  createRewardSampler,
  drawGuided,
} from '../../src/engine/trainers/sampling.ts';
import type { TrainerFactory } from '../../src/engine/trainers/types.ts';
import { evaluatePolicy } from '../../src/engine/metrics.ts';
import { effectiveWeights, mixedReward } from '../../src/engine/mix.ts';
import { tiltOptimum } from '../../src/engine/optimum.ts';
import { simulate } from '../../src/engine/run.ts';
import { cumulative, drawIndex, stream } from '../../src/engine/rng.ts';
import type { NoiseModel, Signal, TrainerConfig, World } from '../../src/engine/types.ts';
import { worldFromTables } from '../../src/engine/world.ts';

const factories: Record<'reinforce' | 'ppo' | 'grpo', TrainerFactory> = {
  reinforce: createReinforceTrainer,
  ppo: createPpoTrainer,
  grpo: createGrpoTrainer,
};
const kinds = Object.keys(factories) as (keyof typeof factories)[];

/** A small world: 3 situations × 4 styles, a noisy thumbs signal against a spec signal. */
function smallWorld(
  trainer: Partial<TrainerConfig>,
  opts: { linear?: boolean; extraSignal?: boolean; beta?: number } = {},
): World {
  const C = 3;
  const A = 4;
  const rows = (f: (c: number, a: number) => number) =>
    Array.from({ length: C }, (_, c) => Array.from({ length: A }, (_, a) => f(c, a)));
  // styles 2 and 3 are sycophantic: spec penalizes them, thumbs (the heavier weight) likes them
  const syc = rows((_, a) => (a >= 2 ? 1 : 0));
  const signals: Record<string, number[][]> = {
    spec: rows((c, a) => (a >= 2 ? -0.5 : 0.4) + (0.2 * ((c * 5 + a * 3) % 7)) / 7),
    thumbs: rows((_, a) => (a >= 2 ? 0.6 : -0.2)),
  };
  const noise: Record<string, NoiseModel> = {
    spec: { kind: 'gaussian', sigma: 0.3 },
    thumbs: { kind: 'bernoulli', low: -1, high: 1 },
  };
  const weights: Record<string, number> = { spec: 0.3, thumbs: 0.7 };
  if (opts.extraSignal) {
    const u = stream(7, 'test-world');
    signals.memory = rows(() => u());
    noise.memory = { kind: 'student-t', nu: 4, sigma: 0.5 };
    weights.memory = 0;
  }
  return worldFromTables({
    contexts: Array.from({ length: C }, (_, c) => ({ id: `c${c}`, weight: 1 + c })),
    actions: Array.from({ length: A }, (_, a) => ({ id: `a${a}` })),
    features: { sycophantic: syc, helpful: rows((c, a) => (a === 1 ? 1 : a === 0 ? 0.5 : 0)) },
    signals,
    noise,
    weights,
    referencePolicy: rows((_, a) => [0.4, 0.3, 0.2, 0.1][a]),
    beta: opts.beta ?? 0.05,
    policy: opts.linear
      ? { kind: 'linear', features: ['sycophantic', 'helpful'] }
      : { kind: 'tabular' },
    trainer: { steps: 150, learningRate: 0.5, batchSize: 64, groupSize: 8, ...trainer },
  });
}

function optimumJ(world: World): number {
  const A = world.actions.length;
  const R = mixedReward(world, effectiveWeights(world, 0));
  const tilt = tiltOptimum(R, world.referenceLogProbs, A, world.beta);
  const theta = Float64Array.from(tilt, (x, i) => Math.log(x) - world.referenceLogProbs[i]);
  const tabular: World = { ...world, policy: { kind: 'tabular' } };
  return evaluatePolicy(tabular, theta).values['objective/j'];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('sampled trainers learn', () => {
  for (const kind of kinds) {
    for (const linear of [false, true]) {
      it(`${kind} (${linear ? 'linear' : 'tabular'}) raises J and the mixed reward`, () => {
        const world = smallWorld(
          { kind, learningRate: kind === 'grpo' ? 1 : 0.5, epochs: 2, minibatches: 2 },
          { linear },
        );
        const start = evaluatePolicy(world, world.initialTheta).values;
        const res = simulate(world, { seed: 1 });
        const end = evaluatePolicy(world, res.finalTheta).values;
        expect(end['reward/mixed']).toBeGreaterThan(start['reward/mixed'] + 0.05);
        expect(end['objective/j']).toBeGreaterThan(start['objective/j'] + 0.05);
        // and not past the best any policy can do (the tilt)
        expect(end['objective/j']).toBeLessThanOrEqual(optimumJ(world) + 1e-12);
      });
    }
  }
});

describe('sampled trainers are reproducible', () => {
  for (const kind of kinds) {
    it(`${kind}: same seed, same bits; another seed, another run`, () => {
      const world = smallWorld({ kind, steps: 40 });
      const a = simulate(world, { seed: 3 });
      const b = simulate(world, { seed: 3 });
      const c = simulate(world, { seed: 4 });
      expect(Array.from(a.finalTheta)).toEqual(Array.from(b.finalTheta));
      expect(a.trajectory.values).toEqual(b.trajectory.values);
      expect(Array.from(a.finalTheta)).not.toEqual(Array.from(c.finalTheta));
    });

    it(`${kind}: a zero-weight noisy signal added to the world shifts no other draw`, () => {
      const plain = simulate(smallWorld({ kind, steps: 30 }), { seed: 5 });
      const more = simulate(smallWorld({ kind, steps: 30 }, { extraSignal: true }), { seed: 5 });
      expect(Array.from(more.finalTheta)).toEqual(Array.from(plain.finalTheta));
    });
  }
});

describe('guided inverse-CDF draws', () => {
  it('draw exactly the index drawIndex (binary search) draws, zero weights included', () => {
    const u = stream(2, 'guide-test');
    for (const len of [1, 2, 6, 24]) {
      const rows = 5;
      const w = Array.from({ length: rows * len }, () => (u() < 0.3 ? 0 : u() ** 3));
      const cum = new Float64Array(rows * len);
      for (let r = 0; r < rows; r++) cum.set(cumulative(w.slice(r * len, r * len + len)), r * len);
      for (const slices of [1, 3, 2 * len, 4 * len]) {
        const g = createGuidedRows(cum, len, slices);
        for (let r = 0; r < rows; r++) {
          const row = cum.subarray(r * len, r * len + len);
          if (row[len - 1] === 0) continue;
          for (const x of [0, 1 - 2 ** -32, ...Array.from({ length: 500 }, u)]) {
            expect(drawGuided(g, r, x) - r * len).toBe(drawIndex(row, x));
          }
        }
      }
    }
  });
});

describe('noise models', () => {
  const N = 200_000;
  const cells = Int32Array.from({ length: N }, (_, j) => j % 4);
  const table = Float64Array.from([-0.9, -0.2, 0.35, 0.8]);
  function meansOf(noise: NoiseModel, seed = 11): { mean: number[]; sd: number[] } {
    const signal: Signal = { name: 'x', table, noise };
    const out = new Float64Array(N);
    createRewardSampler(signal, seed).draw(cells, 0, N, out);
    const mean = [0, 0, 0, 0];
    const sq = [0, 0, 0, 0];
    for (let j = 0; j < N; j++) {
      mean[cells[j]] += out[j] / (N / 4);
      sq[cells[j]] += (out[j] * out[j]) / (N / 4);
    }
    return { mean, sd: mean.map((m, k) => Math.sqrt(sq[k] - m * m)) };
  }
  const z999 = 3.2905; // two-sided 99.9%

  it('bernoulli: the empirical mean matches the table within a 99.9% binomial interval', () => {
    const { mean } = meansOf({ kind: 'bernoulli', low: -1, high: 1 });
    table.forEach((r, k) => {
      const p = (r + 1) / 2;
      const half = 2 * z999 * Math.sqrt((p * (1 - p)) / (N / 4));
      expect(Math.abs(mean[k] - r)).toBeLessThan(half);
    });
  });

  it('bernoulli draws only low or high', () => {
    const out = new Float64Array(1000);
    createRewardSampler(
      { name: 'x', table, noise: { kind: 'bernoulli', low: -1, high: 1 } },
      1,
    ).draw(cells, 0, 1000, out);
    expect(new Set(out)).toEqual(new Set([-1, 1]));
  });

  it('gaussian: right mean (99.9%) and standard deviation', () => {
    const sigma = 0.7;
    const { mean, sd } = meansOf({ kind: 'gaussian', sigma });
    table.forEach((r, k) => {
      expect(Math.abs(mean[k] - r)).toBeLessThan((z999 * sigma) / Math.sqrt(N / 4));
      expect(Math.abs(sd[k] / sigma - 1)).toBeLessThan(0.02);
    });
  });

  it('student-t: right mean (99.9%) and the t variance σ²ν/(ν−2)', () => {
    const sigma = 0.5;
    const nu = 5;
    const { mean, sd } = meansOf({ kind: 'student-t', nu, sigma });
    const tsd = sigma * Math.sqrt(nu / (nu - 2));
    table.forEach((r, k) => {
      expect(Math.abs(mean[k] - r)).toBeLessThan((z999 * tsd) / Math.sqrt(N / 4));
      expect(Math.abs(sd[k] / tsd - 1)).toBeLessThan(0.05);
    });
  });

  it('student-t: the tail beyond the 97.5% quantile of t(5) holds 5% (99.9% interval)', () => {
    const out = new Float64Array(N);
    const zero: Signal = {
      name: 'x',
      table: new Float64Array(4),
      noise: { kind: 'student-t', nu: 5, sigma: 1 },
    };
    createRewardSampler(zero, 3).draw(cells, 0, N, out);
    const share = out.filter((x) => Math.abs(x) > 2.570582).length / N;
    expect(Math.abs(share - 0.05)).toBeLessThan(z999 * Math.sqrt((0.05 * 0.95) / N));
  });

  it('draws do not depend on how a batch is split into calls', () => {
    for (const noise of [
      { kind: 'gaussian', sigma: 1 },
      { kind: 'student-t', nu: 3, sigma: 1 },
      { kind: 'bernoulli', low: 0, high: 1 },
    ] as NoiseModel[]) {
      const whole = new Float64Array(101);
      const split = new Float64Array(101);
      createRewardSampler({ name: 'x', table, noise }, 4).draw(cells, 0, 101, whole);
      const sampler = createRewardSampler({ name: 'x', table, noise }, 4);
      for (const [a, b] of [
        [0, 1],
        [1, 38],
        [38, 39],
        [39, 101],
      ])
        sampler.draw(cells, a, b, split);
      expect(Array.from(split)).toEqual(Array.from(whole));
    }
  });

  it('reinforce: the batch mean of a bernoulli signal matches E_π r (99.9% binomial interval)', () => {
    // η = 0: the policy stays at π_ref, so every draw is Bernoulli with the same marginal p̄.
    const world = smallWorld({ kind: 'reinforce', steps: 400, learningRate: 0, batchSize: 256 });
    const res = simulate(world, { seed: 9, recordEvery: 1 });
    const col = res.trajectory.values['reinforce/rewards/thumbs'].slice(0, 400);
    const draws = 400 * 256;
    const mean = col.reduce((s, x) => s + x, 0) / 400;
    const expected = res.final['rewards/thumbs/mean'];
    const p = (expected + 1) / 2;
    expect(Math.abs(mean - expected)).toBeLessThan(2 * z999 * Math.sqrt((p * (1 - p)) / draws));
  });
});

describe('reinforce is unbiased', () => {
  for (const baseline of ['none', 'batch-mean', 'expected'] as const) {
    it(`baseline ${baseline}: a huge batch's update ≈ the exact gradient update`, () => {
      const world = smallWorld(
        { kind: 'reinforce', batchSize: 2_000_000, learningRate: 1, baseline },
        { beta: 0.3 },
      );
      const theta0 = Float64Array.from({ length: 12 }, (_, i) => 0.3 * Math.sin(i));
      const th = theta0.slice();
      createReinforceTrainer(world, th, 2).step(0, false);
      const ex = theta0.slice();
      createExactTrainer(
        { ...world, trainer: { ...world.trainer, update: 'gradient' } },
        ex,
        0,
      ).step(0, false);
      const scale = Math.max(...ex.map((x, i) => Math.abs(x - theta0[i])));
      for (let i = 0; i < th.length; i++) {
        expect(Math.abs(th[i] - theta0[i] - (ex[i] - theta0[i]))).toBeLessThan(0.03 * scale);
      }
    });
  }

  it('ppo with one epoch and one minibatch is reinforce', () => {
    const world = smallWorld({ kind: 'ppo', epochs: 1, minibatches: 1, baseline: 'expected' });
    const a = world.initialTheta.slice();
    const b = world.initialTheta.slice();
    const ppo = createPpoTrainer(world, a, 8);
    const rf = createReinforceTrainer(world, b, 8);
    for (let t = 0; t < 20; t++) {
      const s = ppo.step(t, false).stats!;
      rf.step(t, false);
      expect(s['ppo/clip_fraction']).toBe(0);
      expect(s['ppo/approx_kl']).toBe(0);
    }
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 12);
  });

  it('ppo clips when it runs many epochs with a large step', () => {
    const world = smallWorld({
      kind: 'ppo',
      epochs: 8,
      minibatches: 4,
      learningRate: 5,
      clip: 0.1,
    });
    const s = createPpoTrainer(world, world.initialTheta.slice(), 1).step(0, false).stats!;
    expect(s['ppo/clip_fraction']).toBeGreaterThan(0);
    expect(s['ppo/approx_kl']).toBeGreaterThan(0);
  });

  it('grpo: a group whose rewards are all equal contributes no advantage', () => {
    // One style only: every answer in a group is the same, so the std is 0 and only KL acts.
    const world = worldFromTables({
      contexts: [{ id: 'c', weight: 1 }],
      actions: [{ id: 'a' }, { id: 'b' }],
      features: {},
      signals: { r: [[1, 1]] },
      weights: { r: 1 },
      referencePolicy: [[0.5, 0.5]],
      beta: 0,
      policy: { kind: 'tabular' },
      trainer: { kind: 'grpo', batchSize: 16, groupSize: 4 },
    });
    const theta = new Float64Array(2);
    const s = createGrpoTrainer(world, theta, 0).step(0, false).stats!;
    expect(s['grpo/zero_std_fraction']).toBe(1);
    expect(s['grpo/reward_std']).toBe(0);
    expect(Array.from(theta)).toEqual([0, 0]);
  });
});

describe('pressure parts add up to the whole first-order change', () => {
  const cases: [keyof typeof factories, TrainerConfig['baseline'], boolean][] = [];
  for (const kind of kinds)
    for (const linear of [false, true])
      for (const baseline of kind === 'grpo'
        ? (['none'] as const)
        : (['none', 'batch-mean', 'expected'] as const))
        cases.push([kind, baseline, linear]);
  for (const [kind, baseline, linear] of cases) {
    it(`${kind} (${linear ? 'linear' : 'tabular'}, baseline ${baseline})`, () => {
      const world = smallWorld(
        { kind, baseline, epochs: 3, minibatches: 4, learningRate: 0.8, clip: 0.1 },
        { linear, extraSignal: true, beta: 0.2 },
      );
      world.mix.weights[2] = 0.3; // memory joins the mix
      const theta = linear
        ? Float64Array.from([0.4, -0.3])
        : Float64Array.from({ length: 12 }, (_, i) => 0.2 * Math.cos(i));
      const trainer = factories[kind](world, theta, 6);
      for (let t = 0; t < 3; t++) {
        const before = theta.slice();
        const grad = evaluatePolicy(world, before, t).sycophancyGradient!;
        const { parts } = trainer.step(t, true);
        expect(parts).not.toBeNull();
        expect(parts!.length).toBe(world.signals.length + 1);
        const delta = theta.map((x, i) => x - before[i]);
        const whole = dot(grad, delta);
        const sum = parts!.reduce((s, p) => s + dot(grad, p), 0);
        expect(Math.abs(sum - whole)).toBeLessThan(1e-9);
        expect(Math.abs(whole)).toBeGreaterThan(1e-6); // the step did something
        // and in θ space, coordinate by coordinate
        for (let i = 0; i < theta.length; i++) {
          const s = parts!.reduce((acc, p) => acc + p[i], 0);
          expect(Math.abs(s - delta[i])).toBeLessThan(1e-12);
        }
        // every signal in the mix (and KL) pushes
        for (const p of parts!) expect(p.some((x) => x !== 0)).toBe(true);
      }
    });
  }

  it('a run records pressure/* that sum to pressure/total', () => {
    const world = smallWorld({ kind: 'reinforce', steps: 20 });
    const res = simulate(world, { seed: 2, recordEvery: 5 });
    const v = res.trajectory.values;
    v['pressure/total'].forEach((total, i) => {
      expect(
        Math.abs(v['pressure/spec'][i] + v['pressure/thumbs'][i] + v['pressure/kl'][i] - total),
      ).toBeLessThan(1e-12);
    });
    expect(v['pressure/thumbs'][0]).toBeGreaterThan(0);
  });
});
