/**
 * The live phase map: equilibrium sycophancy over a grid of two signal weights, the other weights
 * and every other setting as they are. The equilibrium is the KL-regularized optimum (the tilt
 * π* = π_ref·exp(R/β)/Z, `tiltOptimum`), which needs no training: it is where the tabular exact
 * trainer converges, from the reference or from the mainline the shipped scenarios start at.
 * The tipping contour (marching squares at the launch threshold) and the current mix are marked.
 * Pure: numbers in, a vega-lite spec out.
 */
import { effectiveWeights, mixedReward, tiltOptimum, type World } from '../engine/index.ts';
import {
  asSpec,
  baseSpec,
  FORMAT,
  halfPixelOverdraw,
  sig,
  tip,
  type Json,
  type Row,
  type Spec,
} from '../charts/common.ts';
import { resolveTheme, type ChartTheme } from '../charts/theme.ts';

export interface PhaseGrid {
  /** Signal names on the axes. */
  x: string;
  y: string;
  /** Cell centres along each axis. */
  xs: number[];
  ys: number[];
  /** Equilibrium eval/sycophancy, row-major over (y, x): values[j * xs.length + i]. */
  values: Float64Array;
  /** Width and height of a cell. */
  dx: number;
  dy: number;
}

/** eval/sycophancy of a policy (the engine's definition: `sycophantic` over the probe set). */
function sycophancyOf(world: World, prob: Float64Array): number {
  const syc = world.features['sycophantic'];
  const q = world.sets.sycophancy;
  const A = world.actions.length;
  let s = 0;
  for (let c = 0, row = 0; c < q.length; c++, row += A) {
    if (q[c] === 0) continue;
    let e = 0;
    for (let a = 0; a < A; a++) e += prob[row + a] * syc[row + a];
    s += q[c] * e;
  }
  return s;
}

/** Equilibrium sycophancy for raw weights `w` (one per signal): NaN when the mix is empty. */
export function equilibriumSycophancy(world: World, w: Float64Array): number {
  const mixWorld: World = { ...world, mix: { ...world.mix, weights: w, schedule: null } };
  const eff = effectiveWeights(mixWorld, 0);
  if (world.mix.normalize && !w.some((x) => x > 0)) return NaN;
  const R = mixedReward(world, eff);
  const pi = tiltOptimum(R, world.referenceLogProbs, world.actions.length, world.beta);
  return sycophancyOf(world, pi);
}

/**
 * The grid over signals `x` and `y` from 0 to `xMax` / `yMax` in `n` cells a side, the other
 * weights at their current values.
 */
export function phaseGrid(
  world: World,
  x: string,
  y: string,
  opts: { xMax: number; yMax: number; n?: number },
): PhaseGrid {
  if (!world.features['sycophantic'])
    throw new Error('phase map: the world has no `sycophantic` feature');
  const names = world.signals.map((s) => s.name);
  const ix = names.indexOf(x);
  const iy = names.indexOf(y);
  if (ix < 0 || iy < 0 || ix === iy) throw new Error(`phase map: bad axes ${x}, ${y}`);
  const n = opts.n ?? 24;
  const dx = opts.xMax / n;
  const dy = opts.yMax / n;
  const xs = Array.from({ length: n }, (_, i) => (i + 0.5) * dx);
  const ys = Array.from({ length: n }, (_, j) => (j + 0.5) * dy);
  const values = new Float64Array(n * n);
  const w = world.mix.weights.slice();
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      w[ix] = xs[i];
      w[iy] = ys[j];
      values[j * n + i] = equilibriumSycophancy(world, w);
    }
  }
  return { x, y, xs, ys, values, dx, dy };
}

export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * The contour where the grid crosses `level` (marching squares on cell centres, linear
 * interpolation along edges; the two saddle cases are split by the centre's average).
 */
export function contour(grid: PhaseGrid, level: number): Segment[] {
  const { xs, ys, values } = grid;
  const nx = xs.length;
  const v = (i: number, j: number) => values[j * nx + i];
  const out: Segment[] = [];
  const lerp = (a: number, b: number, va: number, vb: number) =>
    va === vb ? (a + b) / 2 : a + ((level - va) / (vb - va)) * (b - a);
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const c = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)]; // bl, br, tr, tl
      if (c.some((x) => !Number.isFinite(x))) continue;
      const above = c.map((x) => x > level);
      const pts: Record<string, [number, number]> = {};
      // edges: bottom (bl-br), right (br-tr), top (tl-tr), left (bl-tl)
      if (above[0] !== above[1]) pts.b = [lerp(xs[i], xs[i + 1], c[0], c[1]), ys[j]];
      if (above[1] !== above[2]) pts.r = [xs[i + 1], lerp(ys[j], ys[j + 1], c[1], c[2])];
      if (above[3] !== above[2]) pts.t = [lerp(xs[i], xs[i + 1], c[3], c[2]), ys[j + 1]];
      if (above[0] !== above[3]) pts.l = [xs[i], lerp(ys[j], ys[j + 1], c[0], c[3])];
      const keys = Object.keys(pts);
      const seg = (a: string, b: string) =>
        out.push({ x1: pts[a][0], y1: pts[a][1], x2: pts[b][0], y2: pts[b][1] });
      if (keys.length === 2) seg(keys[0], keys[1]);
      else if (keys.length === 4) {
        const centreAbove = (c[0] + c[1] + c[2] + c[3]) / 4 > level;
        // bl and tr on one side, br and tl on the other: join so the centre's side connects.
        if (above[0] === centreAbove) {
          seg('b', 'r');
          seg('t', 'l');
        } else {
          seg('b', 'l');
          seg('t', 'r');
        }
      }
    }
  }
  return out;
}

