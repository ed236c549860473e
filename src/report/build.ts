/**
 * Results → report structure: a title, a provenance line, the key findings, and one section per
 * chart with its narrative (numbers from `reportFacts`), tables and the chart's spec. Pure: the
 * Node edge renders the specs and writes the files; `reportMarkdown` and `reportHtmlBody` turn
 * the structure into text.
 */
import {
  charts,
  type ChartName,
  type ChartTheme,
  type ReviewCheck,
  type Spec,
} from '../charts/index.ts';
import { reportFacts, runInput, type ReportFacts, type RunFacts } from './facts.ts';
import { code, count, fixed, hour, moved, percent, signed, verdict } from './format.ts';
import type { ReportInput } from './input.ts';

/** The nine charts of a report, in registry order (`rewardmix chart` accepts these kinds). */
export const REPORT_CHARTS = [
  'drift',
  'reward-decomposition',
  'tug-of-war',
  'dashboard',
  'policy-heatmap',
  'effective-weights',
  'launch-review',
  'deployment-timeline',
  'optimum-tilt',
] as const satisfies readonly ChartName[];
export type ReportChartName = (typeof REPORT_CHARTS)[number];
/** A chart a report section may show: the nine, plus the multipliers of a constrained run. */
export type SectionChartName = ReportChartName | 'multipliers';

/** A paragraph (inline Markdown: `code` and **bold** only), a list, a table, or a chart. */
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] }
  | {
      kind: 'table';
      /** A short name, used as an id in HTML and by tests that read tables back. */
      id: string;
      header: string[];
      /** 'l' or 'r' per column. */
      align: ('l' | 'r')[];
      rows: string[][];
    }
  | { kind: 'chart'; name: SectionChartName };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

/** A chart of the report: its spec and what to say under it. */
export interface ReportChart {
  name: SectionChartName;
  title: string;
  caption: string;
  spec: Spec;
}

export interface Report {
  title: string;
  /** Provenance: what was run, with which seed and trainer. */
  provenance: string;
  facts: ReportFacts;
  sections: Section[];
  /** The nine charts, in the order the sections show them. */
  charts: ReportChart[];
}

/** Metrics of the key-numbers table, in order (groups of eval/sycophancy are added after). */
export const KEY_METRICS = [
  'eval/sycophancy',
  'eval/accuracy',
  'ab/thumbs_up',
  'reward/mixed',
  'objective/kl',
  'objective/entropy',
];

/** Per-tester vibe-check rows (the summary row of the vibe check carries their count). */
export const isTesterRow = (c: ReviewCheck) => c.stage === 'vibe' && /^tester-/.test(c.metric);

const SYC = 'eval/sycophancy';
const ACC = 'eval/accuracy';
const THUMBS = 'ab/thumbs_up';

function has(r: RunFacts, key: string): boolean {
  return Number.isFinite(r.final[key]);
}

