// Aggregation over seeds and Pareto fronts, against direct computations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateRows, mean, sd, summarize } from '../../src/engine/analysis/aggregate.ts';
import {
  dominates,
  paretoFront,
  type Objective,
  type Sense,
} from '../../src/engine/analysis/pareto.ts';

describe('summaries over seeds', () => {
  it('mean and sample standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(sd([3])).toBe(0);
  });

  it('the bootstrap interval is seeded, brackets the mean and narrows with more values', () => {
    const xs = [0.1, 0.4, 0.35, 0.2, 0.3];
    const a = summarize(xs, 1, 'p');
    expect(summarize(xs, 1, 'p')).toEqual(a);
    expect(summarize(xs, 2, 'p')).not.toEqual(a);
    expect(a.lo).toBeLessThan(a.mean);
    expect(a.hi).toBeGreaterThan(a.mean);
    expect(a.lo).toBeGreaterThanOrEqual(0.1);
    expect(a.hi).toBeLessThanOrEqual(0.4);
    const many = summarize([...xs, ...xs, ...xs, ...xs], 1, 'p');
    expect(many.hi - many.lo).toBeLessThan(a.hi - a.lo);
    const same = summarize([0.5, 0.5, 0.5], 1, 'p');
    expect([same.lo, same.hi, same.sd]).toEqual([0.5, 0.5, 0]);
  });

  it('groups rows by point in point order, whatever the row order', () => {
    const rows = [
      { run: 3, point: 1, seed: 2, a: 1, m: 4 },
      { run: 0, point: 0, seed: 1, a: 0, m: 1 },
      { run: 2, point: 1, seed: 1, a: 1, m: 2 },
      { run: 1, point: 0, seed: 2, a: 0, m: 3 },
    ];
    const out = aggregateRows(rows, ['a'], ['m'], 1);
    expect(out.map((p) => [p.point, p.values.a, p.metrics.m.mean, p.metrics.m.n])).toEqual([
      [0, 0, 2, 2],
      [1, 1, 3, 2],
    ]);
    expect(aggregateRows([...rows].reverse(), ['a'], ['m'], 1)).toEqual(out);
  });
});

describe('Pareto front', () => {
  const objectives: Objective[] = [
    { key: 'up', sense: 'max' },
    { key: 'syc', sense: 'min' },
  ];

  it('keeps the runs no other run beats on both objectives', () => {
    const rows = [
      { up: 0.7, syc: 0.02 }, // front
      { up: 0.72, syc: 0.1 }, // front
      { up: 0.71, syc: 0.12 }, // dominated by 1
      { up: 0.69, syc: 0.03 }, // dominated by 0
      { up: 0.73, syc: 0.3 }, // front
      { up: 0.72, syc: 0.1 }, // a duplicate of 1: kept
    ];
    expect(paretoFront(rows, objectives)).toEqual([0, 1, 4, 5]);
  });

  it('equals the brute-force definition on random data, for 1 to 4 objectives', () => {
    // Few distinct values, so ties and duplicates are common; some missing or non-finite.
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -4, max: 4 }) },
      // null: a run's missing value, as `rewardmix pareto` passes it
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -0, 0.5, null as unknown as number) },
    );
    const point = fc.record({ up: value, syc: value, acc: value, kl: value });
    const objective = fc.record({
      key: fc.constantFrom('up', 'syc', 'acc', 'kl', 'none'),
      sense: fc.constantFrom<Sense>('max', 'min'),
    });
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 80 }),
        fc.array(objective, { minLength: 1, maxLength: 4 }),
        (rows, objs) => {
          const finite = (r: Record<string, number>) =>
            objs.every((o) => Number.isFinite(r[o.key]));
          const brute = rows
            .map((_, i) => i)
            .filter(
              (i) => finite(rows[i]) && !rows.some((r) => finite(r) && dominates(r, rows[i], objs)),
            );
          expect(paretoFront(rows, objs)).toEqual(brute);
        },
      ),
      { numRuns: 500 },
    );
  });
});
