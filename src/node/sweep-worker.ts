/**
 * A sweep worker thread (piscina): runs the runs of one task and returns their final metrics.
 *
 * The sweep's setup (the scenario, raw and compiled, the plan and the metric keys) reaches a
 * worker once, not with every task: a task names the setup by key and carries it only when the
 * main thread cannot know the worker has it; a worker asked for runs of a setup it does not hold
 * answers `needSetup` and the main thread sends the task again with it. A task is then just run
 * indices: the worker derives each run's overrides and seed from the plan itself, and answers
 * with one flat array of values (NaN = no value), so per-run traffic between threads is a few
 * numbers. Overrides of mix weights are patched into the compiled world (src/node/run-one.ts), so
 * a weight sweep's worker never loads the scenario compiler; other overrides make it import the
 * compiler, once. Errors come back per run rather than as exceptions, so the main thread can say
 * which run failed.
 */
import { threadId, workerData } from 'node:worker_threads';
import { plannedRun, runOverrides, type Plan } from '../engine/analysis/plan.ts';
import type { World } from '../engine/types.ts';
import { isInputError } from '../scenario/errors.ts';
import { finalMetrics, worldFor, type Compile, type ScenarioSource } from './run-one.ts';
import type { SweepTask, SweepTaskResult } from './sweep.ts';

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
let held: { key: string; src: ScenarioSource; base: World; plan: Plan; metrics: string[] } | null =
  null;

export default async function runTask(task: SweepTask): Promise<SweepTaskResult> {
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
  const { src, base, plan, metrics } = held;
  const M = metrics.length;
  const values = new Float64Array(task.runs.length * M).fill(NaN);
  const errors: { run: number; input: boolean; message: string }[] = [];
  for (let i = 0; i < task.runs.length; i++) {
    const run = task.runs[i];
    const pr = plannedRun(plan, run);
    const sets = runOverrides(plan, pr.values);
    for (;;) {
      try {
        const final = finalMetrics(worldFor(src, base, sets, needCompile), pr.seed);
        for (let k = 0; k < M; k++) values[i * M + k] = final[metrics[k]] ?? NaN;
      } catch (e) {
        if (e === NEED_COMPILER) {
          compile = await loadCompiler();
          continue;
        }
        errors.push({ run, input: isInputError(e), message: (e as Error).message });
      }
      break;
    }
  }
  return { values, errors, thread: threadId };
}
