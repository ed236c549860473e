/**
 * `rewardmix run`: train on a scenario and write a run directory (summary.json, metrics.jsonl,
 * trajectory.csv). Everything is checked before anything is written; the directory appears whole.
 */
import { Option, type Command } from 'commander';
import { displayPath } from '../../node/load.ts';
import {
  checkOutputDir,
  collectSet,
  defaultRunDir,
  loadForRun,
  parseCount,
  parseSeed,
  runLoadedAsync,
  seedOf,
  summaryOf,
  writeRunDir,
} from '../../node/runs.ts';
import { fmt, progressBar, textTable } from '../output.ts';

interface RunFlags {
  set?: string[];
  seed?: string;
  steps?: string;
  trainer?: string;
  recordEvery?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ rewardmix run scenarios/baseline.yaml
  $ rewardmix run scenarios/april-2025-update.yaml --json > update.json
  $ rewardmix run scenarios/april-2025-update.yaml --set mix.weights.thumbs=1 --out runs/less-thumbs
  $ rewardmix run scenarios/april-2025-update.yaml --trainer ppo --steps 200 --seed 7 --quiet

Writes DIR/summary.json (final metrics, final policy, provenance), DIR/metrics.jsonl (one
{"step","key","value"} per line) and DIR/trajectory.csv (one row per recorded step).
DIR defaults to runs/<scenario name>-<seed> (with a short hash of any --set, --steps or --trainer
appended); an earlier run there is replaced atomically.`;

/** Final metrics as a two-column table (the run's result on a terminal). */
export function metricsTable(metrics: Record<string, number>): string {
  return textTable(
    ['metric', { header: 'final', align: 'right' }],
    Object.entries(metrics).map(([k, v]) => [k, fmt(v, 4)]),
    '  ',
  );
}

export function register(program: Command): void {
  program
    .command('run')
    .description('train on a scenario and write summary.json, metrics.jsonl and trajectory.csv')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--set <path=value>', 'override a scenario field (repeatable)', collectSet, [])
    .option('--seed <n>', "seed of the random streams (default: the scenario's seed)")
    .option('--steps <n>', 'number of updates (overrides trainer.steps)')
    .addOption(
      new Option('--trainer <kind>', 'trainer (overrides trainer.kind)').choices([
        'exact',
        'reinforce',
        'ppo',
        'grpo',
      ]),
    )
    .option('--record-every <k>', 'record every k-th step (default: about 500 points)')
    .option(
      '--out <dir>',
      'output directory (default: runs/<scenario name>-<seed>, with a short hash of any --set, --steps or --trainer appended)',
    )
    .option('--json', 'print summary.json to stdout')
    .option('--quiet', 'no progress bar and no notes on stderr')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: RunFlags) => {
      // ---- check everything before running or writing anything ----
      const seedFlag = flags.seed !== undefined ? parseSeed(flags.seed) : undefined;
      const steps = flags.steps !== undefined ? parseCount(flags.steps, '--steps') : undefined;
      const recordEvery =
        flags.recordEvery !== undefined
          ? parseCount(flags.recordEvery, '--record-every', 1)
          : undefined;
      const sets = flags.set ?? [];
      const loaded = loadForRun(file, { sets, steps, trainer: flags.trainer });
      const seed = seedOf(loaded, seedFlag);
      const overrides = [
        ...sets,
        ...(steps !== undefined ? [`--steps ${steps}`] : []),
        ...(flags.trainer ? [`--trainer ${flags.trainer}`] : []),
      ];
      const dir = flags.out ?? defaultRunDir(loaded, seed, overrides);
      checkOutputDir(dir);

      // ---- run ----
      const progress = progressBar(`run ${loaded.world.name}`, flags.quiet);
      let result;
      try {
        result = await runLoadedAsync(loaded, {
          seed,
          recordEvery,
          onProgress: (d, t) => progress.update(d, t),
        });
      } finally {
        progress.stop();
      }

      // ---- write, then report ----
      const abs = writeRunDir(dir, loaded, result, sets);
      const summary = summaryOf(loaded, result, sets);
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        process.stdout.write(
          `${summary.scenario}: ${summary.steps} ${summary.trainer} steps, seed ${summary.seed}\n` +
            metricsTable(summary.metrics) +
            '\n',
        );
      }
      for (const w of result.warnings)
        if (!flags.quiet) process.stderr.write(`warning: ${w.message}\n`);
      if (!flags.quiet)
        process.stderr.write(
          `wrote ${displayPath(abs)}/ (summary.json, metrics.jsonl, trajectory.csv)\n`,
        );
    });
}
