/**
 * `rewardmix tune <scenario> --maximize KEY --subject-to 'KEY<=X' --vary PATH=FROM:TO …`: the
 * best values of the varied weights under the constraint, by a compass (pattern) search with
 * the extreme barrier on the scenario's trainer, and the margin to the tipping point of each
 * (docs/what-if.md, "Tune": which search and why).
 */
import type { Command } from 'commander';
import { loadScenario } from '../../node/load.ts';
import { sourceOf, tune, type TuneOutcome } from '../../node/what-if.ts';
import { InputError } from '../../scenario/errors.ts';
import {
  collect,
  parseInteger,
  parseNumber,
  parseSubjectTo,
  parseVary,
  withSeed,
} from '../what-if-args.ts';

const EXAMPLES = `
Examples:
  # most thumbs-up with sycophancy at most 0.05, over the thumbs and spec weights
  rewardmix tune scenarios/april-2025-update.yaml --maximize ab/thumbs_up \\
    --subject-to 'eval/sycophancy<=0.05' --vary mix.weights.thumbs=0:4 --vary mix.weights.spec=0.5:4

  # two bounds, three weights, JSON out
  rewardmix tune scenarios/april-2025-update.yaml --maximize ab/thumbs_up \\
    --subject-to 'eval/sycophancy<=0.05' --subject-to 'eval/accuracy>=0.889' \\
    --vary mix.weights.thumbs=0:4 --vary mix.weights.memory=0:3 --vary mix.weights.spec=0.5:4 --json

--vary gives each weight's box (PATH=FROM:TO; a :N suffix is accepted and ignored). The first
--vary is the pivot: the weight that buys the objective at the bounds' expense (e.g. thumbs).
For each setting of the others it is raised to its tipping point by bisection, and a compass
search moves the others (--method compass: a compass search over all weights instead, which can
stall on the boundary). The search starts from the scenario's values (clamped into the box).
The margin is how far each weight can move alone from the best point before a bound fails.
`;

interface TuneFlags {
  maximize?: string;
  subjectTo?: string[];
  vary?: string[];
  set?: string[];
  seed?: string;
  method: string;
  tolerance: string;
  maxEvaluations: string;
  json?: boolean;
}

const f = (x: number | null | undefined, d = 6) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : String(Number(x.toPrecision(d)));

function describe(r: TuneOutcome): string {
  const bounds = r.subjectTo
    .map((b) => `${b.key} ${b.op === '<=' ? '≤' : '≥'} ${b.bound}`)
    .join(', ');
  const how = r.method === 'boundary' ? 'compass search on the tipping boundary' : 'compass search';
  const lines = [
    `tune: maximize ${r.maximize} subject to ${bounds} (${r.trainer} trainer, ${how})`,
  ];
  if (!r.best) {
    lines.push('  no feasible point found in the box: widen --vary ranges or relax --subject-to');
  } else {
    lines.push('  best:');
    for (const [k, v] of Object.entries(r.best.values))
      lines.push(`    ${k} = ${f(v)}   (start ${f(r.start[k])})`);
    lines.push(`  ${r.maximize} = ${f(r.best.metrics[r.maximize])}`);
    for (const b of r.subjectTo)
      lines.push(
        `  ${b.key} = ${f(b.key in r.best.metrics ? r.best.metrics[b.key] : NaN)}  (slack ${f(r.best.slack[`${b.key}${b.op}${b.bound}`], 3)})`,
      );
    lines.push('  margin to the tipping point (each weight moved alone until a bound fails):');
    for (const m of r.margins) {
      const where = [
        m.below !== null ? `below at ${f(m.below)}` : null,
        m.above !== null ? `above at ${f(m.above)}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `    ${m.path}: ${m.distance === null ? 'no tipping point in the box' : `${f(m.distance, 3)} (${where})`}`,
      );
    }
  }
  lines.push(
    `  evaluations: ${r.evaluations} (${r.iterations} iterations, stopped by ${r.stoppedBy})`,
  );
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('tune')
    .description(
      'the best weights under a constraint (derivative-free search), with the margin to the tipping point',
    )
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--maximize <KEY>', 'the final metric to maximize, e.g. ab/thumbs_up')
    .option(
      '--subject-to <KEY<=X>',
      "a bound that must hold, e.g. 'eval/sycophancy<=0.05' (repeatable)",
      collect,
    )
    .option('--vary <PATH=FROM:TO>', 'a weight to tune and its box (repeatable)', collect)
    .option('--set <PATH=VALUE>', 'override a scenario value first (repeatable)', collect)
    .option('--seed <N>', "seed of the runs (default: the scenario's); the same as --set seed=N")
    .option(
      '--method <M>',
      'boundary (the first --vary set to its tipping point) or compass',
      'boundary',
    )
    .option('--tolerance <T>', 'stop when the mesh is below T × each range', '1e-3')
    .option('--max-evaluations <N>', 'at most N training runs for the search', '1000')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', EXAMPLES)
    .action((scenario: string, flags: TuneFlags) => {
      if (!flags.maximize)
        throw new InputError('--maximize', 'give the metric to maximize: --maximize KEY');
      if (!flags.subjectTo?.length)
        throw new InputError(
          '--subject-to',
          "give at least one bound, e.g. --subject-to 'eval/sycophancy<=0.05'",
        );
      if (!flags.vary?.length)
        throw new InputError('--vary', 'give at least one --vary PATH=FROM:TO');
      const subjectTo = flags.subjectTo.map(parseSubjectTo);
      const axes = flags.vary.map((v) => parseVary(v, true));
      const tolerance = parseNumber('--tolerance', flags.tolerance);
      if (!(tolerance > 0 && tolerance < 1))
        throw new InputError('--tolerance', `found ${tolerance}, expected a number in (0, 1)`);
      const maxEvaluations = parseInteger('--max-evaluations', flags.maxEvaluations, 1);
      if (flags.method !== 'boundary' && flags.method !== 'compass')
        throw new InputError('--method', `found "${flags.method}", expected boundary or compass`);
      const loaded = loadScenario(scenario, { sets: withSeed(flags.set, flags.seed) });
      const result = tune(sourceOf(loaded), {
        maximize: flags.maximize,
        subjectTo,
        axes,
        seed: loaded.scenario.seed ?? 0,
        method: flags.method,
        tolerance,
        maxEvaluations,
      });
      process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : describe(result));
    });
}
