/**
 * Reward decomposition: each signal's weighted contribution `rewards/<signal>/weighted`
 * (effective weight × expected value under π) over training steps, stacked (positive parts up,
 * negative parts down), with their sum `reward/mixed` as a black line. One panel per run.
 */
import {
  baseSpec,
  FORMAT,
  neutralColors,
  panels,
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
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

export interface RewardDecompositionInput {
  /** One panel per run (e.g. baseline and update side by side). */
  runs: RunInput[];
}

/** The legend entry of the mixed-reward line. */
export const MIXED_LABEL = 'mixed reward (sum)';

const WEIGHTED = /^rewards\/(.+)\/weighted$/;

export function rewardDecompositionSpec(
  input: RewardDecompositionInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const names = input.runs.map((r) => r.name);
  const rows: Row[] = [];
  const signalSet = new Set<string>();
  for (const run of input.runs) {
    const rs = runRows(run, (k) => WEIGHTED.test(k) || k === 'reward/mixed');
    for (const [signal, series] of bySignal(rs)) {
      if (signal !== MIXED_LABEL) signalSet.add(signal);
      rows.push(...stackRows(run.name, signal, series, signal === MIXED_LABEL));
    }
  }
  const signals = sortSignals([...signalSet]);
  const color = {
    field: 'signal',
    type: 'nominal',
    title: 'Signal',
    scale: signalColorScale([...signals, MIXED_LABEL], theme, { [MIXED_LABEL]: neutral.net }),
  };
  const x = stepX(theme, panelWidth(theme, names.length));
  const tooltip = [
    tip('run', 'Run', 'nominal'),
    tip('step', 'Step', 'quantitative', 'd'),
    tip('signal', 'Signal', 'nominal'),
    tip('value', 'Weighted reward', 'quantitative', FORMAT.value),
  ];
  const yTitle = 'Weighted reward  w·E[r] under π';
  const mixedLine: Json = {
    transform: [{ filter: { field: 'signal', equal: MIXED_LABEL } }],
    mark: { type: 'line', strokeWidth: 2.4 },
    encoding: { x, y: { field: 'value', type: 'quantitative', title: yTitle }, color, tooltip },
  };
  const layer: Json[] = [
    {
      transform: [{ filter: { field: 'signal', oneOf: signals } }, stackOrder('signal', signals)],
      mark: { type: 'area', opacity: 0.85, line: false },
      encoding: {
        x,
        y: { field: 'stacked', type: 'quantitative', stack: 'zero', title: yTitle },
        color,
        detail: { field: 'side', type: 'nominal' },
        order: { field: 'stackOrder', type: 'quantitative' },
        tooltip,
      },
    },
    halo(mixedLine, neutral.halo),
    mixedLine,
  ];
  const base = baseSpec(theme, {
    title: 'Where the mixed reward comes from',
    subtitle: `Areas: each signal's weighted contribution; ${neutral.netName.toLowerCase()}: their sum, the mixed reward`,
    description: `Stacked areas of each signal's weighted reward (rewards/<signal>/weighted: effective weight times its expected value under the policy) over training steps, with the mixed reward (reward/mixed) as a line; signals: ${signals.join(', ')}; runs: ${names.join(', ')}.`,
  });
  return panels(theme, base, rows, 'run', names, layer);
}

export const rewardDecompositionChart = {
  title: 'Reward decomposition',
  description: "Each signal's weighted contribution to the mixed reward over steps.",
  build: rewardDecompositionSpec,
};

function bySignal(rows: { step: number; key: string; value: number }[]) {
  const out = new Map<string, { step: number; value: number }[]>();
  for (const r of rows) {
    const m = WEIGHTED.exec(r.key);
    const signal = m ? m[1] : MIXED_LABEL;
    let list = out.get(signal);
    if (!list) out.set(signal, (list = []));
    list.push({ step: r.step, value: r.value });
  }
  return out;
}
