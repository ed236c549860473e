/**
 * A sweep worker thread (piscina): runs runs of a sweep and journals them.
 *
 * A task names the sweep's setup (the scenario, raw and compiled, the plan and the metric keys)
 * by key and may carry it; the worker keeps the last setup it was sent, and a task naming a
 * setup it does not hold, without carrying it, is answered `needSetup`. The worker derives each
 * run's overrides and seed from the plan itself. Overrides of mix weights are patched into the
 * compiled world (src/node/run-one.ts), so a weight sweep's worker never loads the scenario
 * compiler; other overrides make it import the compiler, once. Errors come back per run rather
 * than as exceptions, so the main thread can say which run failed.
 *
 * A sweep gives each worker one task with the setup and `shared` (src/node/sweep.ts): the runs
 * to do and a counter in shared memory. The worker takes the next `chunk` runs off the counter,
 * runs them, writes their values into the shared table, formats their result lines, appends
 * their journal lines itself, marks them done, and takes more until none are left. So the
 * threads share the work to the last chunk, and nothing passes between threads per run or per
 * chunk: the main thread only waits. A task with `runs` instead (the benchmark's baseline,
 * bench/single-worker.mjs) runs those and answers with their values.
 */
import { threadId, workerData } from 'node:worker_threads';
import { plannedRun, runOverrides, type Plan } from '../engine/analysis/plan.ts';
import type { World } from '../engine/types.ts';
import { isInputError } from '../scenario/errors.ts';
import { Journal } from './journal.ts';
import { finalMetrics, worldFor, type Compile, type ScenarioSource } from './run-one.ts';
import { RowBytesFormatter, type RowBytes } from './results-format.ts';
import { SHARED, type SharedRuns, type SweepTask, type SweepTaskResult } from './sweep-shared.ts';

let compile: Compile | null = null;
const NEED_COMPILER = new Error('the scenario compiler is not loaded yet');
let compilerLoading: Promise<Compile> | null = null;
const loadCompiler = () =>
  (compilerLoading ??= import('../scenario/compile.ts').then((m) => m.compileScenario));
// A pool started for a sweep that will compile says so: the compiler (its expression engine is
// most of a worker's start-up) then loads while the main thread plans.
if ((workerData as { preloadCompiler?: boolean } | null)?.preloadCompiler) void loadCompiler();

function needCompile(): Compile {
  if (!compile) throw NEED_COMPILER;
  return compile;
}

/** The setup this worker holds (the last one it was sent). */
interface Held {
  key: string;
  src: ScenarioSource;
  base: World;
  plan: Plan;
  metrics: string[];
}
let held: Held | null = null;

/** A thread writes its journal lines when it holds this many bytes or this long (ms). */
const FLUSH_BYTES = 1 << 16;
const FLUSH_MS = 50;

type RunError = { run: number; input: boolean; message: string };

/** Runs `run` of the held setup, writing its values at `out[at …]`; the error, if it fails. */
function runOne(
  h: Held,
  run: number,
  out: Float64Array,
  at: number,
  pr = plannedRun(h.plan, run),
): RunError | null {
  const sets = runOverrides(h.plan, pr.values);
  const M = h.metrics.length;
  try {
    const final = finalMetrics(worldFor(h.src, h.base, sets, needCompile), pr.seed);
    for (let k = 0; k < M; k++) out[at + k] = final[h.metrics[k]] ?? NaN;
    return null;
  } catch (e) {
    if (e === NEED_COMPILER) throw e;
    return { run, input: isInputError(e), message: (e as Error).message };
  }
}

/**
 * `runOne`, loading the compiler first when the run needs it and it is not loaded yet (the only
 * wait; a run itself is synchronous, so a loop of them does not wait a turn per run).
 */
function runOneOrLoad(
  h: Held,
  run: number,
  out: Float64Array,
  at: number,
  pr?: ReturnType<typeof plannedRun>,
): RunError | null | Promise<RunError | null> {
  try {
    return runOne(h, run, out, at, pr);
  } catch (e) {
    if (e !== NEED_COMPILER) throw e;
    return loadCompiler().then((c) => {
      compile = c;
      return runOne(h, run, out, at, pr);
    });
  }
}

/**
 * Takes chunks of runs off the shared counter until none are left, the sweep is stopped, or
 * `limit` chunks were taken. `journal`: the caller's (the main thread keeps one open across its
 * calls); without it the worker opens its own for the task and closes it at the end (the main
 * thread flushes the file to disk for every thread).
 */
