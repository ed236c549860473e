/**
 * The Node side of what-if analysis that runs in one process: one run as a pure function of
 * (scenario, overrides, seed), tipping points (trained, across seeds, and analytic), the
 * constrained tuner with its margins, and Pareto fronts of sweep results (docs/what-if.md).
 * Sweeps, which run in worker threads, are in ./sweep.ts.
 */
import type { Axis } from '../engine/analysis/plan.ts';
import { summarize, type Summary } from '../engine/analysis/aggregate.ts';
import { paretoFront, type Objective } from '../engine/analysis/pareto.ts';
import {
  findCrossing,
  optimumMetrics,
  optimumUnavailable,
  type Crossing,
} from '../engine/analysis/tipping.ts';
import {
  boundarySearch,
  boundViolation,
  patternSearch,
  type MetricBound,
  type TuneProblem,
} from '../engine/analysis/tune.ts';
import type { World } from '../engine/types.ts';
import { compileScenario, normalizeScenario, paramBoundIssues } from '../scenario/compile.ts';
import { InputError } from '../scenario/errors.ts';
import { applySets, specOfPath } from '../scenario/set.ts';
import { displayPath, loadScenario, type LoadedScenario } from './load.ts';
import { finalMetricKeys, finalMetrics, worldFor, type ScenarioSource } from './run-one.ts';

export { finalMetricKeys, finalMetrics, type ScenarioSource };

/** The metrics a sweep records unless `--metrics` says otherwise (those the world has). */
export const DEFAULT_METRICS = [
  'eval/sycophancy',
  'eval/accuracy',
  'ab/thumbs_up',
  'objective/kl',
  'reward/mixed',
];

/** A scenario's raw data (extends resolved, base --set applied), its name and compiled world. */
export interface LoadedSource extends ScenarioSource {
  base: World;
}

export function sourceOf(loaded: LoadedScenario): LoadedSource {
  return { raw: loaded.raw, source: displayPath(loaded.path), base: loaded.world };
}

/**
 * The world of `src` with `sets` (`path=value`) applied (mix weights patched into the compiled
 * base world, anything else compiled). An override the format rejects is an InputError naming
 * `flag` (e.g. --vary) rather than --set.
 */
export function worldWith(src: LoadedSource, sets: string[], flag = '--set'): World {
  return worldFor(src, src.base, sets, () => compileScenario, flag);
}

/** A function (overrides, seed) → final metrics over one scenario. */
export function createRunner(
  src: LoadedSource,
): (sets: string[], seed: number) => Record<string, number> {
  return (sets, seed) => finalMetrics(worldWith(src, sets), seed);
}

/** Checks that every key is a metric the run reports; InputError listing the known ones. */
export function checkMetricKeys(keys: string[], known: string[], flag: string): void {
  const bad = keys.filter((k) => !known.includes(k));
  if (bad.length)
    throw new InputError(
      flag,
      `unknown metric${bad.length > 1 ? 's' : ''} ${bad.map((k) => `"${k}"`).join(', ')}; this scenario reports: ${known.join(', ')}`,
    );
}

/** The value at `path` in the raw scenario (a declared param's value), or undefined. */
export function rawValueAt(raw: Record<string, unknown>, path: string): number | undefined {
  let v: unknown = raw;
  for (const p of path.split('.')) {
    if (Array.isArray(v)) v = /^\d+$/.test(p) ? v[Number(p)] : v.find((x) => x?.id === p);
    else if (v && typeof v === 'object') v = (v as Record<string, unknown>)[p];
    else return undefined;
  }
  if (v && typeof v === 'object' && 'value' in v) v = (v as { value: unknown }).value;
  return typeof v === 'number' ? v : undefined;
}

/**
 * The default range of a parameter: a declared param's [min, max]; else [0, 4 × its value]
 * (or [0, 1] when it is 0, unset or an expression).
 */
