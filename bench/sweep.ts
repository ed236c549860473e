/**
 * Sweep benchmarks (`npx tsx bench/sweep.ts`; the lead calls it from `npm run bench`): prints
 * figures, not a test. On the default scenario (scenarios/april-2025-update.yaml):
 *
 *   1. The single-run time: one run as a sweep does it (apply the overrides, build the world,
 *      train, final metrics), warm: the sweep worker's own code (the plain-JS bundle of
 *      src/node/worker-bundle.ts) in one worker thread, one task of many runs, the mean over
 *      long batches so that garbage collection counts (bench/single-worker.mjs); for two kinds
 *      of grid: mix weights (patched into the compiled world) and a declared param (the scenario
 *      compiled each run). Then bare worker threads running the same runs, 2 against 1: what two
 *      threads give on this machine at all.
 *   2. 441-run grids (21 × 21) of both kinds with 1 and 2 worker threads: wall time from the
 *      call to the results files (pool start, planning, journal, files included) and the
 *      speedup; also the steady-state speedup, from the first finished run to the last.
 *   3. 10,000-run sweeps of both kinds on 2 workers against 10,000 × the single-run time: the
 *      ratio (target ≤ 0.55 on 2 workers) and the per-run overhead (2 · wall / N − single run).
 *
 * Options: --quick (1,000 runs instead of 10,000 and fewer repetitions), --json <file> (also
 * write the figures), --workers N (the second configuration; default 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Axis } from '../src/engine/analysis/plan.ts';
import {
  createSweepPool,
  planSweep,
  runSweep,
  type SweepPool,
  type SweepProgress,
} from '../src/node/sweep.ts';
import { sweepWorkerFile, workerExecArgv } from '../src/node/worker-bundle.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const W = args.includes('--workers') ? Number(args[args.indexOf('--workers') + 1]) : 2;
const root = fileURLToPath(new URL('..', import.meta.url));
const SCENARIO = join(root, 'scenarios/april-2025-update.yaml');
const figures: Record<string, unknown> = {
  machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? '?', node: process.version },
  loadBefore: loadavg()[0],
};
const fmt = (x: number, d = 1) =>
  x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** Two kinds of run: mix weights alone are patched into the compiled world (src/node/run-one.ts);
 * any other override (here a declared param) compiles the scenario, start model included. */
const KINDS = {
  weights: {
    label: 'thumbs × spec weights (no recompilation)',
    axes: (n: number): Axis[] => [
      { path: 'mix.weights.thumbs', from: 0, to: 4, levels: n },
      { path: 'mix.weights.spec', from: 0.5, to: 4, levels: n },
    ],
  },
  compiled: {
    label: 'thumbs weight × params.approvalBias (compiled each run)',
    axes: (n: number): Axis[] => [
      { path: 'mix.weights.thumbs', from: 0, to: 4, levels: n },
      { path: 'params.approvalBias', from: 0, to: 3, levels: n },
    ],
  },
} as const;
type Kind = keyof typeof KINDS;

// ---- 1. single-run time -----------------------------------------------------------------------
/** CPU time (user + system, all threads of the process) in ms since `from`. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
const singleCpu: Record<string, number> = {};
/** The sweep worker's code and the runs of the big sweep of `kind` (its setup and plan). */
const worker = sweepWorkerFile();
function bigSetup(kind: Kind) {
  const {
    meta,
    plan,
    src: s,
  } = planSweep({
    scenario: SCENARIO,
    axes: KINDS[kind].axes(quick ? 32 : 100),
    sample: 'grid',
    seeds: 1,
    workers: 1,
    out: '',
  });
  const setup = { base: s.base, raw: s.raw, source: s.source, plan, metrics: meta.metrics };
  return { setup, runs: plan.runs };
}
/** `count` runs spread evenly over the big sweep's `total` (run i·total/count). */
const spread = (total: number, count: number) =>
  Array.from({ length: count }, (_, i) => Math.floor((i * total) / count));

/**
 * One run's time where a sweep runs it: the sweep worker's own code (bench/single-worker.mjs),
 * one task of many runs in one worker thread, runs spread over the big sweep's plan; the mean
 * over long batches (2,000 weight runs, 300 compiled ones, after 300 or 600 warm-up runs), so garbage collection is counted as
 * it is in the sweep; median of 3 batches. CPU time is the process's over each batch, while this
 * thread only waits (it counts the collector's helper threads).
 */
