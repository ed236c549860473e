/**
 * Deployment timeline: hour by hour after launch, the share of traffic on the update, the
 * sycophantic answers it served and the complaints, stacked panels on one time axis, with the
 * events (launch, detection, patch, rollback start, rollback complete) as labelled rules, and
 * optionally a counterfactual (e.g. the revised process, or no rollback) dashed.
 */
import {
  baseSpec,
  compact,
  FORMAT,
  neutralColors,
  seriesColorScale,
  sig,
  tip,
  type Json,
  type Row,
  type Spec,
  asSpec,
} from './common.ts';
import { resolveTheme, type ChartTheme } from './theme.ts';

/** One hour of a deployment (the engine's `DeploymentHour` fits). */
export interface TimelineHour {
  /** Hours since the rollout started. */
  hour: number;
  /** Share of traffic served by the update, 0..1. */
  share: number;
  /** Sycophantic answers served in this hour. */
  sycophanticServed: number;
  /** Complaints received in this hour. */
  complaints: number;
}

/** A labelled moment: launch, detection, patch, rollback start, rollback complete, ... */
export interface TimelineEvent {
  hour: number;
  label: string;
}

/** A deployment's hours and events (the engine's `DeploymentTimeline` fits). */
export interface TimelineSeries {
  series: TimelineHour[];
  events?: TimelineEvent[];
}

export interface DeploymentTimelineChartInput {
  /** What happened; its events are drawn as labelled rules. */
  timeline: TimelineSeries;
  /** Legend name of that history. Default 'as it happened'. */
  label?: string;
  /** An alternative history drawn dashed (its events are not drawn). */
  counterfactual?: { label: string; timeline: TimelineSeries };
}

const MEASURES: {
  key: keyof Omit<TimelineHour, 'hour'>;
  title: string;
  /** The axis title on two lines. */
  lines: string[];
  format: string;
}[] = [
  {
    key: 'share',
    title: 'Traffic on the update',
    lines: ['Traffic on', 'the update'],
    format: FORMAT.percent,
  },
  {
    key: 'sycophanticServed',
    title: 'Sycophantic answers served per hour',
    lines: ['Sycophantic answers', 'served per hour'],
    format: ',.0f',
  },
  {
    key: 'complaints',
    title: 'Complaints per hour',
    lines: ['Complaints', 'per hour'],
    format: ',.0f',
  },
];

/**
 * Places event labels: right of their rule, or left of it when they would run past the end of
 * the axis, each on the lowest level where it overlaps no other label.
 */
function placeEvents(
  events: TimelineEvent[],
  lo: number,
  hi: number,
  width: number,
  fontSize: number,
): { level: number; align: 'left' | 'right' }[] {
  const hoursPerPx = (hi - lo || 1) / width;
  const order = events.map((_, i) => i).sort((a, b) => events[a].hour - events[b].hour);
  const taken: [number, number][][] = [];
  const out = events.map(() => ({ level: 0, align: 'left' as 'left' | 'right' }));
  for (const i of order) {
    const e = events[i];
    const span = (e.label.length * fontSize * 0.62 + 10) * hoursPerPx;
    const align = e.hour + span > hi && e.hour - span >= lo - span / 2 ? 'right' : 'left';
    const box: [number, number] =
      align === 'left' ? [e.hour, e.hour + span] : [e.hour - span, e.hour];
    let level = taken.findIndex((boxes) => boxes.every(([a, b]) => box[1] <= a || box[0] >= b));
    if (level < 0) level = taken.push([]) - 1;
    taken[level].push(box);
    out[i] = { level, align };
  }
  return out;
}

