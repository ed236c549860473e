/**
 * Sweep benchmarks (`npx tsx bench/sweep.ts`; the lead calls it from `npm run bench`): prints
 * figures, not a test. On the default scenario (scenarios/april-2025-update.yaml):
 *
 *   1. The single-run time: one run as a sweep does it (apply the overrides, validate, compile,
 *      train, final metrics), in this thread, warm, averaged over many runs.
 *   2. A 441-run grid (thumbs × spec weights, 21 × 21) with 1 and 2 worker threads: wall time
 *      from the call to the results files (pool start, planning, journal, files included) and
 *      the speedup; also the steady-state speedup, from the first finished run to the last.
 *   3. A 10,000-run sweep on 2 workers against 10,000 × the single-run time: the ratio (target
 *      ≤ 0.55 on 2 workers) and the per-run overhead (2 · wall / N − single-run time).
 *
 * Options: --quick (1,000 runs instead of 10,000 and fewer repetitions), --json <file> (also
 * write the figures), --workers N (the second configuration; default 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Axis } from '../src/engine/analysis/plan.ts';
import { runSweep, type SweepProgress } from '../src/node/sweep.ts';
import { createRunner, loadSource } from '../src/node/what-if.ts';

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

const grid = (n: number): Axis[] => [
  { path: 'mix.weights.thumbs', from: 0, to: 4, levels: n },
  { path: 'mix.weights.spec', from: 0.5, to: 4, levels: n },
];

// ---- 1. single-run time -----------------------------------------------------------------------
const src = loadSource(SCENARIO);
const runOne = createRunner(src);
const sample = (i: number) => [
  `mix.weights.thumbs=${(i % 21) * 0.2}`,
  `mix.weights.spec=${0.5 + (Math.floor(i / 21) % 21) * 0.175}`,
];
for (let i = 0; i < 20; i++) runOne(sample(i), 1); // warm-up
const singles: number[] = [];
for (let rep = 0; rep < (quick ? 2 : 4); rep++) {
  const N = quick ? 40 : 100;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) runOne(sample(rep * N + i), 1);
  singles.push((performance.now() - t0) / N);
}
singles.sort((a, b) => a - b);
const single = singles[Math.floor(singles.length / 2)];
figures.singleRunMs = { median: single, best: singles[0] };
console.log(
  `## Sweeps (scenario: april-2025-update, ${availableParallelism()} CPUs, ${process.version})\n`,
);
console.log(
  `Single run (overrides → compile → 300 exact steps → final metrics), warm, in-process: ${fmt(single, 2)} ms (median of ${singles.length} batches; best ${fmt(singles[0], 2)} ms)\n`,
);

// ---- a sweep, timed --------------------------------------------------------------------------
async function timedSweep(axes: Axis[], workers: number) {
  const dir = mkdtempSync(join(tmpdir(), 'rewardmix-bench-'));
  let first = NaN;
  let last = NaN;
  let firstDone = 0;
  const t0 = performance.now();
  const out = await runSweep({
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
  });
  const wall = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  const runs = out.meta.plan.runs;
  return {
    wall,
    runs,
    steadyPerRun: (last - first) / Math.max(1, runs - firstDone),
    firstResultMs: first,
  };
}

// ---- 2. 441-run grid, 1 and W workers -----------------------------------------------------------
const reps = quick ? 1 : 2;
const best = async (workers: number) => {
  const all = [];
  for (let r = 0; r < reps; r++) all.push(await timedSweep(grid(21), workers));
  return all.sort((a, b) => a.wall - b.wall)[0];
};
const g1 = await best(1);
const gW = await best(W);
figures.grid441 = {
  wallMs: { 1: g1.wall, [W]: gW.wall },
  speedup: g1.wall / gW.wall,
  steadySpeedup: g1.steadyPerRun / gW.steadyPerRun,
  firstResultMs: { 1: g1.firstResultMs, [W]: gW.firstResultMs },
};
console.log('| 441-run grid (21 × 21) | 1 worker | ' + W + ' workers | speedup |');
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| wall time, start to results files | ${fmt(g1.wall / 1000, 2)} s | ${fmt(gW.wall / 1000, 2)} s | ${fmt(g1.wall / gW.wall, 2)}× |`,
);
console.log(
  `| steady state (first run done → last) | ${fmt(g1.steadyPerRun, 2)} ms/run | ${fmt(gW.steadyPerRun, 2)} ms/run | ${fmt(g1.steadyPerRun / gW.steadyPerRun, 2)}× |`,
);
console.log(
  `| first result after | ${fmt(g1.firstResultMs / 1000, 2)} s | ${fmt(gW.firstResultMs / 1000, 2)} s | |\n`,
);

// ---- 3. the big sweep against N × the single-run time -------------------------------------------
const side = quick ? 32 : 100; // 1,024 or 10,000 runs
const big = await timedSweep(grid(side), W);
const product = big.runs * single;
const overheadPerRun = (W * big.wall) / big.runs - single;
figures.bigSweep = {
  runs: big.runs,
  workers: W,
  wallMs: big.wall,
  productMs: product,
  ratio: big.wall / product,
  overheadPerRunMs: overheadPerRun,
  overheadShare: overheadPerRun / single,
};
console.log(`| ${big.runs.toLocaleString('en-US')}-run sweep on ${W} workers | |`);
console.log('| --- | ---: |');
console.log(`| wall time | ${fmt(big.wall / 1000, 1)} s |`);
console.log(
  `| ${big.runs.toLocaleString('en-US')} × single-run time | ${fmt(product / 1000, 1)} s |`,
);
console.log(`| ratio (target ≤ 0.55 on 2 workers) | ${fmt(big.wall / product, 3)} |`);
console.log(
  `| per-run overhead: ${W} · wall / N − single run | ${fmt(overheadPerRun, 2)} ms (${fmt((100 * overheadPerRun) / single, 1)}% of a run) |\n`,
);
figures.loadAfter = loadavg()[0];
console.log(
  `Load average (1 min) before / after: ${fmt(figures.loadBefore as number, 2)} / ${fmt(figures.loadAfter as number, 2)}`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(figures, null, 2) + '\n');
