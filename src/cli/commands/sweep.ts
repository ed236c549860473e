/**
 * `rewardmix sweep <scenario> --vary PATH=FROM:TO:N …`: runs a plan of parameter values in
 * parallel worker threads, resumably (docs/what-if.md, "Sweeps").
 */
import type { Command } from 'commander';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { checkSweepMetric, fnv1a, runSweep, sameAcrossSeeds } from '../../node/sweep.ts';
import { displayPath } from '../../node/load.ts';
import { createProgress } from '../../node/progress.ts';
import { InputError } from '../../scenario/errors.ts';
import {
  collect,
  parseChartRequest,
  parseInteger,
  parseMetrics,
  parseSampling,
  parseShard,
  parseVary,
  withSeed,
} from '../what-if-args.ts';

interface SweepFlags {
  vary?: string[];
  sample: string;
  n?: string;
  seeds: string;
  metrics?: string;
  workers?: string;
  out?: string;
  shard?: string;
  set?: string[];
  seed?: string;
  chart?: string[];
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  # 21 × 21 grid of the thumbs and spec weights (441 runs) on all cores
  rewardmix sweep scenarios/april-2025-update.yaml \\
    --vary mix.weights.thumbs=0:4:21 --vary mix.weights.spec=0.5:4:21 --out sweeps/thumbs-spec

  # the same, with a heatmap of sycophancy and its 0.1 contour
  rewardmix sweep scenarios/april-2025-update.yaml \\
    --vary mix.weights.thumbs=0:4:21 --vary mix.weights.spec=0.5:4:21 --out sweeps/thumbs-spec \\
    --chart eval/sycophancy=0.1

  # 200 Latin-hypercube points over three parameters, 5 seeds each, sampled trainer
  rewardmix sweep scenarios/april-2025-update.yaml --set trainer.kind=reinforce --sample lhs --n 200 \\
    --vary mix.weights.thumbs=0:4 --vary mix.weights.memory=0:3 --vary params.approvalBias=0:3 \\
    --seeds 5 --out sweeps/lhs

