/**
 * Shared pieces of the chart builders: run data to long rows, the top-level spec (schema,
 * description, title, theme config), colour and dash scales that keep a signal or a run the same
 * colour in every chart, axis and tooltip helpers, and small multiples over runs. New charts
 * (sweeps: heatmaps with contours, tipping curves with bands, Pareto fronts, parallel
 * coordinates, multiplier trajectories) should be assembled from these.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Trajectory } from '../engine/run.ts';
import type { MetricRow } from '../engine/types.ts';
import { DASHES, inkColors, isDark, paletteColors, themeConfig, type ChartTheme } from './theme.ts';

/** A vega-lite spec, as the builders return it. */
export type Spec = TopLevelSpec;
/** A JSON object under construction (the schema test checks the result). */
export type Json = Record<string, unknown>;
/** One row of inline data. */
export type Row = Record<string, string | number | boolean | null>;

/** The columns a chart needs from a trajectory (a run dir's JSON has the same shape). */
export type TrajectoryLike = Pick<Trajectory, 'steps' | 'keys' | 'values'>;

/** A named training run: its trajectory, or its metrics as long rows. */
export interface RunInput {
  name: string;
  trajectory: TrajectoryLike | MetricRow[];
}

/** An id with an optional display label (a `Situation` or `ResponseStyle` fits). */
export type Labelled = string | { id: string; label?: string };

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** d3 formats used across charts. */
export const FORMAT = { value: '.4~g', prob: '.3f', percent: '.0%', percentFine: '.1%' } as const;

/** Rounds to `digits` significant digits (charts need no more; keeps specs small and stable). */
export function sig(x: number, digits = 6): number | null {
  if (!Number.isFinite(x)) return null;
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}

export function labelOf(x: Labelled): string {
  return typeof x === 'string' ? x : (x.label ?? x.id);
}

/** All metric keys a run recorded, in recording order. */
export function runKeys(run: RunInput): string[] {
  const tr = run.trajectory;
  if (!Array.isArray(tr)) return [...tr.keys];
  return [...new Set(tr.map((r) => r.key))];
}

/** The rows of `run` whose key passes `match`, grouped by key, in step order. */
export function runRows(run: RunInput, match: (key: string) => boolean): MetricRow[] {
  const tr = run.trajectory;
  if (Array.isArray(tr)) return tr.filter((r) => match(r.key));
  const out: MetricRow[] = [];
  for (const key of tr.keys) {
    if (!match(key)) continue;
    const col = tr.values[key];
    tr.steps.forEach((step, i) => out.push({ step, key, value: col[i] }));
  }
  return out;
}

/** Wide points `{step, [key]: value}` of one run for the given keys (missing values as NaN). */
export function runPoints(run: RunInput, keys: string[]): Map<number, Record<string, number>> {
  const wanted = new Set(keys);
  const points = new Map<number, Record<string, number>>();
  for (const r of runRows(run, (k) => wanted.has(k))) {
    let p = points.get(r.step);
    if (!p) points.set(r.step, (p = {}));
    p[r.key] = r.value;
  }
  return new Map([...points].sort((a, b) => a[0] - b[0]));
}

/** Display names of the metrics that charts show. */
export const METRIC_TITLES: Record<string, string> = {
  'eval/sycophancy': 'Sycophancy (eval/sycophancy)',
  'eval/accuracy': 'Offline accuracy (eval/accuracy)',
  'ab/thumbs_up': 'A/B thumbs-up rate (ab/thumbs_up)',
  'reward/mixed': 'Mixed reward (reward/mixed)',
  'objective/kl': 'KL to the reference (objective/kl)',
  'objective/j': 'Objective J (objective/j)',
  'pressure/total': 'Net push on sycophancy (pressure/total)',
};

export function metricTitle(key: string): string {
  return METRIC_TITLES[key] ?? key;
}

export interface ChartMeta {
  title: string;
  subtitle?: string | string[];
  /** What the chart shows, for screen readers and the vega editor. */
  description: string;
}

/** The top-level fields every chart carries: schema, description, title (if on), config. */
export function baseSpec(theme: ChartTheme, meta: ChartMeta): Json {
  const spec: Json = { $schema: VEGA_LITE_SCHEMA, description: meta.description };
  if (theme.title) {
    spec.title = meta.subtitle ? { text: meta.title, subtitle: meta.subtitle } : meta.title;
  }
  spec.config = themeConfig(theme);
  return spec;
}

/** Known signals keep their colour in every chart; KL and the net are neutral. */
export const SIGNAL_ORDER = ['spec', 'thumbs', 'correctness', 'memory'];
const SIGNAL_SLOTS: Record<string, number> = { spec: 0, thumbs: 1, correctness: 2, memory: 4 };
/** Colours outside the palette: the net line and rules (the KL term: `klColor(theme)`). */
export const NEUTRAL = { net: '#000000', rule: '#555555' } as const;