async function singleRun(kind: Kind): Promise<number> {
  const N = kind === 'weights' ? (quick ? 500 : 2000) : quick ? 50 : 300;
  // Warm-up: the compiled path's code keeps being re-optimized for several hundred runs.
  const warmups = kind === 'weights' ? 300 : 600;
  const reps = 3;
  const { setup, runs: total } = bigSetup(kind);
  const runs = spread(total, warmups + reps * N);
  const w = new Worker(new URL('./single-worker.mjs', import.meta.url), {
    workerData: { file: pathToFileURL(worker.file).href, setup, runs, warmups },
    execArgv: workerExecArgv(worker.bundled),
  });
  const answer = () =>
    new Promise<unknown>((r, j) => {
      w.once('message', r);
      w.once('error', j);
    });
  await answer(); // loaded and warm
  const batches: number[] = [];
  const cpus: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const c0 = process.cpuUsage();
    const done = answer();
    w.postMessage(N);
    batches.push(((await done) as number) / N);
    cpus.push(cpuMs(c0) / N);
  }
  await w.terminate();
  batches.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  singleCpu[kind] = cpus[1];
  return batches[1];
}
const single = { weights: await singleRun('weights'), compiled: await singleRun('compiled') };
figures.singleRunMs = single;
console.log(
  `## Sweeps (scenario: april-2025-update, ${availableParallelism()} CPUs, ${process.version})\n`,
);
console.log(
  `Worker code: ${worker.bundled ? 'the plain-JS bundle' : 'the TypeScript sources through tsx'} (${worker.reason}).\n`,
);
console.log(
  'Single run (overrides → world → 300 exact steps → final metrics), warm, the sweep worker’s code in one worker thread, one task of many runs (no pool, no journal, no files), mean over batches of 2,000 (weights) or 300 (compiled) runs after 300 or 600 warm-up runs, spread over the big sweep’s plan, median of 3:\n',
);
console.log('| run | wall time | CPU time |\n| --- | ---: | ---: |');
for (const k of Object.keys(KINDS) as Kind[])
  console.log(`| ${KINDS[k].label} | ${fmt(single[k], 2)} ms | ${fmt(singleCpu[k], 2)} ms |`);
console.log();

// ---- a sweep, timed --------------------------------------------------------------------------
/** One sweep, timed from the call to the results files. With `pool` the threads are already
 * running (a session that keeps a pool); without, the sweep starts its own, as the CLI does. */
async function timedSweep(axes: Axis[], workers: number, pool?: SweepPool) {
  const dir = mkdtempSync(join(tmpdir(), 'rewardmix-bench-'));
  let first = NaN;
  let last = NaN;
  let firstDone = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await runSweep(
    {
      scenario: SCENARIO,
      axes,
      sample: 'grid',
      seeds: 1,
      workers,
      out: join(dir, 'sweep'),
      onProgress: (p: SweepProgress) => {
        const now = performance.now() - t0;
        if (p.done > 0 && Number.isNaN(first)) {
          first = now;
          firstDone = p.done;
        }
        last = now;
      },
    },
    pool,
  );
  const wall = performance.now() - t0;
  const cpu = cpuMs(c0);
  rmSync(dir, { recursive: true, force: true });
  const runs = out.meta.plan.runs;
  return {
    wall,
    cpu,
    runs,
    steadyPerRun: (last - first) / Math.max(1, runs - firstDone),
    firstResultMs: first,
  };
}

// ---- what two threads give on this machine, without the sweep --------------------------------
/**
 * The peer for the speedup target: bare worker threads (bench/scaling-worker.mjs), each running
 * the same number of runs of a kernel, 1 thread and then W at once. Same work per thread, so
 * the scaling is W × (time for 1) / (time for W). `steps` is the arithmetic of a run alone,
 * `run` a whole run as a sweep does it.
 */
const workerUrl = pathToFileURL(worker.file).href;
/**
 * Starts one bare thread (bench/scaling-worker.mjs) per options, waits until every one is loaded
 * and warm, says "go" to all, and returns the milliseconds until the last has answered.
 */
