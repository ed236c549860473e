/**
 * Sweep benchmarks (`npx tsx bench/sweep.ts`; the lead calls it from `npm run bench`): prints
 * figures, not a test. On the default scenario (scenarios/april-2025-update.yaml):
 *
 *   1. The single-run time: one run as a sweep does it (apply the overrides, build the world,
 *      train, final metrics), warm: the sweep worker's own code (the plain-JS bundle of
 *      src/node/worker-bundle.ts) in one worker thread, one task of many runs, the mean over
 *      long batches so that garbage collection counts (bench/single-worker.mjs); for two kinds
 *      of grid: mix weights (patched into the compiled world) and a declared param (the scenario
 *      compiled each run). Then bare worker threads running the same runs, 1 and 2 in turns:
 *      what two threads give on this machine at all.
 *   2. 441-run grids (21 × 21) of both kinds with 1 and 2 worker threads, in turns, many times:
 *      wall time from the call to the results files (pool start, planning, journal, files
 *      included) and the speedup; also the runs' phase alone.
 *   3. 10,000-run sweeps of both kinds on 2 workers against 10,000 × the single-run time taken
 *      just before and after: the ratio (target ≤ 0.55 on 2 workers), the same runs on bare
 *      threads (the peer), and the per-run overhead (2 · wall / N − single run); each sweep
 *      once with its own pool (as the CLI: threads started cold) and once on a pool kept warm.
 *
 * The machine's cores do not run at a steady speed (docs/performance.md), so what is compared
 * is measured in turns and reported as median and range.
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
import { createSweepPool, planSweep, runSweep, type SweepPool } from '../src/node/sweep.ts';
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

// ---- statistics over repetitions --------------------------------------------------------------
// This machine's cores do not run at a steady speed: the same runs in the same thread take up to
// 1.6× longer for seconds at a time (docs/performance.md, "Noise"). So every comparison here is
// made from measurements taken in turns, many times, and reported as the median with its range.
const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const range = (xs: number[], d: number, unit = '') =>
  `${fmt(Math.min(...xs), d)}${unit} – ${fmt(Math.max(...xs), d)}${unit}`;
/** "median (min – max)" */
const mr = (xs: number[], d: number, unit = '') =>
  `${fmt(median(xs), d)}${unit} (${range(xs, d, unit)})`;

// ---- 1. single-run time -----------------------------------------------------------------------
/** CPU time (user + system, all threads of the process) in ms since `from`. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
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

/** Runs in a batch of the single-run baseline: long enough that garbage collection counts. */
const BATCH = { weights: quick ? 500 : 2000, compiled: quick ? 50 : 500 };
/** Warm-up runs: the compiled path's code keeps being re-optimized for several hundred runs. */
const WARMUP = { weights: 1000, compiled: 600 };

/**
 * One run's time where a sweep runs it: the sweep worker's own code (bench/single-worker.mjs),
 * one task of many runs in one worker thread (no pool, no journal, no files), runs spread over
 * the big sweep's plan. The thread is kept and warm; `batch()` times the next BATCH runs and
 * gives ms per run and CPU ms per run (the process's CPU while this thread only waits: it counts
 * the collector's helper threads).
 */
async function singleRunner(kind: Kind) {
  const { setup, runs: total } = bigSetup(kind);
  const runs = spread(total, WARMUP[kind] + 40 * BATCH[kind]);
  const w = new Worker(new URL('./single-worker.mjs', import.meta.url), {
    workerData: { file: pathToFileURL(worker.file).href, setup, runs, warmups: WARMUP[kind] },
    execArgv: workerExecArgv(worker.bundled),
  });
  const answer = () =>
    new Promise<unknown>((r, j) => {
      w.once('message', r);
      w.once('error', j);
    });
  await answer(); // loaded and warm
  const all: { ms: number; cpu: number }[] = [];
  return {
    all,
    async batch() {
      const c0 = process.cpuUsage();
      const done = answer();
      w.postMessage(BATCH[kind]);
      const x = { ms: ((await done) as number) / BATCH[kind], cpu: cpuMs(c0) / BATCH[kind] };
      all.push(x);
      return x;
    },
    stop: () => w.terminate(),
  };
}
const singles = {
  weights: await singleRunner('weights'),
  compiled: await singleRunner('compiled'),
};
for (const k of Object.keys(KINDS) as Kind[]) for (let i = 0; i < 3; i++) await singles[k].batch();
console.log(
  `## Sweeps (scenario: april-2025-update, ${availableParallelism()} CPUs, ${process.version})\n`,
);
console.log(
  `Worker code: ${worker.bundled ? 'the plain-JS bundle' : 'the TypeScript sources through tsx'} (${worker.reason}).\n`,
);