/** The chart inputs for every kind, from the report input (used by `report` and `chart`). */
export function chartSpecs(
  input: ReportInput,
  facts: ReportFacts,
  theme: Partial<ChartTheme> = {},
): Record<ReportChartName, Spec> & { multipliers?: Spec } {
  const pair = [input.comparison, input.candidate].filter((r) => r !== null).map(runInput);
  const d = input.deployment;
  const policies = input.comparison
    ? [
        { name: input.comparison.name, probabilities: input.comparison.finalPolicy },
        { name: input.candidate.name, probabilities: input.candidate.finalPolicy },
      ]
    : [
        { name: facts.controlName, probabilities: input.startPolicy },
        {
          name: `${input.candidate.name} at step ${facts.candidate.lastStep}`,
          probabilities: input.candidate.finalPolicy,
        },
      ];
  const mixes = [facts.comparison, facts.candidate]
    .filter((r) => r !== null)
    .map((r) => ({ name: r.name, weights: r.weights }));
  const [actual, counterfactual] = [d.actual, d.counterfactual];
  const multipliers = input.constraints?.length
    ? {
        multipliers: charts.multipliers.build(
          { runs: [runInput(input.candidate)], constraints: input.constraints },
          theme,
        ),
      }
    : {};
  return {
    ...multipliers,
    drift: charts.drift.build(
      {
        runs: [...pair, ...input.changes.map(runInput)],
        threshold: facts.threshold?.value ?? null,
        thresholdLabel: facts.threshold?.label,
      },
      theme,
    ),
    'reward-decomposition': charts['reward-decomposition'].build({ runs: pair }, theme),
    'tug-of-war': charts['tug-of-war'].build({ runs: pair, specSignal: facts.specSignal }, theme),
    dashboard: charts.dashboard.build({ runs: pair }, theme),
    'policy-heatmap': charts['policy-heatmap'].build(
      { contexts: input.contexts, actions: input.actions, policies },
      theme,
    ),
    'effective-weights': charts['effective-weights'].build({ mixes }, theme),
    'launch-review': charts['launch-review'].build(
      { reviews: [actual.review, counterfactual.review], include: (c) => !isTesterRow(c) },
      theme,
    ),
    'deployment-timeline': charts['deployment-timeline'].build(
      {
        timeline: actual.timeline,
        label: `${actual.process} process (${actual.review.verdict})`,
        counterfactual: {
          label: `${counterfactual.process} process (${counterfactual.review.verdict})`,
          timeline: counterfactual.timeline,
        },
      },
      theme,
    ),
    'optimum-tilt': charts['optimum-tilt'].build(
      {
        contexts: input.contexts,
        actions: input.actions,
        reference: input.reference,
        optimum: input.optimum,
        trained: {
          name: input.candidate.name,
          probabilities: input.candidate.finalPolicy,
        },
      },
      theme,
    ),
  };
}

/** Largest |π − π*| over all cells. */
function maxGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The signals whose pressure pushes sycophancy up at a step, strongest first. */
function pullingUp(r: RunFacts, step: 'start' | 'final', spec: string): string[] {
  const p = r[step];
  return Object.keys(p)
    .filter((k) => /^pressure\/(.+)$/.test(k))
    .map((k) => [k.slice('pressure/'.length), p[k]] as const)
    .filter(([s, v]) => s !== spec && s !== 'kl' && s !== 'total' && v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([s]) => s);
}

