/**
 * Benchmarks (`npx tsx bench/run.ts`, later `npm run bench`): prints figures and ratios; not a
 * test. Each figure is the best of several repetitions after a warm-up (the median is printed
 * beside it), because the best run is the one least disturbed by other processes.
 *
 *   0. The default incident scenario's full run, first (see below).
 *   1. The exact trainer (gradient update, tabular) at 64 × 8 for 10,000 steps and 1,024 × 16 for
 *      500 steps, beside the same update in NumPy (bench/exact_numpy.py, run by /usr/bin/python3),
 *      and the cost floor of one Math.exp per cell.
 *   2. The sampled trainers' samples per second (reinforce, ppo, grpo) on a 24 × 6 world.
 *
 * Options: --quick (fewer repetitions, for a smoke run), --only exact|sampled|incident (one
 * section), --json <file> (also write the figures), --no-pin (do not pin the process to one core).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPolicyEvaluator, doubles } from '../src/engine/metrics.ts';
import { fastExp } from '../src/engine/fastexp.ts';
import { effectiveWeights, mixedReward } from '../src/engine/mix.ts';
import { stream } from '../src/engine/rng.ts';
import { simulate } from '../src/engine/run.ts';
import { createExactTrainer } from '../src/engine/trainers/exact.ts';
import { trainers } from '../src/engine/trainers/index.ts';
import type { NoiseModel, TrainerConfig, World } from '../src/engine/types.ts';
import { worldFromTables } from '../src/engine/world.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const REPEATS = quick ? 2 : 5;
const root = fileURLToPath(new URL('..', import.meta.url));
const figures: Record<string, unknown> = {};

// Every section here is single-threaded. On this project's virtual machines an unpinned process
// measured the incident run at 1.5 ms or at 2.2 – 2.6 ms, from one process to the next, while
// pinned to either core it measured 1.5 ms every time: the benchmark pins itself to one core
// (taskset, where the system has it; --no-pin to measure unpinned). NumPy inherits the pin.
const pinned = process.env.REWARDMIX_BENCH_PINNED;
if (!pinned && !args.includes('--no-pin') && spawnSync('taskset', ['-V']).status === 0) {
  const r = spawnSync(
    'taskset',
    ['-c', '0', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit', env: { ...process.env, REWARDMIX_BENCH_PINNED: 'core 0 (taskset)' } },
  );
  process.exit(r.status ?? 1);
}
figures.pinned = pinned ?? null;

// ---- helpers ----------------------------------------------------------------------------------------

/** Best and median of `REPEATS` timings (ms) of `fn`, after one warm-up call. */
function time(fn: () => void, repeats = REPEATS, warmups = 1): { best: number; median: number } {
  for (let w = 0; w < warmups; w++) fn();
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { best: ms[0], median: ms[Math.floor(ms.length / 2)] };
}

const fmt = (x: number, digits = 1) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(head: string[], rows: (string | number)[][]): void {
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log();
}

/** A random world of C situations × A styles (deterministic: stream `bench`). */
function benchWorld(
  C: number,
  A: number,
  trainer: Partial<TrainerConfig>,
  noise: Record<string, NoiseModel> = {},
  policy: World['policy'] = { kind: 'tabular' },
): World {
  const u = stream(1, `bench:${C}x${A}`);
  const rows = (f: () => number) => Array.from({ length: C }, () => Array.from({ length: A }, f));
  const ref = rows(() => 0.2 + u()).map((r) => {
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((x) => x / s);
  });
  return worldFromTables({
    name: `bench ${C}x${A}`,
    contexts: Array.from({ length: C }, (_, c) => ({ id: `c${c}`, weight: 0.5 + u() })),
    actions: Array.from({ length: A }, (_, a) => ({ id: `a${a}` })),
    features: {
      sycophantic: rows(() => (u() < 0.4 ? 1 : 0)),
      helpful: rows(u),
      correct: rows(() => (u() < 0.5 ? 1 : 0)),
      personalized: rows(u),
    },
    signals: {
      correctness: rows(u),
      spec: rows(() => u() - 0.5),
      thumbs: rows(() => 2 * u() - 1),
      memory: rows(() => 0.3 * u()),
    },
    noise,
    weights: { correctness: 0.3, spec: 0.4, thumbs: 0.2, memory: 0.1 },
    referencePolicy: ref,
    beta: 0.1,
    policy,
    trainer: { learningRate: 0.5, ...trainer },
  });
}