// ---- a sweep, timed --------------------------------------------------------------------------
/** One sweep, timed from the call to the results files. With `pool` the threads are already
 * running (a session that keeps a pool); without, the sweep starts its own, as the CLI does. */
async function timedSweep(axes: Axis[], workers: number, pool?: SweepPool) {
  const dir = mkdtempSync(join(tmpdir(), 'rewardmix-bench-'));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await runSweep(
    { scenario: SCENARIO, axes, sample: 'grid', seeds: 1, workers, out: join(dir, 'sweep') },
    pool,
  );
  const wall = performance.now() - t0;
  const cpu = cpuMs(c0);
  rmSync(dir, { recursive: true, force: true });
  return {
    wall,
    cpu,
    runs: out.meta.plan.runs,
    phases: out.phasesMs,
    inThreads: inThreads(out.work, out.phasesMs, wall, workers),
  };
}

/**
 * The sweep's own cost per run measured in its threads: against the time the threads spent in
 * the runs themselves (on the same cores, at the same time, so whatever their speed), the time
 * they spent sharing (taking chunks, journal and result lines), this thread's busy time during
 * the runs, the planning and writing (× workers: the other threads wait), and what is left of
 * workers × wall (starting, the last chunks, a thread waiting for a core). The total is
 * workers · wall / N − the in-sweep run time, as a share of that run time: the issue's per-run
 * overhead with the run time measured inside the sweep.
 */
function inThreads(
  work: { runs: number; runMs: number; sharingMs: number; mainMs: number },
  phases: { plan: number; run: number; write: number },
  wall: number,
  workers: number,
) {
  const r = work.runMs;
  const serial = workers * (phases.plan + phases.write);
  const idle = workers * phases.run - work.runMs - work.sharingMs - work.mainMs;
  return {
    runMsPerRun: work.runMs / work.runs,
    sharing: work.sharingMs / r,
    main: work.mainMs / r,
    serial: serial / r,
    idle: idle / r,
    total: (workers * wall - work.runMs) / r,
  };
}

type Timed = Awaited<ReturnType<typeof timedSweep>>;

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
/** 1 thread and W threads in turns, `reps` times: the ratios W × t(1) / t(W). */
async function threadScaling(kernel: 'steps' | 'run', reps: number): Promise<number[]> {
  const timeWith = (n: number) =>
    timeBareThreads(
      Array.from({ length: n }, () => ({
        workerData: { kernel, reps, scenario: SCENARIO, file: workerUrl, ...runSetup },
        execArgv: kernel === 'run' ? workerExecArgv(worker.bundled) : process.execArgv,
      })),
    );
  const ratios: number[] = [];
  for (let r = 0; r < (quick ? 1 : 5); r++) {
    const one = await timeWith(1);
    ratios.push((W * one) / (await timeWith(W)));
  }
  return ratios;
}
const scaling = {
  steps: await threadScaling('steps', quick ? 1000 : 3000),
  run: await threadScaling('run', quick ? 1000 : 3000),
};
figures.threadScaling = scaling;

