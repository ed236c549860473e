/**
 * `rewardmix review`: the launch review of a scenario (the candidate) against the model in
 * production (the control), laid out like a launch-review document: every stage's numbers, the
 * result of each check, and the verdict with every reason that decided it.
 */
import { Option, type Command } from 'commander';
import { launchProcesses, type ReviewResult } from '../../engine/review.ts';
import { displayPath } from '../../node/load.ts';
import {
  DEFAULT_PROCESSES,
  parseSeed,
  reviewScenario,
  type ScenarioReview,
} from '../../node/runs.ts';
import { fmt, fmtDelta, fmtP, textTable } from '../output.ts';

interface ReviewFlags {
  control?: string;
  process?: string;
  seed?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ rewardmix review scenarios/april-2025-update.yaml
  $ rewardmix review scenarios/april-2025-update.yaml --process revised
  $ rewardmix review scenarios/thumbs-only.yaml --control scenarios/baseline.yaml --seed 7
  $ rewardmix review scenarios/april-2025-update.yaml --json > review.json

The control defaults to the scenario the candidate extends (else the candidate itself); both are
trained with the same seed, which also seeds the review's draws. The candidate's review: section
configures the stages (docs/review.md). Without --process both processes are shown: 2025-04
(offline evals and the A/B test decide; the vibe check is advisory; no sycophancy eval) and
revised (behaviour evals and qualitative flags block; optional opt-in alpha stage).
In the table, "·" marks rows that did not take part in the verdict.`;

/** The review table of one process, as text. */
export function reviewTable(r: ReviewResult): string {
  const pct = Math.round((r.config.ab.confidence ?? 0.95) * 100);
  return textTable(
    [
      'stage',
      'metric',
      { header: 'control', align: 'right' },
      { header: 'candidate', align: 'right' },
      { header: 'delta', align: 'right' },
      { header: `${pct}% CI`, align: 'right' },
      { header: 'p-value', align: 'right' },
      'result',
    ],
    r.rows.map((row) => [
      row.stage,
      row.metric,
      fmt(row.control, 3),
      fmt(row.candidate, 3),
      fmtDelta(row.delta, 3),
      row.ci ? `[${fmtDelta(row.ci[0], 3)}, ${fmtDelta(row.ci[1], 3)}]` : '',
      fmtP(row.pValue),
      `${row.result}${row.decides ? '' : ' ·'}`,
    ]),
    '  ',
  );
}

/** One process's section of the review document. */
export function reviewSection(r: ReviewResult): string {
  const out = [
    `Process ${r.process}: ${r.description}`,
    '',
    reviewTable(r),
    '',
    `VERDICT (${r.process}): ${r.verdict === 'ship' ? 'SHIP' : 'BLOCK'}`,
    r.verdict === 'ship' ? 'Because:' : 'Blocked by:',
    ...r.reasons.map((x) => `  - ${x}`),
  ];
  if (r.notes.length) out.push('Notes:', ...r.notes.map((x) => `  - ${x}`));
  if (r.warnings.length) out.push('Warnings:', ...r.warnings.map((w) => `  ! ${w.message}`));
  return out.join('\n');
}

/** The whole review document. */
export function reviewText(x: ScenarioReview): string {
  const { pair } = x;
  const cand = pair.candidate.loaded;
  const ctrl = pair.control.loaded;
  const why =
    pair.controlSource === 'extends'
      ? 'the scenario it extends'
      : pair.controlSource === 'itself'
        ? 'the candidate itself: it extends no scenario'
        : 'given by --control';
  const head = [
    `LAUNCH REVIEW: ${cand.world.name} (${displayPath(cand.path)})`,
    `candidate: ${cand.world.name}, ${pair.candidate.result.steps} ${cand.world.trainer.kind} steps; eval/sycophancy ${fmt(pair.candidate.result.final['eval/sycophancy'], 3)}`,
    `control:   ${ctrl.world.name} (${displayPath(ctrl.path)}; ${why}); eval/sycophancy ${fmt(pair.control.result.final['eval/sycophancy'], 3)}`,
    `seed:      ${pair.seed} (training and review draws)`,
  ];
  const summary =
    x.reviews.length > 1
      ? [
          '',
          'SUMMARY',
          ...x.reviews.map(
            (r) =>
              `  ${r.process.padEnd(10)} ${r.verdict === 'ship' ? 'SHIP ' : 'BLOCK'}  ${
                r.verdict === 'ship'
                  ? `every deciding check passed (${r.rows.filter((row) => row.decides).length})`
                  : r.reasons.join('; ')
              }`,
          ),
        ]
      : [];
  return [
    ...head,
    ...x.reviews.flatMap((r) => ['', '='.repeat(100), reviewSection(r)]),
    ...summary,
  ].join('\n');
}

/** The JSON of `review --json`. */
export function reviewJson(x: ScenarioReview): Record<string, unknown> {
  const side = (s: typeof x.pair.candidate) => ({
    scenario: s.loaded.world.name,
    path: displayPath(s.loaded.path),
    hash: s.loaded.hash,
    metrics: s.result.final,
  });
  return {
    seed: x.pair.seed,
    candidate: side(x.pair.candidate),
    control: { ...side(x.pair.control), source: x.pair.controlSource },
    config: x.config,
    reviews: x.reviews,
  };
}

export function register(program: Command): void {
  program
    .command('review')
    .description('launch review of a scenario against its control: every stage and the verdict')
    .argument('<scenario>', 'the candidate scenario file')
    .option('--control <scenario>', 'the control (default: the scenario the candidate extends)')
    .addOption(
      new Option('--process <name>', 'launch process (default: show both)').choices(
        Object.keys(launchProcesses),
      ),
    )
    .option('--seed <n>', "seed of training and review draws (default: the candidate's seed)")
    .option('--json', 'print the review as JSON')
    .addHelpText('after', EXAMPLES)
    .action((file: string, flags: ReviewFlags) => {
      const seed = flags.seed !== undefined ? parseSeed(flags.seed) : undefined;
      const x = reviewScenario(file, {
        control: flags.control,
        seed,
        processes: flags.process ? [flags.process] : DEFAULT_PROCESSES,
      });
      process.stdout.write(
        (flags.json ? JSON.stringify(reviewJson(x), null, 2) : reviewText(x)) + '\n',
      );
    });
}