/** Runs `steps` updates of the world's trainer from θ₀ (the trainer's step() alone). */
function trainSteps(world: World, steps: number, seed = 0): Float64Array {
  const theta = world.initialTheta.slice();
  const trainer = trainers[world.trainer.kind]!(world, theta, seed);
  for (let t = 0; t < steps; t++) trainer.step(t, false);
  return theta;
}

// ---- machine -------------------------------------------------------------------------------------------
const cpu = cpus();
figures.machine = {
  node: process.version,
  v8: process.versions.v8,
  cpu: cpu[0]?.model ?? 'unknown',
  cores: cpu.length,
  platform: `${process.platform} ${process.arch}`,
};
const SECTIONS = ['exact', 'sampled', 'incident'] as const;
if (!process.env.REWARDMIX_BENCH_SECTION) {
  console.log('# rewardmix benchmarks\n');
  console.log(
    `node ${process.version} (V8 ${process.versions.v8}), ${cpu[0]?.model ?? 'unknown CPU'}, ` +
      `${cpu.length} cores, ${process.platform} ${process.arch}; best of ${REPEATS} after a warm-up ` +
      `(median in brackets); ${pinned ? `pinned to ${pinned}` : 'not pinned to a core'}; ` +
      `each section in a process of its own\n`,
  );
}

// ---- the sections ------------------------------------------------------------------------------------
// Each section runs in a process of its own, as `rewardmix run` runs one scenario: in one
// process the engine's code adapts to the first worlds it runs (V8's inline caches), and worlds
// of other shapes afterwards run slower (the incident run measured 2.2 ms after the other
// sections, 1.5 ms on its own; the exact trainer 10.4 ns per cell after the incident run, 8.4 on
// its own).
if (only) {
  if (only === 'exact') exactVsNumpy();
  else if (only === 'sampled') sampledTrainers();
  else if (only === 'incident') await incidentScenario();
  else throw new Error(`--only: expected one of ${SECTIONS.join(', ')}`);
} else {
  for (const section of SECTIONS) {
    const tmp = join(tmpdir(), `rewardmix-bench-${process.pid}-${section}.json`);
    const r = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--only',
        section,
        '--json',
        tmp,
        ...(quick ? ['--quick'] : []),
      ],
      { stdio: 'inherit', env: { ...process.env, REWARDMIX_BENCH_SECTION: section } },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
    const part = JSON.parse(readFileSync(tmp, 'utf8')) as Record<string, unknown>;
    rmSync(tmp, { force: true });
    for (const [k, v] of Object.entries(part))
      if (k !== 'machine' && k !== 'pinned') figures[k] = v;
  }
}

