/**
 * Driving a training run. The engine steps; the caller owns time: the CLI loops, a browser
 * frame calls `run(k)`, a notebook cell calls `simulate`. A run records the metrics of every
 * k-th step (`recordEvery`), always the first and the last point, and keeps per-step policies
 * only when asked, so a 100,000-step run stays small.
 */
import { constrainedPartKeys, createMultipliers, multiplierValues } from './constrained.ts';
import { evaluatePolicy, pressures } from './metrics.ts';
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

  let columns: number[][] = [];
  function record(step: number, values: Record<string, number>, prob: Float64Array): void {
    if (tr.keys.length === 0) {
      tr.keys = Object.keys(values);
      columns = tr.keys.map((k) => (tr.values[k] = []));
    }
    tr.steps.push(step);
    const keys = tr.keys;
    for (let i = 0; i < keys.length; i++) columns[i].push(values[keys[i]] ?? 0);
    tr.policies?.push(prob);
  }

  // The last point has no update after it; its pressure is that of the expected update the
  // exact trainer would take there (for the exact trainer: exactly its next step).
  function recordFinal(): void {
    const ev = evaluatePolicy(world, theta, T);
    const values = { ...ev.values };
    if (multipliers) {
      multipliers.write(T);
      Object.assign(values, multiplierValues(world, multipliers.lambda));
    }
    if (ev.sycophancyGradient) {
      const dry =
        world.trainer.kind === 'exact'
          ? trainWorld
          : { ...trainWorld, trainer: { ...world.trainer, update: 'gradient' as const } };
      const parts = createExactTrainer(dry, theta.slice(), seed).step(T, true).parts;
      if (parts) Object.assign(values, pressures(world, ev.sycophancyGradient, parts, partKeys));
    }
    finalPoint = values;
    record(T, values, ev.prob);
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
      const ev = due ? evaluatePolicy(world, theta, t) : null;
      const lambda = multipliers?.advance(t, theta);
      const out = trainer.step(t, due && ev?.sycophancyGradient != null);
      if (ev) {
        const values = ev.values;
        if (lambda) Object.assign(values, multiplierValues(world, lambda));
        if (ev.sycophancyGradient && out.parts)
          Object.assign(values, pressures(world, ev.sycophancyGradient, out.parts, partKeys));
        if (out.stats) Object.assign(values, out.stats);
        record(t, values, ev.prob);
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
