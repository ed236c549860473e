/**
 * `rewardmix report`: run a scenario against its comparison (and each change alone), review it
 * under both launch processes, deploy it, and write DIR/index.html (offline, interactive),
 * DIR/report.md and DIR/charts/* (nine charts, four files each). Bad input is caught before
 * anything runs; the directory appears whole or not at all.
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { displayPath } from '../../node/load.ts';
import { checkOutputDir, parseSeed } from '../../node/runs.ts';
import { isRunDir, loadTheme, REPORT_MARKER, writeReport } from '../../node/report.ts';
import { terminalSummary } from '../../report/index.ts';

interface ReportFlags {
  vs?: string;
  changes?: boolean;
  out?: string;
  theme?: string;
  seed?: string;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ rewardmix report scenarios/april-2025-update.yaml
  $ rewardmix report scenarios/april-2025-update.yaml --out reports/april --theme print.json
  $ rewardmix report scenarios/thumbs-only.yaml --vs scenarios/baseline.yaml --seed 7
  $ rewardmix report runs/april-2025-update-1

The comparison defaults to the scenario that <scenario> extends (none if it extends nothing: the
review then compares the run with its own start). Files *-only.yaml next to the scenario that
extend the comparison are run as "each change alone" for the drift chart. A theme file is JSON
or YAML with any of: font, fontSize, width, height, palette, sequentialScheme, title,
background, dashes (docs/charts.md). DIR defaults to reports/<scenario name>; an earlier report
there is replaced atomically.`;

/** The default output folder: reports/<scenario or run-dir name>. */
export function defaultReportDir(input: string): string {
  const name = basename(input.replace(/[/\\]+$/, ''))
    .replace(/\.(ya?ml|json)$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '');
  return `reports/${name || 'report'}`;
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'run, review and deploy a scenario against its comparison and write an HTML and Markdown report with nine charts',
    )
    .argument(
      '<scenario>',
      'scenario file (.yaml, .yml, .json) or a run directory from `rewardmix run`',
    )
    .option('--vs <scenario>', 'comparison scenario (default: the scenario it extends)')
    .option('--no-changes', 'do not run the "each change alone" scenarios next to it')
    .option('--out <dir>', 'output directory (default: reports/<scenario name>)')
    .option('--theme <file>', 'chart theme (JSON or YAML with ChartTheme fields)')
    .option(
      '--seed <n>',
      "seed of every run, the review and the deployment (default: the scenario's)",
    )
    .option('--quiet', 'print only the report path')
    .addHelpText('after', EXAMPLES)
    .action(async (scenario: string, flags: ReportFlags) => {
      // ---- check everything before running or writing anything ----
      const seed = flags.seed !== undefined ? parseSeed(flags.seed) : undefined;
      const theme = flags.theme !== undefined ? loadTheme(flags.theme) : {};
      const out = flags.out ?? defaultReportDir(scenario);
      checkOutputDir(out, REPORT_MARKER);
      if (isRunDir(scenario) && seed !== undefined)
        process.stderr.write(
          "note: --seed sets the comparison's, review's and deployment's seed; the run directory keeps its own\n",
        );
      const written = await writeReport(scenario, out, {
        vs: flags.vs,
        seed,
        theme,
        changes: flags.changes,
      });
      const where = displayPath(written.dir);
      if (flags.quiet) process.stdout.write(`${where}/index.html\n`);
      else process.stdout.write(terminalSummary(written.report, where));
    });
}