// ---- 2. 441-run grids, 1 and W workers ----------------------------------------------------------
// Warm: two pools kept (a notebook or script that keeps one for its sweeps; createSweepPool),
// each warmed up with the same number of runs per thread (V8 keeps re-optimizing the runs' code
// for a few thousand runs), then sweeps on 1 and on W workers in turns, the order swapped every
// pair. Cold: the sweep starts its own pool, as the CLI does, in turns as well. The target is
// about the sweep's parallel efficiency, so it is judged warm; the cold figure shows what
// start-up adds.
const PAIRS = quick ? 3 : 25;
const COLD_PAIRS = quick ? 2 : 5;
async function gridPairs(kind: Kind, warm: boolean) {
  const axes = KINDS[kind].axes(21);
  const pools = warm
    ? [
        createSweepPool(1, { compiler: kind === 'compiled' }),
        createSweepPool(W, { compiler: kind === 'compiled' }),
      ]
    : null;
  const t: { 1: Timed[]; W: Timed[] } = { 1: [], W: [] };
  try {
    if (pools) {
      await Promise.all(pools.map((p) => p.ready()));
      // 441 × 4 runs per thread of warm-up on both pools.
      for (let i = 0; i < 4; i++) await timedSweep(axes, 1, pools[0]);
      for (let i = 0; i < 4 * W; i++) await timedSweep(axes, W, pools[1]);
    }
    for (let i = 0; i < (warm ? PAIRS : COLD_PAIRS); i++) {
      for (const w of i % 2 ? [W, 1] : [1, W]) {
        const r = await timedSweep(axes, w, pools ? pools[w === 1 ? 0 : 1] : undefined);
        (w === 1 ? t[1] : t.W).push(r);
      }
    }
  } finally {
    if (pools) await Promise.all(pools.map((p) => p.destroy()));
  }
  const ratios = t[1].map((x, i) => x.wall / t.W[i].wall);
  const runRatios = t[1].map((x, i) => x.phases.run / t.W[i].phases.run);
  return { t, ratios, runRatios };
}

// ---- 3. big sweeps against N × the single-run time ----------------------------------------------
/**
 * The peer of a big sweep: the same runs on W bare threads (bench/scaling-worker.mjs, warm, no
 * pool, no journal, no files), thread j running runs j, j + W, …; wall ms from "go" to the last
 * thread's answer. The sweep's time over this one is what the sweep machinery costs (start-up,
 * planning, journal, results files), apart from what W threads give on this machine.
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
/**
 * Rounds of: a batch of single runs, the big sweep (its own pool, as the CLI), its peer, the big
 * sweep again on a pool kept warm, another batch; each round's ratio is a sweep's wall time over
 * N × the mean single-run time of the two batches around it, so both come from the same minutes.
 */
const ROUNDS = quick ? 1 : 3;
/** A round's figures for one big sweep against the single-run batches around it. */
function bigFigures(big: Timed, single: number, singleCpu: number, bare: number) {
  return {
    runs: big.runs,
    wallMs: big.wall,
    singleRunMs: single,
    ratio: big.wall / (big.runs * single),
    bareThreadsMs: bare,
    bareRatio: bare / (big.runs * single),
    overBare: big.wall / bare,
    machineryShare: ((big.wall - bare) * W) / big.runs / single,
    overheadShare: ((W * big.wall) / big.runs - single) / single,
    cpuOverheadShare: (big.cpu / big.runs - singleCpu) / singleCpu,
    phases: big.phases,
    inThreads: big.inThreads,
    inThreadsRatio: big.wall / (big.runs * big.inThreads.runMsPerRun),
  };
}
async function bigRounds(kind: Kind) {
  const side = quick ? 32 : 100; // 1,024 or 10,000 runs
  const axes = KINDS[kind].axes(side);
  // The same sweep on a pool kept warm (a session that keeps one): what the sweep machinery
  // costs without the threads' start and their code's warm-up. Warmed with one whole sweep.
  const pool = createSweepPool(W, { compiler: kind === 'compiled' });
  await pool.ready();
  await timedSweep(axes, W, pool);
  const rounds = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const before = await singles[kind].batch();
      const big = await timedSweep(axes, W);
      const bare = await bareBig(kind);
      const kept = await timedSweep(axes, W, pool);
      const after = await singles[kind].batch();
      const single = (before.ms + after.ms) / 2;
      const singleCpu = (before.cpu + after.cpu) / 2;
      rounds.push({
        ...bigFigures(big, single, singleCpu, bare),
        kept: bigFigures(kept, single, singleCpu, bare),
      });
    }
  } finally {
    await pool.destroy();
  }
  return rounds;
}

// ---- run it all -------------------------------------------------------------------------------
const grids = {} as Record<
  Kind,
  { warm: Awaited<ReturnType<typeof gridPairs>>; cold: Awaited<ReturnType<typeof gridPairs>> }
>;
for (const k of Object.keys(KINDS) as Kind[])
  grids[k] = { warm: await gridPairs(k, true), cold: await gridPairs(k, false) };
