/**
 * Driving a training run. The engine steps; the caller owns time: the CLI loops, a browser
 * frame calls `run(k)`, a notebook cell calls `simulate`. A run records the metrics of every
 * k-th step (`recordEvery`), always the first and the last point, and keeps per-step policies
 * only when asked, so a 100,000-step run stays small.
 */
import { mapPacked } from './arrays.ts';
import { constrainedPartKeys, createMultipliers, multiplierValues } from './constrained.ts';
import {
  createPolicyEvaluator,
  dot,
  doubles,
  evaluatePolicy,
  pressureValuesInto,
  sharedPressureLayout,
  type PressureLayout,
} from './metrics.ts';
import { policyProbabilities } from './policy.ts';
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

/** The columns' layout of runs of one shape (see `sharedLayout` in createRun); read only. */
interface RecordLayout {
  keys: string[];
  /** A record with the keys, in order (see `compact`). */
  values: Record<string, number[]>;
  extraKeys: string[];
  extraSlot: Map<string, number>;
  /** Scratch for one point's extras, filled and read within one call of `record`. */
  extraVals: Float64Array;
  /** The slot of each pressure key among the extras. */
  pressureSlots: number[];
}
/** Layouts and final-point templates by the frame's keys and the pressures' keys (shared arrays). */
const recordLayouts = new WeakMap<string[], WeakMap<string[], RecordLayout>>();
const finalTemplates = new WeakMap<string[], WeakMap<string[], Record<string, number>>>();
/** The pressures' keys of a run without pressures, and other empty placeholders. */
const NO_KEYS: string[] = [];
const NO_COLUMNS: number[][] = [];
const NO_SLOTS = new Map<string, number>();
const NO_SLOTS_LIST: number[] = [];

/**
 * The same record as `rec` (keys, order, values) rebuilt by JSON.parse, when that gives the same
 * keys in the same order, else `rec`. V8 gives the parsed record fast properties, and a spread
 * copy of it is one allocation of the right size, where a record built key by key grows its
 * storage step by step or, past 16 keys, becomes a hash table. Values: numbers or empty arrays.
 */
function compact<V>(rec: Record<string, V>): Record<string, V> {
  const copy = JSON.parse(JSON.stringify(rec)) as Record<string, V>;
  const a = Object.keys(rec);
  const b = Object.keys(copy);
  return a.length === b.length && a.every((k, i) => k === b[i]) ? copy : rec;
}

/** Slots of `sharedScratch`. */
const FRAME = 0;
const SUMS = 1;
const PRESSURES = 2;
/** A typed array of length 0 (typed arrays are slow to make, even empty ones). */
const NONE: Float64Array = new Float64Array(0);
const scratch: Float64Array[] = [NONE, NONE, NONE];

/**
 * Scratch of a run that each of its step() and result() calls writes before reading and does not
 * keep past the call (the metrics frame, the parts' pressure sums, the pressure values), shared
 * by the runs of one shape: small typed arrays are slow to make.
 */
function sharedScratch(slot: number, length: number): Float64Array {
  if (scratch[slot].length !== length) scratch[slot] = new Float64Array(length);
  return scratch[slot];
}

/**
 * A column `[value]` with room for `capacity` values. V8 grows an array by at least 16 elements at
 * a time, which for a short run is most of what its columns take; an array sliced at its final
 * length keeps that room when its length is set back to 1 (for up to 17 elements).
 */
