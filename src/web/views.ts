/**
 * What the page shows, as data: the chart specs (from the same builders as `rewardmix chart`,
 * plus the phase map), the key moments of a run, and the readouts. Pure: a simulation in,
 * plain data out; the DOM side (app.ts, charts-view.ts) only draws it.
 */
import type { RunResult, Trajectory, World } from '../engine/index.ts';
import { weightsByName } from '../engine/mix.ts';
import {
  dashboardSpec,
  DASHBOARD_PANELS,
  spanDomain,
  driftSpec,
  effectiveWeightsSpec,
  launchReviewSpec,
  policyHeatmapSpec,
  pullOvertakeStep,
  tugOfWarSpec,
  type ChartTheme,
  type Json,
  type Spec,
  type TrajectoryLike,
} from '../charts/index.ts';
import type { NormalizedScenario } from '../scenario/compile.ts';
import { equilibriumSycophancy, phaseGrid, phaseMapSpec } from './phase-map.ts';
import type { Simulation } from './simulation.ts';

/** The name of the user's run in legends. */
export const YOURS = 'your mix';
/** The name of the comparison run (the baseline preset with the same trainer, steps and seed). */
export const BASELINE = 'baseline';

/** The charts, in page order: id, heading, and what to look for. */
export const CHARTS = [
  {
    id: 'drift',
    title: 'Sycophancy during training',
    caption:
      'Share of sycophantic answers on the probe set at each training step. Above the dashed line, the revised launch review blocks the model.',
  },
  {
    id: 'phase-map',
    title: 'Phase map: where the mix tips',
    caption:
      'Where training settles for every pair of weights on the two axes, the other settings as they are. Past the dashed contour the model is too sycophantic to launch.',
  },
  {
    id: 'tug-of-war',
    title: 'Tug-of-war over sycophancy',
    caption:
      "Each signal's push on sycophancy per step: above zero toward it, below zero away from it. The black line is the net push.",
  },
  {
    id: 'effective-weights',
    title: "Each signal's share of the reward",
    caption:
      'Weights divided by their sum: adding thumbs and memory shrinks the share of the model-spec signal that held sycophancy in check.',
  },
  {
    id: 'dashboard',
    title: 'What the dashboard saw',
    caption:
      'Offline accuracy and the A/B thumbs-up rate (what the April 2025 dashboard tracked) next to the sycophancy nobody measured.',
  },
  {
    id: 'launch-review',
    title: 'Launch review under both processes',
    caption:
      'The same evidence judged by the April 2025 process (no sycophancy eval; vibe checks only advise) and by the revised one (behaviour evals and flags can block).',
  },
  {
    id: 'policy-heatmap',
    title: 'How the model answers, before and after',
    caption:
      'Probability of each answer style in each situation: the model in production (start) and after training on your mix.',
  },
] as const;
export type ChartId = (typeof CHARTS)[number]['id'];

/** What marks a memory-on situation: it leads the label, where an axis's label limit cannot cut it. */
export const MEMORY_ON = 'memory on · ';

/**
 * Readable situation labels: the scenario's labels, memory-on variants marked at the start (a
 * long label is truncated at its end on the chart, so a marker at the end made the two rows of a
 * situation read the same).
 */
export function situationLabels(world: World, sc: NormalizedScenario): string[] {
  const labels = new Map(sc.situations.map((s) => [s.id, s.label ?? s.id]));
  return world.contexts.map((c) => {
    const base = c.id.endsWith('+memory') ? c.id.slice(0, -'+memory'.length) : c.id;
    const label = labels.get(base) ?? base;
    return c.id === base ? label : `${MEMORY_ON}${label}`;
  });
}

/** The first recorded step where `key` exceeds `level`, or null. */
export function crossingStep(tr: TrajectoryLike, key: string, level: number | null): number | null {
  if (level === null) return null;
  const col = tr.values[key];
  if (!col) return null;
  const i = col.findIndex((v) => v > level);
  return i < 0 ? null : tr.steps[i];
}

export interface Moment {
  step: number;
  kind: 'overtake' | 'threshold';
  text: string;
}