// ---- 1. the exact trainer beside NumPy -------------------------------------------------------------
/** The exact trainer's tabular gradient update at two sizes, beside NumPy and the exp floor. */
function exactVsNumpy(): void {
  console.log('## Exact trainer (gradient update, tabular) vs NumPy\n');
  const exactRows: (string | number)[][] = [];
  const floorRows: (string | number)[][] = [];
  const exactFigures: Record<string, unknown>[] = [];
  for (const [C, A, steps] of [
    [64, 8, 10_000],
    [1024, 16, 500],
  ] as const) {
    const world = benchWorld(C, A, { kind: 'exact', update: 'gradient', steps });
    const cells = C * A;
    let theta: Float64Array = new Float64Array(0);
    const ts = time(() => {
      theta = trainSteps(world, steps);
    });
    const nsPerCell = (ms: number) => (ms * 1e6) / (steps * cells);

    // NumPy: the same update on the same tables
    const py = numpy(world, steps);
    let npBest = NaN;
    let npMedian = NaN;
    let agree = NaN;
    if (py) {
      const s = [...py.seconds].sort((a, b) => a - b);
      npBest = s[0] * 1000;
      npMedian = s[Math.floor(s.length / 2)] * 1000;
      agree = 0;
      for (let i = 0; i < cells; i++) agree = Math.max(agree, Math.abs(py.theta[i] - theta[i]));
    }

    // the floor: one Math.exp per cell-update, nothing else
    const n = steps * cells;
    let sink = 0;
    const floor = time(() => {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(-1e-3 * (i & 1023));
      sink += s;
    });
    // the same loop with the kernel's fastExp (src/engine/fastexp.ts)
    const fast = time(() => {
      let s = 0;
      for (let i = 0; i < n; i++) s += fastExp(-1e-3 * (i & 1023));
      sink += s;
    });
    if (sink === 42) console.log(); // keep the loops' results alive

    const label = `${C} × ${A}, ${fmt(steps, 0)} steps`;
    exactRows.push([
      label,
      `${fmt(ts.best, 1)} ms (${fmt(ts.median, 1)})`,
      fmt((steps / ts.best) * 1000, 0),
      fmt(nsPerCell(ts.best), 2),
      py ? `${fmt(npBest, 1)} ms (${fmt(npMedian, 1)})` : 'skipped',
      py ? fmt((steps / npBest) * 1000, 0) : '–',
      py ? fmt(nsPerCell(npBest), 2) : '–',
      py ? `${fmt(npBest / ts.best, 2)}×` : '–',
      py ? agree.toExponential(1) : '–',
    ]);
    floorRows.push([
      label,
      fmt(nsPerCell(floor.best), 2),
      fmt(nsPerCell(fast.best), 2),
      fmt(nsPerCell(ts.best), 2),
      `${fmt(ts.best / floor.best, 2)}×`,
    ]);
    exactFigures.push({
      C,
      A,
      steps,
      ms: ts,
      stepsPerSecond: (steps / ts.best) * 1000,
      nsPerCell: nsPerCell(ts.best),
      numpyMs: py ? { best: npBest, median: npMedian } : null,
      ratio: py ? npBest / ts.best : null,
      maxAbsDiff: py ? agree : null,
      expFloorNsPerCell: nsPerCell(floor.best),
      fastExpNsPerCell: nsPerCell(fast.best),
    });
  }
  table(
    [
      'world',
      'TS time',
      'TS steps/s',
      'TS ns/cell',
      'NumPy time',
      'NumPy steps/s',
      'NumPy ns/cell',
      'TS speed-up',
      'max |Δθ|',
    ],
    exactRows,
  );
  console.log('Targets: ≥ 3× NumPy at 64 × 8; not slower than NumPy at 1,024 × 16.\n');
  console.log('### Cost floor: one Math.exp per cell\n');
  table(
    ['world', 'Math.exp ns/cell', 'fastExp ns/cell', 'trainer ns/cell', 'trainer ÷ Math.exp floor'],
    floorRows,
  );
  figures.exact = exactFigures;
}

/** Runs bench/exact_numpy.py on the world's tables; null (with a message) without NumPy. */
function numpy(
  world: World,
  steps: number,
): { numpy: string; seconds: number[]; theta: number[] } | null {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) {
    console.log(`(NumPy comparison skipped: ${python} not found; apt-get install python3-numpy)\n`);
    return null;
  }
  const input = JSON.stringify({
    C: world.contexts.length,
    A: world.actions.length,
    steps,
    repeats: REPEATS,
    p: Array.from(world.contextWeights),
    lref: Array.from(world.referenceLogProbs),
    R: Array.from(mixedReward(world, effectiveWeights(world, 0))),
    beta: world.beta,
    eta: world.trainer.learningRate,
  });
  const out = spawnSync(python, [join(root, 'bench', 'exact_numpy.py')], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (out.status !== 0) {
    console.log(`(NumPy comparison failed: ${out.stderr.trim().split('\n').pop()})\n`);
    return null;
  }
  const res = JSON.parse(out.stdout);
  if (res.error) {
    console.log(`(NumPy comparison skipped: ${res.error})\n`);
    return null;
  }
  figures.numpy = res.numpy;
  return res;
}

