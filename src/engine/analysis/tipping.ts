/**
 * Tipping points: where a metric crosses a threshold as one parameter moves (docs/what-if.md).
 * `findCrossing` scans a coarse grid for the first sign change of f(x) = metric(x) − threshold
 * and bisects inside it; each evaluation is a training run, so the scan is short and the
 * bisection stops at a tolerance relative to the range. `optimumMetrics` is the analytic side:
 * the metrics of the KL-regularized optimum (the tilt, MODEL.md), which the tabular exact
 * trainer converges to, so the tipping value of the optimum needs no training at all.
 */
import { constraintValue, shapingTable } from '../constrained.ts';
import { effectiveWeights, mixedReward } from '../mix.ts';
import { evaluatePolicy } from '../metrics.ts';
import { tiltOptimum } from '../optimum.ts';
import type { World } from '../types.ts';

/** Where f crosses 0 on [lo, hi], or why it was not found. */
export interface Crossing {
  /** The crossing (midpoint of the final bracket), or null when f keeps its sign. */
  x: number | null;
  /** The final bracket [lo, hi] (null when not found). */
  bracket: [number, number] | null;
  /** f's value at the range's low end, and at its high end when the scan got there. */
  atLo: number;
  atHi: number | null;
  /** Every evaluation, in order. */
  evaluations: { x: number; f: number }[];
  /** +1: f goes from below 0 to above it as x rises; −1: the other way; 0: not found. */
  direction: 1 | -1 | 0;
}

export interface CrossingOptions {
  /** Grid intervals scanned for the first sign change before bisecting. Default 8. */
  scan?: number;
  /** Stop when the bracket is narrower than tol × (hi − lo). Default 1e-6. */
  tol?: number;
  /** At most this many bisection steps. Default 60. */
  maxSteps?: number;
}

/**
 * The first crossing of zero by f on [lo, hi] (scanning from lo), by a grid scan and bisection.
 * f(x) = 0 exactly counts as a crossing at x. A NaN value is an error.
 */
export function findCrossing(
  f: (x: number) => number,
  lo: number,
  hi: number,
  options: CrossingOptions = {},
): Crossing {
  const scan = Math.max(1, Math.floor(options.scan ?? 8));
  const tol = (options.tol ?? 1e-6) * Math.abs(hi - lo);
  const maxSteps = options.maxSteps ?? 60;
  const evaluations: { x: number; f: number }[] = [];
  const at = (x: number): number => {
    const v = f(x);
    if (Number.isNaN(v)) throw new Error(`the metric is NaN at ${x}`);
    evaluations.push({ x, f: v });
    return v;
  };
  const xs = Array.from({ length: scan + 1 }, (_, i) =>
    i === 0 ? lo : i === scan ? hi : lo + ((hi - lo) * i) / scan,
  );
  const fs: number[] = [];
  let a = NaN;
  let b = NaN;
  let fa = NaN;
  for (let i = 0; i <= scan; i++) {
    fs.push(at(xs[i]));
    if (fs[i] === 0) {
      return {
        x: xs[i],
        bracket: [xs[i], xs[i]],
        atLo: fs[0],
        atHi: i === scan ? fs[i] : null,
        evaluations,
        direction: i > 0 ? (fs[i - 1] < 0 ? 1 : -1) : 0,
      };
    }
    if (i > 0 && Math.sign(fs[i]) !== Math.sign(fs[i - 1])) {
      a = xs[i - 1];
      b = xs[i];
      fa = fs[i - 1];
      break;
    }
  }
  if (Number.isNaN(a)) {
    return { x: null, bracket: null, atLo: fs[0], atHi: fs[scan], evaluations, direction: 0 };
  }
  const direction: 1 | -1 = fa < 0 ? 1 : -1;
  const atHi = fs.length === scan + 1 ? fs[scan] : null;
  for (let k = 0; k < maxSteps && Math.abs(b - a) > tol; k++) {
    const m = a + (b - a) / 2;
    const fm = at(m);
    if (fm === 0) {
      a = b = m;
      break;
    }
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return {
    x: a + (b - a) / 2,
    bracket: [Math.min(a, b), Math.max(a, b)],
    atLo: fs[0],
    atHi,
    evaluations,
    direction,
  };
}

/** Why the tilt cannot stand for the trained policy of `world`, or null when it can. */
export function optimumUnavailable(world: World): string | null {
  if (world.policy.kind !== 'tabular')
    return 'the policy is linear: the tilt is not in its family, so there is no closed form';
  if (!(world.beta > 0)) return 'β = 0: the optimum is an argmax, not a smooth tilt';
  if (world.mix.constraints.length > 1)
    return 'more than one constraint: the multipliers have no one-dimensional search';
  return null;
}

/** θ whose tabular policy is the tilt of R: θ = (R − max_a R)/β (a row constant drops out). */
function tiltTheta(R: Float64Array, A: number, beta: number): Float64Array {
  const th = new Float64Array(R.length);
  for (let row = 0; row < R.length; row += A) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, R[row + a]);
    for (let a = 0; a < A; a++) th[row + a] = (R[row + a] - m) / beta;
  }
  return th;
}

