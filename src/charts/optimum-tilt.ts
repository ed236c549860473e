/**
 * Optimum tilt: per situation, each response style's probability under the reference policy
 * π_ref and under the KL-regularized optimum π* = π_ref·exp(R/β)/Z (docs/model.md), joined by a
 * line so the direction and size of the tilt read at a glance; optionally the trained policy.
 */
import {
  baseSpec,
  FORMAT,
  labelOf,
  seriesColorScale,
  sig,
  tip,
  type Json,
  type Labelled,
  type Row,
  type Spec,
  asSpec,
  neutralColors,
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

export interface OptimumTiltInput {
  /** Situations (one small panel each), e.g. `world.contexts`. */
  contexts: Labelled[];
  /** Response styles (rows in each panel), e.g. `world.actions`. */
  actions: Labelled[];
  /** π_ref(a|c), C·A row-major. */
  reference: ArrayLike<number>;
  /** π*(a|c), C·A row-major (engine: `tiltOptimum`). */
  optimum: ArrayLike<number>;
  /** A trained policy to compare, C·A (e.g. the run's final policy). */
  trained?: { name: string; probabilities: ArrayLike<number> };
}

export const REFERENCE_LABEL = 'π_ref (reference)';
export const OPTIMUM_LABEL = 'π* (KL-regularized optimum)';

export function optimumTiltSpec(input: OptimumTiltInput, themeIn: Partial<ChartTheme> = {}): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const C = input.contexts.length;
  const A = input.actions.length;
  const situations = input.contexts.map(labelOf);
  const styles = input.actions.map(labelOf);
  const tables: [string, ArrayLike<number>][] = [
    ['reference', input.reference],
    ['optimum', input.optimum],
  ];
  if (input.trained) tables.push(['trained', input.trained.probabilities]);
  for (const [name, t] of tables) {
    if (t.length !== C * A) {
      throw new Error(
        `optimum-tilt: ${name} has ${t.length} values, expected ${C}·${A} = ${C * A}`,
      );
    }
  }
  const rows: Row[] = [];
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < A; a++) {
      const i = c * A + a;
      const row: Row = {
        situation: situations[c],
        style: styles[a],
        reference: sig(input.reference[i], 4),
        optimum: sig(input.optimum[i], 4),
      };
      if (input.trained) row.trained = sig(input.trained.probabilities[i], 4);
      row.tilt = sig(input.optimum[i] - input.reference[i], 4);
      rows.push(row);
    }
  }
  const trainedLabel = input.trained ? `${input.trained.name} (trained)` : null;
  const labels: Record<string, string> = { reference: REFERENCE_LABEL, optimum: OPTIMUM_LABEL };
  if (trainedLabel) labels.trained = trainedLabel;
  const policies = Object.values(labels);
  const folded = Object.keys(labels);
  const y = {
    field: 'style',
    type: 'nominal',
    sort: styles,
    title: null,
    axis: { grid: true, gridColor: neutral.grid, domain: false, ticks: false },
  };
  const xTitle = 'P(style | situation)';
  const xAxis = { format: FORMAT.percent, values: [0, 0.5, 1], labelFlush: true };
  const panelWidth = Math.max(150, Math.round((theme.width - 60) / Math.min(3, C)));
  const rowStep = Math.max(16, Math.round(theme.fontSize * 1.5));
  const layer: Json[] = [
    {
      mark: { type: 'rule', color: neutral.reference, strokeWidth: 2 },
      encoding: {
        y,
        x: {
          field: 'reference',
          type: 'quantitative',
          title: xTitle,
          scale: { domain: [0, 1] },
          axis: xAxis,
        },
        x2: { field: 'optimum' },
      },
    },
    {
      transform: [
        { fold: folded, as: ['which', 'probability'] },
        { calculate: `${JSON.stringify(labels)}[datum.which]`, as: 'policy' },
      ],
      mark: { type: 'point', filled: true, size: 70, opacity: 1 },
      encoding: {
        y,
        x: {
          field: 'probability',
          type: 'quantitative',
          title: xTitle,
          scale: { domain: [0, 1] },
          axis: xAxis,
        },
        color: {
          field: 'policy',
          type: 'nominal',
          title: 'Policy',
          scale: seriesColorScale(policies, theme),
        },
        shape: {
          field: 'policy',
          type: 'nominal',
          title: 'Policy',
          scale: { domain: policies, range: ['circle', 'diamond', 'triangle-up'] },
        },
        tooltip: [
          tip('situation', 'Situation', 'nominal'),
          tip('style', 'Response style', 'nominal'),
          tip('policy', 'Policy', 'nominal'),
          tip('probability', 'Probability', 'quantitative', FORMAT.prob),
          tip('tilt', 'π* − π_ref', 'quantitative', '+.3f'),
        ],
      },
    },
  ];
  const base = baseSpec(theme, {
    title: 'Where the KL-regularized optimum tilts the reference policy',
    subtitle: 'Per situation: each response style under π_ref and under π* = π_ref·exp(R/β)/Z',
    description: `For each of ${C} situations, the probability of each of ${A} response styles under the reference policy π_ref and under the KL-regularized optimum π* (π_ref·exp(R/β)/Z), joined by a line${
      trainedLabel ? `, with the trained policy ${input.trained!.name}` : ''
    }.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    facet: { field: 'situation', type: 'nominal', sort: situations, title: null },
    columns: Math.min(3, C),
    spec: { width: panelWidth, height: { step: rowStep }, layer },
    spacing: { row: 16, column: 24 },
  });
}

export const optimumTiltChart = {
  title: 'Optimum tilt',
  description: 'π_ref against π* per situation: which response styles the mix tilts toward.',
  build: optimumTiltSpec,
};
