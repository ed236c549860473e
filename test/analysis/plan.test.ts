// Sweep plans: the same spec gives the same runs in the same order; grid order, Latin-hypercube
// stratification, snapping to levels, and shards that together hold every run exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildPlan,
  linspace,
  plannedRun,
  planProblems,
  runOverrides,
  shardRuns,
  type Axis,
} from '../../src/engine/analysis/plan.ts';

const ax = (path: string, from: number, to: number, levels: number | null): Axis => ({
  path,
  from,
  to,
  levels,
});

describe('linspace', () => {
  it('is exact at both ends and evenly spaced', () => {
    expect(linspace(0, 4, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(linspace(0.1, 0.3, 3)[2]).toBe(0.3);
    expect(linspace(2, 9, 1)).toEqual([2]);
  });
});

describe('grid', () => {
  it('is the product of the levels, the first axis varying slowest, seeds innermost', () => {
    const plan = buildPlan({
      axes: [ax('a', 0, 1, 2), ax('b', 10, 30, 3)],
      sample: 'grid',
      seeds: [5, 6],
      planSeed: 1,
    });
    expect(plan.points).toEqual([
      [0, 10],
      [0, 20],
      [0, 30],
      [1, 10],
      [1, 20],
      [1, 30],
    ]);
    expect(plan.runs).toBe(12);
    expect(plannedRun(plan, 7)).toEqual({ run: 7, point: 3, seed: 6, values: [1, 10] });
    expect(runOverrides(plan, [1, 10])).toEqual(['a=1', 'b=10']);
  });

  it('reports what is wrong with a spec', () => {
    expect(planProblems({ axes: [], sample: 'grid', seeds: [1], planSeed: 1 })).toContain(
      'a sweep needs at least one --vary',
    );
    expect(
      planProblems({ axes: [ax('a', 0, 1, null)], sample: 'grid', seeds: [1], planSeed: 1 }),
    ).toEqual(['a: --sample grid needs N levels (PATH=FROM:TO:N)']);
    expect(
      planProblems({ axes: [ax('a', 0, 1, null)], sample: 'lhs', seeds: [1], planSeed: 1 })[0],
    ).toMatch(/--sample lhs needs --n N/);
  });
});

describe('random and Latin hypercube samples', () => {
  it('are reproducible from the plan seed and differ across seeds', () => {
    const spec = {
      axes: [ax('a', 0, 1, null), ax('b', -2, 2, null)],
      sample: 'random' as const,
      n: 20,
      seeds: [1],
      planSeed: 3,
    };
    expect(buildPlan(spec).points).toEqual(buildPlan(spec).points);
    expect(buildPlan({ ...spec, planSeed: 4 }).points).not.toEqual(buildPlan(spec).points);
    for (const [a, b] of buildPlan(spec).points) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThan(1);
      expect(b).toBeGreaterThanOrEqual(-2);
      expect(b).toBeLessThan(2);
    }
  });

  it('LHS puts exactly one point in each of the n strata of every axis', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        (n, d, seed) => {
          const axes = Array.from({ length: d }, (_, i) => ax(`p${i}`, i, i + 2, null));
          const plan = buildPlan({ axes, sample: 'lhs', n, seeds: [1], planSeed: seed });
          for (let i = 0; i < d; i++) {
            const strata = plan.points
              .map((p) => Math.floor(((p[i] - i) / 2) * n))
              .sort((x, y) => x - y);
            expect(strata).toEqual(Array.from({ length: n }, (_, k) => k));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('snaps to an axis’s N levels when it names them', () => {
    const plan = buildPlan({
      axes: [ax('steps', 100, 500, 5)],
      sample: 'lhs',
      n: 30,
      seeds: [1],
      planSeed: 1,
    });
    for (const [v] of plan.points) expect([100, 200, 300, 400, 500]).toContain(v);
  });
});

describe('shards', () => {
  it('together hold every run exactly once, whatever the count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 17 }),
        (runs, count) => {
          const all = Array.from({ length: count }, (_, i) =>
            shardRuns(runs, { index: i + 1, count }),
          ).flat();
          expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, i) => i));
        },
      ),
    );
  });

  it('are strided (shard 2/3 of 8 runs: 1, 4, 7)', () => {
    expect(shardRuns(8, { index: 2, count: 3 })).toEqual([1, 4, 7]);
    expect(shardRuns(3, null)).toEqual([0, 1, 2]);
  });
});