export function defaultRange(raw: Record<string, unknown>, path: string): [number, number] {
  const m = /^params\.([^.]+)$/.exec(path);
  if (m) {
    const p = (raw.params as Record<string, unknown> | undefined)?.[m[1]];
    if (p && typeof p === 'object') {
      const { min, max } = p as { min?: number; max?: number };
      if (typeof min === 'number' && typeof max === 'number') return [min, max];
    }
  }
  const v = rawValueAt(raw, path);
  return [0, v && v > 0 ? 4 * v : 1];
}

/**
 * Checks overrides (the path, the value's type and bounds, a declared param's min and max) by
 * applying and validating them, without compiling (which trains the start model). An error is
 * an InputError naming `flag` and the overrides.
 */
export function validateOverrides(src: ScenarioSource, sets: string[], flag: string): void {
  let raw: Record<string, unknown>;
  try {
    raw = applySets(src.raw, sets);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(flag, e.message.replace(/^--set: /, ''));
    throw e;
  }
  try {
    const sc = normalizeScenario(raw, src.source);
    // A declared param's bounds are checked when the scenario compiles: the same check here.
    const issues = paramBoundIssues(sc.params);
    if (issues.length) throw new InputError(src.source, issues);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(flag, `${sets.join(' ')}: ${e.message}`);
    throw e;
  }
}

// ---- tipping ---------------------------------------------------------------------------------

/**
 * Checks tipping's `--param`: a path (not PATH=VALUE) to a numeric field of the scenario.
 * Returns the bounds a value there must keep: a declared param's min and max, else the field's.
 */
export function checkTippingParam(
  raw: Record<string, unknown>,
  param: string,
): { min?: number; max?: number } {
  if (param.includes('='))
    throw new InputError(
      '--param',
      `found "${param}": --param takes a path, not PATH=VALUE (the values come from --range)`,
    );
  let spec;
  try {
    spec = specOfPath(param.trim().split('.'), raw);
  } catch (e) {
    if (e instanceof InputError) throw new InputError('--param', e.message.replace(/^--set: /, ''));
    throw e;
  }
  if (spec.type !== 'number' && spec.type !== 'numberOr' && spec.type !== 'expr')
    throw new InputError(
      '--param',
      `${param} is a ${spec.type} field; --param must be a numeric field (a weight, a param, a rate, …)`,
    );
  if (spec.type === 'number' && spec.integer)
    throw new InputError(
      '--param',
      `${param} takes whole numbers, and tipping bisects a continuous parameter; scan it with sweep instead (e.g. sweep --vary ${param}=FROM:TO:N with whole-number levels)`,
    );
  const m = /^params\.([^.]+)$/.exec(param.trim());
  const declared = m ? (raw.params as Record<string, unknown> | undefined)?.[m[1]] : undefined;
  if (declared && typeof declared === 'object') {
    const { min, max } = declared as { min?: number; max?: number };
    return { min, max };
  }
  return spec.type === 'numberOr' ? {} : { min: spec.min, max: spec.max };
}

/**
 * Checks both ends of tipping's `--range` against the parameter's bounds (and the format), so a
 * value out of bounds is blamed on --range before any run, not met as a scan point.
 */
export function checkTippingRange(
  src: ScenarioSource,
  param: string,
  range: [number, number],
): void {
  const { min, max } = checkTippingParam(src.raw, param);
  for (const x of range) {
    if (min !== undefined && x < min)
      throw new InputError('--range', `${x} is below ${param}'s min ${min}`);
    if (max !== undefined && x > max)
      throw new InputError('--range', `${x} is above ${param}'s max ${max}`);
  }
  for (const x of range) validateOverrides(src, [`${param}=${String(x)}`], '--range');
}

export interface TippingOptions {
  param: string;
  metric: string;
  threshold: number;
  range: [number, number];
  /** Seeds to bisect with (one crossing each). */
  seeds: number[];
  /** Extra curve points (with every seed) for the chart; 0 = none. */
  curve?: number;
  tol?: number;
}

/** One curve point: the metric's summary across seeds at x. */
export interface CurvePoint extends Summary {
  x: number;
}

