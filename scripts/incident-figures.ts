// Regenerates the figures in docs/incident.md from runs of the code: the shipped scenarios
// trained with the exact trainer, the launch review and the deployment of the April update.
// Usage: npx tsx scripts/incident-figures.ts [--check]
// Each block lives between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`;
// `--check` fails (exit 1) when the page is out of date, and writes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  deploy,
  effectiveWeights,
  expectedUnder,
  mixedReward,
  pullOvertakeStep,
  simulate,
  tiltOptimum,
  weightsByName,
  type RunResult,
} from '../src/index.ts';
import {
  armOf,
  deployScenario,
  loadScenario,
  reviewPair,
  reviewScenario,
} from '../src/node/index.ts';

export const DOC = 'docs/incident.md';
/** Review seeds for the rates over seeds (the same count as notebook 02). */
const REVIEW_SEEDS = 200;

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const millions = (x: number) => `${(x / 1e6).toFixed(1)} million`;
const thousands = (x: number) => (Math.round(x / 1000) * 1000).toLocaleString('en-US');

function train(name: string, sets: string[] = []): RunResult {
  return simulate(loadScenario(`scenarios/${name}.yaml`, { sets }).world);
}
const syc = (r: RunResult, group = '') => r.final[`eval/sycophancy${group ? '/' + group : ''}`];
const table = (head: string[], rows: (string | number)[][]) =>
  [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

/** Every generated block of docs/incident.md, by name. */
export function incidentBlocks(): Record<string, string> {
  const blocks: Record<string, string> = {};
  const run = {
    baseline: train('baseline'),
    'april-2025-update': train('april-2025-update'),
    'thumbs-only': train('thumbs-only'),
    'memory-only': train('memory-only'),
    'fresher-data-only': train('fresher-data-only'),
  };
  const base = run.baseline;
  const upd = run['april-2025-update'];
  const world = upd.world;
  const A = world.actions.length;
  const share = (r: RunResult) => weightsByName(r.world);
  const raw = (r: RunResult) =>
    Object.fromEntries(r.world.signals.map((s, i) => [s.name, r.world.mix.weights[i]]));

  // ---- 1. the mix ------------------------------------------------------------------------------
  blocks.mix = [
    table(
      ['signal', 'raw weight, mainline', 'raw weight, update', 'share, mainline', 'share, update'],
      world.signals.map(({ name }) => [
        `\`${name}\``,
        raw(base)[name],
        raw(upd)[name],
        f3(share(base)[name]),
        f3(share(upd)[name]),
      ]),
    ),
    '',
    `The spec signal keeps its raw weight; its share of the reward falls from ` +
      `${f3(share(base).spec)} to ${f3(share(upd).spec)}. Without normalization ` +
      `(\`--set mix.normalize=false\`) the same update ends at sycophancy ` +
      `${f3(syc(train('april-2025-update', ['mix.normalize=false'])))} instead of ${f3(syc(upd))}.`,
  ].join('\n');

  // ---- 2. the thumbs signal --------------------------------------------------------------------
  const situation = 'venting';
  const ci = world.contexts.findIndex((c) => c.id === situation);
  const Rm = mixedReward(world, effectiveWeights(base.world));
  const Ru = mixedReward(world, effectiveWeights(world));
  const at = (t: Float64Array, style: string) =>
    t[ci * A + world.actions.findIndex((a) => a.id === style)];
  const gapM = at(Rm, 'tactful') - at(Rm, 'flatter');
  const gapU = at(Ru, 'tactful') - at(Ru, 'flatter');
  blocks.thumbs = [
    `Signals and mixed reward R in the situation \`${situation}\` (user venting, memory off):`,
    '',
    table(
      ['style', ...world.signals.map((s) => `\`${s.name}\``), 'R, mainline mix', 'R, update mix'],
      world.actions.map((a) => [
        a.id,
        ...world.signals.map((s) => at(s.table, a.id).toFixed(2)),
        f3(at(Rm, a.id)),
        f3(at(Ru, a.id)),
      ]),
    ),
    '',
    `The reward gap between the tactful-honest and the flattering answer shrinks from ` +
      `${f3(gapM)} (${(gapM / world.beta).toFixed(1)} β) to ${f3(gapU)} ` +
      `(${(gapU / world.beta).toFixed(1)} β), with β = ${world.beta}. The thumbs reward alone ` +
      `(\`thumbs-only.yaml\`) moves sycophancy from ${f3(syc(base))} to ` +
      `${f3(syc(run['thumbs-only']))}; with users indifferent to agreement ` +
      `(\`--set params.approvalBias=0\`) the full update ends at ` +
      `${f3(syc(train('april-2025-update', ['params.approvalBias=0'])))}.`,
  ].join('\n');

  // ---- 3. the tug-of-war -----------------------------------------------------------------------
  const tr = upd.trajectory;
  const last = tr.steps.length - 1;
  const pAt = (k: string, i: number) => tr.values[`pressure/${k}`][i];
  const ref = world.referenceLogProbs.map(Math.exp);
  const sycOf = (p: Float64Array) =>
    expectedUnder(world.sets.sycophancy, p, world.features.sycophantic, A);
  const tilt = tiltOptimum(Ru, world.referenceLogProbs, A, world.beta);
  const e = (x: number) => x.toExponential(1);
  const maxBaseNet = Math.max(...base.trajectory.values['pressure/total'].map(Math.abs));
  blocks.tug = [
    table(
      ['update, step', 'spec', 'thumbs', 'memory', 'correctness', 'KL', 'net', 'eval/sycophancy'],
      [0, 50, 100, tr.steps[last]].map((step) => {
        const i = tr.steps.indexOf(step);
        return [
          step,
          ...['spec', 'thumbs', 'memory', 'correctness', 'kl', 'total'].map((k) => e(pAt(k, i))),
          f3(tr.values['eval/sycophancy'][i]),
        ];
      }),
    ),
    '',
    `The pull up (thumbs + memory) exceeds the spec signal's pull down from step ` +
      `${pullOvertakeStep({ name: 'update', trajectory: tr })}. In the baseline the pushes cancel ` +
      `(largest net push ${maxBaseNet < 1e-12 ? 'below 1e-12' : e(maxBaseNet)}). The KL term pushes ` +
      `up because the reference model is agreeable: its sycophancy is ${f3(sycOf(ref))}, against ` +
      `${f3(syc(base))} for the mainline. The closed-form optimum of the update's mix has sycophancy ` +
      `${sycOf(tilt).toFixed(4)}; training ends at ${syc(upd).toFixed(4)}.`,
  ].join('\n');

  // ---- 4. memory -------------------------------------------------------------------------------
  const mem = run['memory-only'];
  const noSharp = train('april-2025-update', ['params.memorySharpening=0']);
  blocks.memory = [
    table(
      ['run', 'memory on', 'memory off', 'all'],
      [
        ['update', upd],
        ['memory only', mem],
        ['update, `params.memorySharpening=0`', noSharp],
      ].map(([name, r]) => [
        name as string,
        f3(syc(r as RunResult, 'memory-on')),
        f3(syc(r as RunResult, 'memory-off')),
        f3(syc(r as RunResult)),
      ]),
    ),
  ].join('\n');

  // ---- 5. each change alone --------------------------------------------------------------------
  const rise = (r: RunResult) => syc(r) - syc(base);
  const alone = ['thumbs-only', 'memory-only', 'fresher-data-only'] as const;
  const sumAlone = alone.reduce((s, k) => s + rise(run[k]), 0);
  const pair = train('april-2025-update', ['params.fresherShift=0']);
  blocks.alone = [
    table(
      ['scenario', 'eval/sycophancy', 'rise over baseline', 'eval/accuracy', 'ab/thumbs_up'],
      Object.entries(run).map(([name, r]) => [
        `\`${name}\``,
        f3(syc(r)),
        f3(rise(r)),
        f3(r.final['eval/accuracy']),
        f3(r.final['ab/thumbs_up']),
      ]),
    ),
    '',
    `The three rises alone add up to ${f3(sumAlone)}; together the rise is ${f3(rise(upd))}, ` +
      `${(rise(upd) / sumAlone).toFixed(1)} times as much. Thumbs and memory without the fresher ` +
      `data already reach ${f3(syc(pair))}.`,
  ].join('\n');

  // ---- 6. a shared policy ----------------------------------------------------------------------
  const linear = train('linear-generalization');
  const tabular = train('linear-generalization', ['policy={"kind":"tabular"}']);
  const groups: [string, string][] = [
    ['all probe situations', ''],
    ['memory on', 'memory-on'],
    ['memory off', 'memory-off'],
    ['factual claims, memory off (`unrewarded`)', 'unrewarded'],
  ];
  blocks.linear = table(
    ['situations', 'start', 'tabular policy', 'linear policy'],
    groups.map(([label, g]) => [
      label,
      f3(linear.trajectory.values[`eval/sycophancy${g ? '/' + g : ''}`][0]),
      f3(syc(tabular, g)),
      f3(syc(linear, g)),
    ]),
  );

  // ---- 7–9. the review -------------------------------------------------------------------------
  const review = reviewScenario('scenarios/april-2025-update.yaml');
  const [old, revised] = review.reviews;
  const ab = old.stages.ab!;
  const vibe = old.stages.vibe!;
  const beh = revised.stages.behaviour![0];
  const reviews = Array.from({ length: REVIEW_SEEDS }, (_, i) =>
    reviewPair(review.pair, review.config, ['2025-04', 'revised'], i + 1),
  );
  const rate = (f: (r: (typeof reviews)[number]) => boolean) =>
    reviews.filter(f).length / reviews.length;
  const flags = (r: (typeof reviews)[number]) =>
    r.reviews[0].stages.vibe!.testers.filter((t) => t.flagsCandidate).length;
  const selfReview = reviewScenario('scenarios/baseline.yaml');
  blocks.review = [
    table(
      ['check', 'control (baseline)', 'candidate (update)', 'under 2025-04', 'under revised'],
      [
        ...old.stages.offline!.map((s) => [
          `offline: ${s.suite.name}`,
          f3(s.control.rate),
          f3(s.candidate.rate),
          s.pass ? 'pass' : 'fail',
          s.pass ? 'pass' : 'fail',
        ]),
        [
          'A/B: thumbs-up share of ratings',
          f3(ab.control.share),
          f3(ab.candidate.share),
          `pass (p = ${ab.test.pValue.toExponential(1)})`,
          'pass',
        ],
        [
          'vibe check: testers flagging "feels off"',
          `${vibe.testers.filter((t) => t.flagsControl).length} of ${vibe.testers.length}`,
          `${vibe.testers.filter((t) => t.flagsCandidate).length} of ${vibe.testers.length}`,
          'advisory',
          revised.rows.find((r) => r.stage === 'vibe' && r.decides)?.result ?? '',
        ],
        [
          `sycophancy eval (${beh.candidate.n} probes)`,
          f3(beh.control.rate),
          f3(beh.candidate.rate),
          'not run',
          beh.trips.length ? 'block' : 'pass',
        ],
        ['**verdict**', '', '', `**${old.verdict}**`, `**${revised.verdict}**`],
      ],
    ),
    '',
    `Over ${REVIEW_SEEDS} review seeds (same trained models): the 2025-04 process ships the ` +
      `update in ${pct(rate((r) => r.reviews[0].verdict === 'ship'))} of them, the revised process ` +
      `blocks it in ${pct(rate((r) => r.reviews[1].verdict === 'block'))}; at least one tester ` +
      `flags it in ${pct(rate((r) => flags(r) > 0))}, half of the testers in ` +
      `${pct(rate((r) => flags(r) >= vibe.testers.length / 2))}. The baseline reviewed against ` +
      `itself: ${selfReview.reviews.map((r) => `${r.process} ${r.verdict}s`).join(', ')}.`,
  ].join('\n');

  // ---- 10. deployment --------------------------------------------------------------------------
  const dep = deployScenario('scenarios/april-2025-update.yaml');
  const tl = dep.result.actual.timeline;
  const t = tl.totals;
  const cfg = dep.deployment;
  const arms = {
    control: armOf(dep.pair.control.result),
    candidate: armOf(dep.pair.candidate.result),
  };
  const rollbackAfter = (h: number) =>
    deploy({
      ...arms,
      review: dep.review,
      deployment: { ...cfg, rollback: { ...cfg.rollback, afterDetectionHours: h } },
      seed: dep.pair.seed,
    }).actual.timeline.totals.excessExposure;
  const perHour =
    (rollbackAfter(cfg.rollback.afterDetectionHours) - rollbackAfter(0)) /
    cfg.rollback.afterDetectionHours;
  blocks.deployment = [
    table(
      ['hour', 'event'],
      tl.events.map((ev) => [ev.hour, ev.label]),
    ),
    '',
    `Sycophantic answers per conversation: control ${f3(tl.rates.control)}, update ` +
      `${f3(tl.rates.update)}, patched update ${f3(tl.rates.patched)}. The update served ` +
      `${millions(t.updateConversations)} conversations and ${millions(t.exposure)} sycophantic ` +
      `answers, ${millions(t.excessExposure)} more than the control would have; under the revised ` +
      `review, none (${millions(dep.result.avoided.excessExposure)} avoided). Each hour between ` +
      `detection and the start of the rollback cost about ${thousands(perHour)} excess ` +
      `sycophantic answers.`,
  ].join('\n');

  // ---- 11. constrained training ----------------------------------------------------------------
  const fix = train('constrained-fix');
  const c = fix.world.mix.constraints[0];
  blocks.constrained =
    `With a bound of ${c.bound} on \`${c.metric}\` (set a little under the cap it serves) held ` +
    `by a Lagrange multiplier ` +
    `(\`constrained-fix.yaml\`), the update's mix ends at sycophancy ${f3(syc(fix))} ` +
    `(memory on ${f3(syc(fix, 'memory-on'))}), thumbs-up share ${f3(fix.final['ab/thumbs_up'])} ` +
    `(update ${f3(upd.final['ab/thumbs_up'])}, baseline ${f3(base.final['ab/thumbs_up'])}), ` +
    `multiplier ${f3(fix.final[`multipliers/${c.metric}`])}.`;
  return blocks;
}

/** `doc` with every generated block replaced; throws when a block is missing. */
export function fillBlocks(doc: string, blocks: Record<string, string>): string {
  let out = doc;
  for (const [name, text] of Object.entries(blocks)) {
    const re = new RegExp(
      `(<!-- BEGIN generated:${name} -->\\n)[\\s\\S]*?(<!-- END generated:${name} -->)`,
    );
    if (!re.test(out)) throw new Error(`${DOC}: no generated block "${name}"`);
    out = out.replace(re, (_, begin: string, end: string) => `${begin}${text}\n${end}`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(DOC, 'utf8');
  const next = fillBlocks(doc, incidentBlocks());
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error(`${DOC} is out of date: run npx tsx scripts/incident-figures.ts`);
      process.exit(1);
    }
    console.log(`${DOC} is up to date`);
  } else {
    writeFileSync(DOC, next);
    console.log(`wrote ${DOC}`);
  }
}
