/**
 * Tug-of-war: each signal's push on eval/sycophancy per step (`pressure/<signal>`, and the KL
 * term's `pressure/kl`), pulls up stacked above zero and pulls down below, the net
 * `pressure/total` as a line, and a marker at the first step where the pull up (the sum of the
 * other signals' positive pressures) overtakes the spec signal's pull down.
 */
import {
  baseSpec,
  FORMAT,
  neutralColors,
  ONE_ROW_PER_PANEL,
  panels,
  runPoints,
  runRows,
  signalColorScale,
  sortSignals,
  stackOrder,
  stackRows,
  stepX,
  panelWidth,
  halo,
  tip,
  type Json,
  type Row,
  type RunInput,
  type Spec,
  compact,
} from './common.ts';
import { klColor, resolveTheme, type ChartTheme } from './theme.ts';

export interface TugOfWarInput {
  /** One panel per run. */
  runs: RunInput[];
  /** The signal that holds sycophancy in check. Default 'spec'. */
  specSignal?: string;
  /**
   * The y axis reaches at least ±minExtent. A run whose pushes are all tiny (the baseline's,
   * about 1e-6 per step) would otherwise be scaled up to fill the panel and look as dramatic as
   * one whose pushes are ten thousand times larger. Default: none (the data's own extent; a
   * report's panels share one axis with the run that moves, which does the same).
   */
  minExtent?: number;
}

export const KL_LABEL = 'KL penalty';
export const NET_LABEL = 'net push (pressure/total)';

const PRESSURE = /^pressure\/(.+)$/;

/** Signal names that have a pressure metric in this run (KL and total excluded). */
function pressureSignals(run: RunInput): string[] {
  const out = new Set<string>();
  for (const r of runRows(run, (k) => PRESSURE.test(k))) {
    const name = PRESSURE.exec(r.key)![1];
    if (name !== 'kl' && name !== 'total') out.add(name);
  }
  return [...out];
}

/**
 * The first recorded step where the pull up, Σ max(0, pressure/<s>) over the signals other than
 * `specSignal`, exceeds the spec's pull down |pressure/<specSignal>|; null if it never does or
 * the run has no pressure for the spec signal.
 */
export function pullOvertakeStep(run: RunInput, specSignal = 'spec'): number | null {
  const others = pressureSignals(run).filter((s) => s !== specSignal);
  const specKey = `pressure/${specSignal}`;
  const points = runPoints(run, [specKey, ...others.map((s) => `pressure/${s}`)]);
  for (const [step, p] of points) {
    if (!(specKey in p)) continue;
    let up = 0;
    for (const s of others) up += Math.max(0, p[`pressure/${s}`] ?? 0);
    if (up > Math.abs(p[specKey])) return step;
  }
  return null;
}

