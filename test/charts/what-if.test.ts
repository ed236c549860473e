// The what-if charts: each compiles with vega-lite without warnings, validates against its JSON
// schema, has a description, tooltips and titled axes, renders to SVG with its labels, and
// matches its golden spec; the contour sits where the surface crosses the threshold.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import * as prettier from 'prettier';
import { compile } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Spec } from '../../src/charts/common.ts';
import { multipliersSpec } from '../../src/charts/multipliers.ts';
import { parallelCoordinatesSpec } from '../../src/charts/parallel-coordinates.ts';
import { paretoFrontSpec } from '../../src/charts/pareto-front.ts';
import { contourSegments, sweepHeatmapSpec } from '../../src/charts/sweep-heatmap.ts';
import { tippingCurveSpec } from '../../src/charts/tipping-curve.ts';
import { renderSvg } from '../../src/node/render.ts';
import { whatIfChartInputs } from './what-if-fixtures.ts';

const require = createRequire(import.meta.url);
const schema = JSON.parse(
  readFileSync(
    join(require.resolve('vega-lite').replace(/index\.js$/, ''), 'vega-lite-schema.json'),
    'utf8',
  ),
);
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  schema,
);

let inputs: ReturnType<typeof whatIfChartInputs>;
beforeAll(() => {
  inputs = whatIfChartInputs();
});

const builders: Record<string, () => Spec> = {
  'sweep-heatmap': () => sweepHeatmapSpec(inputs['sweep-heatmap']),
  'tipping-curve': () => tippingCurveSpec(inputs['tipping-curve']),
  'pareto-front': () => paretoFrontSpec(inputs['pareto-front']),
  'parallel-coordinates': () => parallelCoordinatesSpec(inputs['parallel-coordinates']),
  multipliers: () => multipliersSpec(inputs.multipliers),
};

const TEXT: Record<string, string[]> = {
  'sweep-heatmap': [
    'Thumbs up / down weight (mix.weights.thumbs)',
    'Model spec weight (mix.weights.spec)',
    'the tipping boundary',
  ],
  'tipping-curve': [
    'Thumbs up / down weight (mix.weights.thumbs)',
    'Sycophancy (eval/sycophancy)',
    'tipping point by bisection',
  ],
  'pareto-front': [
    'A/B thumbs-up rate (ab/thumbs_up), higher is better',
    'Trade-off: A/B thumbs-up rate against Sycophancy',
    'Pareto front',
    'dominated',
  ],
  'parallel-coordinates': ['mix.weights.thumbs', 'params.approvalBias', 'eval/sycophancy'],
  multipliers: ['Multiplier λ', 'bound ≤ 0.3', 'Training step'],
};

function collect(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      if (k !== 'values') collect(v, key, out);
    }
  }
  return out;
}

describe.each(Object.keys(builders))('%s', (name) => {
  it('compiles with vega-lite without warnings and validates against its schema', () => {
    const spec = builders[name]();
    const warnings: string[] = [];
    const logger = {
      level: () => logger,
      warn: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
      info: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
      debug: () => logger,
      error: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
    };
    compile(spec, { logger: logger as never });
    expect(warnings).toEqual([]);
    expect(validate(spec) ? [] : validate.errors!.slice(0, 5)).toEqual([]);
  });

  it('has a description, inline data, tooltips and titled axes', () => {
    const spec = builders[name]() as unknown as Record<string, unknown>;
    expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v6.json');
    expect(String(spec.description).length).toBeGreaterThan(40);
    expect((spec.data as { values: unknown[] }).values.length).toBeGreaterThan(0);
    expect(collect(spec, 'tooltip').length).toBeGreaterThan(0);
    for (const ch of ['x', 'y'])
      for (const enc of collect(spec, ch) as Record<string, unknown>[])
        if (enc && typeof enc === 'object' && 'field' in enc) expect('title' in enc).toBe(true);
  });

  it('renders to SVG with its labels', async () => {
    const svg = await renderSvg(builders[name]());
    for (const t of TEXT[name]) expect(svg).toContain(t);
  });

  it('matches its golden spec', async () => {
    const file = `./__snapshots__/${name}.vl.json`;
    const options = await prettier.resolveConfig(join(import.meta.dirname, file));
    const text = await prettier.format(JSON.stringify(builders[name]()), {
      ...options,
      parser: 'json',
    });
    await expect(text).toMatchFileSnapshot(file);
  });
});

