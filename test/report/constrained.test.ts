// A constrained scenario's report adds the constrained-training section with the multiplier
// trajectories; an unconstrained one does not.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatherReport } from '../../src/node/report.ts';
import { buildReport, reportMarkdown } from '../../src/report/index.ts';
import { SCENARIOS } from './cli.ts';

describe('report of a constrained scenario', () => {
  it('shows the multipliers chart and the bound', () => {
    const input = gatherReport(join(SCENARIOS, 'constrained-fix.yaml'), { changes: false });
    expect(input.constraints?.map((c) => c.metric)).toEqual(['eval/sycophancy']);
    const report = buildReport(input);
    const chart = report.charts.find((c) => c.name === 'multipliers');
    expect(chart).toBeDefined();
    const rows = (chart!.spec as any).data.values as { panel: string; value: number }[];
    // the multiplier rises off zero while the bound is violated
    expect(rows.some((r) => r.panel === 'multiplier' && r.value > 0.1)).toBe(true);
    const md = reportMarkdown(report);
    expect(md).toContain('## Constrained training');
    expect(md).toContain(`\`eval/sycophancy\` ≤ ${input.constraints![0].bound}`);
    expect(md).toContain('charts/multipliers.png');
  });
  it('is absent for an unconstrained scenario', () => {
    const report = buildReport(
      gatherReport(join(SCENARIOS, 'april-2025-update.yaml'), { changes: false }),
    );
    expect(report.charts.map((c) => c.name)).not.toContain('multipliers');
  });
});
