// Regenerates the generated blocks of docs/explorer.md from runs of the code: the controls (from
// the same table the page reads), the presets with the numbers the page shows for them, the
// teacher's links (each checked against the controls), and, with --timing FILE, the
// re-simulation times the e2e test measured (test-output/explorer/timing.json).
// Usage: npx tsx scripts/explorer-docs.ts [--check] [--timing test-output/explorer/timing.json]
// Each block lives between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`;
// --check compares every block but the timing (machine-dependent) and fails when one is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { shippedScenarios } from '../src/node/explorer-build.ts';
import { normalizeScenario } from '../src/scenario/compile.ts';
import { controlsFor, GROUPS, type ControlDef } from '../src/web/controls.ts';
import { buildPresets, declaredParams } from '../src/web/presets.ts';
import { createSimulator } from '../src/web/simulation.ts';
import { parseQuery, resolveValues } from '../src/web/url-state.ts';
import { CHARTS } from '../src/web/views.ts';
import { DEFAULT_PORT } from '../src/cli/commands/explore.ts';

const DOC = 'docs/explorer.md';
const blocks: Record<string, string> = {};
const shipped = shippedScenarios();
const presets = buildPresets(shipped);
const declared = declaredParams(shipped);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const cell = (s: string) => s.replace(/\|/g, '\\|');

// ---- controls: id, path, range, doc (the April update has every control) ----------------------
const update = presets.find((p) => p.id === 'april-2025-update')!;
const controls = controlsFor(normalizeScenario(update.raw, update.source), declared);
const range = (c: ControlDef) =>
  c.kind === 'boolean'
    ? 'true / false'
    : c.kind === 'choice'
      ? (c.options ?? []).join(', ')
      : `${c.min ?? '−∞'} … ${c.max ?? '∞'}${c.uiMax !== undefined ? ` (slider ${c.uiMin} … ${c.uiMax}${c.scale === 'log' ? ', log' : ''})` : ''}`;
blocks.controls = [
  '| URL key | setting | group | scenario path (`--set`) | accepted values | description |',
  '|---|---|---|---|---|---|',
  ...controls.map(
    (c) =>
      `| \`${c.id}\` | ${cell(c.label)} | ${c.group} | \`${c.path}\` | ${cell(range(c))} | ${cell(c.doc)} |`,
  ),
].join('\n');
blocks.groups = [
  'Groups (hide a whole group with its key): ' +
    Object.entries(GROUPS)
      .map(([k, v]) => `\`${k}\` (${v})`)
      .join(', ') +
    '.',
  '',
  'Panels: `settings` (the whole settings column), `presets`, `play`, `export`, and the charts ' +
    CHARTS.map((c) => `\`${c.id}\``).join(', ') +
    '.',
].join('\n');

// ---- presets with the numbers the page shows -------------------------------------------------
const sim = createSimulator(() => 0);
blocks.presets = [
  '| preset | from | sycophancy (start → end) | offline accuracy | A/B thumbs-up | 2025-04 review | revised review |',
  '|---|---|---:|---:|---:|---|---|',
  ...presets.map((p) => {
    const s = sim.simulate(p.raw, []);
    const tr = s.result.trajectory.values;
    const f = s.result.final;
    const v = Object.fromEntries(s.reviews.map((r) => [r.process, r.verdict]));
    return `| **${p.label}** (\`${p.id}\`) | ${cell(p.source)} | ${pct(tr['eval/sycophancy'][0])} → ${pct(f['eval/sycophancy'])} | ${pct(f['eval/accuracy'])} | ${pct(f['ab/thumbs_up'])} | ${v['2025-04']} | ${v.revised} |`;
  }),
].join('\n');

// ---- teacher's links (each checked: known preset, known keys) --------------------------------
const LINKS: [string, string][] = [
  [
    'Only the thumbs dial, on the baseline (how far can thumbs go alone?)',
    'preset=baseline&only=thumbs',
  ],
  [
    'Each change alone, no training knobs (switch presets with the buttons)',
    'preset=thumbs-only&hide=training,params',
  ],
  [
    'The April update with the mix and users only',
    'preset=april-2025-update&hide=training,params,update',
  ],
  [
    'Find the fix: only the four weights, the phase map and the verdicts',
    'preset=april-2025-update&only=correctness,spec,thumbs,memory&hide=dashboard,policy-heatmap,tug-of-war',
  ],
  [
    'Why the review missed it: the dashboard and the review, no settings to change',
    'preset=april-2025-update&hide=settings,phase-map,effective-weights,policy-heatmap',
  ],
  [
    'The constrained fix, to compare with the update',
    'preset=constrained-fix&hide=training,params',
  ],
];
const known = new Set([
  ...controls.map((c) => c.id),
  ...Object.keys(GROUPS),
  'presets',
  'play',
  'export',
  'settings',
  ...CHARTS.map((c) => c.id),
]);
blocks.links = [
  `With \`rewardmix explore\` running on its default port (${DEFAULT_PORT}); on another host, keep the part from \`#\`.`,
  '',
  ...LINKS.map(([text, frag]) => {
    const q = parseQuery(frag);
    if (!presets.some((p) => p.id === q.preset)) throw new Error(`link "${frag}": unknown preset`);
    for (const k of [...q.hide, ...q.only])
      if (!known.has(k)) throw new Error(`link "${frag}": unknown key "${k}"`);
    const { problems } = resolveValues(q, controls);
    if (problems.length) throw new Error(`link "${frag}": ${problems.join('; ')}`);
    const url = `http://127.0.0.1:${DEFAULT_PORT}/#${frag}`;
    return `- ${text}: [\`#${frag}\`](${url})`;
  }),
].join('\n');

// ---- timing (from the e2e test) ---------------------------------------------------------------
const ti = process.argv.indexOf('--timing');
if (ti > 0) {
  const { summary } = JSON.parse(readFileSync(process.argv[ti + 1], 'utf8'));
  blocks.timing = [
    `Measured by \`test/e2e/explorer.e2e.ts\` in headless Chromium on ${summary.scenario}; compile + train per change:`,
    `median **${summary.ms.median} ms**, 90th percentile ${summary.ms.p90} ms, fastest ${summary.ms.min} ms, slowest ${summary.ms.max} ms;`,
    `${summary.within16ms} of ${summary.changes} changes within one 16 ms frame. Median compile (cached: the weights only) ${summary.compileMedian} ms, median training ${summary.runMedian} ms.`,
    ...(summary.otherMedians
      ? [
          `Other changes (median of 10): β (re-trains the start model) ${summary.otherMedians.beta} ms; approval bias (compiles the scenario again) ${summary.otherMedians.approvalBias} ms.`,
        ]
      : []),
  ].join('\n');
}

// ---- write --------------------------------------------------------------------------------------
const check = process.argv.includes('--check');
const before = readFileSync(DOC, 'utf8');
let doc = before;
for (const [name, body] of Object.entries(blocks)) {
  const re = new RegExp(
    `(<!-- BEGIN generated:${name} -->\\n)[\\s\\S]*?(<!-- END generated:${name} -->)`,
  );
  if (!re.test(doc)) throw new Error(`${DOC}: no generated block "${name}"`);
  doc = doc.replace(re, (_m, a: string, b: string) => `${a}${body}\n${b}`);
}
if (check) {
  if (doc !== before) {
    console.error(`${DOC} is out of date: run npx tsx scripts/explorer-docs.ts`);
    process.exitCode = 1;
  }
} else writeFileSync(DOC, doc);
