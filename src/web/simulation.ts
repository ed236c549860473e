/**
 * The explorer's driver: a raw scenario and the controls' `--set` overrides in, the same stages
 * as the CLI out (normalize → compile → simulate → launch review under both processes). No DOM.
 *
 * Live means re-simulating on every slider move, and compiling is the slow part (hundreds of
 * mathjs evaluations), so compiled pieces are cached by what they depend on:
 *   - the tables (every field but the mix weights, normalization, β, the trainer and the seed)
 *     are compiled by `compileScenario` and reused while those fields are all that changed;
 *   - the start model θ₀ depends on the tables, β and normalization; when only β or
 *     normalization changed it comes from `startTheta`, the compiler's own (cached) start run;
 *   - a weight change only replaces `world.mix.weights`.
 * test/web/simulation.test.ts checks that the cached world equals a fresh compile.
 */
import {
  evaluatePolicy,
  launchReview,
  resolveReviewConfig,
  createRun,
  simulate,
  type PartialReviewConfig,
  type ReviewResult,
  type Run,
  type RunResult,
  type World,
} from '../engine/index.ts';
import {
  compileScenario,
  mixWeights,
  normalizeScenario,
  startTheta,
  type NormalizedScenario,
} from '../scenario/compile.ts';
import { InputError } from '../scenario/errors.ts';
import { applySets } from '../scenario/set.ts';

/** The review processes the page shows, left to right. */
export const PROCESSES = ['2025-04', 'revised'] as const;

/** Where the explorer's scenario comes from, as an error message's source. */
export const SOURCE = 'explorer';

export interface Timings {
  /** ms spent in normalize + compile (or the cached path). */
  compile: number;
  /** ms spent training (simulate). */
  run: number;
  /** ms spent in the two launch reviews. */
  review: number;
  /** What the cache had to redo: everything, the start model, or nothing. */
  recompiled: 'full' | 'start' | 'none';
}

/** A compiled, not yet trained scenario. */
export interface Prepared {
  /** The self-contained raw scenario (the preset's merged raw plus the overrides). */
  raw: Record<string, unknown>;
  scenario: NormalizedScenario;
  world: World;
  recompiled: Timings['recompiled'];
}

export interface Simulation extends Prepared {
  result: RunResult;
  /** The model in production (the run's start, θ₀): the control of the launch review. */
  controlPolicy: Float64Array;
  reviews: ReviewResult[];
  /**
   * The sycophancy level above which the revised process's sycophancy eval blocks a launch, in
   * expectation: min(maxRate, control + maxIncrease); null when it has no such eval.
   */
  threshold: number | null;
  timings: Timings;
}

type Clock = () => number;

/** JSON text of `raw` without the given top-level-path fields (a cache key). */
function keyWithout(raw: Record<string, unknown>, drop: string[][]): string {
  const copy = structuredClone(raw) as Record<string, any>;
  for (const path of drop) {
    let v = copy;
    for (let i = 0; i < path.length - 1 && v; i++) v = v[path[i]];
    if (v && typeof v === 'object') delete v[path[path.length - 1]];
  }
  return JSON.stringify(copy);
}