export interface PhaseMapInput {
  grid: PhaseGrid;
  /** The tipping level (the launch threshold); no contour when null. */
  level: number | null;
  /** The current weights on the two axes, and the equilibrium there. */
  current: { x: number; y: number; value: number };
  /** Axis titles. */
  xTitle: string;
  yTitle: string;
}

/** The phase map as a vega-lite spec: heatmap, tipping contour, the current mix. */
export function phaseMapSpec(input: PhaseMapInput, themeIn: Partial<ChartTheme> = {}): Spec {
  const theme = resolveTheme(themeIn);
  const { grid, level, current } = input;
  const rows: Row[] = [];
  grid.ys.forEach((y, j) =>
    grid.xs.forEach((x, i) => {
      rows.push({
        x0: sig(x - grid.dx / 2),
        x1: sig(x + grid.dx / 2),
        y0: sig(y - grid.dy / 2),
        y1: sig(y + grid.dy / 2),
        x: sig(x),
        y: sig(y),
        sycophancy: sig(grid.values[j * grid.xs.length + i]),
      });
    }),
  );
  const segs = level === null ? [] : contour(grid, level);
  const xMax = grid.xs[grid.xs.length - 1] + grid.dx / 2;
  const yMax = grid.ys[grid.ys.length - 1] + grid.dy / 2;
  // The cells fill the plot to its edges (no scale padding: it left an empty strip past the last
  // row and column); the axes stand a few pixels off, so the marker of a zero weight does not
  // sit on an axis line.
  const scale = (max: number) => ({ domain: [0, sig(max)], nice: false, zero: true });
  const axis = { offset: 8 };
  const x = { type: 'quantitative', title: input.xTitle, scale: scale(xMax), axis };
  const y = { type: 'quantitative', title: input.yTitle, scale: scale(yMax), axis };
  const levelText = level === null ? '' : ` (${level.toFixed(3)})`;
  const layer: Json[] = [
    {
      mark: { type: 'rect', tooltip: true },
      // Each cell half a pixel over its neighbours (no seams), as in the CLI's sweep heatmap.
      transform: halfPixelOverdraw(
        { span: xMax, end: sig(xMax), px: theme.width },
        { span: yMax, end: sig(yMax), px: theme.height },
      ),
      encoding: {
        x: { field: 'x0', ...x },
        x2: { field: 'x1_drawn' },
        y: { field: 'y0', ...y },
        y2: { field: 'y1_drawn' },
        color: {
          field: 'sycophancy',
          type: 'quantitative',
          title: ['Equilibrium', 'sycophancy'],
          scale: { scheme: 'oranges', domain: [0, 0.5], clamp: true },
          legend: { format: '.2f', gradientLength: 160 },
        },
        tooltip: [
          tip('x', input.xTitle, 'quantitative', FORMAT.value),
          tip('y', input.yTitle, 'quantitative', FORMAT.value),
          tip('sycophancy', 'equilibrium sycophancy', 'quantitative', FORMAT.prob),
        ],
      },
    },
  ];
  if (segs.length) {
    const line = (color: string, width: number, dash?: number[]) => ({
      data: {
        values: segs.map((s) => ({ x1: sig(s.x1), y1: sig(s.y1), x2: sig(s.x2), y2: sig(s.y2) })),
      },
      mark: {
        type: 'rule',
        color,
        strokeWidth: width,
        strokeCap: 'round',
        ...(dash ? { strokeDash: dash } : {}),
      },
      encoding: {
        x: { field: 'x1', ...x },
        y: { field: 'y1', ...y },
        x2: { field: 'x2' },
        y2: { field: 'y2' },
      },
    });
    layer.push(line('white', 5), line('#000000', 2, [6, 3]));
  }
  const point = {
    data: {
      values: [
        { x: sig(current.x), y: sig(current.y), sycophancy: sig(current.value), label: 'your mix' },
      ],
    },
    encoding: {
      x: { field: 'x', ...x },
      y: { field: 'y', ...y },
    },
  };
  layer.push(
    {
      ...point,
      mark: {
        type: 'point',
        shape: 'circle',
        size: 170,
        filled: true,
        fill: 'white',
        stroke: '#000000',
        strokeWidth: 2.5,
      },
      encoding: {
        ...point.encoding,
        tooltip: [
          tip('label', 'mix', 'nominal'),
          tip('x', input.xTitle, 'quantitative', FORMAT.value),
          tip('y', input.yTitle, 'quantitative', FORMAT.value),
          tip('sycophancy', 'equilibrium sycophancy', 'quantitative', FORMAT.prob),
        ],
      },
    },
    {
      ...point,
      mark: {
        type: 'text',
        text: 'your mix',
        align: 'left',
        dx: 10,
        dy: -10,
        fontWeight: 'bold',
        stroke: 'white',
        strokeWidth: 3,
        strokeOpacity: 0.8,
      },
    },
    {
      ...point,
      mark: { type: 'text', text: 'your mix', align: 'left', dx: 10, dy: -10, fontWeight: 'bold' },
    },
  );
  return asSpec({
    ...baseSpec(theme, {
      title: 'Phase map: where the mix tips',
      subtitle: `Equilibrium sycophancy (the KL-regularized optimum); dashed: the launch threshold${levelText}`,
      description: `Equilibrium sycophancy over a grid of ${input.xTitle} and ${input.yTitle}, with the tipping contour at the launch threshold${levelText} and the current mix marked.`,
    }),
    width: theme.width,
    height: theme.height,
    data: { values: rows },
    layer,
  });
}
