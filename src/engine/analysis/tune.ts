/**
 * The best weights under a constraint, by a derivative-free search: a compass (generalized
 * pattern) search with the extreme barrier (Kolda, Lewis & Torczon 2003; Audet & Dennis 2006).
 * Why this one, not Nelder–Mead (docs/what-if.md, "Tune"): each evaluation is a training run,
 * the optimum of "most thumbs-up with sycophancy ≤ X" sits on the constraint's boundary, and
 * there the barrier (an infeasible point never replaces the incumbent) keeps every iterate
 * feasible without a penalty weight to choose; the search respects box bounds by construction,
 * is deterministic, and has a convergence theory for such problems that Nelder–Mead lacks
 * (McKinnon 1998 shows it stalling on smooth functions).
 *
 * Coordinates are scaled to [0, 1] per axis. Each iteration polls x ± Δ e_i (the last
 * successful direction first) and moves to the first better point; when none is better, Δ
 * halves. It stops when Δ < tolerance or the evaluation budget is spent. If the start is
 * infeasible, a first phase minimizes the constraint violation the same way until it finds a
 * feasible point.
 */

/** One evaluation: the objective (to maximize) and the violation (≤ 0: feasible). */
export interface TuneValue {
  objective: number;
  violation: number;
}

export interface TuneProblem {
  lower: number[];
  upper: number[];
  start: number[];
  evaluate(x: number[]): TuneValue;
  /** Initial Δ as a fraction of each range. Default 0.25. */
  initialMesh?: number;
  /** Stop when Δ falls below this fraction of each range. Default 1e-4. */
  tolerance?: number;
  /** At most this many evaluations. Default 400. */
  maxEvaluations?: number;
}

export interface TuneEvaluation extends TuneValue {
  x: number[];
  feasible: boolean;
}

export interface TuneResult {
  /** The best feasible point, or null when none was found. */
  best: TuneEvaluation | null;
  /** Every evaluation, in order. */
  evaluations: TuneEvaluation[];
  iterations: number;
  /** Δ at the end (fraction of each range). */
  mesh: number;
  stoppedBy: 'mesh' | 'budget';
}

/** Maximizes `evaluate(x).objective` subject to `violation ≤ 0` within the box. */
export function patternSearch(problem: TuneProblem): TuneResult {
  const { lower, upper } = problem;
  const d = lower.length;
  const tol = problem.tolerance ?? 1e-4;
  const budget = problem.maxEvaluations ?? 400;
  const evaluations: TuneEvaluation[] = [];
  const cache = new Map<string, TuneEvaluation>();
  const toX = (u: number[]) => u.map((v, i) => lower[i] + v * (upper[i] - lower[i]));
  const evalAt = (u: number[]): TuneEvaluation => {
    const x = toX(u);
    const key = x.join(',');
    const hit = cache.get(key);
    if (hit) return hit;
    const v = problem.evaluate(x);
    const e: TuneEvaluation = {
      x,
      objective: v.objective,
      violation: v.violation,
      feasible: v.violation <= 0,
    };
    cache.set(key, e);
    evaluations.push(e);
    return e;
  };
  // Better: among feasible points the larger objective; a feasible point beats an infeasible
  // one; among infeasible points (phase 1) the smaller violation.
  const better = (a: TuneEvaluation, b: TuneEvaluation): boolean => {
    if (a.feasible !== b.feasible) return a.feasible;
    return a.feasible ? a.objective > b.objective : a.violation < b.violation;
  };
  let u = problem.start.map((x, i) =>
    upper[i] === lower[i] ? 0 : Math.min(1, Math.max(0, (x - lower[i]) / (upper[i] - lower[i]))),
  );
  let current = evalAt(u);
  let mesh = problem.initialMesh ?? 0.25;
  const directions: [number, number][] = [];
  for (let i = 0; i < d; i++) if (upper[i] > lower[i]) directions.push([i, 1], [i, -1]);
  let iterations = 0;
  let stoppedBy: TuneResult['stoppedBy'] = 'mesh';
  while (mesh >= tol && directions.length > 0) {
    if (evaluations.length >= budget) {
      stoppedBy = 'budget';
      break;
    }
    iterations++;
    let moved = false;
    for (let k = 0; k < directions.length && evaluations.length < budget; k++) {
      const [i, s] = directions[k];
      const next = u.slice();
      next[i] = Math.min(1, Math.max(0, u[i] + s * mesh));
      if (next[i] === u[i]) continue;
      const e = evalAt(next);
      if (better(e, current)) {
        u = next;
        current = e;
        moved = true;
        // Poll the successful direction first next time.
        directions.unshift(...directions.splice(k, 1));
        break;
      }
    }
    if (!moved) mesh /= 2;
  }
  const feasible = evaluations.filter((e) => e.feasible);
  const best = feasible.reduce<TuneEvaluation | null>(
    (b, e) => (b === null || e.objective > b.objective ? e : b),
    null,
  );
  return { best, evaluations, iterations, mesh, stoppedBy };
}

