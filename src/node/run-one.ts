/**
 * One what-if run: a pure function of (scenario, overrides, seed) → final metrics. Imported by the
 * sweep workers, so it does not load the scenario compiler (and its expression engine, the bulk
 * of a worker's start-up): overrides of mix weights alone are applied to the compiled base world
 * directly, which gives the same world as compiling (mix weights feed nothing else in the compiler;
 * test/node/run-one.test.ts checks it), and only other overrides need `compile`.
 */
import { simulate } from '../engine/run.ts';
import type { World } from '../engine/types.ts';
import type { NormalizedScenario } from '../scenario/compile.ts';
import { InputError } from '../scenario/errors.ts';
import { SCENARIO_SPEC } from '../scenario/format.ts';
import { applySets } from '../scenario/set.ts';
import { specAt, validate, type Issue } from '../scenario/spec.ts';

/** A scenario's raw data (extends resolved, base --set applied) and the name errors use. */
export interface ScenarioSource {
  raw: Record<string, unknown>;
  source: string;
}

/** The scenario compiler's signature (src/scenario/compile.ts `compileScenario`). */
export type Compile = (sc: NormalizedScenario, source: string) => World;

/** `normalizeScenario` without importing the compiler: validation and defaults. */
export function validateScenario(raw: unknown, source: string): NormalizedScenario {
  const issues: Issue[] = [];
  const out = validate(SCENARIO_SPEC, raw, [], issues) as NormalizedScenario;
  if (issues.length) throw new InputError(source, issues);
  return out;
}

/** Applies `path=value` overrides; a bad one is an InputError naming `flag` (e.g. --vary). */
export function applyOverrides(
  src: ScenarioSource,
  sets: string[],
  flag = '--set',
): Record<string, unknown> {
  try {
    return applySets(src.raw, sets);
  } catch (e) {
    if (e instanceof InputError && flag !== '--set')
      throw new InputError(flag, e.message.replace(/^--set: /, ''));
    throw e;
  }
}

const WEIGHT_SET = /^mix\.weights\.([^.=]+)=(.*)$/s;
const WEIGHT_SPEC = specAt(SCENARIO_SPEC, ['mix', 'weights', '_']) as { min: number; max: number };

/**
 * The sweep's fast path: when every override is `mix.weights.<signal>=<number>` with a number
 * the format accepts, the world is `base` with those weights, built without copying and
 * validating the whole scenario (which takes about as long as a third of a run). Anything else,
 * including any value the format might reject, returns null and goes the full way, which gives
 * the same world or the proper error (test/node/run-one.test.ts).
 */
export function weightOnlyWorld(base: World, sets: string[]): World | null {
  let weights: Float64Array | null = null;
  for (const set of sets) {
    const m = WEIGHT_SET.exec(set.trim());
    if (!m) return null;
    const i = base.signals.findIndex((s) => s.name === m[1]);
    const text = m[2].trim();
    const v = Number(text);
    if (i < 0 || text === '' || !Number.isFinite(v)) return null;
    if (!(v >= WEIGHT_SPEC.min && v <= WEIGHT_SPEC.max)) return null;
    (weights ??= Float64Array.from(base.mix.weights))[i] = v;
  }
  if (!weights || (base.mix.normalize && !weights.some((x) => x > 0))) return null;
  return { ...base, mix: { ...base.mix, weights } };
}

/**
 * The world for overrides `sets`: `base` with new mix weights when that is all they set (and
 * the values are ones the format accepts), else validated and compiled. `compile` is asked for
 * only then.
 */
export function worldFor(
  src: ScenarioSource,
  base: World,
  sets: string[],
  compile: () => Compile,
  flag = '--set',
): World {
  const fast = weightOnlyWorld(base, sets);
  if (fast) return fast;
  const raw = applyOverrides(src, sets, flag);
  return compile()(validateScenario(raw, src.source), src.source);
}

/**
 * One run's final metrics. Only the first and last points are recorded: the final metrics are
 * the same for any recording interval, and the run is cheaper.
 */
export function finalMetrics(world: World, seed: number): Record<string, number> {
  return simulate(world, { seed, recordEvery: Math.max(1, world.trainer.steps) }).final;
}

/**
 * The keys of a run's final metrics (`finalMetrics`), in order, from a run of one step: which
 * metrics a run reports depends on the world (its signals, evals, users, constraints, trainer),
 * not on how long it trains (test/node/run-one.test.ts checks every shipped scenario with every
 * trainer), and planning a sweep or a search asks before any run.
 */
export function finalMetricKeys(world: World, seed: number): string[] {
  const steps = Math.min(1, world.trainer.steps);
  return Object.keys(finalMetrics({ ...world, trainer: { ...world.trainer, steps } }, seed));
}