async function runShared(
  h: Held,
  s: SharedRuns,
  limit: number,
  journal?: Journal,
): Promise<{ errors: RunError[]; runs: number; runMs: number; texts?: RowBytes }> {
  const ctl = new Int32Array(s.control);
  const todo = new Int32Array(s.todo);
  const values = new Float64Array(s.values);
  const done = new Uint8Array(s.done);
  const N = todo.length;
  const M = h.metrics.length;
  const own = journal ? null : new Journal(s.journal);
  const out = journal ?? own!;
  const errors: RunError[] = [];
  // A worker thread says it has started; the main thread, running a chunk while they start
  // (it passes its own journal), does not count.
  if (!journal) Atomics.add(ctl, SHARED.started, 1);
  // Time in the runs themselves, against the task's: what the sharing costs, measured where it
  // is spent (a ratio of two times of one thread, whatever the core's speed meanwhile).
  let runs = 0;
  let runMs = 0;
  // The runs' result lines (when asked for) and journal lines, formatted here while the main
  // thread waits (src/node/results-format.ts).
  const fmt = new RowBytesFormatter(
    h.plan.axes.map((a) => a.path),
    h.metrics,
    s.format,
    // about this thread's share of the runs (a few more), or the most a task of `limit` chunks takes
    Math.min(Math.ceil((1.25 * N) / s.threads), limit * s.chunk),
  );
  let pending: number[] = [];
  let lastFlush = performance.now();
  /** Journaled first, then marked done: a run the main thread sees done is in the journal. */
  const flush = () => {
    const lines = fmt.takeJournal();
    if (lines.length) out.append(lines);
    for (const i of pending) Atomics.store(done, i, 1);
    Atomics.add(ctl, SHARED.completed, pending.length);
    pending = [];
    lastFlush = performance.now();
  };
  try {
    for (let taken = 0; taken < limit && Atomics.load(ctl, SHARED.stop) === 0; taken++) {
      const i0 = Atomics.add(ctl, SHARED.next, s.chunk);
      if (i0 >= N) break;
      const i1 = Math.min(N, i0 + s.chunk);
      for (let i = i0; i < i1; i++) {
        const run = todo[i];
        const pr = plannedRun(h.plan, run);
        const t0 = performance.now();
        let error = runOneOrLoad(h, run, values, i * M, pr);
        if (error instanceof Promise) error = await error;
        runMs += performance.now() - t0;
        runs++;
        if (error) {
          errors.push(error);
          Atomics.store(ctl, SHARED.stop, 1); // the sweep fails: the others stop taking runs
          continue;
        }
        fmt.row(i, run, pr.point, pr.seed, pr.values, values, i * M);
        pending.push(i);
      }
      // Lines are written a few times a second, not per chunk (a write is a system call); a
      // kill loses at most those not written yet, which simply run again.
      if (fmt.journalBytes >= FLUSH_BYTES || performance.now() - lastFlush >= FLUSH_MS) flush();
    }
    flush();
  } finally {
    own?.close();
  }
  return { errors, runs, runMs, texts: s.format ? fmt.take() : undefined };
}

export default async function runTask(
  task: SweepTask,
  journal?: Journal,
): Promise<SweepTaskResult> {
  const t0 = performance.now();
  if (task.setup) {
    const s = task.setup;
    held = {
      key: task.key,
      src: { raw: s.raw, source: s.source },
      base: s.base,
      plan: s.plan,
      metrics: s.metrics,
    };
  }
  if (!held || held.key !== task.key) return { needSetup: true };
  if (task.shared) {
    const r = await runShared(held, task.shared, task.limit ?? Infinity, journal);
    return {
      values: new Float64Array(0),
      errors: r.errors,
      thread: threadId,
      time: { runs: r.runs, runMs: r.runMs, taskMs: performance.now() - t0 },
      texts: r.texts,
    };
  }
  const M = held.metrics.length;
  const values = new Float64Array(task.runs.length * M).fill(NaN);
  const errors: RunError[] = [];
  for (let i = 0; i < task.runs.length; i++) {
    let error = runOneOrLoad(held, task.runs[i], values, i * M);
    if (error instanceof Promise) error = await error;
    if (error) errors.push(error);
  }
  return { values, errors, thread: threadId };
}