/** The optimum of a world: its policy, θ, and for a constrained world the multiplier λ*. */
export interface Optimum {
  prob: Float64Array;
  theta: Float64Array;
  /** λ* per constraint (empty for a fixed mix). */
  multipliers: number[];
}

/**
 * The KL-regularized optimum of a tabular world with the mix of its last step. For one
 * constraint it is the tilt of the shaped reward R − λ s (q/p) f at the λ* where the
 * constraint binds (found by bisection: the tilt's set-average of f falls as λ rises), or
 * λ* = 0 when the unconstrained tilt already satisfies it: the saddle point that the
 * multipliers' dual ascent settles on (docs/what-if.md).
 */
export function optimumOf(world: World): Optimum {
  const why = optimumUnavailable(world);
  if (why) throw new Error(why);
  const A = world.actions.length;
  const R = mixedReward(world, effectiveWeights(world, world.trainer.steps));
  const tilt = (lambda: number, shaping: Float64Array | null): Optimum => {
    const Rl = shaping ? R.map((r, i) => r + lambda * shaping[i]) : R;
    const theta = tiltTheta(Rl, A, world.beta);
    return {
      prob: tiltOptimum(Rl, world.referenceLogProbs, A, world.beta),
      theta,
      multipliers: shaping ? [lambda] : [],
    };
  };
  const c = world.mix.constraints[0];
  if (!c) return tilt(0, null);
  const shaping = shapingTable(world, c);
  const violation = (o: Optimum) => {
    const g = constraintValue(c, o.prob, A);
    return c.sense === 'max' ? g - c.bound : c.bound - g;
  };
  const free = tilt(0, shaping);
  if (violation(free) <= 0) return free;
  let hi = 1;
  while (violation(tilt(hi, shaping)) > 0) {
    hi *= 2;
    if (hi > 1e12) return tilt(hi, shaping); // the bound is out of reach: the best attempt
  }
  let lo = 0;
  for (let k = 0; k < 200 && hi - lo > 1e-13 * hi; k++) {
    const m = lo + (hi - lo) / 2;
    if (violation(tilt(m, shaping)) > 0) lo = m;
    else hi = m;
  }
  return tilt(hi, shaping);
}

/** The metrics (as a run's final point would report them, pressure aside) of the optimum. */
export function optimumMetrics(world: World): Record<string, number> {
  const o = optimumOf(world);
  const values = { ...evaluatePolicy(world, o.theta, world.trainer.steps).values };
  world.mix.constraints.forEach((c, j) => (values[`multipliers/${c.metric}`] = o.multipliers[j]));
  return values;
}
