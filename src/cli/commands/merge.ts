/** `rewardmix merge DIR... --out DIR`: joins sweep shards into the results of one sweep. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { displayPath } from '../../node/load.ts';
import { mergeSweeps } from '../../node/sweep.ts';
import { InputError } from '../../scenario/errors.ts';

const EXAMPLES = `
Examples:
  # four shards run on four machines (rewardmix sweep … --shard i/4 --out shards/i)
  rewardmix merge shards/1 shards/2 shards/3 shards/4 --out sweeps/thumbs

  rewardmix merge shards/* --out sweeps/thumbs

The shards must come from the same sweep command (same scenario files, --set, --vary, --sample,
--n, --seeds, --metrics) and be complete; together they must hold every run. The merged
results.csv, results.jsonl and summary.csv are byte-identical to those of one unsharded sweep.
See docs/scale-out.md for SLURM and Kubernetes.
`;

export function register(program: Command): void {
  program
    .command('merge')
    .description('join sweep shards (--shard i/n) into the results of one sweep')
    .argument('<dirs...>', 'shard directories')
    .option('--out <DIR>', 'output directory (new, empty, or an earlier merge of the same sweep)')
    .addHelpText('after', EXAMPLES)
    .action((dirs: string[], flags: { out?: string }) => {
      if (!flags.out) throw new InputError('--out', 'give the output directory: --out DIR');
      const { meta } = mergeSweeps(dirs, flags.out, {
        command: ['rewardmix', ...process.argv.slice(2)].join(' '),
      });
      process.stdout.write(
        `merge: ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'}, ${meta.plan.runs} runs → ${displayPath(join(flags.out, 'results.csv'))}\n`,
      );
    });
}
