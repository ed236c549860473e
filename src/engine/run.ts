/**
 * Driving a training run. The engine steps; the caller owns time: the CLI loops, a browser
 * frame calls `run(k)`, a notebook cell calls `simulate`. A run records the metrics of every
 * k-th step (`recordEvery`), always the first and the last point, and keeps per-step policies
 * only when asked, so a 100,000-step run stays small.
 */
import { constrainedPartKeys, createMultipliers, multiplierValues } from './constrained.ts';
import { evaluatePolicy, evaluatePolicyInto, metricKeys, pressures } from './metrics.ts';
import { createExactTrainer } from './trainers/exact.ts';
import { trainers } from './trainers/index.ts';
import type { Trainer } from './trainers/types.ts';
import type { MetricRow, Warning, World } from './types.ts';

export interface RunOptions {
  /** Seed of the named random streams (sampled trainers). Default 0. */
  seed?: number | string;
  /** Record every k-th step (plus the first and the last). Default: about 500 points in all. */
  recordEvery?: number;
  /** Keep the policy (C·A) at each recorded step. Default false. */
  recordPolicies?: boolean;
}

/** Recorded metrics in columns: `values[key][i]` belongs to `steps[i]`. */
export interface Trajectory {
  steps: number[];
  keys: string[];
  values: Record<string, number[]>;
  /** Policies at the recorded steps, when `recordPolicies` was set. */
  policies: Float64Array[] | null;
}

export interface RunResult {
  world: World;
  seed: number | string;
  steps: number;
  trajectory: Trajectory;
  finalTheta: Float64Array;
  finalPolicy: Float64Array;
  /** Metrics of the final point. */
  final: Record<string, number>;
  warnings: Warning[];
}

export interface Run {
  readonly world: World;
  /** The number of updates done so far. */
  readonly t: number;
  readonly done: boolean;
  /** One update (recording its point first when due). No-op once done. */
  step(): void;
  /** Up to n updates. */
  run(n?: number): void;
  /** θ now (a copy). */
  theta(): Float64Array;
  result(): RunResult;
}

/** Long-format rows `{step, key, value}` of a trajectory. */
export function trajectoryRows(tr: Trajectory): MetricRow[] {
  const rows: MetricRow[] = [];
  tr.steps.forEach((step, i) => {
    for (const key of tr.keys) rows.push({ step, key, value: tr.values[key][i] });
  });
  return rows;
}

/** The value of `key` at the last recorded point. */
export function lastValue(tr: Trajectory, key: string): number {
  const col = tr.values[key];
  if (!col) throw new Error(`no metric "${key}" was recorded`);
  return col[col.length - 1];
}

/** Starts a run of `world.trainer.steps` updates from θ₀. */
export function createRun(world: World, options: RunOptions = {}): Run {
  const T = world.trainer.steps;
  const seed = options.seed ?? 0;
  const every = Math.max(1, Math.floor(options.recordEvery ?? Math.max(1, Math.ceil(T / 500))));
  const factory = trainers[world.trainer.kind];
  if (!factory) throw new Error(`unknown trainer "${world.trainer.kind}"`);
  const theta = world.initialTheta.slice();
  // Constrained mode: the trainer sees the reward shaped by the multipliers (constrained.ts);
  // metrics are always those of the scenario's own mix.
  const multipliers = world.mix.constraints.length > 0 ? createMultipliers(world) : null;
  const trainWorld = multipliers?.trainWorld ?? world;
  const partKeys = multipliers ? constrainedPartKeys(world) : undefined;
  const trainer: Trainer = factory(trainWorld, theta, seed);
  const tr: Trajectory = {
    steps: [],
    keys: [],
    values: {},
    policies: options.recordPolicies ? [] : null,
  };
  const warnings: Warning[] = [];
  let t = 0;
  let finalPoint: Record<string, number> | null = null;

  // Recording: the metrics frame (evaluatePolicyInto, fixed slots) plus a few keyed extras
  // (multipliers, pressures, trainer stats); the columns are fixed at the first point.
  const frameKeys = metricKeys(world);
  const frame = new Float64Array(frameKeys.length);
  // without recordPolicies the recorded probabilities are not kept: one buffer serves every point
  const probScratch = options.recordPolicies
    ? undefined
    : new Float64Array(world.contexts.length * world.actions.length);
  let columns: number[][] = [];
  let extraKeys: string[] = [];
  function record(step: number, extra: Record<string, number>, prob: Float64Array): void {
    if (tr.keys.length === 0) {
      extraKeys = Object.keys(extra).filter((k) => !frameKeys.includes(k));
      tr.keys = [...frameKeys, ...extraKeys];
      columns = tr.keys.map((k) => (tr.values[k] = []));
    }
    tr.steps.push(step);
    const nf = frameKeys.length;
    for (let i = 0; i < nf; i++) columns[i].push(frame[i]);
    for (let i = 0; i < extraKeys.length; i++) columns[nf + i].push(extra[extraKeys[i]] ?? 0);
    tr.policies?.push(prob);
  }
  /** The frame and extras as one record (the final point's `final`). */
  function asRecord(extra: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    frameKeys.forEach((k, i) => (out[k] = frame[i]));
    return Object.assign(out, extra);
  }

  // The last point has no update after it; its pressure is that of the expected update the
  // exact trainer would take there (for the exact trainer: exactly its next step).
  function recordFinal(): void {
    const ev = evaluatePolicyInto(world, theta, T, frame);
    const extra: Record<string, number> = {};
    if (multipliers) {
      multipliers.write(T);
      Object.assign(extra, multiplierValues(world, multipliers.lambda));
    }
    if (ev.sycophancyGradient) {
      const dry =
        world.trainer.kind === 'exact'
          ? trainWorld
          : { ...trainWorld, trainer: { ...world.trainer, update: 'gradient' as const } };
      const parts = createExactTrainer(dry, theta.slice(), seed).step(T, true).parts;
      if (parts) Object.assign(extra, pressures(world, ev.sycophancyGradient, parts, partKeys));
    }
    finalPoint = asRecord(extra);
    record(T, extra, ev.prob);
  }

  const run: Run = {
    world,
    get t() {
      return t;
    },
    get done() {
      return t >= T;
    },
    step() {
      if (t >= T) return;
      const due = t % every === 0;
      const ev = due ? evaluatePolicyInto(world, theta, t, frame, probScratch) : null;
      const lambda = multipliers?.advance(t, theta);
      const out = trainer.step(t, due && ev?.sycophancyGradient != null);
      if (ev) {
        const extra: Record<string, number> = lambda ? multiplierValues(world, lambda) : {};
        if (ev.sycophancyGradient && out.parts)
          Object.assign(extra, pressures(world, ev.sycophancyGradient, out.parts, partKeys));
        if (out.stats) Object.assign(extra, out.stats);
        record(t, extra, ev.prob);
      }
      t++;
      if (t === T) recordFinal();
    },
    run(n = T - t) {
      const end = Math.min(T, t + n);
      while (t < end) run.step();
    },
    theta: () => theta.slice(),
    result(): RunResult {
      if (T === 0 && !finalPoint) recordFinal();
      const ev = evaluatePolicy(world, theta, t);
      return {
        world,
        seed,
        steps: t,
        trajectory: tr,
        finalTheta: theta.slice(),
        finalPolicy: ev.prob,
        final: finalPoint ?? ev.values,
        warnings,
      };
    },
  };
  return run;
}

/** Runs `world` to the end in one call. */
export function simulate(world: World, options: RunOptions = {}): RunResult {
  const r = createRun(world, options);
  r.run();
  return r.result();
}