describe('parallel coordinates', () => {
  const rowsOf = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      'mix.weights.thumbs': (i * 37) % 101,
      'mix.weights.memory': (i * 53) % 97,
      'params.approvalBias': (i * 11) % 89,
      'eval/sycophancy': ((i * 29) % 83) / 100,
    }));
  const specOf = (n: number) =>
    parallelCoordinatesSpec({
      dimensions: ['mix.weights.thumbs', 'mix.weights.memory', 'params.approvalBias'],
      metric: 'eval/sycophancy',
      rows: rowsOf(n),
    }) as unknown as {
      title: { subtitle: string[] };
      width: number;
      data: { values: { line: number; metric: number }[] };
      layer: { mark: { strokeOpacity?: number } }[];
    };

  it('has a gradient legend of the metric (the lines and points share it)', async () => {
    const svg = await renderSvg(specOf(60) as unknown as Spec);
    expect(svg).toMatch(/aria-label="Gradient legend titled 'eval\/sycophancy' for stroke color/);
  });

  it('draws the lines in order of the metric, the highest on top, fainter when there are many', async () => {
    const few = specOf(60);
    expect(new Set(few.data.values.map((r) => r.line)).size).toBe(60); // every run, once
    // The order drawn, from the rendered SVG: each line's path names its metric value.
    const svg = await renderSvg(few as unknown as Spec);
    const drawn = [
      ...svg.matchAll(
        /aria-label="[^"]*eval\/sycophancy: ([\d.]+); line: \d+" role="graphics-symbol" aria-roledescription="line mark"/g,
      ),
    ].map((m) => Number(m[1]));
    expect(drawn).toHaveLength(60);
    expect(drawn).toEqual([...drawn].sort((a, b) => a - b));
    expect(drawn[0]).toBeLessThan(drawn[59]);
    const opacity = (n: number) => specOf(n).layer[1].mark.strokeOpacity!;
    expect(opacity(60)).toBe(0.55);
    expect(opacity(5000)).toBeLessThan(0.1);
  });

  it("wraps the axes' ranges so the subtitle is no wider than the plot, whatever the font size", async () => {
    const spec = specOf(60);
    expect(spec.title.subtitle.length).toBeGreaterThan(1);
    expect(spec.title.subtitle.join('; ')).toMatch(
      /^Axis ranges: mix\.weights\.thumbs 0–100; .*eval\/sycophancy 0–0\.82$/,
    );
    // Measured on the rendered chart: no wider than with no subtitle at all.
    const input = {
      dimensions: ['mix.weights.thumbs', 'mix.weights.memory', 'params.approvalBias'],
      metric: 'eval/sycophancy',
      rows: rowsOf(60),
    };
    const widthOf = (svg: string) => Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
    for (const fontSize of [12, 24]) {
      const withTitles = parallelCoordinatesSpec(input, { fontSize });
      const bare = JSON.parse(JSON.stringify(withTitles)) as { title: { subtitle?: unknown } };
      delete bare.title.subtitle;
      expect(widthOf(await renderSvg(withTitles))).toBeLessThanOrEqual(
        widthOf(await renderSvg(bare as unknown as Spec)),
      );
    }
  });
});

describe('the tipping curve', () => {
  let input: ReturnType<typeof whatIfChartInputs>['tipping-curve'];
  beforeAll(() => {
    input = inputs['tipping-curve'];
  });
  const titleOf = (spec: unknown) =>
    (spec as { title: { text: string; subtitle: string[] } }).title;

  it('names the crossing in its title only when one was found, and says so when none was', () => {
    expect(titleOf(tippingCurveSpec(input)).text).toBe(
      'Where eval/sycophancy crosses 0.1 as mix.weights.thumbs moves',
    );
    // Searched, none found, the curve above the threshold all along: the title says it stays above.
    const above = input.curve.map((p) => ({ ...p, mean: p.mean + 1, lo: p.lo + 1, hi: p.hi + 1 }));
    const none = titleOf(
      tippingCurveSpec({ ...input, curve: above, crossing: null, analytic: null }),
    );
    expect(none.text).toBe('eval/sycophancy stays above 0.1 as mix.weights.thumbs moves');
    const xs = input.curve.map((p) => p.x);
    expect(none.subtitle.join(' ')).toContain(
      `No crossing of the threshold for mix.weights.thumbs in [${Math.min(...xs)}, ${Math.max(...xs)}]`,
    );
    const below = input.curve.map((p) => ({ ...p, mean: -1, lo: -1, hi: -1 }));
    expect(titleOf(tippingCurveSpec({ ...input, curve: below, crossing: null })).text).toBe(
      'eval/sycophancy stays below 0.1 as mix.weights.thumbs moves',
    );
    // A sweep's curve (no search made) does not claim a crossing either way.
    expect(titleOf(tippingCurveSpec({ ...input, crossing: undefined, analytic: null })).text).toBe(
      'eval/sycophancy as mix.weights.thumbs moves',
    );
  });

  it('explains each of its marks in a subtitle no wider than the plot, and its points take the line colour', () => {
    const spec = tippingCurveSpec(input) as unknown as {
      title: { subtitle: string[] };
      width: number;
      config: { title: { subtitleFontSize?: number } };
      layer: { mark: { type: string; color?: string; point?: { color?: string } } }[];
    };
    const text = spec.title.subtitle.join(' ');
    for (const mark of [
      'Band:',
      'dashed rule: the threshold (0.1)',
      'solid rule:',
      'grey strip:',
      'dotted rule:',
    ])
      expect(text).toContain(mark);
    for (const line of spec.title.subtitle)
      expect(line.length * 0.55 * 12).toBeLessThanOrEqual(spec.width);
    const line = spec.layer.find((l) => l.mark.type === 'line')!;
    expect(line.mark.point?.color).toBe(line.mark.color);
  });
});