export interface TippingResult {
  param: string;
  metric: string;
  threshold: number;
  range: [number, number];
  trainer: string;
  /** One bisection per seed. */
  crossings: { seed: number; crossing: Crossing }[];
  /** Across the seeds that cross: mean, sd and 95% bootstrap interval (null if none cross). */
  across: Summary | null;
  /** The tilt's tipping value, or why there is none. */
  analytic: { x: number | null; crossing: Crossing | null; unavailable: string | null };
  curve: CurvePoint[];
  runs: number;
}

/** Where `metric` crosses `threshold` as `param` moves over `range`, trained and analytic. */
export function tippingPoint(src: LoadedSource, o: TippingOptions): TippingResult {
  checkTippingRange(src, o.param, o.range);
  const set = (x: number) => [`${o.param}=${String(x)}`];
  const probe = worldWith(src, set(o.range[0]), '--param');
  const known = finalMetricKeys(probe, o.seeds[0]);
  checkMetricKeys([o.metric], known, '--metric');
  let runs = 1;
  const metricAt = (x: number, seed: number): number => {
    runs++;
    return finalMetrics(worldWith(src, set(x), '--param'), seed)[o.metric];
  };
  const crossings = o.seeds.map((seed) => ({
    seed,
    crossing: findCrossing((x) => metricAt(x, seed) - o.threshold, o.range[0], o.range[1], {
      tol: o.tol,
    }),
  }));
  const xs = crossings.flatMap((c) => (c.crossing.x === null ? [] : [c.crossing.x]));
  const across = xs.length ? summarize(xs, o.seeds[0], `tipping:${o.param}:${o.metric}`) : null;

  const unavailable = optimumUnavailable(probe);
  let analytic: TippingResult['analytic'] = { x: null, crossing: null, unavailable };
  if (!unavailable && o.metric in optimumMetrics(probe)) {
    const crossing = findCrossing(
      (x) => optimumMetrics(worldWith(src, set(x), '--param'))[o.metric] - o.threshold,
      o.range[0],
      o.range[1],
      { tol: o.tol },
    );
    analytic = { x: crossing.x, crossing, unavailable: null };
  } else if (!unavailable) {
    analytic.unavailable = `${o.metric} is not a metric of a policy alone`;
  }

  const curve: CurvePoint[] = [];
  const M = o.curve ?? 0;
  for (let i = 0; i < M; i++) {
    const x = M === 1 ? o.range[0] : o.range[0] + ((o.range[1] - o.range[0]) * i) / (M - 1);
    const ys = o.seeds.map((s) => metricAt(x, s));
    curve.push({ x, ...summarize(ys, o.seeds[0], `curve:${i}`) });
  }
  return {
    param: o.param,
    metric: o.metric,
    threshold: o.threshold,
    range: o.range,
    trainer: probe.trainer.kind,
    crossings,
    across,
    analytic,
    curve,
    runs,
  };
}

// ---- tune ------------------------------------------------------------------------------------

export interface TuneOptions {
  maximize: string;
  subjectTo: MetricBound[];
  axes: Axis[];
  seed: number;
  /**
   * boundary (default): the first axis is the pivot, set to its tipping point by bisection,
   * and a compass search runs over the others; compass: a compass search over all axes with
   * the extreme barrier.
   */
  method?: 'boundary' | 'compass';
  tolerance?: number;
  maxEvaluations?: number;
}

export interface TuneMargin {
  path: string;
  /** The nearest value, moving this parameter alone, where a bound starts to fail. */
  below: number | null;
  above: number | null;
  /** Distance from the best value to the nearest of them (null: none within the range). */
  distance: number | null;
}

export interface TuneOutcome {
  maximize: string;
  subjectTo: MetricBound[];
  trainer: string;
  method: 'boundary' | 'compass';
  start: Record<string, number>;
  /** The best feasible point (null: none found), its metrics and the slack of each bound. */
  best: {
    values: Record<string, number>;
    metrics: Record<string, number>;
    slack: Record<string, number>;
  } | null;
  margins: TuneMargin[];
  evaluations: number;
  iterations: number;
  stoppedBy: 'mesh' | 'budget';
  history: { values: number[]; objective: number; violation: number }[];
}

