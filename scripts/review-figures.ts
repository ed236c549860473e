// Regenerates the figures in docs/review.md from runs of the code: the defaults, the review
// tables and the deployment timeline on the incident-like test world (test/review/fixture.ts),
// false-block and false-positive rates over many seeds, and the binomial sampler's normal
// approximation error. Usage: npx tsx scripts/review-figures.ts [--check]
// Each block lives between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  BEHAVIOUR_EVAL_DEFAULTS,
  OFFLINE_SUITE_DEFAULTS,
  REVIEW_DEFAULTS,
  launchReview,
  reviewContext,
} from '../src/engine/review.ts';
import { abTest, type ReviewRow } from '../src/engine/review-stages.ts';
import { DEPLOYMENT_DEFAULTS, deploy, deploymentTimeline } from '../src/engine/deployment.ts';
import {
  BINOMIAL_NORMAL_MIN_VARIANCE,
  binomialLogPmf,
  normalCdf,
  twoProportionZTest,
} from '../src/engine/stats.ts';
import { candidate, control } from '../test/review/fixture.ts';

const DOC = 'docs/review.md';
const SEED = 1;
const blocks: Record<string, string> = {};

// ---- parameters: the doc comments of the config types, with the defaults ----------------------
/** [dotted field path, doc comment] of an interface's fields, nested object types included. */
function fieldDocs(file: string, iface: string): [string, string][] {
  const src = readFileSync(file, 'utf8');
  const start = src.indexOf(`export interface ${iface} {`);
  if (start < 0) throw new Error(`${file}: no interface ${iface}`);
  const out: [string, string][] = [];
  const stack: string[] = [];
  let doc = '';
  let inDoc = false;
  for (const line of src.slice(start).split('\n').slice(1)) {
    const t = line.trim();
    if (inDoc || t.startsWith('/**')) {
      doc += ' ' + t.replace(/^\/\*\*|\*\/$|^\*/g, '').trim();
      inDoc = !t.endsWith('*/');
      continue;
    }
    if (t === '}' && stack.length === 0) break;
    const group = /^(\w+)\??: \{$/.exec(t);
    const field = /^(\w+)\??:/.exec(t);
    if (group) {
      if (doc.trim()) out.push([[...stack, group[1]].join('.'), doc.trim()]);
      stack.push(group[1]);
    } else if (t === '};') stack.pop();
    else if (field) out.push([[...stack, field[1]].join('.'), doc.trim()]);
    if (group || field) doc = '';
  }
  return out;
}
const show = (v: unknown) =>
  v === undefined
    ? '—'
    : v && typeof v === 'object' && !Array.isArray(v)
      ? ''
      : `\`${JSON.stringify(v)}\``;
function paramTable(file: string, iface: string, defaults: unknown, skip: string[] = []): string {
  const rows = ['| parameter | default | meaning |', '|---|---|---|'];
  for (const [path, doc] of fieldDocs(file, iface)) {
    if (skip.includes(path)) continue;
    const v = path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), defaults);
    rows.push(`| \`${path}\` | ${show(v)} | ${doc.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}
const REVIEW_TS = 'src/engine/review.ts';
blocks['params-offline'] = [
  paramTable(REVIEW_TS, 'OfflineSuite', OFFLINE_SUITE_DEFAULTS),
  '',
  `Default suites: ${REVIEW_DEFAULTS.offline.map((s) => `\`${s.name}\` (${s.metric} over ${JSON.stringify(s.where)})`).join(', ')}.`,
].join('\n');
blocks['params-behaviour'] = [
  paramTable(REVIEW_TS, 'BehaviourEval', BEHAVIOUR_EVAL_DEFAULTS),
  '',
  `Default evals: ${REVIEW_DEFAULTS.behaviour.map((s) => `\`${s.name}\` (${s.metric} over ${JSON.stringify(s.where)})`).join(', ')}.`,
].join('\n');
blocks['params-ab'] = paramTable(REVIEW_TS, 'AbTestConfig', REVIEW_DEFAULTS.ab);
blocks['params-vibe'] = paramTable(REVIEW_TS, 'VibeCheckConfig', REVIEW_DEFAULTS.vibe);
blocks['params-alpha'] = paramTable(REVIEW_TS, 'AlphaStageConfig', REVIEW_DEFAULTS.alpha);
blocks['params-deployment'] = paramTable(
  'src/engine/deployment.ts',
  'DeploymentConfig',
  DEPLOYMENT_DEFAULTS,
);

// ---- the review tables ------------------------------------------------------------------------
const f = (x: number) => x.toFixed(3);
const p = (x: number | undefined) =>
  x === undefined ? '' : x < 1e-4 ? x.toExponential(1) : x.toFixed(4);
function table(rows: ReviewRow[]): string {
  const out = [
    '| stage | metric | control | candidate | delta | 95% CI | p | result |',
    '|---|---|---:|---:|---:|---|---:|---|',
  ];
  for (const r of rows)
    out.push(
      `| ${r.stage} | ${r.metric} | ${f(r.control)} | ${f(r.candidate)} | ${f(r.delta)} | ${r.ci ? `[${f(r.ci[0])}, ${f(r.ci[1])}]` : ''} | ${p(r.pValue)} | ${r.result}${r.decides ? '' : ' ·'} |`,
    );
  return out.join('\n');
}
for (const process of ['2025-04', 'revised']) {
  const r = launchReview({ control, candidate, process, seed: SEED });
  blocks[`review-${process}`] = [
    table(r.rows),
    '',
    `**Verdict: ${r.verdict}.** Reasons:`,
    '',
    ...r.reasons.map((x) => `- ${x}`),
    ...(r.notes.length ? ['', 'Notes:', '', ...r.notes.map((x) => `- ${x}`)] : []),
  ].join('\n');
}

// ---- rates over seeds -------------------------------------------------------------------------
const SEEDS = 2000;
let fp = 0;
for (let s = 0; s < SEEDS; s++)
  if (abTest(reviewContext({ control, candidate: control, seed: s })).significant) fp++;
const harmless: Record<string, { blocked: number; by: Record<string, number> }> = {};
for (const process of ['2025-04', 'revised']) {
  const h = { blocked: 0, by: {} as Record<string, number> };
  for (let s = 0; s < SEEDS; s++) {
    const r = launchReview({ control, candidate: control, process, seed: `harmless-${s}` });
    if (r.verdict === 'ship') continue;
    h.blocked++;
    for (const row of r.rows)
      if (row.decides && row.result !== 'pass') h.by[row.stage] = (h.by[row.stage] ?? 0) + 1;
  }
  harmless[process] = h;
}
let ships = 0;
let revisedBlocks = 0;
let someFlag = 0;
for (let s = 0; s < SEEDS; s++) {
  const a = launchReview({ control, candidate, process: '2025-04', seed: s });
  const b = launchReview({ control, candidate, process: 'revised', seed: s });
  if (a.verdict === 'ship') ships++;
  if (b.verdict === 'block' && b.reasons.some((x) => x.startsWith('sycophancy eval')))
    revisedBlocks++;
  const v = a.stages.vibe!.candidateShare;
  if (v > 0 && v < 1) someFlag++;
}
const pct = (k: number) => `${((100 * k) / SEEDS).toFixed(1)}%`;
blocks.rates = [
  `Over ${SEEDS} seeds of the review on the test world:`,
  '',
  '| what | rate |',
  '|---|---:|',
  `| A/B false positives, identical arms (p < 0.05) | ${pct(fp)} |`,
  ...Object.entries(harmless).map(
    ([k, h]) =>
      `| \`${k}\` blocks the control against itself | ${pct(h.blocked)} (${
        Object.entries(h.by)
          .map(([st, n]) => `${st}: ${n}`)
          .join(', ') || 'none'
      }) |`,
  ),
  `| \`2025-04\` ships the sycophantic update | ${pct(ships)} |`,
  `| \`revised\` blocks it, naming the sycophancy eval | ${pct(revisedBlocks)} |`,
  `| some but not all vibe testers flag it | ${pct(someFlag)} |`,
].join('\n');

