/**
 * `rewardmix deploy`: what happens after the review. The update is reviewed under the process in
 * force and under the counterfactual one; each outcome's hourly timeline (staged rollout,
 * sycophantic answers served, complaints, detection, patch, rollback) is simulated with the same
 * seed; the totals and what the counterfactual would have spared are printed, and with --out the
 * hourly series and events are written as CSV.
 */
import { Option, type Command } from 'commander';
import type { DeployOutcome } from '../../engine/deployment.ts';
import { launchProcesses } from '../../engine/review.ts';
import { displayPath } from '../../node/load.ts';
import {
  checkOutputDir,
  deployScenario,
  parseSeed,
  toCsv,
  writeOutputDir,
  type ScenarioDeployment,
} from '../../node/runs.ts';
import { InputError } from '../../scenario/errors.ts';
import { fmt, fmtInt, textTable } from '../output.ts';

interface DeployFlags {
  control?: string;
  process?: string;
  counterfactual?: string;
  seed?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ rewardmix deploy scenarios/april-2025-update.yaml
  $ rewardmix deploy scenarios/april-2025-update.yaml --out runs/april-deploy
  $ rewardmix deploy scenarios/april-2025-update.yaml --json | jq .actual.totals
  $ rewardmix deploy scenarios/april-2025-update.yaml --process revised --counterfactual 2025-04

The update is reviewed under --process (default 2025-04) and --counterfactual (default revised);
where a review says ship, the update rolls out; where it blocks, the control keeps all traffic.
With --out DIR: DIR/deployment.json (configuration, reviews' verdicts, rates, events, totals),
DIR/hourly.csv (one row per timeline and hour) and DIR/events.csv; nothing is written without it.
The candidate's deployment: section configures the timeline (docs/review.md).`;

/** The marker of a deploy output directory (safe to replace). */
export const DEPLOY_MARKER = 'deployment.json';

function outcomeJson(o: DeployOutcome) {
  const t = o.timeline;
  return {
    process: o.process,
    verdict: o.review.verdict,
    reasons: o.review.reasons,
    shipped: t.shipped,
    rates: t.rates,
    events: t.events,
    totals: t.totals,
    warnings: t.warnings,
  };
}

/** deployment.json: everything but the hourly series. */
export function deploymentJson(x: ScenarioDeployment): Record<string, unknown> {
  const side = (s: typeof x.pair.candidate) => ({
    scenario: s.loaded.world.name,
    path: displayPath(s.loaded.path),
    hash: s.loaded.hash,
  });
  return {
    seed: x.pair.seed,
    candidate: side(x.pair.candidate),
    control: { ...side(x.pair.control), source: x.pair.controlSource },
    config: x.deployment,
    actual: outcomeJson(x.result.actual),
    counterfactual: outcomeJson(x.result.counterfactual),
    avoided: x.result.avoided,
  };
}

/** hourly.csv rows: both timelines, long by timeline and hour. */
export function hourlyRows(x: ScenarioDeployment): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const [timeline, o] of [
    ['actual', x.result.actual],
    ['counterfactual', x.result.counterfactual],
  ] as const)
    for (const h of o.timeline.series) rows.push({ timeline, process: o.process, ...h });
  return rows;
}

/** events.csv rows. */
export function eventRows(x: ScenarioDeployment): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const [timeline, o] of [
    ['actual', x.result.actual],
    ['counterfactual', x.result.counterfactual],
  ] as const)
    for (const e of o.timeline.events) rows.push({ timeline, process: o.process, ...e });
  return rows;
}

const hours = (h: number | null) => (h === null ? '—' : `${h} h`);