/** The best values of `axes` for `maximize` under `subjectTo`, on the scenario's trainer. */
export function tune(src: LoadedSource, o: TuneOptions): TuneOutcome {
  // One weight given two boxes is a mistake, not a tighter box (sweep says the same).
  const seen = new Set<string>();
  for (const a of o.axes) {
    if (seen.has(a.path)) throw new InputError('--vary', `${a.path} is varied twice`);
    seen.add(a.path);
  }
  const sets = (x: number[]) => o.axes.map((a, i) => `${a.path}=${String(x[i])}`);
  const start = o.axes.map((a) => {
    const v = rawValueAt(src.raw, a.path) ?? a.from;
    return Math.min(a.to, Math.max(a.from, v));
  });
  const probe = worldWith(src, sets(start), '--vary');
  const known = finalMetricKeys(probe, o.seed);
  checkMetricKeys([o.maximize], known, '--maximize');
  checkMetricKeys(
    o.subjectTo.map((b) => b.key),
    known,
    '--subject-to',
  );
  const metricsAt = (x: number[]) => finalMetrics(worldWith(src, sets(x), '--vary'), o.seed);
  const method = o.method ?? 'boundary';
  const problem: TuneProblem = {
    lower: o.axes.map((a) => a.from),
    upper: o.axes.map((a) => a.to),
    start,
    tolerance: o.tolerance,
    maxEvaluations: o.maxEvaluations,
    evaluate: (x) => {
      const m = metricsAt(x);
      return { objective: m[o.maximize], violation: boundViolation(m, o.subjectTo) };
    },
  };
  const result =
    method === 'boundary' ? boundarySearch({ ...problem, pivot: 0 }) : patternSearch(problem);
  let best: TuneOutcome['best'] = null;
  const margins: TuneMargin[] = [];
  if (result.best) {
    const x = result.best.x;
    const metrics = metricsAt(x);
    best = {
      values: Object.fromEntries(o.axes.map((a, i) => [a.path, x[i]])),
      metrics,
      slack: Object.fromEntries(
        o.subjectTo.map((b) => [
          `${b.key}${b.op}${b.bound}`,
          b.op === '<=' ? b.bound - metrics[b.key] : metrics[b.key] - b.bound,
        ]),
      ),
    };
    // Margin to the tipping point: move one parameter at a time from the best value until a
    // bound fails (the violation crosses 0), on each side.
    o.axes.forEach((a, i) => {
      const violationAt = (v: number) => {
        const y = x.slice();
        y[i] = v;
        return boundViolation(metricsAt(y), o.subjectTo);
      };
      const side = (to: number): number | null => {
        if (to === x[i]) return null;
        const c = findCrossing(violationAt, x[i], to, { scan: 4, tol: 1e-5 });
        return c.x;
      };
      const below = side(a.from);
      const above = side(a.to);
      const ds = [below, above].flatMap((v) => (v === null ? [] : [Math.abs(v - x[i])]));
      margins.push({
        path: a.path,
        below,
        above,
        distance: ds.length ? Math.min(...ds) : null,
      });
    });
  }
  return {
    maximize: o.maximize,
    subjectTo: o.subjectTo,
    trainer: probe.trainer.kind,
    method,
    start: Object.fromEntries(o.axes.map((a, i) => [a.path, start[i]])),
    best,
    margins,
    evaluations: result.evaluations.length,
    iterations: result.iterations,
    stoppedBy: result.stoppedBy,
    history: result.evaluations.map((e) => ({
      values: e.x,
      objective: e.objective,
      violation: e.violation,
    })),
  };
}

// ---- pareto ----------------------------------------------------------------------------------

/** The non-dominated rows of a sweep's results under the objectives (rows in run order). */
export function paretoRows(
  rows: Record<string, number>[],
  objectives: Objective[],
): Record<string, number>[] {
  return paretoFront(rows, objectives).map((i) => rows[i]);
}

/** Loads a scenario for what-if commands (with base `--set` overrides). */
export function loadSource(file: string, sets: string[] = []): LoadedSource {
  return sourceOf(loadScenario(file, { sets }));
}
