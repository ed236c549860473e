/**
 * A sweep worker thread (piscina): runs the runs of one task and returns their final metrics.
 * The scenario comes with every task, compiled once by the main thread; overrides of mix
 * weights are patched into that world (src/node/run-one.ts), so a weight sweep's worker never
 * loads the scenario compiler, and only other overrides make it import the compiler, once.
 * Errors come back per run (bad input apart from internal errors) rather than as exceptions,
 * so the main thread can say which run failed.
 */
import { isInputError } from '../scenario/errors.ts';
import { finalMetrics, worldFor, type Compile } from './run-one.ts';
import type { SweepTask, SweepTaskResult } from './sweep.ts';

let compile: Compile | null = null;
const NEED_COMPILER = new Error('the scenario compiler is not loaded yet');

function needCompile(): Compile {
  if (!compile) throw NEED_COMPILER;
  return compile;
}

export default async function runTask(task: SweepTask): Promise<SweepTaskResult> {
  const { setup } = task;
  const src = { raw: setup.raw, source: setup.source };
  const out: SweepTaskResult = [];
  for (const { run, sets, seed } of task.runs) {
    for (;;) {
      try {
        const final = finalMetrics(worldFor(src, setup.base, sets, needCompile), seed);
        out.push({ run, values: setup.metrics.map((k) => final[k] ?? null) });
      } catch (e) {
        if (e === NEED_COMPILER) {
          compile = (await import('../scenario/compile.ts')).compileScenario;
          continue;
        }
        out.push({ run, error: { input: isInputError(e), message: (e as Error).message } });
      }
      break;
    }
  }
  return out;
}