/** The key moments of a (possibly partial) run: where the pull up wins, where the threshold is crossed. */
export function keyMoments(tr: TrajectoryLike, world: World, threshold: number | null): Moment[] {
  const out: Moment[] = [];
  const overtake = pullOvertakeStep({ name: YOURS, trajectory: tr }, 'spec');
  if (overtake !== null) {
    const up = world.signals
      .map((s) => s.name)
      .filter((n) => n !== 'spec' && (tr.values[`pressure/${n}`] ?? []).some((v) => v > 0));
    out.push({
      step: overtake,
      kind: 'overtake',
      text: `the pull up (${up.join(' + ') || 'other signals'}) overtakes the model spec's pull down`,
    });
  }
  const cross = crossingStep(tr, 'eval/sycophancy', threshold);
  if (cross !== null && threshold !== null)
    out.push({
      step: cross,
      kind: 'threshold',
      text: `sycophancy crosses the launch threshold (${threshold.toFixed(3)}): from here the revised review blocks`,
    });
  return out.sort((a, b) => a.step - b.step || (a.kind === 'overtake' ? -1 : 1));
}

/**
 * What the phase map cannot show for this world, in one line (or '' when it is exact): the tilt
 * is where a tabular policy with a fixed mix converges.
 */
export function phaseMapCaveat(world: World): string {
  const notes: string[] = [];
  if (world.mix.constraints.length)
    notes.push(
      'This scenario trains in constrained mode: a Lagrange multiplier adds a push against sycophancy during training that the map (the fixed mix) leaves out, so the run ends lower than the map.',
    );
  if (world.policy.kind === 'linear')
    notes.push(
      'The policy is linear (shared traits): it cannot reach this optimum exactly; the map shows where a per-situation policy would settle.',
    );
  if (world.mix.schedule?.some((x) => x !== null))
    notes.push('Some weights follow a schedule: the map uses their values at step 0.');
  return notes.join(' ');
}

/** Sets a fixed domain on every quantitative `step` encoding (play mode: the axis does not grow). */
export function fixStepDomain(spec: Spec, steps: number): Spec {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Json;
    if (o.field === 'step' && o.type === 'quantitative')
      o.scale = { ...((o.scale as Json) ?? {}), domain: [0, Math.max(1, steps)] };
    Object.values(o).forEach(walk);
  };
  const copy = structuredClone(spec);
  walk(copy);
  return copy;
}

/** Fixes the y domain of every layer of a layered chart to [0, top]. */
function fixYDomain(spec: Spec, top: number): Spec {
  const s = structuredClone(spec) as unknown as Json;
  for (const layer of (s.layer as Json[]) ?? []) {
    const y = (layer.encoding as Json | undefined)?.y as Json | undefined;
    if (y?.type === 'quantitative') y.scale = { ...((y.scale as Json) ?? {}), domain: [0, top] };
  }
  return s as unknown as Spec;
}

/**
 * Fixes the y domain of each panel of the dashboard from the whole runs (`all`), so that in play
 * mode the axes stand still while the lines are drawn. A panel with a least span (the rates:
 * DASHBOARD_PANELS) gets the builder's own rule (`spanDomain`) over the whole runs. Any other is
 * padded by a tenth of the range: a flat series gets a range around it, not a single tick, and
 * the top line stays clear of the panel's frame. A panel that starts at zero keeps zero. Panels
 * whose metric is not found are left as they are.
 */
