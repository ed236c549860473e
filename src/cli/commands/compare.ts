/**
 * `rewardmix compare`: two scenarios run with the same seed (common random numbers: the sampled
 * trainers draw from the same named streams), final metrics side by side with differences.
 */
import { Option, type Command } from 'commander';
import { displayPath } from '../../node/load.ts';
import { loadForRun, parseCount, parseSeed, runLoaded, seedOf } from '../../node/runs.ts';
import { fmt, fmtDelta, textTable } from '../output.ts';

interface CompareFlags {
  seed?: string;
  steps?: string;
  trainer?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ rewardmix compare scenarios/baseline.yaml scenarios/april-2025-update.yaml
  $ rewardmix compare scenarios/thumbs-only.yaml scenarios/april-2025-update.yaml --json
  $ rewardmix compare a.yaml b.yaml --trainer reinforce --steps 200 --seed 3

Both runs use the same seed (default: the first scenario's), so sampled trainers see common
random numbers and the differences are paired. The difference column is b − a.`;

/** One metric of the comparison. */
export interface ComparedMetric {
  a: number | null;
  b: number | null;
  /** b − a (null when one side lacks the metric). */
  difference: number | null;
}

/** Final metrics of two runs, side by side (keys in a's order, then b's extra keys). */
export function compareMetrics(
  a: Record<string, number>,
  b: Record<string, number>,
): Record<string, ComparedMetric> {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return Object.fromEntries(
    keys.map((k) => {
      const x = k in a ? a[k] : null;
      const y = k in b ? b[k] : null;
      return [k, { a: x, b: y, difference: x !== null && y !== null ? y - x : null }];
    }),
  );
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('run two scenarios with the same seed and compare their final metrics')
    .argument('<a>', 'first scenario file')
    .argument('<b>', 'second scenario file')
    .option('--seed <n>', "seed of both runs (default: the first scenario's seed)")
    .option('--steps <n>', 'number of updates for both (overrides trainer.steps)')
    .addOption(
      new Option('--trainer <kind>', 'trainer for both (overrides trainer.kind)').choices([
        'exact',
        'reinforce',
        'ppo',
        'grpo',
      ]),
    )
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', EXAMPLES)
    .action((fileA: string, fileB: string, flags: CompareFlags) => {
      const seedFlag = flags.seed !== undefined ? parseSeed(flags.seed) : undefined;
      const steps = flags.steps !== undefined ? parseCount(flags.steps, '--steps') : undefined;
      const a = loadForRun(fileA, { steps, trainer: flags.trainer });
      const b = loadForRun(fileB, { steps, trainer: flags.trainer });
      const seed = seedOf(a, seedFlag);
      const ra = runLoaded(a, { seed });
      const rb = runLoaded(b, { seed });
      const metrics = compareMetrics(ra.final, rb.final);
      const side = (l: typeof a) => ({
        scenario: l.world.name,
        path: displayPath(l.path),
        hash: l.hash,
        trainer: l.world.trainer.kind,
        steps: l.world.trainer.steps,
      });
      if (flags.json) {
        const out = { seed, a: side(a), b: side(b), metrics };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        `a = ${a.world.name} (${displayPath(a.path)}), b = ${b.world.name} (${displayPath(b.path)}), seed ${seed}\n` +
          textTable(
            [
              'metric',
              { header: 'a', align: 'right' },
              { header: 'b', align: 'right' },
              { header: 'b − a', align: 'right' },
            ],
            Object.entries(metrics).map(([k, m]) => [
              k,
              fmt(m.a),
              fmt(m.b),
              m.difference === null ? '—' : fmtDelta(m.difference),
            ]),
            '  ',
          ) +
          '\n',
      );
    });
}
