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
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

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
  const axes = [...input.dimensions, input.metric];
  const ranges = axes.map((k) => {
    const vs = input.rows.map((r) => r[k]).filter(Number.isFinite);
    return { min: Math.min(...vs), max: Math.max(...vs) };
  });
  // Long rows (one per line and axis), normalized per axis here rather than with transforms:
  // scenario paths hold dots, which vega-lite fields would read as nesting.
  const rows: Row[] = [];
  input.rows.forEach((r, line) => {
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
    title: 'Position within each axis’s range (0 = min, 1 = max)',
    axis: { format: '.0%', grid: false },
    scale: { domain: [0, 1] },
  };
  const layer: Json[] = [
    {
      mark: { type: 'rule', color: '#888888', strokeWidth: 1 },
      transform: [{ aggregate: [{ op: 'count', as: 'n' }], groupby: ['axis'] }],
      encoding: { x, y: { datum: 0 }, y2: { datum: 1 } },
    },
    {
      mark: { type: 'line', strokeWidth: 1.2, opacity: 0.55 },
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
      mark: { type: 'point', size: 14, filled: true, opacity: 0.8 },
      encoding: {
        x,
        y,
        // The lines' gradient legend is the one shown (a point layer would add a symbol legend).
        color: {
          field: 'metric',
          type: 'quantitative',
          title: input.metric,
          scale: { scheme: 'viridis' },
          legend: null,
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
  const rangeText = axes
    .map((k, i) => `${k} ${sig(ranges[i].min, 3)}–${sig(ranges[i].max, 3)}`)
    .join('; ');
  const base = baseSpec(theme, {
    title: `${metricTitle(input.metric)} across ${input.dimensions.length} parameters`,
    subtitle: `Axis ranges: ${rangeText}`,
    description: `Parallel coordinates of ${input.rows.length} sweep points over ${input.dimensions.join(', ')} and ${input.metric}, each axis scaled to its range, lines coloured by ${input.metric}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width: Math.max(theme.width, axes.length * 120),
    height: theme.height,
    layer,
  });
}

export const parallelCoordinatesChart = {
  title: 'Parallel coordinates',
  description: 'Sweep points across three or more parameters, coloured by a metric.',
  build: parallelCoordinatesSpec,
};