function list(names: string[]): string {
  const q = names.map(code);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

// ---- the sections -----------------------------------------------------------------------------

function summary(f: ReportFacts): Block[] {
  const c = f.candidate;
  const b = f.comparison;
  const items: string[] = [];
  const s0 = c.start[SYC];
  const s1 = c.final[SYC];
  const how = moved(s0, s1);
  let syc =
    how === 'stayed'
      ? `In ${code(c.name)}, ${code(SYC)} stayed at ${fixed(s1)} from step ${c.firstStep} to step ${c.lastStep}`
      : `In ${code(c.name)}, ${code(SYC)} ${how} from ${fixed(s0)} at step ${c.firstStep} to ${fixed(s1)} at step ${c.lastStep}`;
  if (b) {
    syc += `; in ${code(b.name)} it went from ${fixed(b.start[SYC])} to ${fixed(b.final[SYC])}`;
    const ratio = s1 / b.final[SYC];
    syc += `. ${code(c.name)} ends ${signed(s1 - b.final[SYC])} above ${code(b.name)}${Number.isFinite(ratio) ? ` (${ratio.toFixed(1)}× its level)` : ''}.`;
  } else syc += '.';
  items.push(syc);
  if (b && has(c, ACC) && has(c, THUMBS)) {
    const dAcc = c.final[ACC] - b.final[ACC];
    const dUp = c.final[THUMBS] - b.final[THUMBS];
    const quiet = Math.abs(dAcc) <= 0.01 && dUp >= 0;
    items.push(
      `${quiet ? 'What the 2025-04 dashboard tracked looked fine' : 'What the 2025-04 dashboard tracked'}: offline accuracy ${code(ACC)} ${fixed(b.final[ACC])} in ${code(b.name)} and ${fixed(c.final[ACC])} in ${code(c.name)} (${signed(dAcc)}); A/B thumbs-up rate ${code(THUMBS)} ${fixed(b.final[THUMBS])} → ${fixed(c.final[THUMBS])} (${signed(dUp)}).`,
    );
  }
  if (c.overtakeStep !== null) {
    items.push(
      `The pull up on sycophancy (${list(pullingUp(c, 'start', f.specSignal)) || 'the other signals'}) overtakes the ${code(f.specSignal)} signal's pull down at step ${c.overtakeStep} of ${code(c.name)}.`,
    );
  } else {
    items.push(
      `In ${code(c.name)} the pull up on sycophancy never overtakes the ${code(f.specSignal)} signal's pull down.`,
    );
  }
  const spec = f.specSignal;
  if (b && spec in c.weights && spec in b.weights) {
    items.push(
      `The ${code(spec)} signal's effective weight went from ${percent(b.weights[spec])} of the mix in ${code(b.name)} to ${percent(c.weights[spec])} in ${code(c.name)}.`,
    );
  }
  for (const r of f.reviews) {
    items.push(
      `The ${code(r.process)} review: ${verdict(r.verdict)} (${r.reasons.length ? r.reasons.join('; ') : 'no reason given'}).`,
    );
  }
  const [act, cf] = f.deployments;
  items.push(deploymentSentence(act, f) + ' ' + deploymentSentence(cf, f));
  return [{ kind: 'list', items }];
}

function deploymentSentence(d: ReportFacts['deployments'][number], f: ReportFacts): string {
  const t = d.totals;
  if (!d.shipped)
    return `Under the ${code(d.process)} process the update is blocked at review: it serves no conversation (exposure 0).`;
  return `Under the ${code(d.process)} process the update serves ${count(t.updateConversations)} conversations and ${count(t.exposure)} sycophantic answers (${count(t.excessExposure)} more than ${code(f.controlName)} would have), with ${count(t.complaints)} complaints; ${
    t.hoursToDetection === null
      ? 'the problem is never detected'
      : `detected at ${hour(t.hoursToDetection)}, full rollback at ${hour(t.hoursToFullRollback)}`
  }.`;
}

function weightsSection(f: ReportFacts): Block[] {
  const runs = [f.comparison, f.candidate].filter((r) => r !== null);
  const signals = [...new Set(runs.flatMap((r) => Object.keys(r.weights)))];
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `Each signal's effective weight: its share of the mix after normalization (raw weights divided by their sum, so adding a signal dilutes the others), at the first recorded step.`,
    },
    { kind: 'chart', name: 'effective-weights' },
  ];
  if (signals.length) {
    blocks.push({
      kind: 'table',
      id: 'weights',
      header: ['signal', ...runs.map((r) => r.name)],
      align: ['l', ...runs.map(() => 'r' as const)],
      rows: signals.map((s) => [code(s), ...runs.map((r) => percent(r.weights[s] ?? 0))]),
    });
  }
  return blocks;
}

function driftSection(f: ReportFacts): Block[] {
  const c = f.candidate;
  const b = f.comparison;
  const runs = [
    ...(b ? [[b, 'comparison'] as const] : []),
    [c, 'candidate'] as const,
    ...f.changes.map((r) => [r, 'one change alone'] as const),
  ];
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `${code(SYC)} (the expected share of sycophantic answers over the sycophancy probe set) at every recorded training step.${
        f.threshold
          ? ` The dashed line is the limit of the ${code(f.threshold.process)} review's sycophancy eval (${f.threshold.rule} = ${fixed(f.threshold.value)}): above it that review blocks a launch.`
          : ''
      }`,
    },
    { kind: 'chart', name: 'drift' },
    {
      kind: 'table',
      id: 'drift',
      header: ['run', 'role', 'source', `${SYC} at start`, 'final', 'change'],
      align: ['l', 'l', 'l', 'r', 'r', 'r'],
      rows: runs.map(([r, role]) => [
        code(r.name),
        role,
        code(r.source),
        fixed(r.start[SYC]),
        fixed(r.final[SYC]),
        signed(r.final[SYC] - r.start[SYC]),
      ]),
    },
  ];
  if (b && f.changes.length) {
    const gaps = f.changes.map((r) => Math.abs(r.final[SYC] - b.final[SYC]));
    const worst = Math.max(...gaps);
    blocks.push({
      kind: 'text',
      text: `Each change alone ends within ${fixed(worst)} of ${code(b.name)}'s final sycophancy (${fixed(b.final[SYC])}); all of them together (${code(c.name)}) end ${signed(c.final[SYC] - b.final[SYC])} above it.`,
    });
  }
  const groups = Object.keys(c.final).filter((k) => k.startsWith(`${SYC}/`));
  if (groups.length) {
    blocks.push({
      kind: 'text',
      text: `By group at the end of ${code(c.name)}: ${groups.map((g) => `${code(g)} ${fixed(c.final[g])}`).join(', ')}${
        b && groups.every((g) => has(b, g))
          ? `; in ${code(b.name)}: ${groups.map((g) => `${code(g)} ${fixed(b.final[g])}`).join(', ')}`
          : ''
      }.`,
    });
  }
  return blocks;
}

