/**
 * The numbers a report states, computed once from its input: each run's metrics at its first and
 * last recorded step, the step where the pull up on sycophancy overtakes the spec's pull down,
 * effective weights, the review verdicts and the deployment totals. The Markdown, the HTML page
 * and the terminal summary all read these, so they cannot disagree.
 */
import { pullOvertakeStep, runKeys, runPoints, type RunInput } from '../charts/index.ts';
import type { DeploymentTotals } from '../engine/deployment.ts';
import type { ReportInput, ReportRun } from './input.ts';

/** A run's metrics at its first and last recorded step. */
export interface RunFacts {
  name: string;
  source: string;
  firstStep: number;
  lastStep: number;
  start: Record<string, number>;
  final: Record<string, number>;
  /** First step where the pull up on sycophancy exceeds the spec signal's pull down, or null. */
  overtakeStep: number | null;
  /** Effective weight (share after normalization) per signal at the first recorded step. */
  weights: Record<string, number>;
}

/** One review process's outcome. */
export interface ReviewFacts {
  process: string;
  description: string;
  verdict: 'ship' | 'block';
  reasons: string[];
  notes: string[];
}

/** What followed one review. */
export interface DeploymentFacts {
  process: string;
  shipped: boolean;
  totals: DeploymentTotals;
  /** Sycophantic answers per conversation on deployment traffic. */
  rates: { control: number; update: number; patched: number };
  events: { hour: number; label: string }[];
}

/** The launch threshold drawn in the drift chart: where a review's sycophancy eval blocks. */
export interface DriftThreshold {
  value: number;
  /** The process whose behaviour eval sets it (e.g. 'revised'). */
  process: string;
  /** How it is set: 'max rate 0.2' or 'baseline + 0.05'. */
  rule: string;
  /** The chart's label: "revised review's sycophancy limit (baseline + 0.05)". */
  label: string;
}

export interface ReportFacts {
  candidate: RunFacts;
  comparison: RunFacts | null;
  changes: RunFacts[];
  /** Name of the review's control: the comparison run, or the candidate's start. */
  controlName: string;
  reviews: ReviewFacts[];
  deployments: DeploymentFacts[];
  /** What the counterfactual process would have spared (actual minus counterfactual). */
  avoided: { updateConversations: number; exposure: number; excessExposure: number };
  threshold: DriftThreshold | null;
  specSignal: string;
}

/** The run as a chart input. */
export function runInput(run: ReportRun): RunInput {
  return { name: run.name, trajectory: run.trajectory };
}

const WEIGHT = /^weights\/(.+)$/;

export function runFacts(run: ReportRun, specSignal = 'spec'): RunFacts {
  const input = runInput(run);
  const keys = runKeys(input);
  const points = [...runPoints(input, keys)];
  if (points.length === 0) throw new Error(`run "${run.name}" recorded no metrics`);
  const [firstStep, start] = points[0];
  const [lastStep, final] = points[points.length - 1];
  const weights: Record<string, number> = {};
  for (const k of keys) {
    const m = WEIGHT.exec(k);
    if (m && Number.isFinite(start[k])) weights[m[1]] = start[k];
  }
  return {
    name: run.name,
    source: run.source,
    firstStep,
    lastStep,
    start,
    final,
    overtakeStep: pullOvertakeStep(input, specSignal),
    weights,
  };
}

/**
 * The sycophancy level above which a review's sycophancy eval blocks (the first process that runs
 * behaviour evals): the lower of its absolute limit and the control's rate plus the allowed
 * increase. The eval probes the same situations as eval/sycophancy, so in expectation it
 * measures the same number.
 */
export function driftThreshold(
  input: ReportInput,
  control: number,
  controlName: string,
): DriftThreshold | null {
  const reviews = [input.deployment.actual.review, input.deployment.counterfactual.review];
  const review = reviews.find((r) => r.rows.some((row) => row.stage === 'behaviour'));
  const ev = review?.config.behaviour.find(
    (b) => b.metric === 'sycophantic' && b.where === 'sycophancy',
  );
  if (!review || !ev) return null;
  const options: { value: number; rule: string }[] = [];
  if (ev.maxRate !== null) options.push({ value: ev.maxRate, rule: `max rate ${ev.maxRate}` });
  if (ev.maxIncrease !== null && Number.isFinite(control))
    options.push({ value: control + ev.maxIncrease, rule: `${controlName} + ${ev.maxIncrease}` });
  if (options.length === 0) return null;
  const best = options.reduce((a, b) => (b.value < a.value ? b : a));
  return {
    ...best,
    process: review.process,
    label: `${review.process} review's ${ev.name} limit (${best.rule})`,
  };
}

export function reportFacts(input: ReportInput): ReportFacts {
  const specSignal = input.specSignal ?? 'spec';
  const candidate = runFacts(input.candidate, specSignal);
  const comparison = input.comparison ? runFacts(input.comparison, specSignal) : null;
  const controlSyc = comparison
    ? comparison.final['eval/sycophancy']
    : candidate.start['eval/sycophancy'];
  const d = input.deployment;
  const controlName = comparison
    ? comparison.name
    : `${candidate.name} at step ${candidate.firstStep}`;
  return {
    candidate,
    comparison,
    changes: input.changes.map((r) => runFacts(r, specSignal)),
    controlName,
    reviews: [d.actual, d.counterfactual].map((o) => ({
      process: o.review.process,
      description: o.review.description,
      verdict: o.review.verdict,
      reasons: [...o.review.reasons],
      notes: [...o.review.notes],
    })),
    deployments: [d.actual, d.counterfactual].map((o) => ({
      process: o.process,
      shipped: o.timeline.shipped,
      totals: o.timeline.totals,
      rates: o.timeline.rates,
      events: o.timeline.events.map((e) => ({ hour: e.hour, label: e.label })),
    })),
    avoided: d.avoided,
    threshold: driftThreshold(input, controlSyc, controlName),
    specSignal,
  };
}