// ---- 2. sampled trainers: samples per second -----------------------------------------------------------
/** Samples per second of reinforce (several noise models and options), ppo and grpo. */
function sampledTrainers(): void {
  console.log('## Sampled trainers: samples per second (24 × 6 world, one core)\n');
  const sampledRows: (string | number)[][] = [];
  const sampledFigures: Record<string, unknown>[] = [];
  const gauss: NoiseModel = { kind: 'gaussian', sigma: 0.2 };
  const bern: NoiseModel = { kind: 'bernoulli', low: -1, high: 1 };
  const studentT: NoiseModel = { kind: 'student-t', nu: 3, sigma: 0.2 };
  const linear: World['policy'] = {
    kind: 'linear',
    features: ['sycophantic', 'helpful', 'correct', 'personalized'],
  };
  const cases: [string, Partial<TrainerConfig>, Record<string, NoiseModel>, World['policy']?][] = [
    ['reinforce, no noise', { kind: 'reinforce' }, {}],
    ['reinforce, thumbs bernoulli', { kind: 'reinforce' }, { thumbs: bern }],
    [
      'reinforce, thumbs bernoulli + spec gaussian',
      { kind: 'reinforce' },
      { thumbs: bern, spec: gauss },
    ],
    ['reinforce, spec student-t (ν = 3)', { kind: 'reinforce' }, { spec: studentT }],
    [
      'reinforce, expected baseline, thumbs bernoulli',
      { kind: 'reinforce', baseline: 'expected' },
      { thumbs: bern },
    ],
    [
      'reinforce, linear policy (4 features), thumbs bernoulli',
      { kind: 'reinforce' },
      { thumbs: bern },
      linear,
    ],
    ['ppo (4 epochs × 4 minibatches), thumbs bernoulli', { kind: 'ppo' }, { thumbs: bern }],
    ['grpo (group 8), thumbs bernoulli', { kind: 'grpo' }, { thumbs: bern }],
  ];
  for (const [label, trainer, noise, policy] of cases) {
    const world = benchWorld(24, 6, { batchSize: 256, ...trainer }, noise, policy);
    const perStep = world.trainer.kind === 'grpo' ? 256 * world.trainer.groupSize : 256;
    const steps = Math.max(1, Math.round((quick ? 1e6 : 4e6) / perStep));
    const ts = time(() => trainSteps(world, steps, 1));
    const rate = (ms: number) => (steps * perStep) / (ms / 1000);
    sampledRows.push([
      label,
      `${fmt(rate(ts.best) / 1e6, 2)} M (${fmt(rate(ts.median) / 1e6, 2)})`,
      fmt((ts.best * 1e6) / (steps * perStep), 1),
    ]);
    sampledFigures.push({
      label,
      samplesPerSecond: rate(ts.best),
      medianSamplesPerSecond: rate(ts.median),
    });
  }
  table(['trainer, noise', 'samples/s', 'ns/sample'], sampledRows);
  console.log(
    'Batch 256 situations (grpo: 256 groups of 8 answers); a sample is one drawn (situation, answer, ' +
      'rewards) triple; ppo counts each rollout once although it passes over it 4 times.\n' +
      'Target: reinforce ≥ 10 M samples/s on one core.\n',
  );
  figures.sampled = sampledFigures;
}

// ---- 3. the default incident scenario's full run -------------------------------------------------------

/**
 * Times the default incident scenario's full run (`simulate` with the scenario's own trainer,
 * steps and recording, loading excluded). Target ≤ 2 ms. Skips with a message until
 * scenarios/april-2025-update.yaml and the loader (src/node/load.ts: loadScenario) exist.
 */
