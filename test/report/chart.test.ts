// `rewardmix chart <kind> <scenario|run-dir> --out FILE`: every kind writes a valid file in the
// format its name asks for; a run directory gives the same chart as the scenario it came from;
// unknown kinds and formats are bad input (exit 2) with the list of kinds and a hint.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CHARTS } from '../../src/report/index.ts';
import { runScenario, writeRunDir } from '../../src/node/runs.ts';
import { cli, entries, pngSize, SCENARIOS, svgSize, tempDir } from './cli.ts';

const UPDATE = join(SCENARIOS, 'april-2025-update.yaml');
const FORMATS = ['svg', 'png', 'vl.json'] as const;

describe('rewardmix chart', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.each(REPORT_CHARTS.map((name, i) => [name, FORMATS[i % 3]] as const))(
    '%s as %s',
    (name, format) => {
      const out = join(tmp, `${name}.${format}`);
      const r = cli(['chart', name, UPDATE, '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(out);
      if (format === 'vl.json') {
        const spec = JSON.parse(readFileSync(out, 'utf8'));
        expect(spec.$schema).toMatch(/vega-lite\/v6/);
        expect(() => compile(spec)).not.toThrow();
        expect(JSON.stringify(spec)).toContain('april-2025-update');
      } else if (format === 'svg') {
        const svg = readFileSync(out, 'utf8');
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svgSize(svg).width).toBeGreaterThan(200);
        expect(svg).toMatch(/<text[^>]*>[^<]{3,}<\/text>/);
      } else {
        const png = readFileSync(out);
        const size = pngSize(png);
        expect(size.width).toBeGreaterThan(400);
        expect(size.height).toBeGreaterThan(100);
        expect(png.length).toBeGreaterThan(10_000);
      }
    },
    120_000,
  );

  it('draws the same chart from a run directory as from its scenario', () => {
    const { loaded, result } = runScenario(UPDATE);
    const runDir = join(tmp, 'run');
    writeRunDir(runDir, loaded, result);
    for (const kind of ['tug-of-war', 'policy-heatmap', 'launch-review']) {
      const a = join(tmp, `from-dir-${kind}.vl.json`);
      const b = join(tmp, `from-scenario-${kind}.vl.json`);
      expect(cli(['chart', kind, runDir, '--out', a]).status).toBe(0);
      expect(cli(['chart', kind, UPDATE, '--out', b]).status).toBe(0);
      expect(JSON.parse(readFileSync(a, 'utf8'))).toEqual(JSON.parse(readFileSync(b, 'utf8')));
    }
  }, 300_000);

  it('rejects an unknown kind with the list and a hint', () => {
    const out = join(tmp, 'typo.svg');
    const r = cli(['chart', 'tug-of-wra', UPDATE, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown chart kind "tug-of-wra" (did you mean "tug-of-war"?)');
    for (const name of REPORT_CHARTS) expect(r.stderr).toContain(name);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('rejects an output format it cannot write, and a folder as --out', () => {
    const before = entries(tmp);
    const jpg = cli(['chart', 'drift', UPDATE, '--out', join(tmp, 'drift.jpg')]);
    expect(jpg.status).toBe(2);
    expect(jpg.stderr).toMatch(/expected a file name ending in \.svg, \.png or \.vl\.json/);
    const dir = cli(['chart', 'drift', UPDATE, '--out', join(tmp, 'run')]);
    expect(dir.status).toBe(2);
    const missing = cli(['chart', 'drift', join(tmp, 'nope.yaml'), '--out', join(tmp, 'd.svg')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read the scenario file/);
    expect(entries(tmp)).toEqual(before);
  }, 180_000);
});
