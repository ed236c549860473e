/**
 * Policy heatmap: the probability of each response style in each situation, one panel per
 * policy (e.g. baseline's and update's final policies), with the value written in each cell.
 */
import {
  baseSpec,
  FORMAT,
  labelOf,
  sig,
  tip,
  type Json,
  type Labelled,
  type Row,
  type Spec,
  asSpec,
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

export interface NamedPolicy {
  name: string;
  /** π(a|c), C·A row-major (as `RunResult.finalPolicy`). */
  probabilities: ArrayLike<number>;
}

export interface PolicyHeatmapInput {
  /** Situations (rows), e.g. `world.contexts`. */
  contexts: Labelled[];
  /** Response styles (columns), e.g. `world.actions`. */
  actions: Labelled[];
  /** Two or more policies shown side by side. */
  policies: NamedPolicy[];
}

/** Schemes that are dark at the high end (white text there); others are dark at the low end. */
const DARK_HIGH = new Set([
  'blues',
  'greens',
  'greys',
  'oranges',
  'purples',
  'reds',
  'tealblues',
  'teals',
  'warmgreys',
  'bluepurple',
  'purpleblue',
  'yellowgreenblue',
  'orangered',
]);

export function policyHeatmapSpec(
  input: PolicyHeatmapInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const C = input.contexts.length;
  const A = input.actions.length;
  const situations = input.contexts.map(labelOf);
  const styles = input.actions.map(labelOf);
  const names = input.policies.map((p) => p.name);
  const rows: Row[] = [];
  for (const p of input.policies) {
    if (p.probabilities.length !== C * A) {
      throw new Error(
        `policy "${p.name}": expected ${C}·${A} = ${C * A} probabilities, got ${p.probabilities.length}`,
      );
    }
    for (let c = 0; c < C; c++) {
      for (let a = 0; a < A; a++) {
        rows.push({
          policy: p.name,
          situation: situations[c],
          style: styles[a],
          probability: sig(p.probabilities[c * A + a], 4),
        });
      }
    }
  }
  const cell = Math.max(40, Math.min(72, Math.floor(theme.width / Math.max(1, A * names.length))));
  const rowStep = Math.max(22, Math.round(theme.fontSize * 2));
  const darkHigh = DARK_HIGH.has(theme.sequentialScheme);
  const x = {
    field: 'style',
    type: 'nominal',
    sort: styles,
    title: 'Response style',
    axis: { orient: 'top', labelAngle: -35, labelAlign: 'left', domain: false, ticks: false },
  };
  const y = {
    field: 'situation',
    type: 'nominal',
    sort: situations,
    title: 'Situation',
    axis: { domain: false, ticks: false },
  };
  const tooltip = [
    tip('policy', 'Policy', 'nominal'),
    tip('situation', 'Situation', 'nominal'),
    tip('style', 'Response style', 'nominal'),
    tip('probability', 'Probability π(style | situation)', 'quantitative', FORMAT.prob),
  ];
  const layer: Json[] = [
    {
      mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
      encoding: {
        x,
        y,
        color: {
          field: 'probability',
          type: 'quantitative',
          title: 'Probability',
          scale: { scheme: theme.sequentialScheme, domain: [0, 1] },
          legend: { format: FORMAT.percent, gradientLength: Math.max(120, rowStep * C * 0.8) },
        },
        tooltip,
      },
    },
    {
      mark: { type: 'text', fontSize: Math.round(theme.fontSize * 0.95) },
      encoding: {
        x,
        y,
        text: { field: 'probability', type: 'quantitative', format: FORMAT.percent },
        color: {
          condition: {
            test: darkHigh ? 'datum.probability > 0.55' : 'datum.probability < 0.45',
            value: 'white',
          },
          value: '#111111',
        },
        tooltip,
      },
    },
  ];
  const base = baseSpec(theme, {
    title: 'Policy by situation and response style',
    subtitle: `Probability of each response style in each situation: ${names.join(' vs ')}`,
    description: `Heatmaps of the probability π(style | situation) for ${C} situations and ${A} response styles, one panel per policy (${names.join(', ')}), with each value written in its cell.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    facet: { column: { field: 'policy', type: 'nominal', sort: names, title: null } },
    spec: { width: { step: cell }, height: { step: rowStep }, layer },
    spacing: 16,
  });
}

export const policyHeatmapChart = {
  title: 'Policy heatmap',
  description: 'Final probability per situation × response style, policies side by side.',
  build: policyHeatmapSpec,
};