describe('the sweep heatmap', () => {
  it('draws each cell half a pixel over its neighbours (no seams), and no further than the grid', async () => {
    const svg = await renderSvg(builders['sweep-heatmap']());
    const group = svg.slice(svg.indexOf('class="mark-rect role-mark'));
    const cells = [
      ...group
        .slice(0, group.indexOf('</g>'))
        .matchAll(/d="M([\d.-]+),([\d.-]+)h([\d.]+)v([\d.]+)/g),
    ].map((m) => ({ x: +m[1], y: +m[2], w: +m[3], h: +m[4] }));
    expect(cells.length).toBe(inputs['sweep-heatmap'].cells.length);
    const rows = new Map<number, typeof cells>();
    for (const c of cells) rows.set(c.y, [...(rows.get(c.y) ?? []), c]);
    const width = Math.max(...cells.map((c) => c.x + c.w));
    expect(width).toBeCloseTo(560, 6); // the plot's width: the last column ends at the grid's edge
    for (const row of rows.values()) {
      row.sort((a, b) => a.x - b.x);
      for (let i = 0; i + 1 < row.length; i++) {
        const overlap = row[i].x + row[i].w - row[i + 1].x;
        expect(overlap).toBeGreaterThan(0.45);
        expect(overlap).toBeLessThan(0.55);
      }
    }
    // rows too: each cell reaches half a pixel into the row above it (y grows downwards)
    const ys = [...rows.keys()].sort((a, b) => a - b);
    expect(ys[0]).toBeCloseTo(0, 6); // the top row ends at the grid's edge too
    for (let i = 0; i + 1 < ys.length; i++) {
      const upper = rows.get(ys[i])![0];
      expect(ys[i + 1] - (upper.y + upper.h)).toBeLessThan(-0.45);
    }
  });
});

describe('the tipping contour', () => {
  it('on a linear field is the straight line where it equals the level', () => {
    const cells = [];
    for (let i = 0; i <= 4; i++)
      for (let j = 0; j <= 4; j++) cells.push({ x: i, y: j, value: i + 2 * j });
    const segs = contourSegments(cells, 4.5);
    expect(segs.length).toBeGreaterThan(0);
    for (const s of segs) {
      expect(s.x + 2 * s.y).toBeCloseTo(4.5, 12);
      expect(s.x2 + 2 * s.y2).toBeCloseTo(4.5, 12);
    }
    expect(contourSegments(cells, 100)).toEqual([]);
  });

  it('is drawn on the heatmap only where the threshold is crossed', () => {
    const spec = sweepHeatmapSpec({ ...inputs['sweep-heatmap'], threshold: 5 }) as any;
    expect(spec.layer).toHaveLength(1);
    expect(spec.title.subtitle).toMatch(/does not cross 5/);
    const withContour = sweepHeatmapSpec(inputs['sweep-heatmap']) as any;
    expect(withContour.layer).toHaveLength(3);
  });
});

describe('the multipliers chart', () => {
  it('needs a constrained run', () => {
    expect(() =>
      multipliersSpec({
        runs: [{ name: 'x', trajectory: [{ step: 0, key: 'eval/sycophancy', value: 0.1 }] }],
      }),
    ).toThrow(/no multipliers/);
  });
});