/** The printed report: both outcomes, the actual timeline's events and the totals. */
export function deploymentText(x: ScenarioDeployment): string {
  const a = x.result.actual;
  const c = x.result.counterfactual;
  const cand = x.pair.candidate.loaded;
  const ctrl = x.pair.control.loaded;
  const out: string[] = [
    `DEPLOYMENT: ${cand.world.name} (${displayPath(cand.path)}) replacing ${ctrl.world.name} (${displayPath(ctrl.path)}), seed ${x.pair.seed}`,
    `${fmtInt(x.deployment.conversationsPerHour)} conversations per hour, ${x.deployment.hours} hours simulated`,
    `sycophantic answers per conversation: control ${fmt(a.timeline.rates.control, 4)}, update ${fmt(a.timeline.rates.update, 4)}, update with the patch ${fmt(a.timeline.rates.patched, 4)}`,
    '',
    `Review under ${a.process} (in force): ${a.review.verdict.toUpperCase()}; under ${c.process} (counterfactual): ${c.review.verdict.toUpperCase()}`,
    '',
    `Timeline under ${a.process}:`,
    textTable(
      [{ header: 'hour', align: 'right' }, 'event'],
      a.timeline.events.map((e) => [String(e.hour), e.label]),
      '  ',
    ),
    '',
    'Totals:',
  ];
  const ta = a.timeline.totals;
  const tc = c.timeline.totals;
  const rows: [string, string, string][] = [
    ['conversations on the update', fmtInt(ta.updateConversations), fmtInt(tc.updateConversations)],
    [
      'sycophantic answers served by the update (exposure)',
      fmtInt(ta.exposure),
      fmtInt(tc.exposure),
    ],
    [
      '  of which beyond what the control would have served',
      fmtInt(ta.excessExposure),
      fmtInt(tc.excessExposure),
    ],
    [
      'sycophantic answers served (both models)',
      fmtInt(ta.sycophanticServed),
      fmtInt(tc.sycophanticServed),
    ],
    ['complaints', fmtInt(ta.complaints), fmtInt(tc.complaints)],
    [
      'hours to rollout complete',
      hours(ta.hoursToRolloutComplete),
      hours(tc.hoursToRolloutComplete),
    ],
    ['hours to detection', hours(ta.hoursToDetection), hours(tc.hoursToDetection)],
    ['hours to patch', hours(ta.hoursToPatch), hours(tc.hoursToPatch)],
    ['hours to rollback start', hours(ta.hoursToRollbackStart), hours(tc.hoursToRollbackStart)],
    ['hours to full rollback', hours(ta.hoursToFullRollback), hours(tc.hoursToFullRollback)],
  ];
  out.push(
    textTable(
      [
        'total',
        { header: `${a.process} (in force)`, align: 'right' },
        { header: `${c.process} (counterfactual)`, align: 'right' },
      ],
      rows,
      '  ',
    ),
  );
  out.push(
    '',
    `Had ${c.process} been in force: ${fmtInt(x.result.avoided.exposure)} fewer sycophantic answers served by the update ` +
      `(${fmtInt(x.result.avoided.excessExposure)} beyond the control's), ${fmtInt(x.result.avoided.updateConversations)} fewer conversations on it.`,
  );
  const warnings = [
    ...new Set([a, c].flatMap((o) => o.timeline.warnings.map((w) => `${o.process}: ${w.message}`))),
  ];
  if (warnings.length) out.push('', 'Warnings:', ...warnings.map((w) => `  ! ${w}`));
  return out.join('\n');
}

export function register(program: Command): void {
  const processes = Object.keys(launchProcesses);
  program
    .command('deploy')
    .description(
      'simulate the deployment hour by hour: rollout, exposure, complaints, detection, patch, rollback',
    )
    .argument('<scenario>', 'the update (candidate) scenario file')
    .option('--control <scenario>', 'the model in production (default: the scenario it extends)')
    .addOption(
      new Option('--process <name>', 'launch process in force')
        .choices(processes)
        .default('2025-04'),
    )
    .addOption(
      new Option('--counterfactual <name>', 'launch process of the counterfactual')
        .choices(processes)
        .default('revised'),
    )
    .option('--seed <n>', "seed of training, review and complaints (default: the candidate's)")
    .option('--out <dir>', 'write deployment.json, hourly.csv and events.csv here')
    .option('--json', 'print deployment.json to stdout')
    .option('--quiet', 'no notes on stderr')
    .addHelpText('after', EXAMPLES)
    .action((file: string, flags: DeployFlags) => {
      const seed = flags.seed !== undefined ? parseSeed(flags.seed) : undefined;
      if (flags.process === flags.counterfactual)
        throw new InputError(
          '--counterfactual',
          `is the process in force (${flags.process}); give another process to compare with (${processes.filter((p) => p !== flags.process).join(', ')})`,
        );
      if (flags.out !== undefined) checkOutputDir(flags.out, DEPLOY_MARKER);
      const x = deployScenario(file, {
        control: flags.control,
        seed,
        process: flags.process,
        counterfactual: flags.counterfactual,
      });
      const json = deploymentJson(x);
      if (flags.out !== undefined) {
        const abs = writeOutputDir(
          flags.out,
          {
            [DEPLOY_MARKER]: JSON.stringify(json, null, 2) + '\n',
            'hourly.csv': toCsv(hourlyRows(x)),
            'events.csv': toCsv(eventRows(x), ['timeline', 'process', 'hour', 'kind', 'label']),
          },
          DEPLOY_MARKER,
        );
        if (!flags.quiet)
          process.stderr.write(
            `wrote ${displayPath(abs)}/ (deployment.json, hourly.csv, events.csv)\n`,
          );
      }
      process.stdout.write((flags.json ? JSON.stringify(json, null, 2) : deploymentText(x)) + '\n');
    });
}
