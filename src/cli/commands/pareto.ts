/** `rewardmix pareto <sweep-dir> --objectives KEY:max,KEY:min`: the non-dominated runs. */
import type { Command } from 'commander';
import { displayPath } from '../../node/load.ts';
import { exportChart } from '../../node/render.ts';
import { checkWritableDir } from '../../node/runs.ts';
import { readSweep, rowRecords } from '../../node/sweep.ts';
import { paretoFrontSpec, paretoInput } from '../../node/what-if-charts.ts';
import { paretoRows } from '../../node/what-if.ts';
import { InputError } from '../../scenario/errors.ts';
import { parseObjectives } from '../what-if-args.ts';

const EXAMPLES = `
Examples:
  rewardmix pareto sweeps/thumbs-spec --objectives ab/thumbs_up:max,eval/sycophancy:min
  rewardmix pareto sweeps/thumbs-spec --objectives ab/thumbs_up:max,eval/sycophancy:min,eval/accuracy:max --json
  rewardmix pareto sweeps/thumbs-spec --objectives ab/thumbs_up:max,eval/sycophancy:min --chart

A run is on the front when no other run is at least as good on every objective and better on
one. --chart writes DIR/pareto.{vl.json,svg,png,csv} (the first two objectives as axes).
`;

interface ParetoFlags {
  objectives?: string;
  json?: boolean;
  chart?: boolean;
}

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : String(Number(x.toPrecision(6)));

export function register(program: Command): void {
  program
    .command('pareto')
    .description('the non-dominated runs of a sweep under several objectives')
    .argument('<sweep-dir>', 'a complete sweep directory (rewardmix sweep … --out DIR)')
    .option('--objectives <KEY:max,KEY:min>', 'metrics to maximize or minimize, comma-separated')
    .option('--json', 'print the front as JSON lines (one run each)')
    .option('--chart', 'also write DIR/pareto.* (the first two objectives)')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, flags: ParetoFlags) => {
      if (!flags.objectives)
        throw new InputError(
          '--objectives',
          'give the objectives, e.g. ab/thumbs_up:max,eval/sycophancy:min',
        );
      const objectives = parseObjectives(flags.objectives);
      const { meta, rows } = readSweep(dir);
      if (flags.chart) {
        if (objectives.length < 2)
          throw new InputError('--chart', 'the Pareto chart needs at least two objectives');
        checkWritableDir(dir, '--chart');
      }
      const missing = objectives.filter((o) => !meta.metrics.includes(o.key));
      if (missing.length)
        throw new InputError(
          '--objectives',
          `${missing.map((o) => `"${o.key}"`).join(', ')} not recorded by this sweep; it has: ${meta.metrics.join(', ')}`,
        );
      // A missing value (null) is not a finite number, so a run missing an objective is left
      // out of the front, as a non-finite one is (paretoFront).
      const records = rowRecords(meta, rows) as Record<string, number>[];
      const front = paretoRows(records, objectives);
      const cols = [
        'run',
        'seed',
        ...meta.plan.axes.map((a) => a.path),
        ...objectives.map((o) => o.key),
      ];
      if (flags.json) {
        for (const r of front)
          process.stdout.write(
            JSON.stringify(Object.fromEntries(cols.map((c) => [c, r[c]]))) + '\n',
          );
      } else {
        process.stdout.write(
          `Pareto front: ${front.length} of ${records.length} runs (${objectives.map((o) => `${o.key} ${o.sense}`).join(', ')})\n`,
        );
        const table = [
          cols,
          ...front.map((r) =>
            cols.map((c) => (c === 'run' || c === 'seed' ? String(r[c]) : fmt(r[c]))),
          ),
        ];
        const widths = cols.map((_, i) => Math.max(...table.map((t) => t[i].length)));
        for (const t of table)
          process.stdout.write(t.map((s, i) => s.padStart(widths[i])).join('  ') + '\n');
      }
      if (flags.chart) {
        const files = await exportChart(
          paretoFrontSpec(paretoInput(meta, rows, objectives)),
          dir,
          'pareto',
        );
        process.stderr.write(`chart: ${displayPath(files.svg)}\n`);
      }
    });
}
