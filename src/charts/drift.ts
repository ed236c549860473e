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
  neutralColors,
} from './common.ts';
import { oneOrLines, wrapParts } from './text.ts';
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

const LINE_WIDTH = 2.2;

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
  // A run whose line lies on an earlier run's (fresher-data-only on the baseline: its changes
  // leave the metric where it was) would hide it, and the legend would name a line nobody can
  // find. Such a run is drawn dashed over the other, so both colours show, and the subtitle
  // says so.
  const over = coincident(names, rows, LINE_WIDTH / theme.height);
  const dash =
    seriesDash('run', names, theme, 'Run') ??
    (over.size
      ? {
          field: 'run',
          type: 'nominal',
          title: 'Run', // the colour's title: one legend, which shows the dashed run dashed
          scale: { domain: names, range: names.map((n) => (over.has(n) ? [7, 5] : [1, 0])) },
        }
      : undefined);
  const layer: Json[] = [
    {
      mark: { type: 'line', strokeWidth: LINE_WIDTH },
      encoding: compact({ x, y, color, strokeDash: dash }),
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
      ...labeledRules(
        [{ threshold, label }],
        'threshold',
        yTitle,
        [tip('threshold', 'Launch threshold', 'quantitative', FORMAT.prob)],
        neutralColors(theme).rule,
        theme.width,
      ),
    );
  }
  const notes: string[] = [];
  if (threshold != null) notes.push(`Dashed line: ${input.thresholdLabel ?? 'launch threshold'}`);
  for (const [name, under] of over)
    notes.push(`${name} lies on ${under}${theme.dashes ? '' : ' (drawn dashed over it)'}`);
  const base = baseSpec(theme, {
    title: 'Sycophancy drift during training',
    subtitle: oneOrLines(wrapParts(notes, theme.width, theme.fontSize, '. ')),
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

/**
 * The runs whose line lies on an earlier run's at every step, closer than `fraction` of the
 * y axis's span (the y axis starts at zero; by default a line's width over the plot's height):
 * run → the first such earlier run.
 */
export function coincident(names: string[], rows: Row[], fraction: number): Map<string, string> {
  const series = new Map<string, Map<number, number>>(names.map((n) => [n, new Map()]));
  let lo = 0;
  let hi = 0;
  for (const r of rows) {
    const v = r.value as number;
    series.get(r.run as string)?.set(r.step as number, v);
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  const tol = fraction * Math.max(hi - lo, Number.EPSILON);
  const out = new Map<string, string>();
  names.forEach((name, i) => {
    const a = series.get(name)!;
    if (a.size === 0) return;
    for (const earlier of names.slice(0, i)) {
      const b = series.get(earlier)!;
      if (b.size !== a.size) continue;
      let same = true;
      for (const [step, v] of a) {
        const w = b.get(step);
        if (w === undefined || !(Math.abs(v - w) <= tol)) {
          same = false;
          break;
        }
      }
      if (same && !out.has(earlier)) {
        out.set(name, earlier);
        return;
      }
    }
  });
  return out;
}

export const driftChart = {
  title: 'Sycophancy drift',
  description: 'eval/sycophancy over training steps for several runs, with the launch threshold.',
  build: driftSpec,
};
