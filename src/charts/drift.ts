/**
 * Drift: eval/sycophancy over training steps for several runs (baseline, update, each change
 * alone), with the launch threshold as a rule. The chart the postmortem never had.
 */
import {
  baseSpec,
  compact,
  FORMAT,
  labeledRules,
  metricTitle,
  runRows,
  seriesColorScale,
  seriesDash,
  sig,
  stepX,
  tip,
  type Json,
  type Row,
  type RunInput,
  type Spec,
  asSpec,
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

export interface DriftInput {
  /** Runs in legend order (the first gets the first palette colour). */
  runs: RunInput[];
  /** Launch threshold on the metric, drawn as a dashed rule; omitted when null or absent. */
  threshold?: number | null;
  /** Label of the threshold rule. Default 'launch threshold'. */
  thresholdLabel?: string;
  /** Metric to plot. Default 'eval/sycophancy'. */
  metric?: string;
}

export function driftSpec(input: DriftInput, themeIn: Partial<ChartTheme> = {}): Spec {
  const theme = resolveTheme(themeIn);
  const metric = input.metric ?? 'eval/sycophancy';
  const names = input.runs.map((r) => r.name);
  const rows: Row[] = [];
  for (const run of input.runs) {
    for (const r of runRows(run, (k) => k === metric)) {
      rows.push({ run: run.name, step: r.step, value: sig(r.value) });
    }
  }
  const yTitle = metricTitle(metric);
  const x = stepX(theme, theme.width);
  const y = { field: 'value', type: 'quantitative', title: yTitle };
  const color = {
    field: 'run',
    type: 'nominal',
    title: 'Run',
    scale: seriesColorScale(names, theme),
  };
  const layer: Json[] = [
    {
      mark: { type: 'line', strokeWidth: 2.2 },
      encoding: compact({ x, y, color, strokeDash: seriesDash('run', names, theme, 'Run') }),
    },
    {
      // Invisible points carry the tooltips (a line mark only reports its first point).
      mark: { type: 'point', opacity: 0, size: 80 },
      encoding: {
        x,
        y,
        tooltip: [
          tip('run', 'Run', 'nominal'),
          tip('step', 'Step', 'quantitative', 'd'),
          tip('value', yTitle, 'quantitative', FORMAT.prob),
        ],
      },
    },
  ];
  const threshold = input.threshold;
  if (threshold != null && Number.isFinite(threshold)) {
    const label = `${input.thresholdLabel ?? 'launch threshold'} ${sig(threshold, 3)}`;
    layer.push(
      ...labeledRules([{ threshold, label }], 'threshold', yTitle, [
        tip('threshold', 'Launch threshold', 'quantitative', FORMAT.prob),
      ]),
    );
  }
  const base = baseSpec(theme, {
    title: 'Sycophancy drift during training',
    subtitle:
      threshold != null ? `Dashed line: ${input.thresholdLabel ?? 'launch threshold'}` : undefined,
    description: `${yTitle} at each recorded training step for ${names.length} run(s): ${names.join(', ')}${
      threshold != null ? `; the dashed rule marks the launch threshold at ${threshold}` : ''
    }.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width: theme.width,
    height: theme.height,
    layer,
  });
}

export const driftChart = {
  title: 'Sycophancy drift',
  description: 'eval/sycophancy over training steps for several runs, with the launch threshold.',
  build: driftSpec,
};
