/**
 * A fresh sweep worker's warm-up (`npx tsx bench/jit.ts`; `npm run bench` runs it): how much
 * optimizing V8 does before a worker's runs reach their warm speed. Prints figures, not a test.
 *
 * A sweep's workers start cold: their first several hundred runs go through V8's interpreter and
 * baseline code while its optimizing compiler (TurboFan) compiles the hot functions on helper
 * threads. On a machine with as many cores as workers, those helper threads take their time from
 * the runs (docs/performance.md, "Warm-up"). This script starts one sweep worker (the worker's
 * own code, bench/single-worker.mjs) in a child process run with V8's `--trace-opt
 * --trace-deopt`, has it run the first runs of a 10,000-run sweep of each kind, and counts from
 * V8's trace: the optimizing compile jobs, the time they took (V8's own figure per job, summed),
 * the deoptimizations, and the functions compiled more than once. It repeats each kind and
 * prints the median and range (compile times move with the machine's speed; the counts do not).
 * Then, without the trace, the warm-up itself: the weight runs' time by batches of 250 for one
 * fresh worker alone and for two started at once (each then has a core, and their optimizing
 * compiles have none to spare).
 *
 * Options: --reps N (default 3), --json <file> (also write the figures).
 */
import { spawnSync } from 'node:child_process';
import { writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCENARIO = join(root, 'scenarios/april-2025-update.yaml');
/** The runs a worker does: past the point where its code stops being re-optimized. */
const RUNS = { weights: 2500, compiled: 800 };
type Kind = keyof typeof RUNS;
const AXES = {
  weights: [
    { path: 'mix.weights.thumbs', from: 0, to: 4, levels: 100 },
    { path: 'mix.weights.spec', from: 0.5, to: 4, levels: 100 },
  ],
  compiled: [
    { path: 'mix.weights.thumbs', from: 0, to: 4, levels: 100 },
    { path: 'params.approvalBias', from: 0, to: 3, levels: 100 },
  ],
};
const MARK = '@@rewardmix-jit worker start';

/** The warm-up curve: runs per batch and batches. */
const CURVE = { batch: 250, batches: 12 };

if (process.env.REWARDMIX_JIT_CURVE) {
  // ---- the child for the curve: K fresh workers at once, their weight runs timed by batch ----
  const K = Number(process.env.REWARDMIX_JIT_CURVE);
  const { planSweep } = await import('../src/node/sweep.ts');
  const { sweepWorkerFile, workerExecArgv } = await import('../src/node/worker-bundle.ts');
  const { meta, plan, src } = planSweep({
    scenario: SCENARIO,
    axes: AXES.weights,
    sample: 'grid',
    seeds: 1,
    workers: K,
    out: '',
  });
  const worker = sweepWorkerFile();
  const setup = { base: src.base, raw: src.raw, source: src.source, plan, metrics: meta.metrics };
  const ws = Array.from({ length: K }, (_, j) => {
    // worker j takes runs j, j + K, … as a K-worker sweep's threads share them
    const runs = Array.from({ length: CURVE.batch * CURVE.batches }, (_, i) => j + K * i);
    return new Worker(new URL('./single-worker.mjs', import.meta.url), {
      workerData: { file: pathToFileURL(worker.file).href, setup, runs, warmups: 0 },
      execArgv: workerExecArgv(worker.bundled),
    });
  });
  const answers = () =>
    Promise.all(
      ws.map(
        (w) =>
          new Promise<number>((ok, fail) => {
            w.once('message', ok);
            w.once('error', fail);
          }),
      ),
    );
  await answers(); // loaded, with the setup
  const perRun: number[][] = ws.map(() => []);
  for (let b = 0; b < CURVE.batches; b++) {
    const next = answers();
    for (const w of ws) w.postMessage(CURVE.batch);
    (await next).forEach((ms, j) => perRun[j].push(ms / CURVE.batch));
  }
  await Promise.all(ws.map((w) => w.terminate()));
  console.log(JSON.stringify(perRun));
  process.exit(0);
}

if (process.env.REWARDMIX_JIT_CHILD) {
  // ---- the child: plan the sweep, start one worker, let it run RUNS runs ---------------------
  const kind = process.env.REWARDMIX_JIT_CHILD as Kind;
  const { planSweep } = await import('../src/node/sweep.ts');
  const { sweepWorkerFile, workerExecArgv } = await import('../src/node/worker-bundle.ts');
  const { meta, plan, src } = planSweep({
    scenario: SCENARIO,
    axes: AXES[kind],
    sample: 'grid',
    seeds: 1,
    workers: 1,
    out: '',
  });
  const worker = sweepWorkerFile();
  const setup = { base: src.base, raw: src.raw, source: src.source, plan, metrics: meta.metrics };
  // Runs spread over the plan, as a worker of a 2-worker sweep takes them.
  const runs = Array.from({ length: RUNS[kind] }, (_, i) => 2 * i);
  // V8 writes its trace to fd 1 from every thread: the mark goes there the same way, so what
  // follows it is the worker's (this thread only waits from here on).
  writeSync(1, `${MARK}\n`);
  const w = new Worker(new URL('./single-worker.mjs', import.meta.url), {
    workerData: { file: pathToFileURL(worker.file).href, setup, runs, warmups: runs.length },
    execArgv: workerExecArgv(worker.bundled),
  });
  await new Promise((ok, fail) => {
    w.once('message', ok);
    w.once('error', fail);
  });
  await w.terminate();
  process.exit(0);
}

// ---- the parent: run the child under V8's trace and count ------------------------------------
const args = process.argv.slice(2);
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : 3;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;

interface Trace {
  jobs: number;
  compileMs: number;
  deopts: number;
  /** Functions compiled more than once: name → times (summed over functions of one name). */
  again: Record<string, number>;
  /** Deoptimizations by function and reason. */
  deoptsBy: Record<string, number>;
}

function traceOf(kind: Kind): Trace {
  const r = spawnSync(
    process.execPath,
    ['--trace-opt', '--trace-deopt', '--import', 'tsx', fileURLToPath(import.meta.url)],
    {
      cwd: root,
      env: { ...process.env, REWARDMIX_JIT_CHILD: kind },
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  if (r.status !== 0) throw new Error(`the child failed (${r.status}): ${r.stderr}`);
  const out = r.stdout.slice(r.stdout.indexOf(MARK));
  if (!out.startsWith(MARK)) throw new Error('no worker start in the trace');
  const t: Trace = { jobs: 0, compileMs: 0, deopts: 0, again: {}, deoptsBy: {} };
  const count: Record<string, number> = {};
  for (const line of out.split('\n')) {
    // [completed compiling 0x… <JSFunction name (sfi = 0x…)> (target TURBOFAN) - took a, b, c ms]
    // (an anonymous function has no name: "<JSFunction (sfi = 0x…)>")
    const c =
      /^\[completed compiling .*?<JSFunction (?:(\S+) )?\(sfi = (0x[0-9a-f]+)\).*took ([\d.]+), ([\d.]+), ([\d.]+) ms/.exec(
        line,
      );
    if (c) {
      t.jobs++;
      t.compileMs += Number(c[3]) + Number(c[4]) + Number(c[5]);
      // One function is one shared function info (two functions may share a name).
      const fn = `${c[1] ?? '(anonymous)'} ${c[2]}`;
      count[fn] = (count[fn] ?? 0) + 1;
      continue;
    }
    // [bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x… <JSFunction name …
    const d =
      /^\[bailout \(kind: [^,]+, reason: (.*?)\): begin\..*?<JSFunction (?:(\S+) )?\(sfi/.exec(
        line,
      );
    if (d) {
      t.deopts++;
      const key = `${d[2] ?? '(anonymous)'}: ${d[1]}`;
      t.deoptsBy[key] = (t.deoptsBy[key] ?? 0) + 1;
    }
  }
  for (const [fn, n] of Object.entries(count)) {
    if (n < 2) continue;
    const name = fn.split(' ')[0];
    t.again[name] = (t.again[name] ?? 0) + n;
  }
  return t;
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mr = (xs: number[], d: number) =>
  `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)} – ${Math.max(...xs).toFixed(d)})`;

const figures: Record<string, unknown> = {};
console.log(
  `## A fresh sweep worker's warm-up (${process.version}; each kind ${reps} ${reps === 1 ? 'time' : 'times'})\n`,
);
console.log(
  '| kind of run | runs | optimizing compile jobs | their compile time (ms, summed) | deoptimizations |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const kind of Object.keys(RUNS) as Kind[]) {
  const ts = Array.from({ length: reps }, () => traceOf(kind));
  figures[kind] = ts;
  console.log(
    `| ${kind} | ${RUNS[kind].toLocaleString('en-US')} | ${mr(
      ts.map((t) => t.jobs),
      0,
    )} | ${mr(
      ts.map((t) => t.compileMs),
      0,
    )} | ${mr(
      ts.map((t) => t.deopts),
      0,
    )} |`,
  );
}
console.log();
for (const kind of Object.keys(RUNS) as Kind[]) {
  const t = (figures[kind] as Trace[])[0];
  const again = Object.entries(t.again).map(([k, n]) => `${k} ×${n}`);
  const by = Object.entries(t.deoptsBy).map(([k, n]) => (n > 1 ? `${k} ×${n}` : k));
  console.log(`${kind}, first try: compiled more than once: ${again.join(', ') || 'none'}`);
  console.log(`${kind}, first try: deoptimizations: ${by.join('; ') || 'none'}\n`);
}

// ---- the warm-up curve: one fresh worker alone, two at once ----------------------------------
/** ms per run of each worker, by batch, for K fresh workers started at once. */
function curve(K: number): number[][] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: root,
    env: { ...process.env, REWARDMIX_JIT_CURVE: String(K) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as number[][];
}
const curves: Record<string, number[][][]> = { 1: [], 2: [] };
for (let i = 0; i < reps; i++) for (const K of [1, 2]) curves[K].push(curve(K));
/** Per batch, the median over tries (and over the workers of a try). */
const byBatch = (K: number) =>
  Array.from({ length: CURVE.batches }, (_, b) =>
    median(curves[K].flatMap((t) => t.map((w) => w[b]))),
  );
const one = byBatch(1);
const two = byBatch(2);
console.log(
  `Warm-up of weight runs (ms per run, by ${CURVE.batch} runs; median over ${reps} tries and the workers), one fresh worker alone and two started at once:\n`,
);
console.log(
  `| runs | ${one.map((_, b) => `${b * CURVE.batch + 1}–${(b + 1) * CURVE.batch}`).join(' | ')} |`,
);
console.log(`| --- | ${one.map(() => '---:').join(' | ')} |`);
console.log(`| 1 worker | ${one.map((x) => x.toFixed(3)).join(' | ')} |`);
console.log(`| 2 workers | ${two.map((x) => x.toFixed(3)).join(' | ')} |`);
const warm = (xs: number[]) => median(xs.slice(-4));
const extra = (xs: number[]) => xs.reduce((a, x) => a + (x - warm(xs)) * CURVE.batch, 0);
console.log(
  `\nAbove the last batches' speed (${warm(one).toFixed(3)} / ${warm(two).toFixed(3)} ms), the first ${(CURVE.batch * CURVE.batches).toLocaleString('en-US')} runs took ${extra(one).toFixed(0)} ms more with one worker and ${extra(two).toFixed(0)} ms more per worker with two.\n`,
);
(figures as Record<string, unknown>).curve = { batch: CURVE.batch, one: curves[1], two: curves[2] };
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(figures, null, 2) + '\n');
