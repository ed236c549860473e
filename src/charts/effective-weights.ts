/**
 * Effective weights: each signal's share of the mix after normalization, one bar per mix
 * (e.g. baseline and the April update). Adding signals shrinks the spec signal's share: the
 * dilution at a glance.
 */
import {
  baseSpec,
  FORMAT,
  sig,
  signalColorScale,
  sortSignals,
  tip,
  type Json,
  type Row,
  type Spec,
  asSpec,
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

export interface NamedMix {
  name: string;
  /** Weight per signal (raw or effective; shares are computed as w / Σw). */
  weights: Record<string, number>;
}

export interface EffectiveWeightsInput {
  /** One bar per mix, top to bottom. */
  mixes: NamedMix[];
}

/** Relative luminance of a #RRGGBB colour (WCAG), to pick legible text on it. */
function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return 0;
  const n = parseInt(m[1], 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

export function effectiveWeightsSpec(
  input: EffectiveWeightsInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const names = input.mixes.map((m) => m.name);
  const signals = sortSignals([...new Set(input.mixes.flatMap((m) => Object.keys(m.weights)))]);
  const rows: Row[] = [];
  for (const mix of input.mixes) {
    const total = signals.reduce((s, k) => s + Math.max(0, mix.weights[k] ?? 0), 0);
    let start = 0;
    for (const signal of signals) {
      const weight = mix.weights[signal] ?? 0;
      const share = total > 0 ? Math.max(0, weight) / total : 0;
      if (share === 0) continue;
      rows.push({
        mix: mix.name,
        signal,
        weight: sig(weight),
        share: sig(share),
        start: sig(start),
        end: sig(start + share),
      });
      start += share;
    }
  }
  const colorScale = signalColorScale(signals, theme);
  const textColors = (colorScale.range as string[]).map((c) =>
    luminance(c) > 0.3 ? '#111111' : '#FFFFFF',
  );
  const y = {
    field: 'mix',
    type: 'nominal',
    sort: names,
    title: null,
    axis: { labelFontWeight: 'bold', domain: false, ticks: false },
  };
  const tooltip = [
    tip('mix', 'Mix', 'nominal'),
    tip('signal', 'Signal', 'nominal'),
    tip('weight', 'Weight', 'quantitative', FORMAT.value),
    tip('share', 'Share after normalization', 'quantitative', FORMAT.percentFine),
  ];
  const layer: Json[] = [
    {
      mark: { type: 'bar', stroke: 'white', strokeWidth: 1 },
      encoding: {
        y,
        x: {
          field: 'start',
          type: 'quantitative',
          title: 'Share of the mix after normalization',
          scale: { domain: [0, 1] },
          axis: { format: FORMAT.percent },
        },
        x2: { field: 'end' },
        color: { field: 'signal', type: 'nominal', title: 'Signal', scale: colorScale },
        tooltip,
      },
    },
    {
      transform: [
        { filter: 'datum.share >= 0.06' },
        { calculate: '(datum.start + datum.end) / 2', as: 'middle' },
      ],
      mark: { type: 'text', fontWeight: 'bold' },
      encoding: {
        y,
        x: { field: 'middle', type: 'quantitative', title: 'Share of the mix after normalization' },
        text: { field: 'share', type: 'quantitative', format: FORMAT.percent },
        color: {
          field: 'signal',
          type: 'nominal',
          scale: { domain: signals, range: textColors },
          legend: null,
        },
        tooltip,
      },
    },
  ];
  const base = baseSpec(theme, {
    title: "Each signal's share of the reward mix",
    subtitle: 'Weights divided by their sum: adding signals dilutes the others',
    description: `Horizontal stacked bars of each signal's share of the reward mix after normalization (weight divided by the sum of weights), one bar per mix (${names.join(', ')}); signals: ${signals.join(', ')}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width: theme.width,
    height: { step: Math.max(34, Math.round(theme.fontSize * 3)) },
    layer,
    resolve: { scale: { color: 'independent' } },
  });
}

export const effectiveWeightsChart = {
  title: 'Effective weights',
  description: "Each signal's share after normalization for several mixes: the dilution.",
  build: effectiveWeightsSpec,
};