  # shard 2 of 4 (on another machine), then join the shards
  rewardmix sweep scenarios/april-2025-update.yaml --vary mix.weights.thumbs=0:4:101 \\
    --shard 2/4 --out shards/2
  rewardmix merge shards/1 shards/2 shards/3 shards/4 --out sweeps/thumbs

Started again with the same command, a sweep that was interrupted (even by kill -9) resumes
where it stopped. Results: DIR/results.csv, DIR/results.jsonl (one row per run), DIR/summary.csv
(per point over seeds: mean, sd, 95% bootstrap interval) and DIR/sweep.json (plan, provenance).
`;

export function register(program: Command): void {
  program
    .command('sweep')
    .description('run a grid or sample of parameter values in parallel, resumably')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option(
      '--vary <PATH=FROM:TO:N>',
      'a parameter to vary (repeatable): scenario path as --set takes it, range, levels',
      collect,
    )
    .option('--sample <kind>', 'grid, random or lhs (Latin hypercube)', 'grid')
    .option('--n <N>', 'points for --sample random or lhs')
    .option('--seeds <K>', 'seeds per point (the first seed, +1, …)', '1')
    .option('--seed <N>', "the first seed (default: the scenario's); the same as --set seed=N")
    .option('--metrics <KEYS>', 'comma-separated final metrics to record, or "all"')
    .option('--workers <N>', 'worker threads (default: the number of CPUs)')
    .option('--out <DIR>', 'output directory (default: sweeps/<scenario>-<plan hash>)')
    .option('--shard <i/n>', 'run only shard i of n (1-based); join shards with `rewardmix merge`')
    .option('--set <PATH=VALUE>', 'override a scenario value for every run (repeatable)', collect)
    .option(
      '--chart <KEY[=THRESHOLD]>',
      'also write DIR/chart-… for metric KEY: heatmap with the THRESHOLD contour (2 parameters), parallel coordinates (3+), curve (1) (repeatable)',
      collect,
    )
    .option('--quiet', 'no progress output')
    .addHelpText('after', EXAMPLES)
    .action(async (scenario: string, flags: SweepFlags) => {
      const sets = withSeed(flags.set, flags.seed);
      const sample = parseSampling(flags.sample);
      if (!flags.vary?.length)
        throw new InputError('--vary', 'give at least one --vary PATH=FROM:TO:N');
      const axes = flags.vary.map((v) => parseVary(v, sample !== 'grid'));
      if (sample === 'grid' && flags.n !== undefined)
        throw new InputError(
          '--n',
          '--n applies to --sample random or lhs; a grid has the product of the levels',
        );
      const n = flags.n === undefined ? undefined : parseInteger('--n', flags.n, 1);
      if (sample !== 'grid' && n === undefined)
        throw new InputError('--n', `--sample ${sample} needs --n N (the number of points)`);
      const seeds = parseInteger('--seeds', flags.seeds, 1, 10_000);
      const workers =
        flags.workers === undefined
          ? availableParallelism()
          : parseInteger('--workers', flags.workers, 1, 1024);
      const shard = flags.shard === undefined ? null : parseShard(flags.shard);
      const metrics = parseMetrics(flags.metrics);
      const charts = (flags.chart ?? []).map(parseChartRequest);
      const out =
        flags.out ??
        join(
          'sweeps',
          `${basename(scenario, extname(scenario))}-${fnv1a(JSON.stringify([axes, sample, n, seeds, sets, shard]))}`,
        );
      const progress = createProgress('sweep', { quiet: flags.quiet });
      // Interrupted (Ctrl-C, or a scheduler's SIGTERM): every run done so far is in the journal,
      // so the sweep says so and how to go on, and exits as the signal would have.
      let latest = { done: 0, total: 0 };
      const interrupted = (signal: NodeJS.Signals, code: number) => () => {
        progress.stop();
        // What the threads have written to the journal goes to disk before the count is said
        // (an fsync flushes the file whichever descriptor wrote it).
        try {
          const fd = openSync(join(out, 'journal.jsonl'), 'r');
          try {
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        } catch {
          // no journal yet: nothing to flush
        }
        process.stderr.write(
          latest.total === 0
            ? `rewardmix: sweep interrupted (${signal}) before its runs began; run the same command again to start it\n`
            : `rewardmix: sweep interrupted (${signal}) with at least ${latest.done} of ${latest.total} runs done and journaled in ${displayPath(out)}; run the same command again to go on from there\n`,
        );
        process.exit(code);
      };
      const onInt = interrupted('SIGINT', 130);
      const onTerm = interrupted('SIGTERM', 143);
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      let outcome;
      try {
        outcome = await runSweep({
          scenario,
          sets,
          axes,
          sample,
          n,
          seeds,
          metrics,
          workers,
          out,
          shard,
          provenance: { command: ['rewardmix', ...process.argv.slice(2)].join(' '), workers },
          onProgress: (p) => {
            latest = p;
            progress.update(p);
          },
          // A --chart metric the sweep does not record fails now, not after the runs.
          check: (meta) => charts.forEach((c) => checkSweepMetric(meta, c.metric, '--chart')),
        });
      } finally {
        progress.stop();
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      }
      const { meta, ran, resumed, elapsedMs } = outcome;
      const shardNote = meta.shard ? ` (shard ${meta.shard.index}/${meta.shard.count})` : '';
      process.stdout.write(
        `sweep${shardNote}: ${meta.progress.runs} runs (${ran} run now, ${resumed} resumed) in ${(elapsedMs / 1000).toFixed(1)} s → ${displayPath(join(out, 'results.csv'))}\n`,
      );
      if (!flags.quiet && meta.plan.seeds.length > 1 && sameAcrossSeeds(outcome.rows))
        process.stderr.write(
          outcome.trainer === 'exact'
            ? `note: each point's ${meta.plan.seeds.length} seeds gave the same values: the exact trainer is deterministic, so the runs do not depend on the seed; for a spread across seeds, use a sampled trainer (e.g. --set trainer.kind=reinforce)\n`
            : `note: each point's ${meta.plan.seeds.length} seeds gave the same values\n`,
        );
      if (charts.length) {
        // The chart renderer (vega, resvg) takes 0.3 – 0.4 s to load: only --chart loads it.
        const { writeSweepChart } = await import('../../node/what-if-charts.ts');
        for (const c of charts) {
          const files = await writeSweepChart(out, c.metric, c.threshold);
          // a note, like pareto's and tipping's: stderr (docs/cli.md)
          process.stderr.write(`chart: ${displayPath(files.svg)}\n`);
        }
      }
    });
}
