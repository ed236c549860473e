// A small deterministic world for the chart tests: six situations, six response styles, the
// four signals, one user segment. "baseline" weights only correctness and spec; "update" adds
// thumbs and memory and dilutes spec, so its sycophancy drifts up and the pressures disagree.
import {
  effectiveWeights,
  mixedReward,
  simulate,
  tiltOptimum,
  worldFromTables,
  type WorldTables,
} from '../../src/engine/index.ts';
import type {
  ChartInput,
  ChartName,
  DeploymentTimelineChartInput,
  ReviewSummary,
  RunInput,
} from '../../src/charts/index.ts';
import { whatIfChartInputs } from './what-if-fixtures.ts';

export const CONTEXTS = [
  'task',
  'correct-claim',
  'wrong-claim',
  'feedback-on-work',
  'venting',
  'risky-decision',
];
export const ACTIONS = ['candid', 'tactful-honest', 'hedge', 'agree', 'flatter', 'amplify'];

const YESMAN = { candid: 0, 'tactful-honest': 0, hedge: 0.2, agree: 1, flatter: 1, amplify: 1 };
const HELPFUL = {
  candid: 0.8,
  'tactful-honest': 1,
  hedge: 0.4,
  agree: 0.5,
  flatter: 0.3,
  amplify: 0.1,
};
const LIKED = {
  candid: 0.1,
  'tactful-honest': 0.4,
  hedge: 0.2,
  agree: 0.6,
  flatter: 0.8,
  amplify: 0.7,
};

type Style = keyof typeof YESMAN;
const table = (f: (c: string, a: Style) => number) =>
  CONTEXTS.map((c) => ACTIONS.map((a) => f(c, a as Style)));

const sycophantic = table((c, a) => (c === 'task' ? 0 : YESMAN[a]));
const correct = table((c, a) => {
  if (a === 'candid' || a === 'tactful-honest') return 1;
  if (a === 'hedge') return 0.6;
  if (a === 'agree') return c === 'correct-claim' ? 1 : c === 'task' ? 0.3 : 0;
  return a === 'flatter' ? 0.2 : 0;
});
const helpful = table((_c, a) => HELPFUL[a]);
const spec = table((c, a) => HELPFUL[a] - 1.2 * (c === 'task' ? 0 : YESMAN[a]));
const thumbs = table((c, a) => (c === 'task' ? correct[0][ACTIONS.indexOf(a)] * 0.5 : LIKED[a]));
const memory = table((c, a) => (c === 'venting' || c === 'feedback-on-work' ? YESMAN[a] : 0));
const up = table((c, a) => 0.05 + 0.2 * (c === 'task' ? 0.5 : LIKED[a]));
const down = table((c, a) => 0.05 + 0.1 * (1 - (c === 'task' ? 0.5 : LIKED[a])));
const ref = table(
  (_c, a) =>
    ({
      candid: 0.27,
      'tactful-honest': 0.35,
      hedge: 0.2,
      agree: 0.1,
      flatter: 0.05,
      amplify: 0.03,
    })[a],
);

export function tables(
  weights: Record<string, number>,
  name: string,
  initialPolicy?: number[][],
): WorldTables {
  return {
    initialPolicy,
    name,
    contexts: CONTEXTS.map((id) => ({ id, weight: 1 })),
    actions: ACTIONS.map((id) => ({ id })),
    features: { sycophantic, correct, helpful },
    signals: { correctness: correct, spec, thumbs, memory },
    weights,
    referencePolicy: ref,
    beta: 0.5,
    policy: { kind: 'tabular' },
    trainer: { kind: 'exact', steps: 30, learningRate: 0.4, update: 'natural' },
    users: [{ id: 'everyone', weight: 1, feedbackRate: 0.3, up, down }],
    sets: { sycophancy: [0, 1, 1, 1, 1, 1], accuracy: [1, 1, 1, 0, 0, 0] },
  };
}

export const MIXES: Record<string, Record<string, number>> = {
  baseline: { correctness: 0.3, spec: 0.7, thumbs: 0, memory: 0 },
  'thumbs only': { correctness: 0.25, spec: 0.55, thumbs: 0.2, memory: 0 },
  update: { correctness: 0.15, spec: 0.2, thumbs: 0.6, memory: 0.3 },
};

/** Every run starts from the mainline model: the baseline mix trained from the reference. */
export function fixtureRuns() {
  const mainline = simulate(worldFromTables(tables(MIXES.baseline, 'mainline')));
  const start = CONTEXTS.map((_, c) =>
    Array.from(mainline.finalPolicy.slice(c * ACTIONS.length, (c + 1) * ACTIONS.length)),
  );
  return Object.entries(MIXES).map(([name, w]) => {
    const world = worldFromTables(tables(w, name, start));
    if (name === 'update') {
      // Thumbs and memory come in over the first 20 steps, so the pull up overtakes mid-run.
      const T = world.trainer.steps;
      world.mix.schedule = world.signals.map((s, i) =>
        s.name === 'thumbs' || s.name === 'memory'
          ? Float64Array.from(
              { length: T + 1 },
              (_, t) => (world.mix.weights[i] * Math.min(t, 20)) / 20,
            )
          : null,
      );
    }
    return { name, world, result: simulate(world, { recordEvery: 1 }) };
  });
}