export function padDashboardY(spec: Spec, all: TrajectoryLike[]): Spec {
  const s = structuredClone(spec) as unknown as Json;
  for (const panel of (s.hconcat as Json[]) ?? []) {
    const filter = ((panel.transform as Json[] | undefined)?.[0]?.filter ?? {}) as Json;
    const key = filter.field === 'metric' ? String(filter.equal) : null;
    const values = all.flatMap((t) => (key && t.values[key] ? Array.from(t.values[key]) : []));
    const finite = values.filter((v) => Number.isFinite(v));
    if (!finite.length) continue;
    const spanned = DASHBOARD_PANELS.find((p) => p.key === key);
    const fixed = spanned
      ? spanDomain(
          finite.map((value) => ({ metric: key, value })),
          spanned,
        )
      : undefined;
    for (const layer of (panel.layer as Json[]) ?? []) {
      const y = (layer.encoding as Json | undefined)?.y as Json | undefined;
      if (y?.type !== 'quantitative') continue;
      const scale = (y.scale as Json) ?? {};
      if (fixed) {
        y.scale = { ...scale, domain: fixed, nice: false };
        continue;
      }
      let lo = Math.min(...finite);
      let hi = Math.max(...finite);
      if (scale.zero) lo = Math.min(0, lo);
      const span = hi - lo;
      // A flat series: a range of 1% of its value (at least 0.01) around it.
      const pad =
        span > 1e-9 * Math.max(1, Math.abs(hi)) ? span / 10 : Math.max(0.01, Math.abs(hi) / 100);
      hi += pad;
      if (!scale.zero) lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
      y.scale = { ...scale, domain: [lo, hi], nice: true };
    }
  }
  return s as unknown as Spec;
}

/**
 * Makes a single or layered chart exactly `width` pixels wide in all (axes, legend and padding
 * included): the plot gets what is left. Sized from its card, it never runs past it.
 */
export function fitWidth(spec: Spec, width: number): Spec {
  return { ...spec, width, autosize: { type: 'fit-x', contains: 'padding' } } as unknown as Spec;
}

/** Adds a vertical marker with a label at `step` to a layered step chart (the drift chart). */
function withStepMarker(spec: Spec, step: number, label: string, right: boolean): Spec {
  const s = structuredClone(spec) as unknown as Json;
  const data = { values: [{ step, label }] };
  const x = { field: 'step', type: 'quantitative' };
  (s.layer as Json[]).push(
    {
      data,
      mark: { type: 'rule', strokeDash: [2, 3], color: '#333333', strokeWidth: 1.5 },
      encoding: { x },
    },
    {
      data,
      mark: {
        type: 'text',
        align: right ? 'right' : 'left',
        dx: right ? -4 : 4,
        baseline: 'top',
        dy: 4,
        color: '#333333',
        fontWeight: 'bold',
      },
      encoding: { x, y: { value: 0 }, text: { field: 'label' } },
    },
  );
  return s as unknown as Spec;
}

/** What a chart is drawn from: the current run (maybe partial, in play mode) and the rest. */
export interface ViewInput {
  sim: Simulation;
  /** The trajectory and policy shown: the whole run, or the part played so far. */
  trajectory: Trajectory;
  policy: Float64Array;
  /** Steps done (play mode) or null for the finished run. */
  playedSteps: number | null;
  /** The baseline preset run with the same trainer, steps and seed, or null when it is the same. */
  comparison: { world: World; result: RunResult } | null;
  /** The phase map's axes (signal names). */
  map: [string, string];
  /** Axis ranges of the phase map. */
  mapMax: [number, number];
  labels: { x: string; y: string };
  theme: Partial<ChartTheme>;
  /**
   * Plot widths: charts in one column, full-width charts, the policy heatmap; `card`: the whole
   * width a one-column card has for its chart (charts sized with `fitWidth`).
   */
  widths: { narrow: number; wide: number; heatmap: number; card: number };
}

/** Legends under the plot (narrow columns have no room on the right). */
export function legendBelow(spec: Spec, columns = 4): Spec {
  const s = structuredClone(spec) as unknown as Json;
  const config = (s.config ?? {}) as Json;
  s.config = {
    ...config,
    legend: {
      ...((config.legend as Json) ?? {}),
      orient: 'bottom',
      direction: 'horizontal',
      columns,
      titleOrient: 'left',
    },
  };
  return s as unknown as Spec;
}

