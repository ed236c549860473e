/**
 * A sweep worker thread (piscina): compiles and runs the runs of one task and returns their
 * final metrics. The scenario comes with every task and the runner is built once per scenario
 * key; errors come back per run (bad input apart from internal errors) rather than as
 * exceptions, so the main thread can say which run failed.
 */
import { isInputError } from '../scenario/errors.ts';
import type { SweepTask, SweepTaskResult } from './sweep.ts';
import { createRunner } from './what-if.ts';

let cached: { key: string; runOne: ReturnType<typeof createRunner> } | null = null;

export default function runTask(task: SweepTask): SweepTaskResult {
  const { setup } = task;
  if (cached?.key !== setup.key)
    cached = { key: setup.key, runOne: createRunner({ raw: setup.raw, source: setup.source }) };
  const runOne = cached.runOne;
  return task.runs.map(({ run, sets, seed }) => {
    try {
      const final = runOne(sets, seed);
      return { run, values: setup.metrics.map((k) => final[k] ?? null) };
    } catch (e) {
      return { run, error: { input: isInputError(e), message: (e as Error).message } };
    }
  });
}