function tugSection(f: ReportFacts): Block[] {
  const c = f.candidate;
  const keys = Object.keys(c.start).filter((k) => k.startsWith('pressure/'));
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `Each signal's first-order push on ${code(SYC)} in each step (${code('pressure/<signal>')}: the part of the update that signal contributes, projected on the gradient of sycophancy). Pushes up are stacked above zero, pushes down below; the black line is the net change.`,
    },
    { kind: 'chart', name: 'tug-of-war' },
  ];
  if (keys.length) {
    blocks.push({
      kind: 'table',
      id: 'pressure',
      header: ['pressure', `${c.name} at step ${c.firstStep}`, `at step ${c.lastStep}`],
      align: ['l', 'r', 'r'],
      rows: keys.map((k) => [code(k), c.start[k].toExponential(2), c.final[k].toExponential(2)]),
    });
  }
  blocks.push({
    kind: 'text',
    text:
      c.overtakeStep !== null
        ? `The pull up overtakes the ${code(f.specSignal)} signal's pull down at step ${c.overtakeStep} (the dashed rule): from there on the signals that reward agreement win.`
        : `The pull up never overtakes the ${code(f.specSignal)} signal's pull down in ${code(c.name)}.`,
  });
  return blocks;
}

function decompositionSection(f: ReportFacts): Block[] {
  const runs = [f.comparison, f.candidate].filter((r) => r !== null);
  const keys = [
    ...new Set(
      runs.flatMap((r) => Object.keys(r.final).filter((k) => /^rewards\/.+\/weighted$/.test(k))),
    ),
  ];
  return [
    {
      kind: 'text',
      text: `What the optimizer maximizes, split by signal: each signal's effective weight times its expected value under the policy (${code('rewards/<signal>/weighted')}); their sum is the mixed reward.`,
    },
    { kind: 'chart', name: 'reward-decomposition' },
    {
      kind: 'table',
      id: 'rewards',
      header: ['at the last step', ...runs.map((r) => r.name)],
      align: ['l', ...runs.map(() => 'r' as const)],
      rows: [...keys, 'reward/mixed'].map((k) => [
        code(k),
        ...runs.map((r) => fixed(r.final[k], 4)),
      ]),
    },
  ];
}

function dashboardSection(f: ReportFacts): Block[] {
  const c = f.candidate;
  const b = f.comparison;
  const groups = Object.keys(c.final).filter((k) => k.startsWith(`${SYC}/`));
  const keys = [...KEY_METRICS, ...groups].filter((k) => has(c, k));
  const header = b
    ? ['metric', b.name, c.name, 'change']
    : ['metric', `step ${c.firstStep}`, `step ${c.lastStep}`, 'change'];
  const before = b ? b.final : c.start;
  return [
    {
      kind: 'text',
      text: `The numbers the 2025-04 launch dashboard showed (offline accuracy, the A/B thumbs-up rate) next to the one it did not track (sycophancy).`,
    },
    { kind: 'chart', name: 'dashboard' },
    {
      kind: 'text',
      text: `Key numbers at the last recorded step${b ? '' : ', against the start'}:`,
    },
    {
      kind: 'table',
      id: 'key-numbers',
      header,
      align: ['l', 'r', 'r', 'r'],
      rows: keys.map((k) => [
        code(k),
        fixed(before[k], 4),
        fixed(c.final[k], 4),
        signed(c.final[k] - before[k], 4),
      ]),
    },
  ];
}