async function incidentScenario(): Promise<void> {
  console.log('## The default incident scenario, full run\n');
  const file = join(root, 'scenarios', 'april-2025-update.yaml');
  const loader = join(root, 'src', 'node', 'load.ts');
  if (!existsSync(file) || !existsSync(loader)) {
    console.log(
      `skipped: needs ${existsSync(file) ? '' : 'scenarios/april-2025-update.yaml '}` +
        `${existsSync(loader) ? '' : 'src/node/load.ts (loadScenario)'}\n`,
    );
    return;
  }
  let world: World;
  try {
    const mod = (await import(pathToFileURL(loader).href)) as {
      loadScenario?: (f: string) => { world: World };
    };
    if (typeof mod.loadScenario !== 'function')
      throw new Error('src/node/load.ts has no loadScenario');
    world = mod.loadScenario(file).world;
  } catch (e) {
    console.log(`skipped: the scenario did not load: ${(e as Error).message.split('\n')[0]}\n`);
    return;
  }
  const T = world.trainer.steps;
  // A run of a few milliseconds: 20 warm-up runs let the JIT reach its optimized code first.
  const ts = time(() => simulate(world), quick ? 5 : 50, 20);
  const C = world.contexts.length;
  const A = world.actions.length;
  console.log(
    `${world.name}: ${C} × ${A}, trainer ${world.trainer.kind} (${world.trainer.update}, ${world.policy.kind}), ` +
      `${fmt(T, 0)} steps: ${fmt(ts.best, 3)} ms (median ${fmt(ts.median, 3)} ms). Target ≤ 2 ms.\n`,
  );
  figures.incident = { world: world.name, C, A, steps: T, trainer: world.trainer.kind, ms: ts };

  // where the time goes: the updates alone, with the pressures, the metrics of every recorded
  // point. The run driver's way: one evaluator (plain-array copies of the tables) and, for the
  // exact trainer with a tabular policy, stepPressures on a plain copy of θ (run.ts).
  const every = Math.max(1, Math.ceil(T / 500)); // run.ts's default recordEvery
  const points = Math.floor((T - 1) / every) + 2;
  const reps = quick ? 5 : 50;
  const bare = time(() => trainSteps(world, T), reps);
  const evaluator = createPolicyEvaluator(world);
  const frame = new Float64Array(evaluator.keys.length);
  evaluator.evaluate(world.initialTheta, 0, frame);
  const gradient = evaluator.gradient?.slice() ?? null; // θ₀'s, for every step: timing only
  const tabular = world.policy.kind === 'tabular';
  const withParts = time(() => {
    const theta = world.initialTheta.slice();
    if (world.trainer.kind === 'exact' && gradient) {
      const trainer = createExactTrainer(world, theta);
      const sums = new Float64Array(trainer.partCount);
      const mirror = tabular ? doubles(theta.length, theta) : undefined;
      for (let t = 0; t < T; t++) {
        if (t % every === 0) trainer.stepPressures(t, gradient, sums, true, mirror);
        else trainer.step(t, false);
      }
      return;
    }
    const trainer = trainers[world.trainer.kind]!(world, theta, 0);
    for (let t = 0; t < T; t++) trainer.step(t, t % every === 0);
  }, reps);
  const thetaPlain = doubles(world.initialTheta.length, world.initialTheta);
  const metrics = time(() => {
    for (let i = 0; i < points; i++) {
      if (tabular) evaluator.evaluatePlain(thetaPlain, i, frame);
      else evaluator.evaluate(world.initialTheta, i, frame);
    }
  }, reps);
  table(
    ['part of the full run', 'ms'],
    [
      [`${fmt(T, 0)} updates (trainer.step alone)`, fmt(bare.best, 3)],
      [
        `the same, with the pressures at ${fmt(points - 1, 0)} recorded steps`,
        fmt(withParts.best, 3),
      ],
      [`the metrics (policy evaluator) at ${fmt(points, 0)} recorded points`, fmt(metrics.best, 3)],
      [
        'the rest (recording, the final point, setup)',
        fmt(ts.best - withParts.best - metrics.best, 3),
      ],
    ],
  );
  figures.incidentBreakdown = {
    updatesMs: bare.best,
    updatesWithPartsMs: withParts.best,
    metricsMs: metrics.best,
    points,
  };

  // the same world under reinforce: the realistic samples/s figure
  const rw: World = { ...world, trainer: { ...world.trainer, kind: 'reinforce', batchSize: 256 } };
  const steps = quick ? 2000 : 10_000;
  const rs = time(() => trainSteps(rw, steps, 1));
  const rate = (steps * 256) / (rs.best / 1000);
  console.log(
    `reinforce on this world (batch 256, its own noise models): ${fmt(rate / 1e6, 2)} M samples/s ` +
      `(median ${fmt((steps * 256) / (rs.median / 1000) / 1e6, 2)} M).\n`,
  );
  figures.incidentReinforce = { samplesPerSecond: rate };
}

if (jsonOut) writeFileSync(jsonOut, JSON.stringify(figures, null, 2) + '\n');
