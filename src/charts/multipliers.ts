/**
 * Multiplier trajectories of constrained training (Moskovitz et al. 2023): each constraint's
 * Lagrange multiplier λ over training steps (top) and the constrained metric against its bound
 * (bottom). λ rises while the metric is over its bound and decays toward the value that holds
 * it there: the dynamic weight that does the spec signal's job.
 */
import {
  asSpec,
  baseSpec,
  FORMAT,
  labeledRules,
  metricTitle,
  runRows,
  seriesColorScale,
  sig,
  stepX,
  tip,
  type Json,
  type Row,
  type RunInput,
  type Spec,
  neutralColors,
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

export interface MultipliersInput {
  /** Constrained runs (their trajectories hold `multipliers/<metric>`). */
  runs: RunInput[];
  /** The bounds, drawn as rules on the metric panel. */
  constraints?: { metric: string; sense: 'max' | 'min'; bound: number }[];
}

const PREFIX = 'multipliers/';

export function multipliersSpec(input: MultipliersInput, themeIn: Partial<ChartTheme> = {}): Spec {
  const theme = resolveTheme(themeIn);
  const names = input.runs.map((r) => r.name);
  const rows: Row[] = [];
  const metrics = new Set<string>();
  for (const run of input.runs) {
    for (const r of runRows(run, (k) => k.startsWith(PREFIX))) {
      const metric = r.key.slice(PREFIX.length);
      metrics.add(metric);
      rows.push({
        run: run.name,
        step: r.step,
        constraint: metric,
        panel: 'multiplier',
        value: sig(r.value),
      });
    }
  }
  if (metrics.size === 0)
    throw new Error(
      'multipliers chart: no multipliers/<metric> in the runs (is mix.mode constrained?)',
    );
  for (const run of input.runs) {
    for (const r of runRows(run, (k) => metrics.has(k))) {
      rows.push({
        run: run.name,
        step: r.step,
        constraint: r.key,
        panel: 'metric',
        value: sig(r.value),
      });
    }
  }
  const list = [...metrics];
  const color = {
    field: 'run',
    type: 'nominal',
    title: 'Run',
    scale: seriesColorScale(names, theme),
  };
  const dash =
    list.length > 1
      ? { field: 'constraint', type: 'nominal', title: 'Constraint', sort: list }
      : undefined;
  const x = stepX(theme, theme.width);
  const height = Math.round(theme.height * 0.6);
  const line = (panel: string, yTitle: string): Json => ({
    transform: [{ filter: { field: 'panel', equal: panel } }],
    mark: { type: 'line', strokeWidth: 2.2 },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color,
      ...(dash ? { strokeDash: dash } : {}),
    },
  });
  const points = (panel: string, yTitle: string, what: string): Json => ({
    transform: [{ filter: { field: 'panel', equal: panel } }],
    mark: { type: 'point', opacity: 0, size: 60 },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: yTitle },
      tooltip: [
        tip('run', 'Run', 'nominal'),
        tip('constraint', 'Constraint on', 'nominal'),
        tip('step', 'Step', 'quantitative', 'd'),
        tip('value', what, 'quantitative', FORMAT.value),
      ],
    },
  });
  const lambdaTitle = 'Multiplier λ';
  const metricYTitle = list.length === 1 ? metricTitle(list[0]) : 'Constrained metric';
  const bounds = (input.constraints ?? []).filter((c) => metrics.has(c.metric));
  const metricLayers: Json[] = [
    line('metric', metricYTitle),
    points('metric', metricYTitle, 'Metric'),
  ];
  if (bounds.length) {
    metricLayers.push(
      ...labeledRules(
        bounds.map((b) => ({
          constraint: b.metric,
          bound: b.bound,
          label: `bound ${b.sense === 'max' ? '≤' : '≥'} ${sig(b.bound, 4)}`,
        })),
        'bound',
        metricYTitle,
        [
          tip('constraint', 'Constraint on', 'nominal'),
          tip('bound', 'Bound', 'quantitative', FORMAT.value),
        ],
        neutralColors(theme).rule,
        theme.width,
      ),
    );
  }
  const base = baseSpec(theme, {
    title: 'Constrained training: the multipliers at work',
    subtitle: [
      'Top: each constraint’s Lagrange multiplier λ (a dynamic weight against the metric).',
      'Bottom: the constrained metric and its bound (dashed).',
    ],
    description: `Lagrange multipliers (multipliers/<metric>) over training steps for ${names.join(', ')}, constraints on ${list.join(', ')}, above the constrained metrics with their bounds as dashed rules.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    vconcat: [
      {
        width: theme.width,
        height,
        layer: [line('multiplier', lambdaTitle), points('multiplier', lambdaTitle, 'λ')],
      },
      { width: theme.width, height, layer: metricLayers },
    ],
    spacing: 14,
  });
}

export const multipliersChart = {
  title: 'Multiplier trajectories',
  description:
    'Constrained training: each Lagrange multiplier over steps above its metric and bound.',
  build: multipliersSpec,
};
