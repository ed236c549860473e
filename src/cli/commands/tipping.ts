/**
 * `rewardmix tipping <scenario> --param PATH --metric KEY --threshold X`: where the metric
 * crosses the threshold as one parameter moves, by bisection on trained runs (one per seed),
 * with the KL-regularized optimum's analytic value beside it (docs/what-if.md, "Tipping").
 */
import type { Command } from 'commander';
import { displayPath, loadScenario } from '../../node/load.ts';
import { exportChart } from '../../node/render.ts';
import { checkWritableDir } from '../../node/runs.ts';
import { tippingCurveInput, tippingCurveSpec } from '../../node/what-if-charts.ts';
import {
  checkTippingParam,
  defaultRange,
  sourceOf,
  tippingPoint,
  type TippingResult,
} from '../../node/what-if.ts';
import type { Crossing } from '../../engine/analysis/tipping.ts';
import { InputError } from '../../scenario/errors.ts';
import { collect, parseInteger, parseNumber, parseRange, withSeed } from '../what-if-args.ts';

const EXAMPLES = `
Examples:
  # the thumbs weight at which sycophancy passes 0.1 (exact trainer, plus the optimum's value)
  rewardmix tipping scenarios/april-2025-update.yaml --param mix.weights.thumbs \\
    --metric eval/sycophancy --threshold 0.1

  # with a sampled trainer: one bisection per seed, an interval across seeds
  rewardmix tipping scenarios/april-2025-update.yaml --set trainer.kind=reinforce \\
    --param mix.weights.thumbs --metric eval/sycophancy --threshold 0.1 --seeds 5

  # how much approval bias in users tips it, with the curve chart in out/
  rewardmix tipping scenarios/april-2025-update.yaml --param params.approvalBias \\
    --metric eval/sycophancy --threshold 0.1 --curve 21 --chart out

The range defaults to a declared param's [min, max]; else [0, 4 × the current value] for a
field set to a number above 0, and [0, 1] for one set to an expression, to 0 or not at all
(within the field's bounds). The scan looks for the first crossing from the low end and
bisects it to 1e-6 of the range.
`;

interface TippingFlags {
  param?: string;
  metric?: string;
  threshold?: string;
  seeds: string;
  range?: string;
  curve?: string;
  set?: string[];
  seed?: string;
  json?: boolean;
  chart?: string;
}

const f = (x: number | null | undefined, d = 6) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : String(Number(x.toPrecision(d)));

/** Why there is no crossing: the metric at both ends, on one side of the threshold. */
function noCrossing(r: TippingResult, c: Crossing): string {
  const side = c.atLo > 0 ? 'above' : 'below';
  const hi = c.atHi === null ? '' : ` and ${f(c.atHi + r.threshold, 4)} at ${r.range[1]}`;
  return `${r.metric} stays ${side} ${r.threshold}: ${f(c.atLo + r.threshold, 4)} at ${r.range[0]}${hi}`;
}

function describe(r: TippingResult): string {
  const lines = [
    `tipping: ${r.param} where ${r.metric} crosses ${r.threshold} (${r.trainer} trainer, range ${r.range[0]}…${r.range[1]})`,
  ];
  const crossed = r.crossings.filter((c) => c.crossing.x !== null);
  if (r.crossings.length === 1) {
    const c = r.crossings[0].crossing;
    lines.push(
      c.x === null
        ? `  trained: no crossing in the range (${noCrossing(r, c)})`
        : `  trained (bisection):   ${f(c.x)}  (${r.metric} ${c.direction > 0 ? 'rises' : 'falls'} through ${r.threshold} there)`,
    );
  } else {
    lines.push(
      `  trained, ${r.crossings.length} seeds (one bisection each): ${crossed.length} cross`,
      ...(r.across
        ? [
            `    mean ${f(r.across.mean)}, sd ${f(r.across.sd, 3)}, 95% interval [${f(r.across.lo)}, ${f(r.across.hi)}]`,
          ]
        : []),
      `    per seed: ${r.crossings.map((c) => `${c.seed}: ${f(c.crossing.x, 5)}`).join(', ')}`,
    );
    if (r.trainer === 'exact')
      lines.push(
        '    (the exact trainer is deterministic, so every seed gives the same crossing; a sampled trainer gives an interval)',
      );
  }
  lines.push(
    r.analytic.unavailable
      ? `  analytic (optimum):    — (${r.analytic.unavailable})`
      : r.analytic.x === null
        ? `  analytic (optimum):    no crossing in the range (${noCrossing(r, r.analytic.crossing!)})`
        : `  analytic (optimum):    ${f(r.analytic.x)}  (the KL-regularized optimum, which the tabular exact trainer converges to)`,
  );
  lines.push(`  runs: ${r.runs}`);
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('tipping')
    .description(
      'where a metric crosses a threshold as one parameter moves (bisection; analytic where possible)',
    )
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--param <PATH>', 'the parameter to move (a scenario path, as --set takes it)')
    .option('--metric <KEY>', 'the final metric, e.g. eval/sycophancy')
    .option('--threshold <X>', 'the level it must cross')
    .option('--seeds <K>', 'seeds (one bisection each; an interval across them)', '1')
    .option('--seed <N>', "the first seed (default: the scenario's); the same as --set seed=N")
    .option('--range <FROM:TO>', 'the range of the parameter (default: see below)')
    .option('--curve <N>', 'also evaluate the metric at N evenly spaced values (for the chart)')
    .option('--set <PATH=VALUE>', 'override a scenario value first (repeatable)', collect)
    .option('--json', 'print the result as JSON')
    .option(
      '--chart <DIR>',
      'write DIR/tipping.{vl.json,svg,png,csv} (21 curve points unless --curve)',
    )
    .addHelpText('after', EXAMPLES)
    .action(async (scenario: string, flags: TippingFlags) => {
      if (!flags.param) throw new InputError('--param', 'give the parameter: --param PATH');
      if (!flags.metric) throw new InputError('--metric', 'give the metric: --metric KEY');
      if (flags.threshold === undefined)
        throw new InputError('--threshold', 'give the threshold: --threshold X');
      const threshold = parseNumber('--threshold', flags.threshold);
      const K = parseInteger('--seeds', flags.seeds, 1, 1000);
      const loaded = loadScenario(scenario, { sets: withSeed(flags.set, flags.seed) });
      const src = sourceOf(loaded);
      // --param first (a path to a numeric field), then the range within its bounds.
      const bounds = checkTippingParam(src.raw, flags.param);
      const range: [number, number] = flags.range
        ? parseRange('--range', flags.range)
        : (defaultRange(src.raw, flags.param).map((x) =>
            Math.min(bounds.max ?? Infinity, Math.max(bounds.min ?? -Infinity, x)),
          ) as [number, number]);
      const curve =
        flags.curve !== undefined
          ? parseInteger('--curve', flags.curve, 2, 1000)
          : flags.chart
            ? 21
            : 0;
      // The chart's directory is checked before the runs, not after them.
      if (flags.chart) checkWritableDir(flags.chart, '--chart');
      const seed0 = loaded.scenario.seed ?? 0;
      const result = tippingPoint(src, {
        param: flags.param,
        metric: flags.metric,
        threshold,
        range,
        seeds: Array.from({ length: K }, (_, k) => seed0 + k),
        curve,
      });
      process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : describe(result));
      if (flags.chart) {
        const files = await exportChart(
          tippingCurveSpec(tippingCurveInput(result)),
          flags.chart,
          'tipping',
        );
        process.stderr.write(`chart: ${displayPath(files.svg)}\n`);
      }
    });
}