export function tugOfWarSpec(input: TugOfWarInput, themeIn: Partial<ChartTheme> = {}): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const spec = input.specSignal ?? 'spec';
  const names = input.runs.map((r) => r.name);
  const rows: Row[] = [];
  const signalSet = new Set<string>();
  for (const run of input.runs) {
    const series = new Map<string, { step: number; value: number }[]>();
    for (const r of runRows(run, (k) => PRESSURE.test(k))) {
      const name = PRESSURE.exec(r.key)![1];
      const force = name === 'kl' ? KL_LABEL : name === 'total' ? NET_LABEL : name;
      if (force === name) signalSet.add(name);
      let list = series.get(force);
      if (!list) series.set(force, (list = []));
      list.push({ step: r.step, value: r.value });
    }
    const steps = [...new Set([...series.values()].flat().map((p) => p.step))];
    const last = steps.length ? Math.max(...steps) : 0;
    const first = steps.length ? Math.min(...steps) : 0;
    const overtake = pullOvertakeStep(run, spec);
    for (const [force, points] of series) {
      const forceRows = stackRows(run.name, force, points, force === NET_LABEL, 'force');
      if (force === NET_LABEL && overtake !== null) {
        const at = forceRows.find((r) => r.step === overtake)!;
        at.annotation = `pull up overtakes ${spec} at step ${overtake}`;
        // Keep the label inside the panel: right-aligned when the marker is past the middle.
        at.labelAlign = overtake - first > (last - first) / 2 ? 'right' : 'left';
      }
      rows.push(...forceRows);
    }
  }
  const signals = sortSignals([...signalSet]);
  const forces = [...signals, KL_LABEL];
  const color = {
    field: 'force',
    type: 'nominal',
    title: 'Push from',
    scale: signalColorScale([...forces, NET_LABEL], theme, {
      [KL_LABEL]: klColor(theme),
      [NET_LABEL]: neutral.net,
    }),
  };
  const x = stepX(theme, panelWidth(theme, names.length));
  const yTitle = 'Push on eval/sycophancy per step';
  const tooltip = [
    tip('run', 'Run', 'nominal'),
    tip('step', 'Step', 'quantitative', 'd'),
    tip('force', 'Push from', 'nominal'),
    tip('value', 'Push (first-order Δ sycophancy)', 'quantitative', FORMAT.value),
  ];
  const marker = { filter: 'isValid(datum.annotation)' };
  // One label layer (an empty layer would give vega an empty extent): alignment per datum.
  const label: Json = {
    transform: [marker],
    mark: {
      type: 'text',
      align: { expr: "datum.labelAlign === 'right' ? 'right' : 'left'" },
      dx: { expr: "datum.labelAlign === 'right' ? -4 : 4" },
      baseline: 'top',
      dy: 2,
      fontWeight: 'bold',
    },
    encoding: {
      x,
      y: { value: 0 },
      text: { field: 'annotation' },
      color: { value: neutral.net },
    },
  };
  const netLine: Json = {
    transform: [{ filter: { field: 'force', equal: NET_LABEL } }],
    mark: { type: 'line', strokeWidth: 2.2 },
    encoding: { x, y: { field: 'value', type: 'quantitative', title: yTitle }, color, tooltip },
  };
  const layer: Json[] = [
    {
      transform: ONE_ROW_PER_PANEL,
      mark: { type: 'rule', color: neutral.muted, strokeWidth: 1 },
      encoding: { y: { datum: 0 } },
    },
    {
      transform: [{ filter: { field: 'force', oneOf: forces } }, stackOrder('force', forces)],
      mark: { type: 'area', opacity: 0.85 },
      encoding: {
        x,
        y: compact({
          field: 'stacked',
          type: 'quantitative',
          stack: 'zero',
          title: yTitle,
          scale:
            input.minExtent && input.minExtent > 0
              ? { domain: { unionWith: [-input.minExtent, input.minExtent] } }
              : undefined,
        }),
        color,
        detail: { field: 'side', type: 'nominal' },
        order: { field: 'stackOrder', type: 'quantitative' },
        tooltip,
      },
    },
    halo(netLine, neutral.halo),
    netLine,
    {
      transform: [marker],
      mark: { type: 'rule', strokeDash: [4, 3], color: neutral.rule, strokeWidth: 1.5 },
      encoding: {
        x,
        tooltip: [tip('run', 'Run', 'nominal'), tip('annotation', 'Marker', 'nominal')],
      },
    },
    label,
  ];
  const base = baseSpec(theme, {
    title: 'Tug-of-war over sycophancy',
    subtitle: [
      'Above zero: pushes toward sycophancy; below zero: pushes away.',
      `${neutral.netName}: the net push; dashed rule: where the pull up overtakes the spec signal.`,
    ],
    description: `Each reward signal's first-order push on eval/sycophancy per training step (pressure/<signal>, and the KL term's pressure/kl), stacked above zero for pushes up and below for pushes down, with the net (pressure/total) as a line and a rule at the first step where the sum of the other signals' positive pushes exceeds the ${spec} signal's push down; signals: ${signals.join(', ')}; runs: ${names.join(', ')}.`,
  });
  return panels(theme, base, rows, 'run', names, layer);
}

export const tugOfWarChart = {
  title: 'Tug-of-war',
  description:
    'pressure/<signal> over steps: pulls up above zero, down below, the net as a line, and where the pull up overtakes the spec.',
  build: tugOfWarSpec,
};