const bigs = {} as Record<Kind, Awaited<ReturnType<typeof bigRounds>>>;
for (const k of Object.keys(KINDS) as Kind[]) bigs[k] = await bigRounds(k);
await Promise.all(Object.values(singles).map((s) => s.stop()));

// ---- print ------------------------------------------------------------------------------------
const single = {
  weights: singles.weights.all.map((x) => x.ms),
  compiled: singles.compiled.all.map((x) => x.ms),
};
figures.singleRunMs = single;
console.log(
  `Single run (overrides → world → 300 exact steps → final metrics), warm, the sweep worker’s code in one worker thread, one task of many runs (no pool, no journal, no files), runs spread over the big sweep’s plan; batches of ${BATCH.weights.toLocaleString('en-US')} (weights) or ${BATCH.compiled} (compiled) runs taken between the other measurements; median (range) of the batches:\n`,
);
console.log('| run | wall time | CPU time |\n| --- | ---: | ---: |');
for (const k of Object.keys(KINDS) as Kind[])
  console.log(
    `| ${KINDS[k].label} | ${mr(single[k], 3, ' ms')} | ${mr(
      singles[k].all.map((x) => x.cpu),
      3,
      ' ms',
    )} |`,
  );
console.log();
console.log(
  `| bare threads, same work each (1 and ${W} in turns, ${quick ? 1 : 5} times) | ${W} threads against 1: median (range) |`,
);
console.log('| --- | ---: |');
console.log(`| the 300 exact steps of a run alone | ${mr(scaling.steps, 2, '×')} |`);
console.log(
  `| whole runs (world, steps, recorded points, final metrics) | ${mr(scaling.run, 2, '×')} |\n`,
);

figures.grid441 = {};
for (const k of Object.keys(KINDS) as Kind[]) {
  const fig: Record<string, unknown> = {};
  (figures.grid441 as Record<string, unknown>)[k] = fig;
  console.log(
    `| 441-run grid: ${KINDS[k].label}; median (range) | 1 worker | ${W} workers | speedup |`,
  );
  console.log('| --- | ---: | ---: | ---: |');
  for (const how of ['warm', 'cold'] as const) {
    const g = grids[k][how];
    const walls = (w: typeof g.t.W) => w.map((x) => x.wall);
    const ph = (w: typeof g.t.W, p: 'plan' | 'run' | 'write') => w.map((x) => x.phases[p]);
    fig[how] = {
      pairs: g.ratios.length,
      wallMs: { 1: walls(g.t[1]), [W]: walls(g.t.W) },
      speedup: g.ratios,
      runPhaseMs: { 1: ph(g.t[1], 'run'), [W]: ph(g.t.W, 'run') },
      runPhaseSpeedup: g.runRatios,
      planMs: { 1: ph(g.t[1], 'plan'), [W]: ph(g.t.W, 'plan') },
      writeMs: { 1: ph(g.t[1], 'write'), [W]: ph(g.t.W, 'write') },
      inThreads: { 1: g.t[1].map((x) => x.inThreads), [W]: g.t.W.map((x) => x.inThreads) },
    };
    const label =
      how === 'warm'
        ? `pool kept (warm), ${g.ratios.length} pairs`
        : `pool started by the sweep (CLI), ${g.ratios.length} pairs`;
    console.log(
      `| ${label}: wall time, call to results files | ${mr(walls(g.t[1]), 0, ' ms')} | ${mr(walls(g.t.W), 0, ' ms')} | ${mr(g.ratios, 2, '×')} |`,
    );
    console.log(
      `| ${label}: the runs (first handed out → last done) | ${mr(ph(g.t[1], 'run'), 0, ' ms')} | ${mr(ph(g.t.W, 'run'), 0, ' ms')} | ${mr(g.runRatios, 2, '×')} |`,
    );
    console.log(
      `| ${label}: the sweep's cost per run in its threads (workers · wall / N − the in-sweep run time) | ${mr(
        g.t[1].map((x) => 100 * x.inThreads.total),
        1,
        '%',
      )} | ${mr(
        g.t.W.map((x) => 100 * x.inThreads.total),
        1,
        '%',
      )} | |`,
    );
    console.log(
      `| ${label}: planning + writing the files | ${mr(
        g.t[1].map((x) => x.phases.plan + x.phases.write),
        1,
        ' ms',
      )} | ${mr(
        g.t.W.map((x) => x.phases.plan + x.phases.write),
        1,
        ' ms',
      )} | |`,
    );
  }
  console.log();
}