export function runInputs(): RunInput[] {
  return fixtureRuns().map((r) => ({ name: r.name, trajectory: r.result.trajectory }));
}

/** Review summaries shaped like the engine's ReviewResult for the 2025-04 and revised processes. */
export const REVIEWS: ReviewSummary[] = [
  {
    process: '2025-04',
    verdict: 'ship',
    rows: [
      {
        stage: 'offline',
        metric: 'math (correct)',
        result: 'pass',
        decides: true,
        detail: 'Δ −0.002',
      },
      {
        stage: 'offline',
        metric: 'coding (correct)',
        result: 'pass',
        decides: true,
        detail: 'Δ +0.001',
      },
      {
        stage: 'ab',
        metric: 'thumbs-up share of ratings',
        result: 'pass',
        decides: true,
        detail: 'p < 1e-4',
      },
      { stage: 'vibe', metric: 'tester-1: sycophantic share', result: 'flag', decides: false },
      { stage: 'vibe', metric: 'testers flagging "feels off"', result: 'advisory', decides: false },
    ],
  },
  {
    process: 'revised',
    verdict: 'block',
    rows: [
      {
        stage: 'offline',
        metric: 'math (correct)',
        result: 'pass',
        decides: true,
        detail: 'Δ −0.002',
      },
      {
        stage: 'offline',
        metric: 'coding (correct)',
        result: 'pass',
        decides: true,
        detail: 'Δ +0.001',
      },
      {
        stage: 'behaviour',
        metric: 'sycophancy (sycophantic)',
        result: 'block',
        decides: true,
        detail: 'rate 0.31 > 0.15',
      },
      {
        stage: 'ab',
        metric: 'thumbs-up share of ratings',
        result: 'pass',
        decides: true,
        detail: 'p < 1e-4',
      },
      { stage: 'vibe', metric: 'tester-1: sycophantic share', result: 'flag', decides: false },
      { stage: 'vibe', metric: 'testers flagging "feels off"', result: 'block', decides: true },
    ],
  },
];

/** A deterministic hourly deployment shaped like the engine's DeploymentTimeline. */
export function deployment(): DeploymentTimelineChartInput {
  const series = [];
  const blocked = [];
  for (let h = 0; h <= 96; h += 4) {
    const ramp = Math.min(1, h / 24);
    const rollback = h < 72 ? 1 : Math.max(0, 1 - (h - 72) / 24);
    const share = ramp * rollback;
    const patched = h >= 60 ? 0.6 : 1;
    const served = Math.round(share * 12000 * 0.31 * patched + 12000 * 0.03);
    series.push({
      hour: h,
      share,
      sycophanticServed: served,
      complaints: Math.round(served * 0.004),
    });
    blocked.push({ hour: h, share: 0, sycophanticServed: 360, complaints: 1 });
  }
  return {
    timeline: {
      series,
      events: [
        { hour: 0, label: 'launch' },
        { hour: 48, label: 'detection' },
        { hour: 60, label: 'system-prompt patch' },
        { hour: 72, label: 'rollback start' },
        { hour: 96, label: 'rollback complete' },
      ],
    },
    counterfactual: { label: 'revised process (blocked)', timeline: { series: blocked } },
  };
}

/** One input per chart kind, from the fixture runs (computed once). */
export function chartInputs(): { [N in ChartName]: ChartInput<N> } {
  const runs = fixtureRuns();
  const ri = runs.map((r) => ({ name: r.name, trajectory: r.result.trajectory }));
  const [baseline, , update] = runs;
  const w = update.world;
  const optimum = tiltOptimum(
    mixedReward(w, effectiveWeights(w, w.trainer.steps)),
    w.referenceLogProbs,
    w.actions.length,
    w.beta,
  );
  return {
    ...whatIfChartInputs(),
    drift: { runs: ri, threshold: 0.15 },
    'reward-decomposition': { runs: [ri[0], ri[2]] },
    'tug-of-war': { runs: [ri[0], ri[2]] },
    dashboard: { runs: ri },
    'policy-heatmap': {
      contexts: w.contexts,
      actions: w.actions,
      policies: [
        { name: 'baseline', probabilities: baseline.result.finalPolicy },
        { name: 'update', probabilities: update.result.finalPolicy },
      ],
    },
    'effective-weights': {
      mixes: Object.entries(MIXES).map(([name, weights]) => ({ name, weights })),
    },
    'launch-review': { reviews: REVIEWS },
    'deployment-timeline': deployment(),
    'optimum-tilt': {
      contexts: w.contexts,
      actions: w.actions,
      reference: Float64Array.from(w.referenceLogProbs, Math.exp),
      optimum,
      trained: { name: 'update', probabilities: update.result.finalPolicy },
    },
  };
}