function column(value: number, capacity: number): number[] {
  if (capacity < 2 || capacity > 17) {
    const col: number[] = [];
    col.push(value);
    return col;
  }
  const col = doubles(capacity);
  col.length = 1;
  col[0] = value;
  return col;
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
  // The exact trainer gives its update's pressures directly (no parts written, no dot products);
  // with a tabular policy the run keeps a plain copy of θ (`mirror`, see `doubles` in metrics.ts)
  // that the evaluator reads and the trainer updates with θ. It is current when `mirrorOk`.
  const exact = factory === createExactTrainer ? createExactTrainer(trainWorld, theta) : null;
  const trainer: Trainer = exact ?? factory(trainWorld, theta, seed);
  const mirror = exact && world.policy.kind === 'tabular' ? doubles(theta.length, theta) : null;
  let mirrorOk = true;
  const tr: Trajectory = {
    steps: [],
    keys: [],
    values: {},
    policies: options.recordPolicies ? [] : null,
  };
  const warnings: Warning[] = [];
  let t = 0;
  let finalPoint: Record<string, number> | null = null;
  /** Whether a result (and so `tr`) has been handed out. */
  let shown = false;
  /** π at the final point (the evaluator's last evaluation, θ's last value). */
  let finalProb: number[] | null = null;

  // Recording: the metrics frame (the evaluator's fixed slots) plus the extras: multipliers,
  // pressures, trainer stats. The columns are fixed at the first point, in the key order of its
  // extras as one record (multipliers, then pressures, then stats, assigned in that order);
  // later points write their extras into the same slots (0 where a key is missing).
  const evaluator = createPolicyEvaluator(world);
  const frameKeys = evaluator.keys;
  const frame = sharedScratch(FRAME, frameKeys.length);
  /** π of the last evaluation as a table of its own (only kept with recordPolicies). */
  const keptPolicy = (): Float64Array | null =>
    tr.policies ? Float64Array.from(evaluator.prob) : null;
  // (set at the first point; a run never writes into these placeholders, which are shared)
  let columns: number[][] = NO_COLUMNS;
  let extraKeys: string[] = NO_KEYS;
  let extraSlot: Map<string, number> = NO_SLOTS;
  let extraVals = NONE;
  let multiplierSlots: number[] = NO_SLOTS_LIST;

  // Pressures: each part's dot product with ∇_θ eval/sycophancy (`sums`), then the pressure/*
  // values (`pressureVals`, in `press.keys` order) and their slots among the extras.
  let press: PressureLayout | null = null;
  let sums = NONE;
  let pressureVals = NONE;
  let pressureSlots: number[] | null = null;
  /** The pressure layout of `parts` parts, and a `sums` buffer for them. */
  function pressureFor(parts: number): void {
    if (press && press.partSlot.length === parts) return;
    press = sharedPressureLayout(world, parts, partKeys);
    sums = sharedScratch(SUMS, parts);
    pressureVals = sharedScratch(PRESSURES, press.keys.length);
    pressureSlots = null;
  }
  /** pressure/* values from the dot products in `sums`. */
  function pressureValues(): Float64Array {
    return pressureValuesInto(press!, sums, pressureVals);
  }

  /** The extras of a point as one record (the first point's keys, the final point's `final`). */
  function extrasRecord(
    lambda: Float64Array | null,
    pv: Float64Array | null,
    stats: Record<string, number> | null,
  ): Record<string, number> {
    const extra: Record<string, number> = lambda ? multiplierValues(world, lambda) : {};
    if (pv) press!.keys.forEach((k, u) => (extra[k] = pv[u]));
    if (stats) Object.assign(extra, stats);
    return extra;
  }

  /** The columns' layout of a run whose first point has no multipliers and no stats. */
  function sharedLayout(pv: Float64Array | null): RecordLayout {
    const pvKeys = pv ? press!.keys : NO_KEYS;
    let byPressure = recordLayouts.get(frameKeys);
    if (!byPressure) recordLayouts.set(frameKeys, (byPressure = new WeakMap()));
    let layout = byPressure.get(pvKeys);
    if (!layout) {
      const extraKeys = Object.keys(extrasRecord(null, pv, null)).filter(
        (k) => !frameKeys.includes(k),
      );
      const extraSlot = new Map(extraKeys.map((k, i) => [k, i]));
      const keys = [...frameKeys, ...extraKeys];
      const values: Record<string, number[]> = {};
      for (const k of keys) values[k] = [];
      layout = {
        keys,
        values: compact(values),
        extraKeys,
        extraSlot,
        extraVals: new Float64Array(extraKeys.length),
        pressureSlots: mapPacked(pvKeys, (k) => extraSlot.get(k) ?? -1),
      };
      byPressure.set(pvKeys, layout);
    }
    return layout;
  }

  function record(
    step: number,
    lambda: Float64Array | null,
    pv: Float64Array | null,
    stats: Record<string, number> | null,
    prob: Float64Array | null,
  ): void {
    const first = tr.keys.length === 0;
    let valuesTemplate: Record<string, number[]> | null = null;
    if (first) {
      if (!lambda && !stats) {
        // the same layout as below, made once per shape of run
        const layout = sharedLayout(pv);
        extraKeys = layout.extraKeys;
        extraSlot = layout.extraSlot;
        extraVals = layout.extraVals;
        if (pv) pressureSlots = layout.pressureSlots;
        tr.keys = layout.keys.slice();
        valuesTemplate = layout.values;
      } else {
        const extra = extrasRecord(lambda, pv, stats);
        extraKeys = Object.keys(extra).filter((k) => !frameKeys.includes(k));
        tr.keys = [...frameKeys, ...extraKeys];
        extraSlot = new Map(extraKeys.map((k, i) => [k, i]));
        extraVals = new Float64Array(extraKeys.length);
      }
      multiplierSlots = mapPacked(
        world.mix.constraints,
        (c) => extraSlot.get(`multipliers/${c.metric}`) ?? -1,
      );
    }
    tr.steps.push(step);
    const nf = frameKeys.length;
    if (!first) for (let i = 0; i < nf; i++) columns[i].push(frame[i]);
    if (extraKeys.length > 0) {
      extraVals.fill(0);
      if (lambda) {
        for (let j = 0; j < multiplierSlots.length; j++) {
          const slot = multiplierSlots[j];
          if (slot >= 0) extraVals[slot] = lambda[j];
        }
      }
      if (pv) {
        if (!pressureSlots) pressureSlots = mapPacked(press!.keys, (k) => extraSlot.get(k) ?? -1);
        for (let u = 0; u < pressureSlots.length; u++) {
          const slot = pressureSlots[u];
          if (slot >= 0) extraVals[slot] = pv[u];
        }
      }
      if (stats) {
        for (const key of Object.keys(stats)) {
          const slot = extraSlot.get(key);
          if (slot !== undefined) extraVals[slot] = stats[key];
        }
      }
      if (!first) for (let i = 0; i < extraKeys.length; i++) columns[nf + i].push(extraVals[i]);
    }
    if (first) {
      // the columns, each holding this point's value; `tr.values` is still empty, and when no
      // result has shown it yet, it is a copy of a record with the same keys in the same order
      if (valuesTemplate && !shown) tr.values = { ...valuesTemplate };
      const cap = T > 0 ? Math.floor((T - 1) / every) + 2 : 1; // the points of a whole run
      const values = tr.values;
      columns = mapPacked(
        tr.keys,
        (k, i) => (values[k] = column(i < nf ? frame[i] : extraVals[i - nf], cap)),
      );
    }
    if (prob) tr.policies?.push(prob);
  }

  // The last point has no update after it; its pressure is that of the expected update the
  // exact trainer would take there (for the exact trainer: exactly its next step).
  /**
   * A record with the final point's keys in its order (values 0.5), made once per shape of run:
   * the frame's keys, then the pressures' keys (what `extrasRecord(null, pv, null)` holds).
   */
  function finalTemplate(pv: Float64Array | null): Record<string, number> {
    const pvKeys = pv ? press!.keys : NO_KEYS;
    let byPressure = finalTemplates.get(frameKeys);
    if (!byPressure) finalTemplates.set(frameKeys, (byPressure = new WeakMap()));
    let tmpl = byPressure.get(pvKeys);
    if (!tmpl) {
      tmpl = {};
      for (const k of frameKeys) tmpl[k] = 0.5;
      Object.assign(tmpl, extrasRecord(null, pv ? pv.map(() => 0.5) : null, null));
      tmpl = compact(tmpl);
      byPressure.set(pvKeys, tmpl);
    }
    return tmpl;
  }

  function recordFinal(): void {
    evaluator.evaluate(theta, T, frame);
    let lambda: Float64Array | null = null;
    if (multipliers) {
      multipliers.write(T);
      lambda = multipliers.lambda;
    }
    let pv: Float64Array | null = null;
    const g = evaluator.gradient;
    if (g) {
      const dry =
        exact ??
        createExactTrainer(
          { ...trainWorld, trainer: { ...world.trainer, update: 'gradient' as const } },
          theta.slice(),
        );
      pressureFor(dry.partCount);
      dry.stepPressures(T, g, sums, false);
      pv = pressureValues();
    }
    if (lambda) {
      const extra = extrasRecord(lambda, pv, null);
      const out: Record<string, number> = {};
      frameKeys.forEach((k, i) => (out[k] = frame[i]));
      finalPoint = Object.assign(out, extra);
    } else {
      // the same record, written into a copy of one made with the same keys in the same order
      const out = { ...finalTemplate(pv) };
      for (let i = 0; i < frameKeys.length; i++) out[frameKeys[i]] = frame[i];
      if (pv) for (let u = 0; u < pv.length; u++) out[press!.keys[u]] = pv[u];
      finalPoint = out;
    }
    record(T, lambda, pv, null, keptPolicy());
    finalProb = evaluator.prob;
  }

  // `t` and `done` are data properties kept in step with the count, not getters: an object
  // literal with accessors is built by a slow path that, made once per run, kept two worker
  // threads from running runs twice as fast as one (docs/performance.md, "Sweeps").
  const run: Run & { t: number; done: boolean } = {
    world,
    t: 0,
    done: T <= 0,
    step() {
      if (t >= T) return;
      const due = t % every === 0;
      const fast = due && mirror !== null && evaluator.gradient !== null;
      if (fast && !mirrorOk) {
        for (let i = 0; i < theta.length; i++) mirror[i] = theta[i];
        mirrorOk = true;
      }
      if (fast) evaluator.evaluatePlain(mirror, t, frame);
      else if (due) evaluator.evaluate(theta, t, frame);
      const lambda = multipliers ? multipliers.advance(t, theta) : null;
      if (!due) {
        trainer.step(t, false);
        mirrorOk = false;
      } else {
        const g = evaluator.gradient;
        if (g && exact) {
          pressureFor(exact.partCount);
          // keeps the mirror current (fast) or takes θ as it is
          exact.stepPressures(t, g, sums, true, fast ? mirror : undefined);
          mirrorOk = fast;
          record(t, lambda, pressureValues(), null, keptPolicy());
        } else {
          const out = trainer.step(t, g != null);
          mirrorOk = false;
          let pv: Float64Array | null = null;
          if (g && out.parts) {
            pressureFor(out.parts.length);
            for (let i = 0; i < out.parts.length; i++) sums[i] = dot(g, out.parts[i]);
            pv = pressureValues();
          }
          record(t, lambda, pv, out.stats, keptPolicy());
        }
      }
      t++;
      run.t = t;
      run.done = t >= T;
      if (t === T) recordFinal();
    },
    run(n = T - t) {
      const end = Math.min(T, t + n);
      while (t < end) run.step();
    },
    theta: () => theta.slice(),
    result(): RunResult {
      if (T === 0 && !finalPoint) recordFinal();
      shown = true;
      const ev = finalPoint ? null : evaluatePolicy(world, theta, t);
      let finalPolicy: Float64Array;
      if (ev) finalPolicy = ev.prob;
      else if (finalProb) {
        // π at θ's final value as the evaluator computed it: policyProbabilities' arithmetic
        finalPolicy = new Float64Array(finalProb.length);
        for (let i = 0; i < finalProb.length; i++) finalPolicy[i] = finalProb[i];
      } else finalPolicy = policyProbabilities(world, theta); // the same softmax as evaluatePolicy's
      return {
        world,
        seed,
        steps: t,
        trajectory: tr,
        finalTheta: theta.slice(),
        finalPolicy,
        final: finalPoint ?? ev!.values,
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
