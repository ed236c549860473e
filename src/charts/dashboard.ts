/**
 * What the dashboard saw: offline accuracy and the A/B thumbs-up rate (what the 2025-04
 * dashboard tracked) next to the sycophancy it did not track, as small multiples over steps,
 * one line per run.
 */
import {
  baseSpec,
  compact,
  FORMAT,
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
import { resolveTheme, statusColors, type ChartTheme } from './theme.ts';

/** One panel: a metric key, its panel title, and an optional note under the title. */
export interface DashboardPanel {
  key: string;
  title: string;
  /** e.g. 'not on the 2025-04 dashboard'; a panel with a note is drawn with a dashed frame. */
  note?: string;
  /** Start the y axis at zero. Default false (a dashboard zooms in on small changes). */
  zero?: boolean;
  /**
   * The least span of the y axis (around the data's middle) when it does not start at zero, so
   * that a change too small to matter does not fill the panel: an axis zoomed to 0.8900–0.8908
   * draws a fall of 0.0009 as a collapse. Default: the data's own range.
   */
  span?: number;
}

export interface DashboardInput {
  runs: RunInput[];
  /** Default: offline accuracy, A/B thumbs-up, sycophancy (not on the 2025-04 dashboard). */
  panels?: DashboardPanel[];
}

export const DASHBOARD_PANELS: DashboardPanel[] = [
  // Rates: their axes span at least 10 points, so the panels read alike (a rise of 3 points is
  // a third of the panel, a fall of 0.1 point is flat, as a reader of the dashboard saw them).
  { key: 'eval/accuracy', title: 'Offline accuracy', span: 0.1 },
  { key: 'ab/thumbs_up', title: 'A/B thumbs-up rate', span: 0.1 },
  { key: 'eval/sycophancy', title: 'Sycophancy', note: 'not on the 2025-04 dashboard', zero: true },
];

export function dashboardSpec(input: DashboardInput, themeIn: Partial<ChartTheme> = {}): Spec {
  const theme = resolveTheme(themeIn);
  const list = input.panels ?? DASHBOARD_PANELS;
  const names = input.runs.map((r) => r.name);
  const keys = new Set(list.map((p) => p.key));
  const rows: Row[] = [];
  for (const run of input.runs) {
    for (const r of runRows(run, (k) => keys.has(k))) {
      rows.push({ run: run.name, metric: r.key, step: r.step, value: sig(r.value) });
    }
  }
  const width = Math.max(170, Math.round((theme.width - 40) / list.length));
  const height = Math.round(theme.height * 0.75);
  const color = {
    field: 'run',
    type: 'nominal',
    title: 'Run',
    scale: seriesColorScale(names, theme),
  };
  const warn = statusColors(theme).block;
  const anyNote = list.some((p) => p.note);
  const hconcat = list.map((p): Json => {
    const yTitle = `${p.title} (${p.key})`;
    const x = stepX(theme, width);
    const domain = p.zero ? undefined : spanDomain(rows, p);
    const y = {
      field: 'value',
      type: 'quantitative',
      title: yTitle,
      scale: domain ? { zero: false, domain, nice: false } : { zero: !!p.zero },
    };
    return compact({
      title: compact({
        text: p.title,
        // Every panel gets a subtitle line (blank if none), so the plots line up.
        subtitle: anyNote ? (p.note ?? ' ') : undefined,
        fontSize: Math.round(theme.fontSize * 1.15),
        subtitleColor: p.note ? warn : undefined,
        subtitleFontWeight: p.note ? 'bold' : undefined,
      }),
      width,
      height,
      view: p.note ? { stroke: warn, strokeDash: [5, 4], strokeWidth: 1.5 } : undefined,
      transform: [{ filter: { field: 'metric', equal: p.key } }],
      layer: [
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: compact({ x, y, color, strokeDash: seriesDash('run', names, theme, 'Run') }),
        },
        {
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
      ],
    });
  });
  const base = baseSpec(theme, {
    title: 'What the dashboard saw, and what it did not',
    description: `Small multiples over training steps, one line per run (${names.join(', ')}): ${list
      .map((p) => `${p.title} (${p.key})${p.note ? `, ${p.note}` : ''}`)
      .join('; ')}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    hconcat,
    spacing: 24,
    resolve: { scale: { color: 'shared', y: 'independent' }, legend: { color: 'shared' } },
  });
}

/**
 * The y domain of a panel with a least span: the data's range widened about its middle to
 * `span`, its ends rounded out to tenths of the span (ticks at both ends), moved up to start at 0
 * if it would go below while the data do not (undefined: the data's own range is wide enough, or
 * there is no span or no data).
 */
export function spanDomain(rows: Row[], p: DashboardPanel): [number, number] | undefined {
  if (!(p.span && p.span > 0)) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const v = r.value as number;
    if (r.metric !== p.key || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi >= lo) || hi - lo >= p.span) return undefined;
  // Ends on tenths of the span, so the axis has ticks at both ends.
  const tick = p.span / 10;
  let from = Math.floor(((lo + hi) / 2 - p.span / 2) / tick) * tick;
  if (from < 0 && lo >= 0) from = 0;
  const to = Math.max(from + p.span, Math.ceil(hi / tick) * tick);
  return [sig(from) as number, sig(to) as number];
}

export const dashboardChart = {
  title: 'What the dashboard saw',
  description:
    'Offline accuracy and A/B thumbs-up next to the sycophancy the 2025-04 dashboard did not track.',
  build: dashboardSpec,
};
