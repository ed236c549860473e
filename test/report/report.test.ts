// `rewardmix report` on the shipped incident scenarios, run through the CLI: the numbers report.md
// states are read back and compared with runs of the engine done here independently; every
// chart has its four files, and the PNGs are real 2× rasters of the SVGs.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullOvertakeStep } from '../../src/charts/index.ts';
import { REPORT_CHARTS } from '../../src/report/index.ts';
import { deploy, type DeployResult } from '../../src/engine/deployment.ts';
import { simulate, type RunResult } from '../../src/engine/run.ts';
import { loadScenario } from '../../src/node/load.ts';
import { cli, entries, pngSize, SCENARIOS, svgSize, tempDir, type CliResult } from './cli.ts';
import { rmSync } from 'node:fs';

const UPDATE = join(SCENARIOS, 'april-2025-update.yaml');
const BASELINE = join(SCENARIOS, 'baseline.yaml');

function run(file: string, seed: number): RunResult {
  return simulate(loadScenario(file).world, { seed });
}

/** The rows of the Markdown table that follows `heading` (cells trimmed, backticks dropped). */
function tableAfter(md: string, heading: string): string[][] {
  const at = md.indexOf(heading);
  expect(at, `"${heading}" in report.md`).toBeGreaterThanOrEqual(0);
  const lines = md.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('|')) break;
    rows.push(
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/`/g, '')),
    );
  }
  return rows.slice(2); // header and rule
}

const num = (s: string) => Number(s.replace(/,/g, '').replace(/%$/, ''));

describe('rewardmix report', () => {
  let tmp: string;
  let out: string;
  let md: string;
  let result: CliResult;
  let base: RunResult;
  let update: RunResult;
  let deployed: DeployResult;

  beforeAll(() => {
    tmp = tempDir();
    out = join(tmp, 'report');
    result = cli(['report', UPDATE, '--out', out]);
    md = readFileSync(join(out, 'report.md'), 'utf8');
    const { scenario } = loadScenario(UPDATE);
    const seed = scenario.seed;
    base = run(BASELINE, seed);
    update = run(UPDATE, seed);
    deployed = deploy({
      control: { world: base.world, policy: base.finalPolicy },
      candidate: { world: update.world, policy: update.finalPolicy },
      review: scenario.review,
      deployment: scenario.deployment,
      seed,
    });
  }, 180_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 0 and prints the key numbers and the path', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${out}/index.html`);
    expect(result.stdout).toContain(update.final['eval/sycophancy'].toFixed(3));
    expect(result.stdout).toMatch(/2025-04 review: SHIP/);
    expect(result.stdout).toMatch(/revised review: BLOCK/);
  });

  it('states the key numbers of the runs (read back from report.md)', () => {
    const rows = tableAfter(md, 'Key numbers at the last recorded step');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const [key, b, u, d] of rows) {
      expect(num(b), `${key} baseline`).toBeCloseTo(base.final[key], 4);
      expect(num(u), `${key} update`).toBeCloseTo(update.final[key], 4);
      expect(num(d), `${key} change`).toBeCloseTo(update.final[key] - base.final[key], 4);
    }
    expect(rows.map((r) => r[0])).toEqual(
      expect.arrayContaining(['eval/sycophancy', 'eval/accuracy', 'ab/thumbs_up']),
    );
  });

  it('says how far sycophancy rose, in numbers', () => {
    const m =
      /`eval\/sycophancy` rose from (\d+\.\d+) at step (\d+) to (\d+\.\d+) at step (\d+); in `baseline` it went from (\d+\.\d+) to (\d+\.\d+)/.exec(
        md,
      );
    expect(m).not.toBeNull();
    const syc = update.trajectory.values['eval/sycophancy'];
    const bsyc = base.trajectory.values['eval/sycophancy'];
    expect(num(m![1])).toBeCloseTo(syc[0], 3);
    expect(num(m![2])).toBe(update.trajectory.steps[0]);
    expect(num(m![3])).toBeCloseTo(syc[syc.length - 1], 3);
    expect(num(m![4])).toBe(update.steps);
    expect(num(m![5])).toBeCloseTo(bsyc[0], 3);
    expect(num(m![6])).toBeCloseTo(bsyc[bsyc.length - 1], 3);
  });

  it('gives the overtake step, the effective weights and each change alone', () => {
    const step = pullOvertakeStep({ name: 'u', trajectory: update.trajectory });
    expect(step).not.toBeNull();
    expect(md).toContain(`overtakes the \`spec\` signal's pull down at step ${step} `);
    const weights = tableAfter(md, '## What changed in the mix');
    for (const [signal, b, u] of weights) {
      expect(num(b), signal).toBeCloseTo(100 * base.trajectory.values[`weights/${signal}`][0], 1);
      expect(num(u), signal).toBeCloseTo(100 * update.trajectory.values[`weights/${signal}`][0], 1);
    }
    expect(weights.map((r) => r[0]).sort()).toEqual(['correctness', 'memory', 'spec', 'thumbs']);
    const drift = tableAfter(md, '## Sycophancy drift');
    expect(drift.map((r) => r[0])).toEqual([
      'baseline',
      'april-2025-update',
      'thumbs-only',
      'memory-only',
      'fresher-data-only',
    ]);
    for (const [name, , , , final] of drift.slice(2)) {
      const alone = run(join(SCENARIOS, `${name}.yaml`), 1);
      expect(num(final), name).toBeCloseTo(alone.final['eval/sycophancy'], 3);
    }
  });

  it('reports both verdicts with their reasons and the deployment totals', () => {
    const [actual, counter] = [deployed.actual, deployed.counterfactual];
    expect(md).toContain(`The \`2025-04\` review: **${actual.review.verdict.toUpperCase()}**`);
    expect(md).toContain(`The \`revised\` review: **${counter.review.verdict.toUpperCase()}**`);
    for (const reason of [...actual.review.reasons, ...counter.review.reasons])
      expect(md).toContain(reason);
    const dep = Object.fromEntries(
      tableAfter(md, '## Deployment').map(([label, a, c]) => [label, [a, c]]),
    );
    const exposure = dep['sycophantic answers served by the update (exposure)'];
    expect(num(exposure[0])).toBe(Math.round(actual.timeline.totals.exposure));
    expect(num(exposure[1])).toBe(Math.round(counter.timeline.totals.exposure));
    expect(num(dep['complaints'][0])).toBe(actual.timeline.totals.complaints);
    expect(dep['detected'][0]).toBe(`hour ${actual.timeline.totals.hoursToDetection}`);
  });

  it('writes the four files of every chart, PNGs at twice the SVG size', () => {
    const files = entries(join(out, 'charts'));
    expect(files).toHaveLength(4 * REPORT_CHARTS.length);
    for (const name of REPORT_CHARTS) {
      const dir = join(out, 'charts');
      const spec = JSON.parse(readFileSync(join(dir, `${name}.vl.json`), 'utf8'));
      expect(() => compile(spec)).not.toThrow();
      const svg = readFileSync(join(dir, `${name}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      const png = readFileSync(join(dir, `${name}.png`));
      expect(png.length).toBeGreaterThan(10_000);
      const s = svgSize(svg);
      const p = pngSize(png);
      expect(p.width).toBe(Math.round(2 * s.width));
      expect(p.height).toBe(Math.round(2 * s.height));
      const csv = readFileSync(join(dir, `${name}.csv`), 'utf8')
        .trim()
        .split('\n');
      expect(csv.length, `${name}.csv rows`).toBeGreaterThan(1);
      expect(md).toContain(`](charts/${name}.png)`);
    }
  });

  it('writes a self-contained index.html with a container per chart', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const name of REPORT_CHARTS) expect(html).toContain(`id="chart-${name}"`);
    expect(html).toContain('data-lib="vega-embed"');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(statSync(join(out, 'index.html')).size).toBeGreaterThan(500_000);
    expect(entries(out)).toEqual(['charts', 'index.html', 'report.md', 'rewardmix-report.json']);
  });
});