export function deploymentTimelineSpec(
  input: DeploymentTimelineChartInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const neutral = neutralColors(theme);
  const actual = input.label ?? 'as it happened';
  const cf = input.counterfactual;
  const eventList = input.timeline.events ?? [];
  const seriesNames = cf ? [actual, cf.label] : [actual];
  const rows: Row[] = [];
  const add = (series: string, hours: TimelineHour[]) => {
    for (const h of hours) {
      for (const m of MEASURES) {
        rows.push({ series, hour: h.hour, measure: m.key, value: sig(h[m.key]) });
      }
    }
  };
  add(actual, input.timeline.series);
  if (cf) add(cf.label, cf.timeline.series);

  const allHours = [...input.timeline.series, ...(cf?.timeline.series ?? [])].map((h) => h.hour);
  allHours.push(...eventList.map((e) => e.hour));
  const lo = allHours.length ? Math.min(...allHours) : 0;
  const hi = allHours.length ? Math.max(...allHours) : 1;
  const placed = placeEvents(eventList, lo, hi, theme.width, theme.fontSize);
  const nLevels = Math.max(1, ...placed.map((p) => p.level + 1));
  const events = eventList.map((e, i) => ({ hour: e.hour, label: e.label, ...placed[i] }));
  const eventData = { values: events };
  const xScale = { domain: [lo, hi], nice: false };
  const tickCount = Math.max(3, Math.round(theme.width / (theme.fontSize * 6)));
  // Only the bottom panel labels the time axis; the event strip has none.
  const x = (title: string | null, axis = true): Json => ({
    field: 'hour',
    type: 'quantitative',
    title,
    scale: xScale,
    axis: !axis
      ? null
      : title
        ? { tickMinStep: 1, tickCount }
        : { tickMinStep: 1, tickCount, labels: false },
  });
  const panelHeight = Math.max(90, Math.round(theme.height * 0.45));
  const legend = { orient: 'bottom', direction: 'horizontal', symbolStrokeWidth: 2.5 };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: seriesColorScale(seriesNames, theme),
    legend,
  };
  const strokeDash = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: {
      domain: seriesNames,
      range: [
        [1, 0],
        [6, 4],
      ],
    },
    legend,
  };
  const eventTooltip = [
    tip('label', 'Event', 'nominal'),
    tip('hour', 'Hour', 'quantitative', ',.1f'),
  ];
  const strip: Json = {
    height: nLevels * Math.round(theme.fontSize * 1.5),
    width: theme.width,
    data: eventData,
    layer: [
      {
        mark: { type: 'tick', orient: 'vertical', color: neutral.rule, thickness: 1.5 },
        encoding: {
          x: x(null, false),
          y: { field: 'level', type: 'ordinal', title: null, axis: null },
        },
      },
      ...(['left', 'right'] as const).map((align) => ({
        transform: [{ filter: { field: 'align', equal: align } }],
        mark: { type: 'text', align, dx: align === 'left' ? 4 : -4, fontWeight: 'bold' },
        encoding: {
          x: x(null, false),
          y: { field: 'level', type: 'ordinal', title: null, axis: null },
          text: { field: 'label' },
          tooltip: eventTooltip,
        },
      })),
    ],
  };
  const measurePanels = MEASURES.map((m, i): Json => {
    const xp = x(i === MEASURES.length - 1 ? 'Hours since launch' : null);
    const y = {
      field: 'value',
      type: 'quantitative',
      title: m.lines,
      axis: { format: m.format },
      ...(m.key === 'share' ? { scale: { domain: [0, 1] } } : {}),
    };
    return {
      width: theme.width,
      height: panelHeight,
      layer: [
        {
          transform: [{ filter: { field: 'measure', equal: m.key } }],
          mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
          encoding: compact({ x: xp, y, color, strokeDash }),
        },
        {
          transform: [{ filter: { field: 'measure', equal: m.key } }],
          mark: { type: 'point', opacity: 0, size: 60 },
          encoding: {
            x: xp,
            y,
            tooltip: [
              tip('series', 'Series', 'nominal'),
              tip('hour', 'Hour', 'quantitative', ',.1f'),
              tip('value', m.title, 'quantitative', m.format === FORMAT.percent ? '.1%' : ',.1f'),
            ],
          },
        },
        {
          data: eventData,
          mark: { type: 'rule', color: neutral.rule, strokeDash: [3, 3], strokeWidth: 1.2 },
          encoding: { x: xp, tooltip: eventTooltip },
        },
      ],
    };
  });
  const base = baseSpec(theme, {
    title: 'Deployment timeline',
    subtitle: cf
      ? `Solid: ${actual}; dashed: ${cf.label}. Dotted rules mark the events.`
      : 'Dotted rules mark the events.',
    description: `Hour by hour after launch: the share of traffic on the update, sycophantic answers served per hour and complaints per hour${
      cf ? ` (solid: ${actual}; dashed: ${cf.label})` : ''
    }, with events marked: ${eventList.map((e) => `${e.label} at hour ${e.hour}`).join(', ')}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    vconcat: [strip, ...measurePanels],
    spacing: 8,
    resolve: { scale: { x: 'shared', color: 'shared', strokeDash: 'shared' } },
  });
}

export const deploymentTimelineChart = {
  title: 'Deployment timeline',
  description:
    'Traffic share, sycophantic answers served and complaints by hour, with launch, detection, patch and rollback marked.',
  build: deploymentTimelineSpec,
};
