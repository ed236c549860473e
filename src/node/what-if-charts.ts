/**
 * Charts of what-if results, written next to them (spec, SVG, PNG, CSV via exportChart): the
 * sweep heatmap or parallel coordinates of a sweep directory, the tipping curve, the Pareto
 * front, and the inputs the chart builders take (for the report and `rewardmix chart`).
 */
import { aggregateRows } from '../engine/analysis/aggregate.ts';
import type { Objective } from '../engine/analysis/pareto.ts';
import { paretoFront } from '../engine/analysis/pareto.ts';
import type { ParallelCoordinatesInput } from '../charts/parallel-coordinates.ts';
import type { ParetoFrontInput } from '../charts/pareto-front.ts';
import type { SweepHeatmapInput } from '../charts/sweep-heatmap.ts';
import type { TippingCurveInput } from '../charts/tipping-curve.ts';
import type { Spec } from '../charts/common.ts';
import { parallelCoordinatesSpec } from '../charts/parallel-coordinates.ts';
import { paretoFrontSpec } from '../charts/pareto-front.ts';
import { sweepHeatmapSpec } from '../charts/sweep-heatmap.ts';
import { tippingCurveSpec } from '../charts/tipping-curve.ts';
import { exportChart, type ExportedChart } from './render.ts';
import { checkSweepMetric, readSweep, rowRecords, type SweepMeta, type SweepRow } from './sweep.ts';
import type { TippingResult } from './what-if.ts';

/** Per point of a sweep: the axes' values and the metric's mean, lo and hi over seeds. */
export function pointMeans(
  meta: SweepMeta,
  rows: SweepRow[],
  metric: string,
): { values: Record<string, number>; mean: number; lo: number; hi: number }[] {
  const records = rowRecords(meta, rows).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? NaN : v])),
  );
  const paths = meta.plan.axes.map((a) => a.path);
  return aggregateRows(records, paths, [metric], meta.plan.planSeed).map((p) => ({
    values: p.values,
    ...p.metrics[metric],
  }));
}

/** The heatmap input of a 2-parameter grid sweep. */
export function sweepHeatmapInput(
  meta: SweepMeta,
  rows: SweepRow[],
  metric: string,
  threshold: number | null,
): SweepHeatmapInput {
  const [a, b] = meta.plan.axes;
  return {
    x: a.path,
    y: b.path,
    metric,
    threshold,
    cells: pointMeans(meta, rows, metric).map((p) => ({
      x: p.values[a.path],
      y: p.values[b.path],
      value: p.mean,
    })),
  };
}

/** The parallel-coordinates input of a sweep (one line per point, means over seeds). */
export function parallelCoordinatesInput(
  meta: SweepMeta,
  rows: SweepRow[],
  metric: string,
): ParallelCoordinatesInput {
  return {
    dimensions: meta.plan.axes.map((a) => a.path),
    metric,
    rows: pointMeans(meta, rows, metric).map((p) => ({ ...p.values, [metric]: p.mean })),
  };
}

/** A 1-parameter sweep as a tipping-curve input (no crossing marked). */
export function sweepCurveInput(
  meta: SweepMeta,
  rows: SweepRow[],
  metric: string,
  threshold: number | null,
): TippingCurveInput {
  const path = meta.plan.axes[0].path;
  return {
    param: path,
    metric,
    threshold,
    curve: pointMeans(meta, rows, metric)
      .map((p) => ({ x: p.values[path], mean: p.mean, lo: p.lo, hi: p.hi }))
      .sort((u, v) => u.x - v.x),
  };
}

/** The chart that suits a sweep: curve (1 parameter), heatmap (2, grid), parallel coordinates. */
export function sweepChartSpec(
  meta: SweepMeta,
  rows: SweepRow[],
  metric: string,
  threshold: number | null,
): { kind: string; spec: Spec } {
  checkSweepMetric(meta, metric, '--chart');
  const d = meta.plan.axes.length;
  if (d === 1) {
    return {
      kind: 'curve',
      spec: tippingCurveSpec(sweepCurveInput(meta, rows, metric, threshold)),
    };
  }
  if (d === 2 && meta.plan.sample === 'grid')
    return {
      kind: 'heatmap',
      spec: sweepHeatmapSpec(sweepHeatmapInput(meta, rows, metric, threshold)),
    };
  return {
    kind: 'parallel',
    spec: parallelCoordinatesSpec(parallelCoordinatesInput(meta, rows, metric)),
  };
}

const slug = (key: string) => key.replace(/[^A-Za-z0-9_-]+/g, '-');

/** Writes `DIR/chart-<metric>.*` for a complete sweep directory. */
export async function writeSweepChart(
  dir: string,
  metric: string,
  threshold: number | null,
): Promise<ExportedChart> {
  const { meta, rows } = readSweep(dir);
  const { spec } = sweepChartSpec(meta, rows, metric, threshold);
  return exportChart(spec, dir, `chart-${slug(metric)}`);
}

/** The tipping-curve input of a tipping result (needs its curve). */
export function tippingCurveInput(t: TippingResult): TippingCurveInput {
  return {
    param: t.param,
    metric: t.metric,
    threshold: t.threshold,
    curve: t.curve.map((c) => ({ x: c.x, mean: c.mean, lo: c.lo, hi: c.hi })),
    crossing: t.across ? { x: t.across.mean, lo: t.across.lo, hi: t.across.hi } : null,
    analytic: t.analytic.x,
  };
}

/** The Pareto-front input of a sweep on its first two objectives (front on all of them). */
export function paretoInput(
  meta: SweepMeta,
  rows: SweepRow[],
  objectives: Objective[],
): ParetoFrontInput {
  const records = rowRecords(meta, rows).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? NaN : v])),
  );
  const front = new Set(paretoFront(records, objectives));
  const [ox, oy] = objectives;
  return {
    x: ox,
    y: oy,
    points: records
      .map((r, i) => ({
        x: r[ox.key],
        y: r[oy.key],
        front: front.has(i),
        run: r.run,
        params: Object.fromEntries(meta.plan.axes.map((a) => [a.path, r[a.path]])),
      }))
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
  };
}

export { paretoFrontSpec, tippingCurveSpec };