function policySection(f: ReportFacts): Block[] {
  return [
    {
      kind: 'text',
      text: `The probability of each response style in each situation at the end of ${f.comparison ? `${code(f.comparison.name)} and ${code(f.candidate.name)}` : `${code(f.candidate.name)}, against its start`}.`,
    },
    { kind: 'chart', name: 'policy-heatmap' },
  ];
}

function tiltSection(input: ReportInput, f: ReportFacts): Block[] {
  const gap = maxGap(input.candidate.finalPolicy, input.optimum);
  return [
    {
      kind: 'text',
      text: `Per situation, each response style under the reference policy π_ref and under the KL-regularized optimum π* = π_ref·exp(R/β)/Z of ${code(f.candidate.name)}'s final mix, with the trained policy. The largest gap between the trained policy and π* in any cell is ${fixed(gap)}.`,
    },
    { kind: 'chart', name: 'optimum-tilt' },
  ];
}

function reviewSection(input: ReportInput, f: ReportFacts): Block[] {
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `${code(f.candidate.name)} reviewed against ${code(f.controlName)} under two launch processes, with the same seed, so both see the same evidence.`,
    },
    { kind: 'chart', name: 'launch-review' },
  ];
  const d = input.deployment;
  for (const [i, o] of [d.actual, d.counterfactual].entries()) {
    const r = f.reviews[i];
    blocks.push({
      kind: 'text',
      text: `**${r.process}** (${r.description}): ${verdict(r.verdict)}. ${r.verdict === 'ship' ? 'It ships because every deciding check passed:' : 'Blocked by:'}`,
    });
    blocks.push({ kind: 'list', items: r.reasons.length ? r.reasons : ['no deciding check'] });
    if (r.notes.length) blocks.push({ kind: 'text', text: `Notes: ${r.notes.join('; ')}.` });
    blocks.push({
      kind: 'table',
      id: `review-${r.process}`,
      header: ['stage', 'check', 'control', 'candidate', 'delta', 'result'],
      align: ['l', 'l', 'r', 'r', 'r', 'l'],
      rows: o.review.rows
        .filter((row) => !isTesterRow(row))
        .map((row) => [
          row.stage,
          row.metric,
          fixed(row.control),
          fixed(row.candidate),
          signed(row.delta),
          row.result === 'advisory' || row.decides ? row.result : `${row.result} (advisory)`,
        ]),
    });
  }
  return blocks;
}

function deploymentSection(f: ReportFacts): Block[] {
  const [a, cf] = f.deployments;
  const col = (d: typeof a) => `${d.process} (${d.shipped ? 'shipped' : 'blocked'})`;
  const rows: [string, (d: typeof a) => string][] = [
    ['conversations on the update', (d) => count(d.totals.updateConversations)],
    ['sycophantic answers served by the update (exposure)', (d) => count(d.totals.exposure)],
    ['of which beyond the control (excess exposure)', (d) => count(d.totals.excessExposure)],
    ['sycophantic answers served in all', (d) => count(d.totals.sycophanticServed)],
    ['complaints', (d) => count(d.totals.complaints)],
    ['rollout complete', (d) => hour(d.totals.hoursToRolloutComplete)],
    ['detected', (d) => hour(d.totals.hoursToDetection)],
    ['system-prompt patch', (d) => hour(d.totals.hoursToPatch)],
    ['rollback starts', (d) => hour(d.totals.hoursToRollbackStart)],
    ['rollback complete', (d) => hour(d.totals.hoursToFullRollback)],
  ];
  return [
    {
      kind: 'text',
      text: `Hour by hour after launch under each process: the share of traffic on the update, the sycophantic answers served and the complaints, with the events marked. Sycophantic answers per conversation on deployment traffic: update ${fixed(a.rates.update)}, with the patch ${fixed(a.rates.patched)}, control ${fixed(a.rates.control)}.`,
    },
    { kind: 'chart', name: 'deployment-timeline' },
    {
      kind: 'table',
      id: 'deployment',
      header: ['', col(a), col(cf)],
      align: ['l', 'r', 'r'],
      rows: rows.map(([label, get]) => [label, get(a), get(cf)]),
    },
    {
      kind: 'text',
      text: `The ${code(cf.process)} process would have spared ${count(f.avoided.exposure)} sycophantic answers (${count(f.avoided.excessExposure)} beyond what the control serves anyway).`,
    },
    ...(a.events.length
      ? [
          { kind: 'text', text: `Events under ${code(a.process)}:` } as Block,
          { kind: 'list', items: a.events.map((e) => `hour ${e.hour}: ${e.label}`) } as Block,
        ]
      : []),
  ];
}

