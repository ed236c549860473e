/**
 * What passes between a sweep's main thread (src/node/sweep.ts) and its worker threads
 * (src/node/sweep-worker.ts): the tasks, their answers, and the shared memory through which
 * the threads share a sweep's runs.
 */
import type { Plan } from '../engine/analysis/plan.ts';
import type { World } from '../engine/types.ts';
import type { RowBytes } from './results-format.ts';

/** The setup of a sweep as a worker needs it: scenario (raw, and compiled with no overrides),
 * plan and metric keys (named by the task's key). */
export interface SweepWorkerData {
  base: World;
  raw: Record<string, unknown>;
  source: string;
  plan: Plan;
  metrics: string[];
}

/** Indices into `SharedRuns.control` (Int32). */
export const SHARED = {
  /** The todo index of the next run not yet taken (taken `chunk` at a time). */
  next: 0,
  /** How many runs are done (journaled). */
  completed: 1,
  /** Set to 1 when a run failed: no more runs are taken. */
  stop: 2,
  /** How many threads have begun taking runs. */
  started: 3,
} as const;
export const SHARED_CONTROL_LENGTH = 4;

/**
 * A sweep's runs in shared memory: the threads take `chunk` runs at a time off `control.next`,
 * write run `todo[i]`'s metric values at `values[i·M …]` (M = metric count; NaN = no value),
 * append its journal line to the file `journal`, then set `done[i]` to 1.
 */
export interface SharedRuns {
  control: SharedArrayBuffer;
  /** Int32: the run indices to do. */
  todo: SharedArrayBuffer;
  /** Float64: todo.length × M. */
  values: SharedArrayBuffer;
  /** Uint8: todo.length. */
  done: SharedArrayBuffer;
  chunk: number;
  journal: string;
  /** Whether the threads format the runs' result lines (RowBytes) as they run them. */
  format: boolean;
  /** How many threads share the runs (for a thread's guess of how many it will run). */
  threads: number;
}

/**
 * Task sent to a worker: runs of the setup named `key`, either listed in `runs` or, with
 * `shared`, taken off the shared counter (at most `limit` chunks; default: until none are left).
 * The setup itself comes along when the worker may not hold it (a sweep's tasks always carry
 * it); a worker keeps the last one it was sent.
 */
export interface SweepTask {
  key: string;
  setup?: SweepWorkerData;
  runs: number[];
  shared?: SharedRuns;
  limit?: number;
}

/**
 * A worker's answer: `values` holds each listed run's metric values in task order (runs ×
 * metrics, NaN = no value; empty for a shared task, whose values are in shared memory),
 * `errors` the runs that failed; or `needSetup` when it does not hold the setup.
 */
export type SweepTaskResult =
  | {
      values: Float64Array;
      errors: { run: number; input: boolean; message: string }[];
      /** The worker thread's id (0: the main thread). */
      thread: number;
      /** A shared task's runs, the time in them, and the task's whole time (ms). */
      time?: { runs: number; runMs: number; taskMs: number };
      /** A shared task's result lines, keyed by todo index (src/node/results-format.ts). */
      texts?: RowBytes;
    }
  | { needSetup: true };
