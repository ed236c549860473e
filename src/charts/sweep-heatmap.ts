/**
 * Sweep heatmap: a metric over a grid of two swept parameters (means over seeds), with the
 * contour where it crosses a threshold (the tipping boundary), traced by marching squares
 * between cell centres.
 */
import {
  asSpec,
  halfPixelOverdraw,
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
import { paramTitle } from './text.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

export interface SweepHeatmapInput {
  /** The parameter on the x axis (a scenario path) and on the y axis. */
  x: string;
  y: string;
  metric: string;
  /** One cell per grid point: the parameter values and the metric (mean over seeds). */
  cells: { x: number; y: number; value: number }[];
  /** The contour level (e.g. a launch threshold); no contour when null or absent. */
  threshold?: number | null;
}

/** A contour segment between two points in data coordinates. */
export interface Segment {
  x: number;
  y: number;
  x2: number;
  y2: number;
}

const levels = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/**
 * The contour of `value = level` over a grid (marching squares). Cells with a missing or
 * non-finite value leave a gap. A saddle square is resolved by the mean of its corners.
 */
export function contourSegments(
  cells: { x: number; y: number; value: number }[],
  level: number,
): Segment[] {
  const xs = levels(cells.map((c) => c.x));
  const ys = levels(cells.map((c) => c.y));
  const v = new Map(cells.map((c) => [`${c.x},${c.y}`, c.value]));
  const at = (i: number, j: number) => v.get(`${xs[i]},${ys[j]}`) ?? NaN;
  const out: Segment[] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const c = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)]; // 00, 10, 11, 01
      if (!c.every(Number.isFinite)) continue;
      const up = c.map((z) => z >= level);
      const px = [xs[i], xs[i + 1], xs[i + 1], xs[i]];
      const py = [ys[j], ys[j], ys[j + 1], ys[j + 1]];
      // Crossing points on edges 0: 00–10 (bottom), 1: 10–11 (right), 2: 11–01 (top), 3: 01–00.
      const edge: ({ x: number; y: number } | null)[] = [0, 1, 2, 3].map((e) => {
        const a = e;
        const b = (e + 1) % 4;
        if (up[a] === up[b]) return null;
        const t = (level - c[a]) / (c[b] - c[a]);
        return { x: px[a] + t * (px[b] - px[a]), y: py[a] + t * (py[b] - py[a]) };
      });
      const hits = [0, 1, 2, 3].filter((e) => edge[e]);
      const seg = (a: number, b: number) =>
        out.push({ x: edge[a]!.x, y: edge[a]!.y, x2: edge[b]!.x, y2: edge[b]!.y });
      if (hits.length === 2) seg(hits[0], hits[1]);
      else if (hits.length === 4) {
        const centre = (c[0] + c[1] + c[2] + c[3]) / 4 >= level;
        if (centre === up[0]) {
          seg(0, 1); // cut off corner 10
          seg(2, 3); // cut off corner 01
        } else {
          seg(3, 0); // cut off corner 00
          seg(1, 2); // cut off corner 11
        }
      }
    }
  }
  return out;
}

/** Cell edges: midway between neighbouring levels, half a step beyond the ends. */
function edges(ls: number[]): { lo: number; hi: number }[] {
  return ls.map((l, k) => {
    const before = k > 0 ? (l - ls[k - 1]) / 2 : null;
    const after = k + 1 < ls.length ? (ls[k + 1] - l) / 2 : null;
    // A single level gets a unit-wide cell.
    return { lo: l - (before ?? after ?? 0.5), hi: l + (after ?? before ?? 0.5) };
  });
}

