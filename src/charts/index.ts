/**
 * The chart builders: pure functions from run, review and deployment data to vega-lite v6 specs
 * with the data inlined (re-exports only, plus the registry of charts by name).
 */
import type { Spec } from './common.ts';
import type { ChartTheme } from './theme.ts';
import { dashboardChart } from './dashboard.ts';
import { deploymentTimelineChart } from './deployment-timeline.ts';
import { driftChart } from './drift.ts';
import { effectiveWeightsChart } from './effective-weights.ts';
import { launchReviewChart } from './launch-review.ts';
import { optimumTiltChart } from './optimum-tilt.ts';
import { policyHeatmapChart } from './policy-heatmap.ts';
import { rewardDecompositionChart } from './reward-decomposition.ts';
import { tugOfWarChart } from './tug-of-war.ts';
import { sweepHeatmapChart } from './sweep-heatmap.ts';
import { tippingCurveChart } from './tipping-curve.ts';
import { paretoFrontChart } from './pareto-front.ts';
import { parallelCoordinatesChart } from './parallel-coordinates.ts';
import { multipliersChart } from './multipliers.ts';

export * from './common.ts';
export * from './theme.ts';
export * from './data.ts';
export * from './drift.ts';
export * from './reward-decomposition.ts';
export * from './tug-of-war.ts';
export * from './dashboard.ts';
export * from './policy-heatmap.ts';
export * from './effective-weights.ts';
export * from './launch-review.ts';
export * from './deployment-timeline.ts';
export * from './optimum-tilt.ts';
export * from './sweep-heatmap.ts';
export * from './tipping-curve.ts';
export * from './pareto-front.ts';
export * from './parallel-coordinates.ts';
export * from './multipliers.ts';

/** A chart kind: a title and description for menus and docs, and its builder. */
export interface ChartDef<I> {
  title: string;
  description: string;
  build(input: I, theme?: Partial<ChartTheme>): Spec;
}

/** Every chart by its kebab-case name (the name `rewardmix chart <kind>` and file names use). */
export const charts = {
  drift: driftChart,
  'reward-decomposition': rewardDecompositionChart,
  'tug-of-war': tugOfWarChart,
  dashboard: dashboardChart,
  'policy-heatmap': policyHeatmapChart,
  'effective-weights': effectiveWeightsChart,
  'launch-review': launchReviewChart,
  'deployment-timeline': deploymentTimelineChart,
  'optimum-tilt': optimumTiltChart,
  'sweep-heatmap': sweepHeatmapChart,
  'tipping-curve': tippingCurveChart,
  'pareto-front': paretoFrontChart,
  'parallel-coordinates': parallelCoordinatesChart,
  multipliers: multipliersChart,
} satisfies Record<string, ChartDef<never>>;

export type ChartName = keyof typeof charts;
/** The input a chart's builder takes. */
export type ChartInput<N extends ChartName> = Parameters<(typeof charts)[N]['build']>[0];
export const CHART_NAMES = Object.keys(charts) as ChartName[];
