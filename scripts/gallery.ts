// Regenerates the gallery of docs/charts.md from real runs of the shipped scenarios: the April 2025
// update against the baseline (and each change alone), reviewed and deployed exactly as
// `rewardmix report scenarios/april-2025-update.yaml` does, each chart rendered as a 1× PNG into
// docs/images/NAME.png, and the `## Gallery` section rewritten with the images and the numbers
// they show. Usage: npx tsx scripts/gallery.ts [--check]
// --check writes nothing and exits 1 when docs/charts.md's gallery text is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { charts } from '../src/charts/index.ts';
import { writeFileAtomic } from '../src/node/fs.ts';
import { renderSvg, svgToPng } from '../src/node/render.ts';
import { gatherReport, PACKAGE_ROOT } from '../src/node/report.ts';
import { buildReport, fixed, percent, count, type Report } from '../src/report/index.ts';

const DOC = join(PACKAGE_ROOT, 'docs', 'charts.md');
const IMAGES = join(PACKAGE_ROOT, 'docs', 'images');
const SCENARIO = join(PACKAGE_ROOT, 'scenarios', 'april-2025-update.yaml');
const check = process.argv.includes('--check');

/** One line per chart: what this image shows, in numbers from the run. */
function captions(report: Report): Record<string, string> {
  const f = report.facts;
  const c = f.candidate;
  const b = f.comparison!;
  const syc = 'eval/sycophancy';
  const [act, cf] = f.deployments;
  const rev = (p: string) => f.reviews.find((r) => r.process === p)!;
  return {
    drift: `The update drifts from ${fixed(c.start[syc])} to ${fixed(c.final[syc])}; the baseline stays at ${fixed(b.final[syc])}, and each change alone ends at ${f.changes.map((r) => `${fixed(r.final[syc])} (${r.name})`).join(', ')}.${f.threshold ? ` Dashed: the ${f.threshold.process} review's limit, ${fixed(f.threshold.value)}.` : ''}`,
    'effective-weights': `The spec signal's share falls from ${percent(b.weights.spec)} to ${percent(c.weights.spec)} when thumbs (${percent(c.weights.thumbs)}) and memory (${percent(c.weights.memory)}) join the mix.`,
    'tug-of-war': `In the update the pull up (thumbs, memory) exceeds spec's pull down from step ${c.overtakeStep ?? 'never'}; in the baseline nothing pushes.`,
    'reward-decomposition': `Mixed reward at the last step: ${fixed(b.final['reward/mixed'])} (baseline) and ${fixed(c.final['reward/mixed'])} (update), split by signal.`,
    dashboard: `Offline accuracy ${fixed(b.final['eval/accuracy'], 4)} → ${fixed(c.final['eval/accuracy'], 4)} and thumbs-up ${fixed(b.final['ab/thumbs_up'])} → ${fixed(c.final['ab/thumbs_up'])} looked fine; sycophancy ${fixed(b.final[syc])} → ${fixed(c.final[syc])} was not on the dashboard.`,
    'policy-heatmap': `Memory-on situations move furthest: ${syc}/memory-on ends at ${fixed(c.final[`${syc}/memory-on`])} against ${fixed(c.final[`${syc}/memory-off`])} with memory off.`,
    'optimum-tilt':
      'The tabular exact trainer ends on the tilt π*: the trained points sit on the optimum.',
    'launch-review': `2025-04: ${rev('2025-04').verdict.toUpperCase()} (no sycophancy eval); revised: ${rev('revised').verdict.toUpperCase()} (${rev('revised').reasons[0] ?? 'no reason'}).`,
    'deployment-timeline': `Shipped under 2025-04: ${count(act.totals.exposure)} sycophantic answers served by the update and ${count(act.totals.complaints)} complaints, detected at hour ${act.totals.hoursToDetection}, rolled back by hour ${act.totals.hoursToFullRollback}; under ${cf.process} it never ships.`,
  };
}

function gallery(report: Report, seed: number | string): string {
  const text = captions(report);
  const lines = [
    '## Gallery',
    '',
    `The images here are generated from real runs of the shipped scenarios by \`scripts/gallery.ts\`
(\`npm run gallery\`); they are not drawn by hand. They show \`${relative(PACKAGE_ROOT, SCENARIO)}\`
against \`scenarios/baseline.yaml\` (seed ${seed}, each change alone from
\`scenarios/*-only.yaml\`), reviewed and deployed as \`rewardmix report\` does, in the default theme at
1× scale (the report writes 2×). Any one of them: \`rewardmix chart NAME
scenarios/april-2025-update.yaml --out NAME.png\`.`,
  ];
  for (const c of report.charts) {
    lines.push(
      '',
      `### ${charts[c.name].title} (\`${c.name}\`)`,
      '',
      `![${c.caption}](images/${c.name}.png)`,
      '',
      text[c.name],
    );
  }
  return lines.join('\n') + '\n';
}

const input = gatherReport(SCENARIO);
const report = buildReport(input);
const doc = readFileSync(DOC, 'utf8');
const at = doc.indexOf('## Gallery');
if (at < 0) throw new Error(`${DOC}: no "## Gallery" section`);
const next = doc.indexOf('\n## ', at + 1);
const updated =
  doc.slice(0, at) + gallery(report, input.seed) + (next < 0 ? '' : doc.slice(next + 1));

if (check) {
  if (updated !== doc) {
    process.stderr.write(
      `${relative(PACKAGE_ROOT, DOC)}: the gallery is out of date; run npm run gallery\n`,
    );
    process.exitCode = 1;
  }
} else {
  let bytes = 0;
  for (const c of report.charts) {
    const png = svgToPng(await renderSvg(c.spec), { scale: 1 });
    bytes += png.length;
    await writeFileAtomic(join(IMAGES, `${c.name}.png`), png);
  }
  writeFileSync(DOC, updated);
  process.stdout.write(
    `wrote ${report.charts.length} images (${Math.round(bytes / 1024)} KB) to ${relative(PACKAGE_ROOT, IMAGES)}/ and the gallery of ${relative(PACKAGE_ROOT, DOC)}\n`,
  );
}