async function timeBareThreads(options: WorkerOptions[]): Promise<number> {
  const ws = options.map((o) => new Worker(new URL('./scaling-worker.mjs', import.meta.url), o));
  const next = () => Promise.all(ws.map((w) => new Promise((r) => w.once('message', r))));
  await next(); // all loaded and warm
  const t0 = performance.now();
  const done = next();
  for (const w of ws) w.postMessage('go');
  await done;
  const ms = performance.now() - t0;
  await Promise.all(ws.map((w) => w.terminate()));
  return ms;
}
/** The weight runs of the big sweep, spread (the bare threads' `run` kernel). */
const runSetup = (() => {
  const { setup, runs } = bigSetup('weights');
  return { setup, runs: spread(runs, quick ? 1000 : 3000) };
})();
async function threadScaling(kernel: 'steps' | 'run', reps: number): Promise<number> {
  const timeWith = (n: number) =>
    timeBareThreads(
      Array.from({ length: n }, () => ({
        workerData: { kernel, reps, scenario: SCENARIO, file: workerUrl, ...runSetup },
        execArgv: kernel === 'run' ? workerExecArgv(worker.bundled) : process.execArgv,
      })),
    );
  const ratios: number[] = [];
  for (let r = 0; r < (quick ? 1 : 3); r++)
    ratios.push((W * (await timeWith(1))) / (await timeWith(W)));
  return ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
}
const scaling = {
  steps: await threadScaling('steps', quick ? 1000 : 3000),
  run: await threadScaling('run', quick ? 1000 : 3000),
};
figures.threadScaling = scaling;
console.log(
  `| bare threads, same work each (median of ${quick ? 1 : 3}) | ${W} threads against 1 |`,
);
console.log('| --- | ---: |');
console.log(`| the 300 exact steps of a run alone | ${fmt(scaling.steps, 2)}× |`);
console.log(
  `| whole runs (world, steps, recorded points, final metrics) | ${fmt(scaling.run, 2)}× |\n`,
);