/** A boundary search: the pivot axis is set to its tipping point for the other axes' values. */
export interface BoundaryProblem extends TuneProblem {
  /** The axis whose growth trades the objective against the bounds (e.g. the thumbs weight). */
  pivot: number;
  /** Bisection tolerance on the pivot, as a fraction of its range. Default 1e-5. */
  pivotTolerance?: number;
}

/**
 * Compass search on the tipping boundary. For values y of the other axes, the pivot moves up
 * from its lower end until a bound is about to fail: the whole range if its upper end is
 * feasible, else the first crossing of the violation by bisection, taking the feasible end of
 * the final bracket (infeasible already at the lower end: y is rejected). The compass search
 * then maximizes the objective there over y. Where the bounds bind, as when the objective and
 * the constrained metric both rise with the pivot (thumbs-up rate and sycophancy with the
 * thumbs weight), the optimum lies on that boundary, and a compass search in all axes at once
 * stalls on it (no poll direction is both feasible and better when the two gradients are nearly
 * parallel); searching on the boundary removes that trap.
 */
export function boundarySearch(problem: BoundaryProblem): TuneResult {
  const { lower, upper, pivot } = problem;
  const tol = (problem.pivotTolerance ?? 1e-5) * (upper[pivot] - lower[pivot]);
  const evaluations: TuneEvaluation[] = [];
  const budget = problem.maxEvaluations ?? 400;
  const run = (x: number[]): TuneEvaluation => {
    const v = problem.evaluate(x);
    const e = { x, objective: v.objective, violation: v.violation, feasible: v.violation <= 0 };
    evaluations.push(e);
    return e;
  };
  const others = lower.map((_, i) => i).filter((i) => i !== pivot);
  const full = (y: number[], p: number) => {
    const x = new Array<number>(lower.length);
    others.forEach((i, k) => (x[i] = y[k]));
    x[pivot] = p;
    return x;
  };
  // The best point on the pivot's line through y (null: infeasible at its lower end).
  const onBoundary = (y: number[]): TuneEvaluation | null => {
    const top = run(full(y, upper[pivot]));
    if (top.feasible || evaluations.length >= budget) return top.feasible ? top : null;
    let lo = run(full(y, lower[pivot]));
    if (!lo.feasible) return null;
    let hi = upper[pivot];
    while (hi - lo.x[pivot] > tol && evaluations.length < budget) {
      const m = run(full(y, lo.x[pivot] + (hi - lo.x[pivot]) / 2));
      if (m.feasible) lo = m;
      else hi = m.x[pivot];
    }
    return lo;
  };
  const best = new Map<string, TuneEvaluation>();
  const outer = patternSearch({
    lower: others.map((i) => lower[i]),
    upper: others.map((i) => upper[i]),
    start: others.map((i) => problem.start[i]),
    initialMesh: problem.initialMesh,
    tolerance: problem.tolerance,
    maxEvaluations: budget,
    evaluate: (y) => {
      if (evaluations.length >= budget) return { objective: -Infinity, violation: Infinity };
      const e = onBoundary(y);
      if (!e) return { objective: -Infinity, violation: 1 };
      best.set(y.join(','), e);
      return { objective: e.objective, violation: e.violation };
    },
  });
  const top = outer.best ? (best.get(outer.best.x.join(',')) ?? null) : null;
  return {
    best: top,
    evaluations,
    iterations: outer.iterations,
    mesh: outer.mesh,
    stoppedBy: evaluations.length >= budget ? 'budget' : outer.stoppedBy,
  };
}

/** A bound on a metric, as `--subject-to 'KEY<=X'` gives it. */
export interface MetricBound {
  key: string;
  op: '<=' | '>=';
  bound: number;
}

/** The largest violation of the bounds by `values` (≤ 0: all hold; a missing metric: +∞). */
export function boundViolation(values: Record<string, number>, bounds: MetricBound[]): number {
  let v = -Infinity;
  for (const b of bounds) {
    const x = values[b.key];
    const d = !Number.isFinite(x) ? Infinity : b.op === '<=' ? x - b.bound : b.bound - x;
    v = Math.max(v, d);
  }
  return bounds.length ? v : 0;
}
