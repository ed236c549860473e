// Deterministic inputs for the what-if charts: a sweep grid, a tipping curve with a seed band,
// a Pareto cloud, a three-parameter sweep, and a constrained run's multipliers.
import type { MultipliersInput } from '../../src/charts/multipliers.ts';
import type { ParallelCoordinatesInput } from '../../src/charts/parallel-coordinates.ts';
import type { ParetoFrontInput } from '../../src/charts/pareto-front.ts';
import type { SweepHeatmapInput } from '../../src/charts/sweep-heatmap.ts';
import type { TippingCurveInput } from '../../src/charts/tipping-curve.ts';
import { paretoFront } from '../../src/engine/analysis/pareto.ts';
import { simulate } from '../../src/engine/run.ts';
import type { World } from '../../src/engine/types.ts';
import { randomWorld } from '../helpers/randomWorld.ts';

const round = (x: number) => Number(x.toPrecision(6));

/** Sycophancy-like surface over thumbs (x) and spec (y) weights: rises with x, falls with y. */
export const surface = (x: number, y: number) => round(0.02 + 0.3 / (1 + Math.exp(-2 * (x - y))));

export function whatIfChartInputs(): {
  'sweep-heatmap': SweepHeatmapInput;
  'tipping-curve': TippingCurveInput;
  'pareto-front': ParetoFrontInput;
  'parallel-coordinates': ParallelCoordinatesInput;
  multipliers: MultipliersInput;
} {
  const cells: SweepHeatmapInput['cells'] = [];
  for (let i = 0; i <= 8; i++)
    for (let j = 0; j <= 6; j++)
      cells.push({ x: i * 0.5, y: 0.5 + j * 0.5, value: surface(i * 0.5, 0.5 + j * 0.5) });

  const curve = Array.from({ length: 11 }, (_, i) => {
    const x = i * 0.4;
    const mean = surface(x, 2);
    return {
      x: round(x),
      mean,
      lo: round(mean - 0.01 - 0.004 * i),
      hi: round(mean + 0.01 + 0.004 * i),
    };
  });

  const runs = Array.from({ length: 24 }, (_, i) => {
    const t = (i % 6) * 0.8;
    const s = 0.5 + Math.floor(i / 6);
    return {
      run: i,
      params: { 'mix.weights.thumbs': round(t), 'mix.weights.spec': s },
      up: round(0.69 + 0.01 * t - 0.003 * s),
      syc: surface(t, s),
    };
  });
  const front = new Set(
    paretoFront(
      runs.map((r) => ({ up: r.up, syc: r.syc })),
      [
        { key: 'up', sense: 'max' },
        { key: 'syc', sense: 'min' },
      ],
    ),
  );

  const lhs = Array.from({ length: 12 }, (_, i) => {
    const a = ((i * 7) % 12) / 3;
    const b = 0.5 + ((i * 5) % 12) / 4;
    const c = ((i * 11) % 12) / 4;
    return {
      'mix.weights.thumbs': round(a),
      'mix.weights.spec': round(b),
      'params.approvalBias': round(c),
      'eval/sycophancy': round(surface(a + 0.3 * c, b)),
    };
  });

  const w0 = randomWorld(11, { update: 'natural', learningRate: 1, beta: 0.3, steps: 60 });
  const world: World = {
    ...w0,
    mix: {
      ...w0.mix,
      constraints: [
        {
          metric: 'eval/sycophancy',
          feature: w0.features.sycophantic,
          set: w0.sets.sycophancy,
          sense: 'max',
          bound: 0.3,
        },
      ],
      multiplierRate: 1,
    },
  };
  const run = simulate(world, { recordEvery: 3 });

  return {
    'sweep-heatmap': {
      x: 'mix.weights.thumbs',
      y: 'mix.weights.spec',
      metric: 'eval/sycophancy',
      cells,
      threshold: 0.1,
    },
    'tipping-curve': {
      param: 'mix.weights.thumbs',
      metric: 'eval/sycophancy',
      threshold: 0.1,
      curve,
      crossing: { x: 1.65, lo: 1.58, hi: 1.71 },
      analytic: 1.62,
    },
    'pareto-front': {
      x: { key: 'ab/thumbs_up', sense: 'max' },
      y: { key: 'eval/sycophancy', sense: 'min' },
      points: runs.map((r, i) => ({
        x: r.up,
        y: r.syc,
        front: front.has(i),
        run: r.run,
        params: r.params,
      })),
    },
    'parallel-coordinates': {
      dimensions: ['mix.weights.thumbs', 'mix.weights.spec', 'params.approvalBias'],
      metric: 'eval/sycophancy',
      rows: lhs,
    },
    multipliers: {
      runs: [{ name: 'constrained', trajectory: run.trajectory }],
      constraints: [{ metric: 'eval/sycophancy', sense: 'max', bound: 0.3 }],
    },
  };
}