/** The spec of one chart. */
export function chartSpec(id: ChartId, v: ViewInput): Spec {
  const { sim } = v;
  const theme = { ...v.theme, width: v.widths.narrow };
  const mine = { name: YOURS, trajectory: v.trajectory };
  // The comparison first, as in a report (`report`: comparison, then candidate), so a run has
  // the same colour in the explorer's charts as in the report's: the comparison the first
  // palette colour, the run under study the second.
  const runs = v.comparison
    ? [{ name: BASELINE, trajectory: v.comparison.result.trajectory }, mine]
    : [mine];
  const T = sim.world.trainer.steps;
  const playing = v.playedSteps !== null;
  const fix = (s: Spec) => (playing ? fixStepDomain(s, T) : s);
  switch (id) {
    case 'drift': {
      let s = driftSpec(
        { runs, threshold: sim.threshold, thresholdLabel: 'launch threshold' },
        theme,
      );
      const cross = crossingStep(v.trajectory, 'eval/sycophancy', sim.threshold);
      if (cross !== null) s = withStepMarker(s, cross, `crosses at step ${cross}`, cross > T / 2);
      if (playing) {
        // The y axis spans the whole run from the start, so the curve climbs toward the line.
        const all = [sim.result, v.comparison?.result].flatMap(
          (r) => r?.trajectory.values['eval/sycophancy'] ?? [],
        );
        s = fixYDomain(s, Math.max(sim.threshold ?? 0, ...all) * 1.08);
      }
      return fix(legendBelow(s));
    }
    case 'tug-of-war':
      // Its legend (two columns, titled on the left) is wider than the plot: fit the whole chart.
      // At least ±0.001 per step: the baseline's pushes (about 1e-6) stay flat, as in the report.
      return fix(
        fitWidth(
          legendBelow(tugOfWarSpec({ runs: [mine], minExtent: 1e-3 }, theme), 2),
          v.widths.card,
        ),
      );
    case 'dashboard': {
      const whole = [
        sim.result.trajectory,
        ...(v.comparison ? [v.comparison.result.trajectory] : []),
      ];
      return fix(
        padDashboardY(
          legendBelow(dashboardSpec({ runs }, { ...theme, width: v.widths.wide })),
          whole,
        ),
      );
    }
    case 'effective-weights':
      return legendBelow(
        effectiveWeightsSpec(
          {
            mixes: [
              ...(v.comparison
                ? [{ name: BASELINE, weights: weightsByName(v.comparison.world) }]
                : []),
              { name: YOURS, weights: weightsByName(sim.world) },
            ],
          },
          theme,
        ),
      );
    case 'policy-heatmap': {
      const world = sim.world;
      const A = world.actions.length;
      // Situations the scenario never trains on (memory-on variants with memory off) are left out.
      const keep = world.contexts.map((_, c) => c).filter((c) => world.contextWeights[c] > 0);
      const pick = (p: Float64Array) =>
        keep.flatMap((c) => Array.from(p.subarray(c * A, c * A + A)));
      const labels = situationLabels(world, sim.scenario);
      // Short style names on the rotated axis ("amplify", not "amplify (validates the impulse)").
      const styles = new Map(
        sim.scenario.responseStyles.map((r) => [r.id, (r.label ?? r.id).replace(/\s*\(.*\)$/, '')]),
      );
      return policyHeatmapSpec(
        {
          contexts: keep.map((c) => labels[c]),
          actions: world.actions.map((a) => styles.get(a.id) ?? a.id),
          policies: [
            { name: 'in production (start)', probabilities: pick(sim.controlPolicy) },
            {
              name: playing ? `after ${v.playedSteps} steps` : `after training on ${YOURS}`,
              probabilities: pick(v.policy),
            },
          ],
        },
        { ...theme, width: v.widths.heatmap },
      );
    }
    case 'launch-review':
      return launchReviewSpec(
        {
          reviews: sim.reviews,
          include: (c) => !/^tester-\d+/.test(c.metric),
        },
        theme,
      );
    case 'phase-map': {
      const [x, y] = v.map;
      const grid = phaseGrid(sim.world, x, y, { xMax: v.mapMax[0], yMax: v.mapMax[1] });
      const names = sim.world.signals.map((s) => s.name);
      const w = sim.world.mix.weights;
      return phaseMapSpec(
        {
          grid,
          level: sim.threshold,
          current: {
            x: w[names.indexOf(x)],
            y: w[names.indexOf(y)],
            value: equilibriumSycophancy(sim.world, w),
          },
          xTitle: v.labels.x,
          yTitle: v.labels.y,
        },
        // Its colour legend stands on the right, and its axes 8 px off the plot.
        { ...theme, width: v.widths.narrow - 78 },
      );
    }
  }
}
