// `rewardmix demo`, the real one (full budget), run from a folder that is not the repo: it finds
// the shipped scenarios in the package, writes the full report to ./rewardmix-demo/ and prints the
// key numbers, both verdicts and the exposure, with the path to open.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CHARTS } from '../../src/report/index.ts';
import { cli, entries, tempDir, type CliResult } from './cli.ts';

describe('rewardmix demo', () => {
  let cwd: string;
  let r: CliResult;
  beforeAll(() => {
    cwd = tempDir('rewardmix-demo-test-');
    r = cli(['demo'], { cwd });
  }, 180_000);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes the full report to ./rewardmix-demo', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(entries(cwd)).toEqual(['rewardmix-demo']);
    const dir = join(cwd, 'rewardmix-demo');
    expect(entries(dir)).toEqual(['charts', 'index.html', 'report.md', 'rewardmix-report.json']);
    expect(entries(join(dir, 'charts'))).toHaveLength(4 * REPORT_CHARTS.length);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/^# rewardmix report: april-2025-update against baseline\n/);
  });

  it('prints the key numbers, both verdicts, the exposure and where to look', () => {
    const facts = JSON.parse(
      readFileSync(join(cwd, 'rewardmix-demo', 'rewardmix-report.json'), 'utf8'),
    ).facts;
    const syc = (x: number) => x.toFixed(3);
    const line = r.stdout.split('\n').find((l) => l.includes('eval/sycophancy'));
    expect(line).toContain(syc(facts.comparison.final['eval/sycophancy']));
    expect(line).toContain(syc(facts.candidate.final['eval/sycophancy']));
    expect(r.stdout).toMatch(/offline accuracy \(eval\/accuracy\)\s+0\.89\d\d\s+0\.89\d\d/);
    expect(r.stdout).toMatch(/A\/B thumbs-up rate \(ab\/thumbs_up\)\s+0\.\d{3}\s+0\.\d{3}/);
    expect(r.stdout).toContain('2025-04 review: SHIP');
    expect(r.stdout).toContain('revised review: BLOCK');
    const exposure = Math.round(facts.deployments[0].totals.exposure).toLocaleString('en-US');
    expect(r.stdout).toContain(`Under 2025-04: ${exposure} sycophantic answers`);
    expect(r.stdout).toContain('Under revised: blocked at review, exposure 0.');
    expect(r.stdout).toContain('Open rewardmix-demo/index.html');
  });
});
