/**
 * `rewardmix demo`: the first thing a new user runs. The baseline against the April 2025 update
 * (the scenarios shipped with the package, whatever the working directory), each change alone,
 * both launch reviews and the deployment, written as a full report to ./rewardmix-demo/, then
 * the key numbers on the terminal and the path to open.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { displayPath } from '../../node/load.ts';
import { checkOutputDir } from '../../node/runs.ts';
import { loadTheme, PACKAGE_ROOT, REPORT_MARKER, writeReport } from '../../node/report.ts';
import { terminalSummary } from '../../report/index.ts';

/** The shipped scenarios the demo compares. */
export const DEMO_SCENARIOS = {
  update: join(PACKAGE_ROOT, 'scenarios', 'april-2025-update.yaml'),
  baseline: join(PACKAGE_ROOT, 'scenarios', 'baseline.yaml'),
};

const EXAMPLES = `
Examples:
  $ rewardmix demo
  $ rewardmix demo --out /tmp/demo

Runs scenarios/baseline.yaml and scenarios/april-2025-update.yaml (and each change of the update
alone) from the rewardmix package, reviews the update under the 2025-04 and the revised launch
processes, simulates its deployment, and writes the report (index.html, report.md, charts/).
The same as: rewardmix report <package>/scenarios/april-2025-update.yaml --out rewardmix-demo`;

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'the April 2025 sycophancy incident in one command: baseline vs update, reviews, deployment, full report',
    )
    .option('--out <dir>', 'output directory', 'rewardmix-demo')
    .option('--theme <file>', 'chart theme (JSON or YAML with ChartTheme fields)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { out: string; theme?: string }) => {
      const theme = flags.theme !== undefined ? loadTheme(flags.theme) : {};
      checkOutputDir(flags.out, REPORT_MARKER);
      const written = await writeReport(DEMO_SCENARIOS.update, flags.out, {
        vs: DEMO_SCENARIOS.baseline,
        theme,
      });
      process.stdout.write(terminalSummary(written.report, displayPath(written.dir)));
    });
}