/**
 * The neutral colours of a theme: the net line and strong rules (`net`), thresholds and their
 * labels (`rule`), the halo under a line drawn over areas (`halo`), reference rules and dividers
 * (`muted`), points that recede (`faint`). On a light background they are the fixed ones the
 * default specs always had; on a dark one (`theme.background`) they turn light, so the net line
 * and the rules do not vanish into it.
 */
export function neutralColors(theme: ChartTheme): {
  net: string;
  rule: string;
  halo: string;
  muted: string;
  faint: string;
  /** A reference line drawn beside the data (the optimum tilt's). */
  reference: string;
  /** A grid quieter than the theme's. */
  grid: string;
  /** How a subtitle names a line in the `net` colour. */
  netName: string;
} {
  if (isDark(theme.background))
    return {
      net: '#FFFFFF',
      rule: '#B0B0B0',
      halo: theme.background,
      muted: '#8C8C8C',
      faint: '#6E6E6E',
      reference: '#9A9A9A',
      grid: inkColors(theme).grid,
      netName: 'White line',
    };
  return {
    ...NEUTRAL,
    halo: 'white',
    muted: '#888888',
    faint: '#BBBBBB',
    reference: '#9A9A9A',
    grid: '#F0F0F0',
    netName: 'Black line',
  };
}

/** Sorts signal names: known ones in SIGNAL_ORDER, the rest after in the given order. */
export function sortSignals(names: string[]): string[] {
  const known = SIGNAL_ORDER.filter((s) => names.includes(s));
  return [...known, ...names.filter((n) => !SIGNAL_ORDER.includes(n))];
}

/** Colour scale for signals: fixed slots for the known four, free slots for the others. */
export function signalColorScale(
  names: string[],
  theme: ChartTheme,
  extra: Record<string, string> = {},
): Json {
  const pal = paletteColors(theme);
  const used = new Set(Object.values(SIGNAL_SLOTS));
  const free = pal.map((_, i) => i).filter((i) => !used.has(i));
  let next = 0;
  const range = names.map((n) => {
    if (n in extra) return extra[n];
    const slot = SIGNAL_SLOTS[n] ?? free[next++ % Math.max(1, free.length)] ?? 0;
    return pal[slot % pal.length];
  });
  return { domain: names, range };
}

/** Colour scale for series (runs, policies) in the given order. */
export function seriesColorScale(names: string[], theme: ChartTheme): Json {
  const pal = paletteColors(theme);
  return { domain: names, range: names.map((_, i) => pal[i % pal.length]) };
}

/**
 * A strokeDash encoding that tells series apart in print, or undefined when dashes are off.
 * Dashes also turn on when the series outnumber the palette's colours (colours then repeat).
 * Give it the colour encoding's title so vega-lite merges both into one legend.
 */
export function seriesDash(
  field: string,
  names: string[],
  theme: ChartTheme,
  title: string | null,
): Json | undefined {
  if (!theme.dashes && names.length <= paletteColors(theme).length) return undefined;
  return {
    field,
    type: 'nominal',
    title,
    scale: { domain: names, range: names.map((_, i) => DASHES[i % DASHES.length]) },
  };
}

/** The x encoding for training steps, with about one tick label per six characters' width. */
export function stepX(theme: ChartTheme, width: number, title = 'Training step'): Json {
  const tickCount = Math.max(3, Math.round(width / (theme.fontSize * 6)));
  return {
    field: 'step',
    type: 'quantitative',
    title,
    axis: { tickMinStep: 1, format: 'd', tickCount },
  };
}

/** The width of one panel when `n` runs are shown as small multiples (see `panels`). */
export function panelWidth(theme: ChartTheme, n: number): number {
  return n <= 1 ? theme.width : Math.round(theme.width * 0.75);
}

/**
 * Transforms that draw each cell of a heatmap (fields x0–x1, y0–y1) half a pixel wider and
 * taller than its edges, as `x1_drawn` and `y1_drawn`, but not past the grid's end (`xEnd`,
 * `yEnd`): two cells that only touch leave a faint seam where their anti-aliased edges meet,
 * which a dense grid shows as a mesh over the whole map. `xSpan` over `width` pixels (and `ySpan`
 * over `height`) gives the size of half a pixel.
 */
export function halfPixelOverdraw(
  x: { span: number; end: number | null; px: number },
  y: { span: number; end: number | null; px: number },
): Json[] {
  const pad = (a: { span: number; px: number }) => sig((0.5 * a.span) / a.px, 3);
  return [
    { calculate: `min(datum.x1 + ${pad(x)}, ${x.end})`, as: 'x1_drawn' },
    { calculate: `min(datum.y1 + ${pad(y)}, ${y.end})`, as: 'y1_drawn' },
  ];
}

