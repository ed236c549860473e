// Rendering in Node: every chart to SVG with its axis titles as text, to PNG at 2× with the
// DejaVu fonts actually drawn, and exported as four files written atomically.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_NAMES, charts, type ChartName, type Spec } from '../../src/charts/index.ts';
import { readFontMetrics } from '../../src/node/font-metrics.ts';
import { dejavuFontFiles, exportChart, renderSvg, svgToPng } from '../../src/node/render.ts';
import { chartInputs } from './fixtures.ts';

/** Axis titles (and headers) each chart's SVG must hold as text. */
const EXPECTED_TEXT: Record<ChartName, string[]> = {
  drift: ['Training step', 'Sycophancy (eval/sycophancy)', 'launch threshold 0.15'],
  'reward-decomposition': [
    'Training step',
    'Weighted reward  w·E[r] under π',
    'baseline',
    'update',
  ],
  'tug-of-war': [
    'Training step',
    'Push on eval/sycophancy per step',
    'pull up overtakes spec at step 20',
  ],
  dashboard: [
    'Offline accuracy (eval/accuracy)',
    'A/B thumbs-up rate (ab/thumbs_up)',
    'not on the 2025-04 dashboard',
  ],
  'policy-heatmap': ['Response style', 'Situation', 'tactful-honest', 'wrong-claim'],
  'effective-weights': ['Share of the mix after normalization', 'spec', 'thumbs'],
  'launch-review': [
    'Check (stage · metric)',
    'Review process: verdict',
    '2025-04: SHIP',
    'revised: BLOCK',
    'no such check',
    'behaviour evals · sycophancy (sycophantic)',
  ],
  'deployment-timeline': [
    'Hours since launch',
    'Complaints',
    'rollback complete',
    'system-prompt patch',
  ],
  'optimum-tilt': ['P(style | situation)', 'π* (KL-regularized optimum)', 'venting'],
  'sweep-heatmap': [
    'Thumbs up / down weight (mix.weights.thumbs)',
    'Model spec weight (mix.weights.spec)',
    'eval/sycophancy',
  ],
  'tipping-curve': ['Thumbs up / down weight (mix.weights.thumbs)', 'Sycophancy (eval/sycophancy)'],
  'pareto-front': ['Pareto front', 'dominated'],
  'parallel-coordinates': ['mix.weights.thumbs', 'params.approvalBias', 'eval/sycophancy'],
  multipliers: ['Multiplier λ', 'bound ≤ 0.3', 'Training step'],
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

function svgSize(svg: string): [number, number] {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg)!;
  return [Number(m[1]), Number(m[2])];
}

/** Text content of the SVG's <text> elements (vega writes one per line or label). */
function svgTexts(svg: string): string[] {
  const decode = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  return [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].flatMap((m) => {
    const spans = [...m[1].matchAll(/<tspan[^>]*>([\s\S]*?)<\/tspan>/g)].map((t) => decode(t[1]));
    return spans.length ? spans : [decode(m[1])];
  });
}

let specs: Record<ChartName, Spec>;
const svgs = {} as Record<ChartName, string>;
beforeAll(async () => {
  const inputs = chartInputs();
  specs = Object.fromEntries(
    CHART_NAMES.map((n) => [n, (charts[n].build as (i: unknown) => Spec)(inputs[n])]),
  ) as Record<ChartName, Spec>;
  for (const n of CHART_NAMES) svgs[n] = await renderSvg(specs[n]);
});

describe.each(CHART_NAMES)('%s', (name) => {
  it('renders to SVG holding its axis titles as text in DejaVu Sans', () => {
    const svg = svgs[name];
    expect(svg.startsWith('<svg')).toBe(true);
    const texts = svgTexts(svg);
    for (const t of EXPECTED_TEXT[name]) expect(texts).toContain(t);
    expect(svg).toContain('font-family="\'DejaVu Sans\', sans-serif"');
    // Nothing was cut short for lack of room.
    expect(texts.filter((t) => t.endsWith('…'))).toEqual([]);
  });

  it('renders to a PNG at twice the SVG size', () => {
    const png = svgToPng(svgs[name]);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const [w, h] = svgSize(svgs[name]);
    expect(pngSize(png)).toEqual([Math.round(w * 2), Math.round(h * 2)]);
    expect(w).toBeGreaterThan(300);
    expect(w).toBeLessThan(2400);
    expect(png.length).toBeGreaterThan(20_000);
  });
});

describe('fonts', () => {
  it('draws the text: removing the <text> elements changes the PNG', () => {
    const svg = svgs.drift;
    const noText = svg.replace(/<text[\s\S]*?<\/text>/g, '');
    expect(noText.length).toBeLessThan(svg.length);
    expect(Buffer.compare(Buffer.from(svgToPng(svg)), Buffer.from(svgToPng(noText)))).not.toBe(0);
  });

  it('measures DejaVu Sans from its advance widths', () => {
    const [regular, bold] = dejavuFontFiles().map(readFontMetrics);
    // DejaVu Sans advances (2048 units/em): H 1540, e 1260, l 569, o 1253.
    expect(regular.width('Hello', 12)).toBeCloseTo(((1540 + 1260 + 569 * 2 + 1253) * 12) / 2048, 6);
    expect(bold.width('Hello', 12)).toBeGreaterThan(regular.width('Hello', 12));
    expect(regular.width('π', 10)).toBeGreaterThan(0);
  });
});

describe('exportChart', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rewardmix-charts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes NAME.vl.json, NAME.svg, NAME.png and NAME.csv and no temp files', async () => {
    const paths = await exportChart(specs.drift, join(dir, 'charts'), 'drift');
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual([
      'drift.csv',
      'drift.png',
      'drift.svg',
      'drift.vl.json',
    ]);
    expect(JSON.parse(readFileSync(paths.spec, 'utf8'))).toEqual(specs.drift);
    expect(readFileSync(paths.svg, 'utf8')).toBe(svgs.drift);
    expect([...readFileSync(paths.png).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const csv = readFileSync(paths.csv, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('run,step,value');
    expect(csv).toHaveLength(1 + 3 * 31);
    expect(csv[1]).toMatch(/^baseline,0,0\.0\d+$/);
    expect(existsSync(join(dir, 'charts', 'drift.png'))).toBe(true);
  });
});

describe('layout', () => {
  it("places the launch review's y-axis title clear of its longest label", async () => {
    const reviews = [
      {
        process: 'p',
        verdict: 'ship' as const,
        rows: [
          {
            stage: 'behaviour',
            metric: 'a rather long metric name (sycophantic)',
            result: 'pass' as const,
          },
        ],
      },
    ];
    const svg = await renderSvg(charts['launch-review'].build({ reviews }));
    const [regular] = dejavuFontFiles().map(readFontMetrics);
    const label = 'behaviour evals · a rather long metric name (sycophantic)';
    const labelX = Number(
      new RegExp(
        `translate\\((-?[\\d.]+),[\\d.]+\\)"[^>]*>${label.replace(/[()]/g, '\\$&')}<`,
      ).exec(svg)![1],
    );
    const titleX = Number(
      /translate\((-?[\d.]+),[\d.]+\) rotate\(-90\)[^>]*>Check \(stage/.exec(svg)![1],
    );
    // Labels are right-aligned at labelX; the rotated title (13 px) must sit left of their start.
    expect(titleX).toBeLessThan(labelX - regular.width(label, 12));
  });
});
