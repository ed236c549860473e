/**
 * What a report is made from: plain data gathered at the Node edge (runs, their final policies,
 * the review and deployment results, the optimum tilt). Everything here is computed already; the
 * report only reads it, so the same input gives the same report in Node, Deno and the browser.
 */
import type { Labelled, TrajectoryLike } from '../charts/index.ts';
import type { DeployResult } from '../engine/deployment.ts';
import type { MetricRow } from '../engine/types.ts';

/** One training run as the report sees it. */
export interface ReportRun {
  /** Display name (the scenario's `name`); unique within a report. */
  name: string;
  /** Where it came from, as shown to the user (a scenario file or a run dir). */
  source: string;
  /** Recorded metrics: the engine's trajectory or long rows (a run dir's metrics.jsonl). */
  trajectory: TrajectoryLike | MetricRow[];
  /** π(a|c) at the end of the run, C·A row-major. */
  finalPolicy: ArrayLike<number>;
}

/** The comparison a report is about: a candidate against a comparison run (or its own start). */
export interface ReportInput {
  /** rewardmix version, for the provenance line. */
  version: string;
  seed: number | string;
  /** The candidate's trainer (every run of a report uses its own scenario's trainer). */
  trainer: { kind: string; steps: number };
  /** The run under review (e.g. the April 2025 update). */
  candidate: ReportRun & { hash?: string };
  /**
   * The run it is compared with (e.g. the baseline); null when there is none, in which case the
   * review's control is the candidate's own start policy.
   */
  comparison: ReportRun | null;
  /** Each change alone (e.g. thumbs only, memory only, fresher data only): drift chart and table. */
  changes: ReportRun[];
  /** Situations and response styles, in the order of the policies' rows and columns. */
  contexts: Labelled[];
  actions: Labelled[];
  /** The candidate's policy at step 0 (C·A). */
  startPolicy: ArrayLike<number>;
  /** π_ref (C·A probabilities) and the KL-regularized optimum of the candidate's final mix. */
  reference: ArrayLike<number>;
  optimum: ArrayLike<number>;
  /** The review under the process in force and the counterfactual one, and what followed. */
  deployment: DeployResult;
  /** The signal that holds sycophancy in check. Default 'spec'. */
  specSignal?: string;
  /** Constrained mode: the candidate's bounds (adds the multiplier trajectories chart). */
  constraints?: { metric: string; sense: 'max' | 'min'; bound: number }[];
}
