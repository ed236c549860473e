// Tipping points: bisection finds crossings; on a small world trained to convergence the
// trained tipping point matches the analytic one of the KL-regularized optimum; and for the
// tabular optimum of the shipped update, sycophancy never falls as the thumbs weight rises.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findCrossing,
  optimumMetrics,
  optimumOf,
  optimumUnavailable,
} from '../../src/engine/analysis/tipping.ts';
import { simulate } from '../../src/engine/run.ts';
import type { World } from '../../src/engine/types.ts';
import { loadScenario } from '../../src/node/load.ts';
import { randomWorld } from '../helpers/randomWorld.ts';

const withWeight = (world: World, i: number, w: number): World => {
  const weights = world.mix.weights.slice();
  weights[i] = w;
  return { ...world, mix: { ...world.mix, weights } };
};

describe('findCrossing', () => {
  it('bisects to the tolerance and reports the direction', () => {
    const c = findCrossing((x) => x * x - 2, 0, 4, { tol: 1e-10 });
    expect(c.x).toBeCloseTo(Math.SQRT2, 9);
    expect(c.direction).toBe(1);
    expect(c.bracket![1] - c.bracket![0]).toBeLessThanOrEqual(4e-10);
    expect(findCrossing((x) => 1 - x, 0, 4).direction).toBe(-1);
  });

  it('finds the first crossing from the low end, and says when there is none', () => {
    const c = findCrossing((x) => Math.sin(x), 1, 10, { scan: 9 });
    expect(c.x).toBeCloseTo(Math.PI, 5);
    const none = findCrossing((x) => x + 1, 0, 1);
    expect(none.x).toBeNull();
    expect(none.atLo).toBe(1);
    expect(none.atHi).toBe(2);
  });
});

describe('tipping point of a trained run vs the optimum (small world)', () => {
  it('agree to the bisection tolerance once training has converged', () => {
    // natural update, ηβ = 0.6: converges geometrically; 200 steps leave ~1e-80 of the start.
    const base = randomWorld(7, { update: 'natural', learningRate: 2, beta: 0.3, steps: 200 });
    expect(optimumUnavailable(base)).toBeNull();
    const thumbs = base.signals.findIndex((s) => s.name === 'thumbs');
    const trained = (w: number) =>
      simulate(withWeight(base, thumbs, w), { recordEvery: 200 }).final['eval/sycophancy'];
    const analytic = (w: number) => optimumMetrics(withWeight(base, thumbs, w))['eval/sycophancy'];
    const [lo, hi] = [0, 6];
    const threshold = (analytic(lo) + analytic(hi)) / 2;
    const a = findCrossing((w) => analytic(w) - threshold, lo, hi, { tol: 1e-9 });
    const t = findCrossing((w) => trained(w) - threshold, lo, hi, { tol: 1e-9 });
    expect(a.x).not.toBeNull();
    expect(Math.abs(t.x! - a.x!)).toBeLessThan(1e-7);
  });
});

describe('the tabular optimum of the April update', () => {
  let world: World;
  beforeAll(() => {
    world = loadScenario('scenarios/april-2025-update.yaml').world;
  });

  // Not for literally every mix: with correctness under about a tenth of spec and no memory
  // reward, the first bit of thumbs weight lowers sycophancy by up to ~2e-6 (thumbs rewards
  // honest answers where that mix is indifferent) before it rises. With correctness at least a
  // fifth of spec, whatever memory weighs, it never falls.
  it('has sycophancy non-decreasing in the thumbs weight (correctness ≥ spec / 5)', () => {
    const names = world.signals.map((s) => s.name);
    const set = (w: World, o: Record<string, number>) =>
      Object.entries(o).reduce((acc, [k, v]) => withWeight(acc, names.indexOf(k), v), w);
    const num = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    fc.assert(
      fc.property(
        num(0.05, 5),
        num(0.2, 3),
        num(0, 5),
        num(0, 8),
        num(0, 8),
        (spec, ratio, memory, a, b) => {
          const w = set(world, { spec, correctness: ratio * spec, memory });
          const syc = (x: number) => optimumMetrics(set(w, { thumbs: x }))['eval/sycophancy'];
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(syc(hi)).toBeGreaterThanOrEqual(syc(lo) - 1e-15);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is where the exact trainer ends (to about 1e-3 after its 300 steps)', () => {
    const final = simulate(world).final;
    const opt = optimumMetrics(world);
    expect(Math.abs(final['eval/sycophancy'] - opt['eval/sycophancy'])).toBeLessThan(2e-3);
    expect(optimumOf(world).multipliers).toEqual([]);
  });
});
