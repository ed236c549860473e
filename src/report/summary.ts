/**
 * The short terminal summary of a report (what `rewardmix demo` and `rewardmix report` print):
 * the key numbers side by side, both verdicts with their reasons, the exposure, and where the
 * report is. Plain text, from the same facts as report.md.
 */
import type { Report } from './build.ts';
import { count, fixed, hour, percent, signed } from './format.ts';

function pad(rows: string[][], indent = '  '): string[] {
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i])))
        .join('   ')
        .trimEnd(),
  );
}

/** The summary lines; `where` is the report's folder as the user should type it. */
export function terminalSummary(report: Report, where: string): string {
  const f = report.facts;
  const c = f.candidate;
  const b = f.comparison;
  const out: string[] = [report.title, ''];
  const row = (label: string, key: string, fmt: (x: number) => string, extra = '') =>
    b
      ? [label, fmt(b.final[key]), fmt(c.final[key]), extra]
      : [label, fmt(c.start[key]), fmt(c.final[key]), extra];
  const syc = 'eval/sycophancy';
  const before = b ? b.final[syc] : c.start[syc];
  const ratio = c.final[syc] / before;
  const rows = [
    ['', b ? b.name : `step ${c.firstStep}`, b ? c.name : `step ${c.lastStep}`, ''],
    row(
      'sycophancy (eval/sycophancy)',
      syc,
      (x) => fixed(x),
      `${signed(c.final[syc] - before)}${Number.isFinite(ratio) ? `, ${ratio.toFixed(1)}×` : ''}`,
    ),
    row('offline accuracy (eval/accuracy)', 'eval/accuracy', (x) => fixed(x, 4)),
    row('A/B thumbs-up rate (ab/thumbs_up)', 'ab/thumbs_up', (x) => fixed(x)),
  ];
  if (b && f.specSignal in b.weights && f.specSignal in c.weights)
    rows.push([
      `${f.specSignal}'s share of the mix`,
      percent(b.weights[f.specSignal]),
      percent(c.weights[f.specSignal]),
      '',
    ]);
  out.push(...pad(rows));
  out.push(
    '',
    c.overtakeStep !== null
      ? `  The pull up on sycophancy overtakes ${f.specSignal}'s pull down at step ${c.overtakeStep}.`
      : `  The pull up on sycophancy never overtakes ${f.specSignal}'s pull down.`,
  );
  if (f.changes.length && b) {
    out.push(
      `  Each change alone: ${f.changes.map((r) => `${r.name} ${fixed(r.final[syc])}`).join(', ')} (baseline ${fixed(b.final[syc])}).`,
    );
  }
  out.push('');
  for (const r of f.reviews) {
    out.push(`  ${r.process} review: ${r.verdict.toUpperCase()}`);
    for (const reason of r.reasons) out.push(`    - ${reason}`);
    for (const note of r.notes) out.push(`    note: ${note}`);
  }
  out.push('');
  for (const d of f.deployments) {
    const t = d.totals;
    out.push(
      d.shipped
        ? `  Under ${d.process}: ${count(t.exposure)} sycophantic answers served by the update (${count(t.excessExposure)} beyond ${f.controlName}), ${count(t.complaints)} complaints; ${t.hoursToDetection === null ? 'never detected' : `detected at ${hour(t.hoursToDetection)}, rolled back by ${hour(t.hoursToFullRollback)}`}.`
        : `  Under ${d.process}: blocked at review, exposure 0.`,
    );
  }
  out.push(
    '',
    `Open ${where}/index.html in a browser (or read ${where}/report.md; charts in ${where}/charts/).`,
  );
  return out.join('\n') + '\n';
}
