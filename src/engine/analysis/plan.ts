/**
 * Sweep plans: which parameter values a sweep runs, with which seeds, in which order
 * (docs/what-if.md). A plan is plain data: the same spec gives the same runs in the same order on
 * any machine, so a run is identified by its index alone and shards, workers and resumed
 * sweeps agree on what run i is.
 *
 *   grid    the Cartesian product of each axis's N levels (the first axis varies slowest)
 *   random  n points uniform in the box (stream `sweep:random`)
 *   lhs     n points of a Latin hypercube: each axis cut into n equal strata, one point per
 *           stratum, strata paired by independent random permutations (stream `sweep:lhs`)
 *
 * With random and lhs an axis that names N levels snaps its values to the nearest of them (so an
 * integer parameter stays on integers); an axis without N is continuous.
 * Runs are numbered point-major: run i is point ⌊i / K⌋ with the (i mod K)-th of the K seeds.
 */
import { mapPacked } from '../arrays.ts';
import { aleaNext, streamState } from '../rng.ts';

export type Sampling = 'grid' | 'random' | 'lhs';
export const SAMPLINGS: readonly Sampling[] = ['grid', 'random', 'lhs'];

/** One varied parameter: a scenario path (as `--set` takes it) over [from, to]. */
export interface Axis {
  path: string;
  from: number;
  to: number;
  /** Levels: grid points, or the levels random/lhs values snap to; null = continuous. */
  levels: number | null;
}

/** What a plan is built from. */
export interface PlanSpec {
  axes: Axis[];
  sample: Sampling;
  /** Points for random and lhs (grid: the product of the levels). */
  n?: number;
  /** The seeds each point runs with (K = seeds.length). */
  seeds: number[];
  /** Seed of the sampling streams (random, lhs). */
  planSeed: number | string;
}

/** A plan: its spec and the points, each a value per axis. */
export interface Plan extends PlanSpec {
  points: number[][];
  /** points × seeds. */
  runs: number;
}

/** One run of a plan. */
export interface PlannedRun {
  run: number;
  point: number;
  seed: number;
  /** The axes' values, in axis order. */
  values: number[];
}

/** n evenly spaced values from `from` to `to` inclusive (n = 1: `from`), exact at both ends. */
export function linspace(from: number, to: number, n: number): number[] {
  if (n === 1) return [from];
  return Array.from({ length: n }, (_, i) =>
    i === 0 ? from : i === n - 1 ? to : from + ((to - from) * i) / (n - 1),
  );
}

/** The level of `axis` nearest to x (x itself for a continuous axis). */
export function snap(axis: Axis, x: number): number {
  if (axis.levels === null) return x;
  if (axis.levels === 1) return axis.from;
  const k = Math.round(((x - axis.from) / (axis.to - axis.from)) * (axis.levels - 1));
  return linspace(axis.from, axis.to, axis.levels)[Math.min(axis.levels - 1, Math.max(0, k))];
}

/** The problems with a spec, as messages (empty when it is valid). */
export function planProblems(spec: PlanSpec): string[] {
  const out: string[] = [];
  if (spec.axes.length === 0) out.push('a sweep needs at least one --vary');
  const seen = new Set<string>();
  for (const a of spec.axes) {
    if (seen.has(a.path)) out.push(`${a.path} is varied twice`);
    seen.add(a.path);
    if (!Number.isFinite(a.from) || !Number.isFinite(a.to))
      out.push(`${a.path}: FROM and TO must be finite numbers`);
    if (a.levels !== null && !(Number.isInteger(a.levels) && a.levels >= 1))
      out.push(`${a.path}: N must be an integer ≥ 1`);
    if (spec.sample === 'grid' && a.levels === null)
      out.push(`${a.path}: --sample grid needs N levels (PATH=FROM:TO:N)`);
  }
  if (spec.sample !== 'grid' && !(Number.isInteger(spec.n) && (spec.n as number) >= 1))
    out.push(`--sample ${spec.sample} needs --n N (points, an integer ≥ 1)`);
  if (spec.seeds.length === 0) out.push('at least one seed is needed');
  return out;
}

/** Builds the plan of `spec` (throws on an invalid spec; see planProblems). */
export function buildPlan(spec: PlanSpec): Plan {
  const problems = planProblems(spec);
  if (problems.length) throw new Error(problems.join('; '));
  let points: number[][];
  if (spec.sample === 'grid') {
    points = [[]];
    for (const a of spec.axes) {
      const lv = linspace(a.from, a.to, a.levels as number);
      points = points.flatMap((p) => lv.map((x) => [...p, x]));
    }
  } else {
    const n = spec.n as number;
    const s = streamState(spec.planSeed, `sweep:${spec.sample}`);
    const u = () => aleaNext(s);
    if (spec.sample === 'random') {
      points = Array.from({ length: n }, () =>
        spec.axes.map((a) => snap(a, a.from + (a.to - a.from) * u())),
      );
    } else {
      // One permutation of the strata per axis (Fisher–Yates), then a uniform draw in each.
      const columns = spec.axes.map((a) => {
        const perm = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(u() * (i + 1));
          [perm[i], perm[j]] = [perm[j], perm[i]];
        }
        return perm.map((k) => snap(a, a.from + ((a.to - a.from) * (k + u())) / n));
      });
      points = Array.from({ length: n }, (_, i) => columns.map((col) => col[i]));
    }
  }
  return {
    ...spec,
    axes: spec.axes.map((a) => ({ ...a })),
    points,
    runs: points.length * spec.seeds.length,
  };
}

/** Run i of the plan. */
export function plannedRun(plan: Plan, run: number): PlannedRun {
  const K = plan.seeds.length;
  const point = Math.floor(run / K);
  return { run, point, seed: plan.seeds[run % K], values: plan.points[point] };
}

/** A slice of a plan's runs: shard `index` of `count` (1-based, as `--shard i/n`). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The runs of one shard: every count-th run starting at index − 1. Strided rather than in
 * blocks, so that when cost varies along an axis (say trainer.steps) every shard gets its share.
 */
export function shardRuns(runs: number, shard: Shard | null): number[] {
  if (!shard) return Array.from({ length: runs }, (_, i) => i);
  const out: number[] = [];
  for (let i = shard.index - 1; i < runs; i += shard.count) out.push(i);
  return out;
}

/** Overrides of one run as `--set` arguments (`path=value`; numbers print round-trip exact). */
export function runOverrides(plan: Plan, values: number[]): string[] {
  return mapPacked(plan.axes, (a, i) => `${a.path}=${String(values[i])}`);
}
