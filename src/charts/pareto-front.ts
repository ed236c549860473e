/**
 * Pareto front: every run of a sweep as a point on two objectives, the non-dominated runs
 * highlighted and joined in order, so the trade-off (e.g. thumbs-up rate against sycophancy)
 * reads as a curve and everything below it as a worse choice.
 */
import {
  asSpec,
  baseSpec,
  FORMAT,
  metricTitle,
  neutralColors,
  sig,
  tip,
  type Json,
  type Row,
  type Spec,
} from './common.ts';
import { paletteColors, resolveTheme, type ChartTheme } from './theme.ts';

export interface ParetoObjective {
  key: string;
  sense: 'max' | 'min';
}

export interface ParetoFrontInput {
  /** The objectives on x and y. */
  x: ParetoObjective;
  y: ParetoObjective;
  /** Every run: its objectives, whether it is on the front, and its parameters (tooltips). */
  points: { x: number; y: number; front: boolean; run: number; params?: Record<string, number> }[];
}

export const FRONT_LABEL = 'Pareto front';
export const DOMINATED_LABEL = 'dominated';

export function paretoFrontSpec(input: ParetoFrontInput, themeIn: Partial<ChartTheme> = {}): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const params = [...new Set(input.points.flatMap((p) => Object.keys(p.params ?? {})))];
  // Parameter names may hold dots (scenario paths): vega-lite reads dots in a field as nesting.
  const paramField = (i: number) => `param${i}`;
  const rows: Row[] = input.points.map((p) => {
    const row: Row = {
      run: p.run,
      x: sig(p.x),
      y: sig(p.y),
      status: p.front ? FRONT_LABEL : DOMINATED_LABEL,
    };
    params.forEach((k, i) => (row[paramField(i)] = sig(p.params?.[k] ?? NaN)));
    return row;
  });
  const axisTitle = (o: ParetoObjective) =>
    `${metricTitle(o.key)}, ${o.sense === 'max' ? 'higher' : 'lower'} is better`;
  const xTitle = axisTitle(input.x);
  const yTitle = axisTitle(input.y);
  // The title names the objectives as the axes do, without their keys (the axes carry them).
  const nameOf = (key: string) => metricTitle(key).replace(/ \([^()]*\)$/, '');
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: yTitle, scale: { zero: false } };
  const tooltip = [
    tip('run', 'Run', 'quantitative', 'd'),
    tip('status', 'Status', 'nominal'),
    tip('x', input.x.key, 'quantitative', FORMAT.value),
    tip('y', input.y.key, 'quantitative', FORMAT.value),
    ...params.map((k, i) => tip(paramField(i), k, 'quantitative', FORMAT.value)),
  ];
  const front = paletteColors(theme)[1];
  const layer: Json[] = [
    {
      // Opaque, so the legend's symbols have the colours of the marks.
      mark: { type: 'point', filled: true, size: 36, opacity: 1 },
      encoding: {
        x,
        y,
        color: {
          field: 'status',
          type: 'nominal',
          title: null,
          scale: { domain: [FRONT_LABEL, DOMINATED_LABEL], range: [front, neutral.faint] },
        },
        order: { field: 'status', type: 'nominal', sort: 'descending' },
        tooltip,
      },
    },
    {
      transform: [{ filter: { field: 'status', equal: FRONT_LABEL } }],
      mark: { type: 'line', color: front, strokeWidth: 2, interpolate: 'linear' },
      encoding: { x, y, order: { field: 'x', type: 'quantitative' } },
    },
    {
      transform: [{ filter: { field: 'status', equal: FRONT_LABEL } }],
      mark: {
        type: 'point',
        filled: true,
        size: 60,
        color: front,
        stroke: neutral.net,
        strokeWidth: 0.8,
      },
      encoding: { x, y, tooltip },
    },
  ];
  const n = input.points.filter((p) => p.front).length;
  const base = baseSpec(theme, {
    title: `Trade-off: ${nameOf(input.x.key)} against ${nameOf(input.y.key)}`,
    subtitle: `${n} of ${input.points.length} runs are on the Pareto front (no other run is better on both).`,
    description: `Scatter of ${input.points.length} sweep runs by ${input.x.key} (${input.x.sense}) and ${input.y.key} (${input.y.sense}); the ${n} non-dominated runs are highlighted and joined.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width: theme.width,
    height: theme.height,
    layer,
  });
}

export const paretoFrontChart = {
  title: 'Pareto front',
  description: 'Sweep runs on two objectives with the non-dominated runs joined as a front.',
  build: paretoFrontSpec,
};
