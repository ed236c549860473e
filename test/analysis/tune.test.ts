// The derivative-free tuner on problems with known answers: the constrained optimum on a
// circle (where a compass search over both axes can only creep along the boundary, the
// boundary search lands on it), box bounds, infeasible starts, and the evaluation budget.
import { describe, expect, it } from 'vitest';
import {
  boundarySearch,
  boundViolation,
  patternSearch,
  type TuneProblem,
} from '../../src/engine/analysis/tune.ts';

// maximize x + y subject to x² + y² ≤ 1 in [0, 2]²: the optimum is (1/√2, 1/√2), value √2.
const circle = (start: number[]): TuneProblem => ({
  lower: [0, 0],
  upper: [2, 2],
  start,
  tolerance: 1e-6,
  maxEvaluations: 5000,
  evaluate: ([x, y]) => ({ objective: x + y, violation: x * x + y * y - 1 }),
});

describe('boundary search', () => {
  it('finds the constrained optimum on the boundary', () => {
    const r = boundarySearch({ ...circle([0.2, 0.1]), pivot: 0, pivotTolerance: 1e-9 });
    expect(r.best!.feasible).toBe(true);
    expect(r.best!.x[0]).toBeCloseTo(Math.SQRT1_2, 4);
    expect(r.best!.x[1]).toBeCloseTo(Math.SQRT1_2, 4);
    expect(r.best!.objective).toBeCloseTo(Math.SQRT2, 7);
  });

  it('with one axis is a bisection for its tipping point', () => {
    const r = boundarySearch({
      lower: [0],
      upper: [10],
      start: [1],
      pivot: 0,
      pivotTolerance: 1e-9,
      evaluate: ([x]) => ({ objective: x, violation: x - Math.E }),
    });
    expect(r.best!.x[0]).toBeCloseTo(Math.E, 7);
    expect(r.best!.x[0]).toBeLessThanOrEqual(Math.E);
  });

  it('returns null when nothing in the box is feasible', () => {
    const r = boundarySearch({
      lower: [0, 0],
      upper: [1, 1],
      start: [0.5, 0.5],
      pivot: 1,
      evaluate: ([x, y]) => ({ objective: x + y, violation: 1 }),
    });
    expect(r.best).toBeNull();
  });
});

describe('compass search (extreme barrier)', () => {
  it('keeps every accepted point feasible and improves on a feasible start', () => {
    const r = patternSearch(circle([0.1, 0.1]));
    expect(r.best!.feasible).toBe(true);
    expect(r.best!.objective).toBeGreaterThan(0.2);
    expect(r.best!.objective).toBeLessThanOrEqual(Math.SQRT2 + 1e-12);
  });

  it('reaches an interior optimum and respects the box', () => {
    const r = patternSearch({
      lower: [-1, -1],
      upper: [1, 0.25],
      start: [0, 0],
      tolerance: 1e-7,
      evaluate: ([x, y]) => ({ objective: -((x - 0.3) ** 2) - (y - 0.5) ** 2, violation: -1 }),
    });
    expect(r.best!.x[0]).toBeCloseTo(0.3, 5);
    expect(r.best!.x[1]).toBe(0.25);
    expect(r.stoppedBy).toBe('mesh');
  });

  it('finds a feasible point from an infeasible start', () => {
    const r = patternSearch(circle([2, 2]));
    expect(r.evaluations[0].feasible).toBe(false);
    expect(r.best!.feasible).toBe(true);
  });

  it('stops at the evaluation budget', () => {
    const r = patternSearch({ ...circle([2, 2]), maxEvaluations: 10 });
    expect(r.evaluations.length).toBe(10);
    expect(r.stoppedBy).toBe('budget');
  });
});

describe('bounds on metrics', () => {
  it('the violation is the largest excess; a missing metric is infinitely violated', () => {
    const b = [
      { key: 'syc', op: '<=' as const, bound: 0.05 },
      { key: 'acc', op: '>=' as const, bound: 0.9 },
    ];
    expect(boundViolation({ syc: 0.04, acc: 0.95 }, b)).toBeCloseTo(-0.01, 12);
    expect(boundViolation({ syc: 0.07, acc: 0.8 }, b)).toBeCloseTo(0.1, 12);
    expect(boundViolation({ syc: 0.04 }, b)).toBe(Infinity);
  });
});