/**
 * A line in the background's colour (white by default) under a line on top of filled areas, so
 * it stays legible on any fill.
 */
export function halo(layer: Json, color = 'white'): Json {
  const mark = layer.mark as Json;
  const encoding = { ...(layer.encoding as Json) };
  delete encoding.color;
  delete encoding.tooltip;
  return {
    ...layer,
    mark: { ...mark, color, strokeWidth: Number(mark.strokeWidth ?? 2) + 2.5 },
    encoding,
  };
}

/** A tooltip entry. */
export function tip(
  field: string,
  title: string,
  type: 'quantitative' | 'nominal' | 'ordinal' = 'quantitative',
  format?: string,
): Json {
  const t: Json = { field, type, title };
  if (format) t.format = format;
  return t;
}

/**
 * A dashed horizontal rule at `field` of each row of `values` (a threshold, a bound) and its
 * `label` written at the right end above it: two layers.
 */
export function labeledRules(
  values: Json[],
  field: string,
  yTitle: string,
  tooltip: Json[],
  color: string = NEUTRAL.rule,
  /** The labels' widest extent in pixels (the plot's width): longer ones end in "…". */
  limit?: number,
): Json[] {
  const data = { values };
  return [
    {
      data,
      mark: { type: 'rule', strokeDash: [6, 4], color, strokeWidth: 1.5 },
      encoding: { y: { field, type: 'quantitative', title: yTitle }, tooltip },
    },
    {
      data,
      mark: compact({
        type: 'text',
        align: 'right',
        baseline: 'bottom',
        dx: -4,
        dy: -4,
        limit: limit && limit > 0 ? Math.max(40, limit - 8) : undefined,
      }),
      encoding: {
        x: { value: 'width' },
        y: { field, type: 'quantitative', title: yTitle },
        text: { field: 'label' },
        color: { value: color },
      },
    },
  ];
}

/** Drops undefined values so specs serialize the same way they compare. */
export function compact<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A transform that keeps one row per panel: for constant marks (zero rules) in facets. */
export const ONE_ROW_PER_PANEL: Json[] = [{ aggregate: [{ op: 'count', as: 'rows' }] }];

/**
 * One layered panel, or small multiples over `field` when there are several `panels`, with the
 * data at the top (so it is the chart's main dataset).
 */
export function panels(
  theme: ChartTheme,
  base: Json,
  rows: Row[],
  field: string,
  names: string[],
  layer: Json[],
  opts: { resolve?: Json; height?: number } = {},
): Spec {
  const height = opts.height ?? theme.height;
  const data = { values: rows };
  if (names.length <= 1) {
    return asSpec(
      compact({
        ...base,
        data,
        width: theme.width,
        height,
        layer,
        resolve: opts.resolve,
      }),
    );
  }
  const width = panelWidth(theme, names.length);
  return asSpec(
    compact({
      ...base,
      data,
      facet: { field, type: 'nominal', sort: names, title: null },
      columns: Math.min(2, names.length),
      spec: { width, height, layer },
      resolve: opts.resolve,
    }),
  );
}

/**
 * Rows for a diverging stack (pulls up above zero, down below). A series that keeps its sign
 * gives one row per step; one that changes sign gives an 'up' and a 'down' row per step with
 * the other part zero, so each stacked area stays continuous. `stacked` is the part to stack,
 * `value` the full value; with `line` the series is drawn as a line and not stacked.
 */
export function stackRows(
  run: string,
  name: string,
  points: { step: number; value: number }[],
  line = false,
  field = 'signal',
): Row[] {
  const row = (step: number, value: number, side: string | null, stacked: number | null): Row => ({
    run,
    step,
    [field]: name,
    side,
    value: sig(value),
    stacked: stacked === null ? null : sig(stacked),
  });
  if (line) return points.map((p) => row(p.step, p.value, null, null));
  const hasUp = points.some((p) => p.value > 0);
  const hasDown = points.some((p) => p.value < 0);
  if (!(hasUp && hasDown)) {
    const side = hasDown ? 'down' : 'up';
    return points.map((p) => row(p.step, p.value, side, p.value));
  }
  return points.flatMap((p) => [
    row(p.step, p.value, 'up', Math.max(0, p.value)),
    row(p.step, p.value, 'down', Math.min(0, p.value)),
  ]);
}

/** A calculate transform giving each series its position in `names` (as `stackOrder`). */
export function stackOrder(field: string, names: string[]): Json {
  return {
    calculate: `indexof(${JSON.stringify(names)}, datum[${JSON.stringify(field)}])`,
    as: 'stackOrder',
  };
}

/**
 * The builders assemble specs as plain JSON; the vega-lite schema test, not the TypeScript types
 * (which reject many valid layer/facet combinations), is what checks them.
 */
export function asSpec(o: Json): Spec {
  return o as unknown as Spec;
}