const CAPTIONS: Record<SectionChartName, string> = {
  multipliers: 'Lagrange multipliers of the constraints',
  drift: 'Sycophancy over training steps',
  'reward-decomposition': 'Reward decomposition',
  'tug-of-war': 'Tug-of-war: each signal’s push on sycophancy',
  dashboard: 'What the dashboard saw',
  'policy-heatmap': 'Policy heatmap',
  'effective-weights': 'Effective weights',
  'launch-review': 'Launch review',
  'deployment-timeline': 'Deployment timeline',
  'optimum-tilt': 'Optimum tilt',
};

/** Builds the report: facts, sections and the nine chart specs. */
export function buildReport(input: ReportInput, theme: Partial<ChartTheme> = {}): Report {
  const f = reportFacts(input);
  const c = input.candidate;
  const b = input.comparison;
  const title = b ? `rewardmix report: ${c.name} against ${b.name}` : `rewardmix report: ${c.name}`;
  const provenance = `Generated by rewardmix ${input.version} from ${code(c.source)}${c.hash ? ` (sha256 ${c.hash.slice(0, 12)})` : ''}${b ? ` against ${code(b.source)}` : ''}, seed ${input.seed}, ${input.trainer.kind} trainer, ${input.trainer.steps} steps. Every number below is read from these runs.`;
  const sections: Section[] = [
    { id: 'findings', title: 'Key findings', blocks: summary(f) },
    { id: 'weights', title: 'What changed in the mix', blocks: weightsSection(f) },
    { id: 'drift', title: 'Sycophancy drift', blocks: driftSection(f) },
    { id: 'tug-of-war', title: 'Tug-of-war', blocks: tugSection(f) },
    { id: 'reward', title: 'Reward decomposition', blocks: decompositionSection(f) },
    { id: 'dashboard', title: 'What the dashboard saw', blocks: dashboardSection(f) },
    { id: 'policy', title: 'Where the policy moved', blocks: policySection(f) },
    { id: 'tilt', title: 'Optimum tilt', blocks: tiltSection(input, f) },
    { id: 'review', title: 'Launch review', blocks: reviewSection(input, f) },
    { id: 'deployment', title: 'Deployment', blocks: deploymentSection(f) },
  ];
  if (input.constraints?.length) {
    const bounds = input.constraints.map(
      (k) => `${code(k.metric)} ${k.sense === 'max' ? '≤' : '≥'} ${k.bound}`,
    );
    sections.splice(4, 0, {
      id: 'constraints',
      title: 'Constrained training',
      blocks: [
        {
          kind: 'text',
          text: `${code(c.name)} trains in constrained mode (Moskovitz et al. 2023): ${bounds.join(', ')}. Each bound's Lagrange multiplier rises while the bound is violated and acts as a dynamic weight against it.`,
        },
        { kind: 'chart', name: 'multipliers' },
      ],
    });
  }
  const specs = chartSpecs(input, f, theme);
  const order: SectionChartName[] = [];
  for (const s of sections) for (const bl of s.blocks) if (bl.kind === 'chart') order.push(bl.name);
  const reportCharts = order.map((name) => ({
    name,
    title: charts[name].title,
    caption: CAPTIONS[name],
    spec: (specs as Record<SectionChartName, Spec>)[name],
  }));
  return { title, provenance, facts: f, sections, charts: reportCharts };
}
