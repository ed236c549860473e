/**
 * `rewardmix chart`: one chart of the report, from a scenario (run with its comparison) or a run
 * directory written by `rewardmix run`, as SVG, PNG (2×) or a vega-lite spec with its data.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { charts } from '../../charts/index.ts';
import { REPORT_CHARTS } from '../../report/index.ts';
import { writeFileAtomic } from '../../node/fs.ts';
import { displayPath } from '../../node/load.ts';
import { chartFormat, chartKind, chartSpec, gatherReport, loadTheme } from '../../node/report.ts';
import { renderSvg, svgToPng } from '../../node/render.ts';
import { checkWritableFile, parseSeed } from '../../node/runs.ts';

interface ChartFlags {
  out: string;
  vs?: string;
  theme?: string;
  seed?: string;
}

const EXAMPLES = `
Examples:
  $ rewardmix chart drift scenarios/april-2025-update.yaml --out drift.svg
  $ rewardmix chart tug-of-war runs/april-2025-update-1 --out tug.png
  $ rewardmix chart launch-review scenarios/april-2025-update.yaml --out review.vl.json --theme print.json

Kinds:
${REPORT_CHARTS.map((n) => `  ${n.padEnd(20)} ${charts[n].description}`).join('\n')}

The comparison defaults to the scenario the input extends. The format follows the file name:
.svg, .png (2× scale) or .vl.json (vega-lite spec with the data inline, for the vega editor).`;

export function register(program: Command): void {
  program
    .command('chart')
    .description('write one chart of the report as SVG, PNG or a vega-lite spec')
    .argument('<kind>', `chart kind: ${REPORT_CHARTS.join(', ')}`)
    .argument('<input>', 'scenario file, or a run directory from `rewardmix run`')
    .requiredOption('--out <file>', 'output file: .svg, .png or .vl.json')
    .option('--vs <scenario>', 'comparison scenario (default: the scenario the input extends)')
    .option('--theme <file>', 'chart theme (JSON or YAML with ChartTheme fields)')
    .option('--seed <n>', "seed of the runs (default: the scenario's)")
    .addHelpText('after', EXAMPLES)
    .action(async (kindArg: string, input: string, flags: ChartFlags) => {
      // ---- check everything before running or writing anything ----
      const kind = chartKind(kindArg);
      const format = chartFormat(flags.out);
      checkWritableFile(flags.out);
      const seed = flags.seed !== undefined ? parseSeed(flags.seed) : undefined;
      const theme = flags.theme !== undefined ? loadTheme(flags.theme) : {};
      const data = gatherReport(input, { vs: flags.vs, seed, changes: kind === 'drift' });
      const spec = chartSpec(data, kind, theme);
      const content =
        format === 'vl.json'
          ? JSON.stringify(spec, null, 2) + '\n'
          : format === 'svg'
            ? await renderSvg(spec)
            : svgToPng(await renderSvg(spec), { scale: 2 });
      await writeFileAtomic(resolve(flags.out), content);
      process.stdout.write(`${displayPath(resolve(flags.out))}\n`);
    });
}