figures.bigSweep = bigs;
type Big = ReturnType<typeof bigFigures>;
/** One table of big-sweep rounds; `peer`: with the peer's rows (the own-pool sweep's table). */
function printBig(title: string, rs: Big[], peer: boolean) {
  const n = rs[0].runs;
  const col = (f: (r: Big) => number, d: number, unit = '') =>
    rs.map((r) => fmt(f(r), d) + unit).join(' | ');
  console.log(`| ${title} | ${rs.map((_, i) => `round ${i + 1}`).join(' | ')} |`);
  console.log(`| --- | ${rs.map(() => '---:').join(' | ')} |`);
  console.log(`| wall time | ${col((r) => r.wallMs / 1000, 2, ' s')} |`);
  console.log(`| single run (batches before and after) | ${col((r) => r.singleRunMs, 3, ' ms')} |`);
  console.log(
    `| ${n.toLocaleString('en-US')} × single-run time | ${col((r) => (r.runs * r.singleRunMs) / 1000, 2, ' s')} |`,
  );
  console.log(`| **ratio** (target ≤ 0.55 on 2 workers) | ${col((r) => r.ratio, 3)} |`);
  if (peer) {
    console.log(
      `| the peer: the same runs on ${W} bare threads (warm; no pool, journal or files) | ${col((r) => r.bareThreadsMs / 1000, 2, ' s')} |`,
    );
    console.log(
      `| the peer's ratio: what ${W} threads give here | ${col((r) => r.bareRatio, 3)} |`,
    );
    console.log(
      `| sweep over the peer: the sweep machinery (start-up, planning, journal, files), per run | ${col((r) => 100 * r.machineryShare, 1, '%')} |`,
    );
  }
  console.log(
    `| per-run overhead: ${W} · wall / N − single run | ${col((r) => 100 * r.overheadShare, 1, '%')} |`,
  );
  console.log(
    `| per-run overhead in CPU time: CPU / N − single run's CPU | ${col((r) => 100 * r.cpuOverheadShare, 1, '%')} |`,
  );
  console.log(
    `| the sweep's phases: planning / runs / files | ${rs.map((r) => `${fmt(r.phases.plan, 0)} / ${fmt(r.phases.run, 0)} / ${fmt(r.phases.write, 0)} ms`).join(' | ')} |`,
  );
  console.log(
    `| **in the threads**: a run's time inside the sweep | ${col((r) => r.inThreads.runMsPerRun, 3, ' ms')} |`,
  );
  console.log(
    `| **ratio against ${n.toLocaleString('en-US')} × that run time** (≤ 0.55 ⇔ the sweep's cost < 10% of a run) | ${col((r) => r.inThreadsRatio, 3)} |`,
  );
  console.log(
    `| the sweep's cost per run, in the threads: total | ${col((r) => 100 * r.inThreads.total, 1, '%')} |`,
  );
  console.log(
    `| … sharing (chunks, journal and result lines) / main thread / planning + files × ${W} / the rest (start, last chunks, waiting for a core) | ${rs.map((r) => `${fmt(100 * r.inThreads.sharing, 1)} / ${fmt(100 * r.inThreads.main, 1)} / ${fmt(100 * r.inThreads.serial, 1)} / ${fmt(100 * r.inThreads.idle, 1)}%`).join(' | ')} |\n`,
  );
}
for (const k of Object.keys(KINDS) as Kind[]) {
  const rs = bigs[k];
  const n = rs[0].runs.toLocaleString('en-US');
  printBig(`${n}-run sweep on ${W} workers (own pool, as the CLI): ${KINDS[k].label}`, rs, true);
  printBig(
    `the same ${n}-run sweep on ${W} workers, pool kept (warm)`,
    rs.map((r) => r.kept),
    false,
  );
}
figures.loadAfter = loadavg()[0];
console.log(
  `Load average (1 min) before / after: ${fmt(figures.loadBefore as number, 2)} / ${fmt(figures.loadAfter as number, 2)}`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(figures, null, 2) + '\n');