// ---- deployment -------------------------------------------------------------------------------
const d = deploy({ control, candidate, seed: SEED });
const t = d.actual.timeline;
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const hr = (x: number | null) => (x === null ? '—' : `${x} h`);
const detections: number[] = [];
for (let s = 0; s < 200; s++) {
  const h = deploy({ control, candidate, seed: s }).actual.timeline.totals.hoursToDetection;
  if (h !== null) detections.push(h);
}
detections.sort((a, b) => a - b);
blocks.deployment = [
  '| hour | event |',
  '|---:|---|',
  ...t.events.map((e) => `| ${e.hour} | ${e.label} |`),
  '',
  `Sycophantic answers per conversation over deployment traffic: control ${t.rates.control.toFixed(4)}, update ${t.rates.update.toFixed(4)}, patched update ${t.rates.patched.toFixed(4)}.`,
  '',
  '| total | `2025-04` (shipped) | `revised` (counterfactual) |',
  '|---|---:|---:|',
  `| conversations on the update | ${n(t.totals.updateConversations)} | ${n(d.counterfactual.timeline.totals.updateConversations)} |`,
  `| sycophantic answers served by the update (exposure) | ${n(t.totals.exposure)} | ${n(d.counterfactual.timeline.totals.exposure)} |`,
  `| of which beyond what the control would have served | ${n(t.totals.excessExposure)} | ${n(d.counterfactual.timeline.totals.excessExposure)} |`,
  `| complaints | ${n(t.totals.complaints)} | ${n(d.counterfactual.timeline.totals.complaints)} |`,
  `| hours to rollout complete | ${hr(t.totals.hoursToRolloutComplete)} | — |`,
  `| hours to detection | ${hr(t.totals.hoursToDetection)} | — |`,
  `| hours to patch | ${hr(t.totals.hoursToPatch)} | — |`,
  `| hours to full rollback | ${hr(t.totals.hoursToFullRollback)} | — |`,
  '',
  `Across 200 seeds the detection hour ranges from ${detections[0]} to ${detections[detections.length - 1]} (median ${detections[100]}); the rollout completes at hour ${DEPLOYMENT_DEFAULTS.rollout.hours}.`,
].join('\n');

