/**
 * Tipping curve: a metric against one parameter (the mean over seeds as a line, the seeds' 95%
 * interval as a band), the threshold as a dashed rule, the crossing found by bisection as a
 * rule with its interval across seeds as a shaded strip, and the analytic value of the
 * KL-regularized optimum as a dotted rule.
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
import { paramTitle, wrapParts } from './text.ts';
import { paletteColors, resolveTheme, type ChartTheme } from './theme.ts';

export interface TippingCurveInput {
  /** The parameter (a scenario path) and the metric. */
  param: string;
  metric: string;
  /** The threshold (a dashed rule); none when null. */
  threshold: number | null;
  /** The metric at values of the parameter: mean over seeds and its 95% interval. */
  curve: { x: number; mean: number; lo: number; hi: number }[];
  /**
   * The crossing (mean over seeds) and its interval across seeds; null when it was searched for
   * and none was found (the chart then says so); absent when no search was made (a sweep's curve).
   */
  crossing?: { x: number; lo?: number | null; hi?: number | null } | null;
  /** The tipping value of the KL-regularized optimum (tabular policies). */
  analytic?: number | null;
}

export function tippingCurveSpec(
  input: TippingCurveInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const color = paletteColors(theme)[0];
  const yTitle = metricTitle(input.metric);
  const rows: Row[] = input.curve.map((p) => ({
    x: sig(p.x),
    mean: sig(p.mean),
    lo: sig(p.lo),
    hi: sig(p.hi),
  }));
  const x = { field: 'x', type: 'quantitative', title: paramTitle(input.param) };
  const tooltip = [
    tip('x', input.param, 'quantitative', FORMAT.value),
    tip('mean', `${input.metric} (mean over seeds)`, 'quantitative', FORMAT.value),
    tip('lo', '95% interval: low', 'quantitative', FORMAT.value),
    tip('hi', '95% interval: high', 'quantitative', FORMAT.value),
  ];
  const layer: Json[] = [];
  const banded = input.curve.some((p) => p.hi > p.lo);
  if (banded) {
    layer.push({
      mark: { type: 'area', opacity: 0.25, color },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' } },
    });
  }
  layer.push({
    mark: { type: 'line', strokeWidth: 2.2, color, point: { filled: true, size: 30, color } },
    encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle }, tooltip },
  });
  const threshold = input.threshold;
  if (threshold !== null && Number.isFinite(threshold)) {
    layer.push({
      data: { values: [{ threshold }] },
      mark: { type: 'rule', strokeDash: [6, 4], color: neutral.rule, strokeWidth: 1.5 },
      encoding: {
        y: { field: 'threshold', type: 'quantitative', title: yTitle },
        tooltip: [tip('threshold', 'Threshold', 'quantitative', FORMAT.value)],
      },
    });
  }
  const c = input.crossing;
  const notes: string[] = [];
  if (banded) notes.push('band: the 95% interval across seeds');
  if (threshold !== null && Number.isFinite(threshold))
    notes.push(`dashed rule: the threshold (${sig(threshold, 4)})`);
  if (c && Number.isFinite(c.x)) {
    if (c.lo != null && c.hi != null && c.hi > c.lo) {
      layer.push({
        data: { values: [{ lo: sig(c.lo), hi: sig(c.hi) }] },
        mark: { type: 'rect', color: neutral.net, opacity: 0.12 },
        encoding: {
          x: { field: 'lo', type: 'quantitative', title: paramTitle(input.param) },
          x2: { field: 'hi' },
          tooltip: [
            tip('lo', 'Tipping point: 95% interval low', 'quantitative', FORMAT.value),
            tip('hi', 'Tipping point: 95% interval high', 'quantitative', FORMAT.value),
          ],
        },
      });
      notes.push('grey strip: its 95% interval across seeds');
    }
    layer.push({
      data: { values: [{ x: sig(c.x), label: `tipping point ${sig(c.x, 4)}` }] },
      mark: { type: 'rule', color: neutral.net, strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: paramTitle(input.param) },
        tooltip: [tip('x', 'Tipping point (bisection)', 'quantitative', FORMAT.value)],
      },
    });
    const strip = notes.indexOf('grey strip: its 95% interval across seeds');
    notes.splice(
      strip < 0 ? notes.length : strip,
      0,
      `solid rule: the tipping point by bisection (${sig(c.x, 4)})`,
    );
  }
  if (input.analytic != null && Number.isFinite(input.analytic)) {
    layer.push({
      data: { values: [{ x: sig(input.analytic) }] },
      mark: { type: 'rule', color: neutral.rule, strokeDash: [2, 3], strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: paramTitle(input.param) },
        tooltip: [
          tip('x', 'Tipping point of the optimum (analytic)', 'quantitative', FORMAT.value),
        ],
      },
    });
    notes.push(`dotted rule: the optimum's (${sig(input.analytic, 4)})`);
  }
  const hasThreshold = threshold !== null && Number.isFinite(threshold);
  const crosses = !!c && Number.isFinite(c.x);
  let title = `${input.metric} as ${input.param} moves`;
  if (hasThreshold && crosses)
    title = `Where ${input.metric} crosses ${sig(threshold, 4)} as ${input.param} moves`;
  else if (hasThreshold && c === null && rows.length > 0) {
    // No crossing found: say so where the reader looks for it, not a title that promises one.
    const xs = input.curve.map((p) => p.x);
    const side = input.curve.every((p) => p.mean >= threshold)
      ? 'above'
      : input.curve.every((p) => p.mean < threshold)
        ? 'below'
        : null;
    title = side
      ? `${input.metric} stays ${side} ${sig(threshold, 4)} as ${input.param} moves`
      : `${input.metric} as ${input.param} moves (no crossing of ${sig(threshold, 4)} found)`;
    notes.unshift(
      side
        ? `no crossing of the threshold for ${input.param} in [${sig(Math.min(...xs), 4)}, ${sig(Math.max(...xs), 4)}]`
        : 'no crossing found by bisection',
    );
  }
  const base = baseSpec(theme, {
    title,
    subtitle: notes.length
      ? wrapParts(
          notes.map((n, i) => (i === 0 ? n.replace(/^./, (ch) => ch.toUpperCase()) : n)),
          theme.width,
          theme.fontSize,
        ).map((line, i, all) => (i === all.length - 1 ? `${line}.` : `${line};`))
      : undefined,
    description: `${input.metric} against ${input.param} at ${rows.length} values (mean over seeds${banded ? ', with the 95% interval across seeds as a band' : ''})${hasThreshold ? `, the threshold ${threshold} as a dashed rule` : ''}${c ? `, the tipping point ${c.x} as a solid rule` : ''}${input.analytic != null ? `, and the analytic tipping point ${input.analytic} of the KL-regularized optimum as a dotted rule` : ''}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width: theme.width,
    height: theme.height,
    layer,
  });
}

export const tippingCurveChart = {
  title: 'Tipping curve',
  description:
    'A metric against one parameter with its seed band, the threshold and the tipping point.',
  build: tippingCurveSpec,
};