export function sweepHeatmapSpec(
  input: SweepHeatmapInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const xs = levels(input.cells.map((c) => c.x));
  const ys = levels(input.cells.map((c) => c.y));
  const xEdges = edges(xs);
  const yEdges = edges(ys);
  const xe = new Map(xs.map((l, k) => [l, xEdges[k]]));
  const ye = new Map(ys.map((l, k) => [l, yEdges[k]]));
  const rows: Row[] = input.cells.map((c) => ({
    x: sig(c.x),
    y: sig(c.y),
    x0: sig(xe.get(c.x)!.lo),
    x1: sig(xe.get(c.x)!.hi),
    y0: sig(ye.get(c.y)!.lo),
    y1: sig(ye.get(c.y)!.hi),
    value: sig(c.value),
  }));
  const title = metricTitle(input.metric);
  const xEnc = {
    field: 'x0',
    type: 'quantitative',
    title: paramTitle(input.x),
    scale: {
      domain: [sig(xe.get(xs[0])!.lo), sig(xe.get(xs[xs.length - 1])!.hi)],
      nice: false,
      zero: false,
    },
  };
  const yEnc = {
    field: 'y0',
    type: 'quantitative',
    title: paramTitle(input.y),
    scale: {
      domain: [sig(ye.get(ys[0])!.lo), sig(ye.get(ys[ys.length - 1])!.hi)],
      nice: false,
      zero: false,
    },
  };
  // Each cell is drawn half a pixel over its neighbours (no seams), not past the grid.
  const [x0, x1] = xEnc.scale.domain as number[];
  const [y0, y1] = yEnc.scale.domain as number[];
  const layer: Json[] = [
    {
      mark: { type: 'rect' },
      transform: halfPixelOverdraw(
        { span: x1 - x0, end: x1, px: theme.width },
        { span: y1 - y0, end: y1, px: theme.width * 0.75 },
      ),
      encoding: {
        x: xEnc,
        x2: { field: 'x1_drawn' },
        y: yEnc,
        y2: { field: 'y1_drawn' },
        color: {
          field: 'value',
          type: 'quantitative',
          title: input.metric,
          scale: { scheme: theme.sequentialScheme },
        },
        tooltip: [
          tip('x', input.x, 'quantitative', FORMAT.value),
          tip('y', input.y, 'quantitative', FORMAT.value),
          tip('value', title, 'quantitative', FORMAT.value),
        ],
      },
    },
  ];
  const t = input.threshold;
  const segments = t != null && Number.isFinite(t) ? contourSegments(input.cells, t) : [];
  if (segments.length) {
    const contourRows = segments.map((s) => ({
      x: sig(s.x),
      y: sig(s.y),
      x2: sig(s.x2),
      y2: sig(s.y2),
      level: t as number,
    }));
    const enc = (stroke: string, width: number, withTip: boolean): Json => ({
      data: { values: contourRows },
      mark: { type: 'rule', color: stroke, strokeWidth: width, strokeCap: 'round' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: paramTitle(input.x) },
        y: { field: 'y', type: 'quantitative', title: paramTitle(input.y) },
        x2: { field: 'x2' },
        y2: { field: 'y2' },
        ...(withTip
          ? { tooltip: [tip('level', `Contour: ${input.metric} =`, 'quantitative', FORMAT.value)] }
          : {}),
      },
    });
    layer.push(enc(neutral.halo, 4.5, false), enc(neutral.net, 2, true));
  }
  const contourNote =
    segments.length > 0
      ? `${neutral.netName}: where ${input.metric} = ${sig(t as number, 4)} (the tipping boundary).`
      : t != null
        ? `${input.metric} does not cross ${sig(t, 4)} on this grid.`
        : undefined;
  const base = baseSpec(theme, {
    title: `${title} across ${input.x} and ${input.y}`,
    subtitle: contourNote,
    description: `Heatmap of ${input.metric} over a ${xs.length} × ${ys.length} grid of ${input.x} (x) and ${input.y} (y)${segments.length ? `, with the contour where it equals ${t}` : ''}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width: theme.width,
    height: theme.width * 0.75,
    layer,
  });
}

export const sweepHeatmapChart = {
  title: 'Sweep heatmap',
  description: 'A metric over a grid of two swept parameters, with the tipping contour.',
  build: sweepHeatmapSpec,
};