// ---- detection hour against the update's sycophancy ratio -------------------------------------
{
  const w = control.world;
  const A = w.actions.length;
  const syc = w.features['sycophantic'];
  const q = w.sets.deployment;
  // the most sycophantic answer in each situation, as a one-hot policy
  const worst = new Float64Array(syc.length);
  for (let row = 0; row < syc.length; row += A) {
    let best = row;
    for (let a = 1; a < A; a++) if (syc[row + a] > syc[best]) best = row + a;
    worst[best] = 1;
  }
  const rate = (pol: Float64Array) => {
    let s = 0;
    for (let c = 0; c < q.length; c++)
      for (let a = 0; a < A; a++) s += q[c] * pol[c * A + a] * syc[c * A + a];
    return s;
  };
  const sc = rate(control.policy);
  const sw = rate(worst);
  const out = [
    '| update ÷ control | detected at hour | rollout complete at hour |',
    '|---:|---:|---:|',
  ];
  for (const ratio of [1.5, 2.5, 3, 4, 5, 6, 7, 8, 10]) {
    const lambda = (ratio * sc - sc) / (sw - sc);
    if (lambda > 1) continue;
    const policy = Float64Array.from(
      control.policy,
      (x, i) => (1 - lambda) * x + lambda * worst[i],
    );
    const tl = deploymentTimeline({ control, candidate: { world: w, policy }, seed: SEED });
    out.push(
      `| ${ratio} | ${tl.totals.hoursToDetection ?? 'never'} | ${tl.totals.hoursToRolloutComplete} |`,
    );
  }
  blocks.detection = out.join('\n');
}

// ---- the z-test checks ------------------------------------------------------------------------
{
  const t = twoProportionZTest(520, 1000, 480, 1000);
  let pmf = Math.pow(0.95, SEEDS);
  let cdf = 0;
  let lo = -1;
  let hi = -1;
  for (let k = 0; k <= SEEDS; k++) {
    cdf += pmf;
    if (lo < 0 && cdf >= 0.005) lo = k;
    if (hi < 0 && cdf >= 0.995) hi = k;
    pmf *= ((SEEDS - k) / (k + 1)) * (0.05 / 0.95);
  }
  blocks.ztest = [
    `- x₁ = 520, n₁ = 1000, x₂ = 480, n₂ = 1000: z = ${t.z.toFixed(4)}, p = ${t.pValue.toFixed(4)}, 95% interval [${t.ci[0].toFixed(4)}, ${t.ci[1].toFixed(4)}].`,
    `- Identical arms, ${SEEDS} seeds, α = 0.05: ${fp} false positives; the binomial 99% interval is [${lo}, ${hi}].`,
  ].join('\n');
}

// ---- the binomial sampler's normal approximation ----------------------------------------------
const rows = ['| p | n | largest CDF error |', '|---:|---:|---:|'];
for (const q of [0.5, 0.05, 0.001]) {
  const nn = Math.round(BINOMIAL_NORMAL_MIN_VARIANCE / (q * (1 - q)));
  const mu = nn * q;
  const sd = Math.sqrt(nn * q * (1 - q));
  let cdf = 0;
  let worst = 0;
  const lo = Math.max(0, Math.floor(mu - 14 * sd));
  for (let k = 0; k < lo; k++) cdf += Math.exp(binomialLogPmf(k, nn, q));
  for (let k = lo; k <= Math.min(nn, mu + 14 * sd); k++) {
    cdf += Math.exp(binomialLogPmf(k, nn, q));
    worst = Math.max(worst, Math.abs(cdf - normalCdf((k + 0.5 - mu) / sd)));
  }
  rows.push(`| ${q} | ${nn.toLocaleString('en-US')} | ${worst.toExponential(1)} |`);
}
blocks.binomial = [
  `At the switch-over variance n·p·(1−p) = ${BINOMIAL_NORMAL_MIN_VARIANCE.toLocaleString('en-US')}:`,
  '',
  ...rows,
].join('\n');

// ---- write ------------------------------------------------------------------------------------
let doc = readFileSync(DOC, 'utf8');
for (const [name, body] of Object.entries(blocks)) {
  const re = new RegExp(
    `(<!-- BEGIN generated:${name} -->\\n)[\\s\\S]*?(<!-- END generated:${name} -->)`,
  );
  if (!re.test(doc)) throw new Error(`${DOC}: no generated block "${name}"`);
  doc = doc.replace(re, (_m, a: string, b: string) => `${a}${body}\n${b}`);
}
if (process.argv.includes('--check')) {
  if (doc !== readFileSync(DOC, 'utf8')) {
    console.error(`${DOC} is out of date: run npx tsx scripts/review-figures.ts`);
    process.exit(1);
  }
} else writeFileSync(DOC, doc);