/** A compiler with the cache described above. */
export function createCompiler() {
  let tables: { key: string; world: World } | null = null;
  let start: { key: string; theta: Float64Array } | null = null;

  return function prepare(base: Record<string, unknown>, sets: string[]): Prepared {
    const raw = applySets(base, sets);
    const scenario = normalizeScenario(raw, SOURCE);
    const hasSchedule = Object.keys(scenario.mix.schedule).length > 0;
    // What the tables do not depend on (with a schedule, the steps shape the schedule tables).
    const volatile = [
      ['mix', 'weights'],
      ['mix', 'normalize'],
      ['beta'],
      ['seed'],
      ...(hasSchedule ? [] : [['trainer']]),
    ];
    const tablesKey = keyWithout(raw, volatile);
    const startKey = `${tablesKey}\n${scenario.beta}\n${scenario.mix.normalize}`;
    if (!tables || tables.key !== tablesKey) {
      const world = compileScenario(scenario, SOURCE);
      tables = { key: tablesKey, world };
      start = { key: startKey, theta: world.initialTheta };
      return { raw, scenario, world, recompiled: 'full' };
    }
    const w0 = tables.world;
    const sc = scenario;
    if (
      sc.trainer.kind === 'exact' &&
      sc.policy.kind === 'tabular' &&
      sc.trainer.update === 'natural' &&
      sc.beta > 0 &&
      sc.trainer.learningRate * sc.beta >= 2
    )
      throw new InputError(SOURCE, [
        {
          path: 'trainer.learningRate',
          message: `η·β = ${sc.trainer.learningRate * sc.beta} ≥ 2: the natural update diverges; expected learningRate < ${2 / sc.beta}`,
        },
      ]);
    const world: World = {
      ...w0,
      mix: {
        ...w0.mix,
        weights: mixWeights(
          SOURCE,
          w0.signals.map((x) => x.name),
          'mix.weights',
          sc.mix.weights,
          sc.mix.normalize,
        ),
        normalize: sc.mix.normalize,
      },
      beta: sc.beta,
      trainer: sc.trainer,
    };
    let recompiled: Timings['recompiled'] = 'none';
    if (!start || start.key !== startKey) {
      start = { key: startKey, theta: startTheta(world, sc, SOURCE) };
      recompiled = 'start';
    }
    world.initialTheta = start.theta;
    return { raw, scenario, world, recompiled };
  };
}

/** The review threshold on eval/sycophancy (see `Simulation.threshold`). */
export function sycophancyThreshold(
  config: PartialReviewConfig,
  controlSycophancy: number,
): number | null {
  const ev = resolveReviewConfig(config).behaviour.find(
    (b) => b.metric === 'sycophantic' && b.where === 'sycophancy',
  );
  if (!ev) return null;
  const t = Math.min(
    ev.maxRate ?? Infinity,
    ev.maxIncrease !== null ? controlSycophancy + ev.maxIncrease : Infinity,
  );
  return Number.isFinite(t) ? t : null;
}

/** Launch reviews of a run's final policy against its start, under both processes. */
export function reviewsOf(
  prepared: Prepared,
  result: RunResult,
  controlPolicy: Float64Array,
): ReviewResult[] {
  const { world, scenario } = prepared;
  return PROCESSES.map((process) =>
    launchReview({
      control: { world, policy: controlPolicy },
      candidate: { world, policy: result.finalPolicy },
      config: scenario.review as PartialReviewConfig,
      process,
      seed: scenario.seed,
    }),
  );
}

/** The page's simulator: prepare (cached), train, review; with timings from `now`. */
export function createSimulator(now: Clock = () => performance.now()) {
  const prepare = createCompiler();
  return {
    prepare,
    /** Everything the page shows for a preset's raw scenario plus overrides. */
    simulate(base: Record<string, unknown>, sets: string[]): Simulation {
      const t0 = now();
      const prepared = prepare(base, sets);
      const t1 = now();
      const result = simulate(prepared.world, { seed: prepared.scenario.seed });
      const t2 = now();
      const controlPolicy = evaluatePolicy(prepared.world, prepared.world.initialTheta, 0).prob;
      const reviews = reviewsOf(prepared, result, controlPolicy);
      const t3 = now();
      const s0 = result.trajectory.values['eval/sycophancy']?.[0];
      return {
        ...prepared,
        result,
        controlPolicy,
        reviews,
        threshold:
          s0 === undefined
            ? null
            : sycophancyThreshold(prepared.scenario.review as PartialReviewConfig, s0),
        timings: {
          compile: t1 - t0,
          run: t2 - t1,
          review: t3 - t2,
          recompiled: prepared.recompiled,
        },
      };
    },
    /** A run to be stepped by the caller (play mode): the page owns time. */
    startRun(prepared: Prepared): Run {
      return createRun(prepared.world, { seed: prepared.scenario.seed });
    },
  };
}
