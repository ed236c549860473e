/**
 * Launch review: one column per review process, one row per check (stage · metric), each cell
 * coloured by its result, and a grey cell where the process has no such check (the 2025-04
 * process had no sycophancy eval). The verdict heads each column. The input is structural: the
 * engine's `ReviewResult` (process, verdict, rows) fits as is.
 */
import { asSpec, baseSpec, tip, type Json, type Row, type Spec } from './common.ts';
import { resolveTheme, statusColors, type ChartTheme } from './theme.ts';

/** A check's outcome (the engine's `RowResult`); 'flag' is one tester's "feels off". */
export type CheckResult = 'pass' | 'fail' | 'block' | 'advisory' | 'flag';

/** One check of a review (the engine's `ReviewRow` fits). */
export interface ReviewCheck {
  /** 'offline', 'behaviour', 'ab', 'vibe', 'alpha', or any plug-in stage name. */
  stage: string;
  metric: string;
  result: CheckResult;
  /** Whether the check took part in the verdict (shown in the tooltip). */
  decides?: boolean;
  /** One line for the tooltip. */
  detail?: string;
}

/** One process's review (the engine's `ReviewResult` fits). */
export interface ReviewSummary {
  process: string;
  verdict: 'ship' | 'block';
  rows: ReviewCheck[];
}

export interface LaunchReviewChartInput {
  /** One column per process, left to right (e.g. '2025-04' and 'revised'). */
  reviews: ReviewSummary[];
  /** Keep only the checks this accepts (e.g. drop per-tester rows). Default: all. */
  include?: (check: ReviewCheck) => boolean;
}

/** Display names of the engine's stages. */
export const STAGE_LABELS: Record<string, string> = {
  offline: 'offline evals',
  behaviour: 'behaviour evals',
  ab: 'A/B test',
  vibe: 'vibe check',
  alpha: 'alpha stage',
};

const STAGE_ORDER = Object.values(STAGE_LABELS);

/** Legend order. 'absent': the process has no such check. */
export const RESULTS = ['pass', 'advisory', 'flag', 'fail', 'block', 'absent'] as const;
type Shown = (typeof RESULTS)[number];
const LABELS: Record<Shown, string> = {
  pass: 'pass',
  advisory: 'advisory',
  flag: 'feels off',
  fail: 'FAIL',
  block: 'BLOCK',
  absent: 'no such check',
};

export function launchReviewSpec(
  input: LaunchReviewChartInput,
  themeIn: Partial<ChartTheme> = {},
): Spec {
  const theme = resolveTheme(themeIn);
  const include = input.include ?? (() => true);
  const stageOf = (s: string) => STAGE_LABELS[s] ?? s;
  const keyOf = (c: ReviewCheck) => `${stageOf(c.stage)} · ${c.metric}`;
  const checks: string[] = [];
  for (const r of input.reviews) {
    for (const c of r.rows) if (include(c) && !checks.includes(keyOf(c))) checks.push(keyOf(c));
  }
  // Stages in review order (offline, behaviour, A/B, vibe, alpha, then others), checks in the
  // order first seen: a check one process lacks still sits with its stage.
  const rank = (check: string) => {
    const i = STAGE_ORDER.indexOf(check.split(' · ')[0]);
    return i < 0 ? STAGE_ORDER.length : i;
  };
  checks.sort((a, b) => rank(a) - rank(b));
  const columns = input.reviews.map((r) => `${r.process}: ${r.verdict.toUpperCase()}`);
  const rows: Row[] = [];
  input.reviews.forEach((r, i) => {
    for (const check of checks) {
      const c = r.rows.find((x) => include(x) && keyOf(x) === check);
      const result: Shown = c ? c.result : 'absent';
      rows.push({
        process: r.process,
        verdict: r.verdict,
        column: columns[i],
        check,
        stage: c ? stageOf(c.stage) : check.split(' · ')[0],
        metric: c ? c.metric : check.split(' · ').slice(1).join(' · '),
        result,
        label: LABELS[result],
        decides: c ? (c.decides ?? null) : null,
        detail: c ? (c.detail ?? '') : 'this process has no such check',
      });
    }
  });
  const status = statusColors(theme);
  // The legend lists the results that appear (each keeps its colour).
  const present = RESULTS.filter((r) => rows.some((row) => row.result === r));
  const range = present.map((r) => status[r]);
  const dark = theme.palette === 'grayscale' ? ['block', 'fail'] : ['pass', 'block'];
  // Wide enough for the longest header and cell text in bold (about 0.62 of the font size per
  // character), so that at a large font size the headers do not run into each other.
  const longest = Math.max(
    ...columns.map((c) => c.length),
    ...rows.map((r) => String(r.label ?? '').length),
  );
  const cellWidth = Math.max(
    150,
    Math.round(theme.width / Math.max(2, input.reviews.length)),
    Math.ceil(longest * 0.62 * theme.fontSize * 1.15) + 16,
  );
  const x = {
    field: 'column',
    type: 'nominal',
    sort: columns,
    title: 'Review process: verdict',
    axis: { orient: 'top', labelAngle: 0, labelFontWeight: 'bold', domain: false, ticks: false },
  };
  const y = {
    field: 'check',
    type: 'nominal',
    sort: checks,
    title: 'Check (stage · metric)',
    axis: { domain: false, ticks: false, labelLimit: 480 },
  };
  const tooltip = [
    tip('process', 'Process', 'nominal'),
    tip('verdict', 'Verdict', 'nominal'),
    tip('stage', 'Stage', 'nominal'),
    tip('metric', 'Metric', 'nominal'),
    tip('result', 'Result', 'nominal'),
    tip('decides', 'Decides the verdict', 'nominal'),
    tip('detail', 'Detail', 'nominal'),
  ];
  const layer: Json[] = [
    {
      mark: {
        type: 'rect',
        stroke: theme.palette === 'grayscale' ? '#BDBDBD' : 'white',
        strokeWidth: 2,
      },
      encoding: {
        x,
        y,
        color: {
          field: 'result',
          type: 'nominal',
          title: 'Result',
          scale: { domain: present, range },
          legend: {
            labelExpr: `${JSON.stringify({ absent: 'no such check', flag: 'flag (feels off)' })}[datum.label] || datum.label`,
          },
        },
        tooltip,
      },
    },
    {
      mark: { type: 'text', fontWeight: 'bold' },
      encoding: {
        x,
        y,
        text: { field: 'label' },
        color: {
          condition: {
            test: `indexof(${JSON.stringify(dark)}, datum.result) >= 0`,
            value: 'white',
          },
          value: '#111111',
        },
        tooltip,
      },
    },
  ];
  const verdicts = input.reviews.map((r) => `${r.process} → ${r.verdict}`).join(', ');
  const base = baseSpec(theme, {
    title: 'Launch review: which check decided',
    subtitle: 'Each check under each review process; grey: the process has no such check',
    description: `A grid of launch-review checks (rows: stage and metric) under each review process (columns), coloured by result (pass, advisory, flag, fail, block, or no such check); verdicts: ${verdicts}.`,
  });
  return asSpec({
    ...base,
    data: { values: rows },
    width: { step: cellWidth },
    height: { step: Math.max(28, Math.round(theme.fontSize * 2.4)) },
    layer,
  });
}

export const launchReviewChart = {
  title: 'Launch review',
  description: 'The checks with pass / block / advisory under each review process.',
  build: launchReviewSpec,
};
