/**
 * Parallel coordinates: one line per sweep point across its parameters (and the metric last),
 * each axis scaled to its own range, coloured by the metric: for sweeps of more than two
 * parameters, where a heatmap cannot show them all.
 */
import {
  asSpec,
  baseSpec,
  FORMAT,
  metricTitle,
  sig,
  tip,
  type Json,
  type Row,
  type Spec,
  neutralColors,
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';
import { wrapParts } from './text.ts';

export interface ParallelCoordinatesInput {
  /** The parameters (scenario paths), in axis order. */
  dimensions: string[];
  /** The metric that colours the lines (drawn as the last axis). */
  metric: string;
  /** One entry per line: values by dimension and the metric. */
  rows: Record<string, number>[];
}

export function parallelCoordinatesSpec(
  input: ParallelCoordinatesInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const axes = [...input.dimensions, input.metric];
  const ranges = axes.map((k) => {
    const vs = input.rows.map((r) => r[k]).filter(Number.isFinite);
    return { min: Math.min(...vs), max: Math.max(...vs) };
  });
  // Long rows (one per line and axis), normalized per axis here rather than with transforms:
  // scenario paths hold dots, which vega-lite fields would read as nesting.
  // Lines drawn in order of the metric, the highest last (on top): where many lines cross, the
  // runs with the most of it stay visible. `line` is still the run's place in the input.
  const order = input.rows.map((_, i) => i);
  const m = (i: number) => input.rows[i][input.metric];
  order.sort(
    (a, b) =>
      (Number.isFinite(m(a)) ? m(a) : -Infinity) - (Number.isFinite(m(b)) ? m(b) : -Infinity) ||
      a - b,
  );
  const rows: Row[] = [];
  order.forEach((line) => {
    const r = input.rows[line];
    axes.forEach((k, i) => {
      const { min, max } = ranges[i];
      const v = r[k];
      rows.push({
        line,
        axis: k,
        value: sig(v),
        position: max > min ? sig((v - min) / (max - min)) : 0.5,
        metric: sig(r[input.metric]),
      });
    });
  });
  const x = {
    field: 'axis',
    type: 'nominal',
    sort: axes,
    title: null,
    axis: { labelAngle: 0, domain: false, ticks: false, labelPadding: 8, orient: 'bottom' },
  };
  const y = {
    field: 'position',
    type: 'quantitative',
    title: 'Place on each axis: 0% min, 100% max',
    axis: { format: '.0%', grid: false },
    scale: { domain: [0, 1] },
  };
  // Many lines are drawn fainter, so that where they bunch shows; a few as before.
  const n = Math.max(1, input.rows.length);
  const lineOpacity = sig(Math.min(0.55, Math.max(0.08, 4.3 / Math.sqrt(n))), 2);
  const pointOpacity = sig(Math.min(0.8, Math.max(0.1, 6.2 / Math.sqrt(n))), 2);
  const layer: Json[] = [
    {
      mark: { type: 'rule', color: neutral.muted, strokeWidth: 1 },
      transform: [{ aggregate: [{ op: 'count', as: 'n' }], groupby: ['axis'] }],
      encoding: { x, y: { datum: 0 }, y2: { datum: 1 } },
    },
    {
      // strokeOpacity rather than opacity, which the legend's gradient would take too
      mark: { type: 'line', strokeWidth: 1.2, strokeOpacity: lineOpacity },
      encoding: {
        x,
        y,
        detail: { field: 'line', type: 'nominal' },
        color: {
          field: 'metric',
          type: 'quantitative',
          title: input.metric,
          scale: { scheme: 'viridis' },
        },
      },
    },
    {
      // Points outlined in the lines' colour (the colour channel, as the lines): one legend,
      // drawn as a gradient; filled points would add a fill legend, and a legend of fill and
      // stroke together is drawn as symbols.
      mark: {
        type: 'point',
        size: 12,
        filled: false,
        strokeWidth: 2,
        strokeOpacity: pointOpacity,
        opacity: 1, // not the default of points (0.7), which the legend would take
      },
      encoding: {
        x,
        y,
        color: {
          field: 'metric',
          type: 'quantitative',
          title: input.metric,
          scale: { scheme: 'viridis' },
        },
        tooltip: [
          tip('line', 'Point', 'quantitative', 'd'),
          tip('axis', 'Axis', 'nominal'),
          tip('value', 'Value', 'quantitative', FORMAT.value),
          tip('metric', input.metric, 'quantitative', FORMAT.value),
        ],
      },
    },
  ];
  // The axes' ranges, as many to a line as fit the plot's width.
  const width = Math.max(theme.width, axes.length * 120);
  const subtitle = wrapParts(
    axes.map(
      (k, i) =>
        `${i === 0 ? 'Axis ranges: ' : ''}${k} ${sig(ranges[i].min, 3)}–${sig(ranges[i].max, 3)}`,
    ),
    width,
    theme.fontSize,
  );
  const base = baseSpec(theme, {
    title: `${metricTitle(input.metric)} across ${input.dimensions.length} parameters`,
    subtitle,
    description: `Parallel coordinates of ${input.rows.length} sweep points over ${input.dimensions.join(', ')} and ${input.metric}, each axis scaled to its range, lines coloured by ${input.metric}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width,
    height: theme.height,
    layer,
  });
}

export const parallelCoordinatesChart = {
  title: 'Parallel coordinates',
  description: 'Sweep points across three or more parameters, coloured by a metric.',
  build: parallelCoordinatesSpec,
};