// ---- 2. 441-run grids, 1 and W workers ----------------------------------------------------------
// Cold: the sweep starts its own pool (the CLI: threads load their code while the main thread
// plans). Warm: the pool is started, and has run the same grid twice, before the clock starts
// (a notebook or script that keeps one pool for its sweeps; createSweepPool). The target is about the sweep's
// parallel efficiency, so it is judged warm; the cold figure shows what start-up adds.
const reps = quick ? 1 : 3;
const best = async (kind: Kind, axes: Axis[], workers: number, warm: boolean) => {
  const all = [];
  const pool = warm ? createSweepPool(workers, { compiler: kind === 'compiled' }) : undefined;
  try {
    if (pool) {
      await pool.ready();
      // The threads' code loaded and warm: V8 keeps re-optimizing the compiler's code over the
      // first several hundred compiled runs of a thread (a kept pool's first sweeps ran 480 –
      // 970 ms, the later ones 470 – 510), so the pool first runs the same grid twice.
      for (let i = 0; i < 2; i++) await timedSweep(axes, workers, pool);
    }
    for (let r = 0; r < reps; r++) all.push(await timedSweep(axes, workers, pool));
  } finally {
    await pool?.destroy();
  }
  return all.sort((a, b) => a.wall - b.wall)[0];
};
figures.grid441 = {};
for (const k of Object.keys(KINDS) as Kind[]) {
  const fig: Record<string, unknown> = {};
  (figures.grid441 as Record<string, unknown>)[k] = fig;
  console.log(`| 441-run grid: ${KINDS[k].label} | 1 worker | ${W} workers | speedup |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const warm of [true, false]) {
    const g1 = await best(k, KINDS[k].axes(21), 1, warm);
    const gW = await best(k, KINDS[k].axes(21), W, warm);
    fig[warm ? 'warm' : 'cold'] = {
      wallMs: { 1: g1.wall, [W]: gW.wall },
      speedup: g1.wall / gW.wall,
      steadyPerRunMs: { 1: g1.steadyPerRun, [W]: gW.steadyPerRun },
      steadySpeedup: g1.steadyPerRun / gW.steadyPerRun,
      firstResultMs: { 1: g1.firstResultMs, [W]: gW.firstResultMs },
    };
    const how = warm ? 'pool kept (warm)' : 'pool started by the sweep (CLI)';
    console.log(
      `| ${how}: wall time, call to results files | ${fmt(g1.wall, 0)} ms | ${fmt(gW.wall, 0)} ms | ${fmt(g1.wall / gW.wall, 2)}× |`,
    );
    console.log(
      `| ${how}: steady state (first result → last) | ${fmt(g1.steadyPerRun, 3)} ms/run | ${fmt(gW.steadyPerRun, 3)} ms/run | ${fmt(g1.steadyPerRun / gW.steadyPerRun, 2)}× |`,
    );
    console.log(
      `| ${how}: first result after | ${fmt(g1.firstResultMs, 0)} ms | ${fmt(gW.firstResultMs, 0)} ms | |`,
    );
  }
  console.log();
}

// ---- 3. big sweeps against N × the single-run time ----------------------------------------------
/**
 * The peer of a big sweep: the same runs on W bare threads (bench/scaling-worker.mjs, warm, no
 * pool, no journal, no files), thread j running runs j, j + W, …; wall ms from "go" to the last
 * thread's answer. The sweep's time over this one is what the sweep machinery costs (start-up,
 * planning, messages, journal, results files), apart from what W threads give on this machine.
 */
async function bareBig(kind: Kind): Promise<number> {
  const { setup, runs: total } = bigSetup(kind);
  return timeBareThreads(
    Array.from({ length: W }, (_, j) => {
      const runs = Array.from({ length: Math.ceil((total - j) / W) }, (_, i) => j + i * W);
      return {
        workerData: {
          kernel: 'run',
          reps: runs.length,
          warmups: 300,
          file: workerUrl,
          setup,
          runs,
        },
        execArgv: workerExecArgv(worker.bundled),
      };
    }),
  );
}
const side = quick ? 32 : 100; // 1,024 or 10,000 runs
figures.bigSweep = {};
for (const k of Object.keys(KINDS) as Kind[]) {
  const bare = await bareBig(k);
  const big = await timedSweep(KINDS[k].axes(side), W);
  const machinery = ((big.wall - bare) * W) / big.runs;
  const product = big.runs * single[k];
  const overheadPerRun = (W * big.wall) / big.runs - single[k];
  // CPU time counts every thread's work and not the waiting: the overhead in it does not depend
  // on what else the machine is doing (start-up included: loading the workers' modules).
  const cpuOverheadPerRun = big.cpu / big.runs - singleCpu[k];
  (figures.bigSweep as Record<string, unknown>)[k] = {
    runs: big.runs,
    workers: W,
    wallMs: big.wall,
    productMs: product,
    ratio: big.wall / product,
    overheadPerRunMs: overheadPerRun,
    overheadShare: overheadPerRun / single[k],
    cpuMs: big.cpu,
    cpuOverheadPerRunMs: cpuOverheadPerRun,
    cpuOverheadShare: cpuOverheadPerRun / singleCpu[k],
    bareThreadsMs: bare,
    overBareThreads: big.wall / bare,
    machineryPerRunMs: machinery,
    machineryShare: machinery / single[k],
  };
  console.log(
    `| ${big.runs.toLocaleString('en-US')}-run sweep on ${W} workers: ${KINDS[k].label} | |`,
  );
  console.log('| --- | ---: |');
  console.log(`| wall time | ${fmt(big.wall / 1000, 1)} s |`);
  console.log(
    `| ${big.runs.toLocaleString('en-US')} × single-run time | ${fmt(product / 1000, 1)} s |`,
  );
  console.log(`| ratio (target ≤ 0.55 on 2 workers) | ${fmt(big.wall / product, 3)} |`);
  console.log(
    `| the peer: the same runs on ${W} bare threads (warm, no pool, journal or files) | ${fmt(bare / 1000, 1)} s (${fmt((big.runs * single[k]) / bare, 2)}× one thread) |`,
  );
  console.log(
    `| sweep against the peer: the sweep machinery (start-up, planning, messages, journal, files) | ${fmt(big.wall / bare, 3)}: ${fmt(machinery, 3)} ms per run (${fmt((100 * machinery) / single[k], 1)}% of a run) |`,
  );
  console.log(
    `| per-run overhead: ${W} · wall / N − single run | ${fmt(overheadPerRun, 3)} ms (${fmt((100 * overheadPerRun) / single[k], 1)}% of a run) |`,
  );
  console.log(
    `| per-run overhead in CPU time: CPU / N − single run's CPU | ${fmt(cpuOverheadPerRun, 3)} ms (${fmt((100 * cpuOverheadPerRun) / singleCpu[k], 1)}% of a run) |\n`,
  );
}
figures.loadAfter = loadavg()[0];
console.log(
  `Load average (1 min) before / after: ${fmt(figures.loadBefore as number, 2)} / ${fmt(figures.loadAfter as number, 2)}`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(figures, null, 2) + '\n');
