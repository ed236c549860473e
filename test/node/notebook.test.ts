// chartBundle: what a notebook hands to Deno.jupyter.display for a chart.
import { describe, expect, it } from 'vitest';
import { charts, VEGA_LITE_SCHEMA } from '../../src/charts/index.ts';
import {
  chartBundle,
  compactSvg,
  renderSvg,
  VEGA_LITE_V5_MIME,
  VEGA_LITE_V5_SCHEMA,
} from '../../src/node/index.ts';
import { chartInputs } from '../charts/fixtures.ts';

describe('chartBundle', () => {
  it('carries the spec as vega-lite v5, an SVG rendering and a text line', async () => {
    const spec = charts.drift.build(chartInputs().drift);
    const bundle = await chartBundle(spec);
    expect(Object.keys(bundle).sort()).toEqual(
      [VEGA_LITE_V5_MIME, 'image/svg+xml', 'text/plain'].sort(),
    );
    const v5 = bundle[VEGA_LITE_V5_MIME] as Record<string, unknown>;
    expect(v5.$schema).toBe(VEGA_LITE_V5_SCHEMA);
    // the same chart otherwise, data included
    expect({ ...v5, $schema: VEGA_LITE_SCHEMA }).toEqual(JSON.parse(JSON.stringify(spec)));
    expect(bundle['image/svg+xml']).toMatch(/^<svg[\s\S]*Training step[\s\S]*<\/svg>$/);
    expect(bundle['text/plain']).toMatch(/^chart: \S/);
  });

  it('leaves the caller’s spec alone', async () => {
    const spec = charts['effective-weights'].build(chartInputs()['effective-weights']);
    const before = JSON.stringify(spec);
    await chartBundle(spec);
    expect(JSON.stringify(spec)).toBe(before);
    expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
  });
});

describe('compactSvg', () => {
  it('rounds coordinates, drops per-mark ARIA attributes and keeps the text', () => {
    const svg =
      '<svg width="10"><g role="graphics-object" aria-roledescription="group mark container">' +
      '<path aria-label="step: 3; value: 0.1234567" role="graphics-symbol" d="M79.72904191616766,20.25h1.5v-13.123456Z"/>' +
      '<g transform="translate(0.5,225.123456)"><text>0.183456 and 1.5</text></g></g></svg>';
    expect(compactSvg(svg)).toBe(
      '<svg width="10"><g>' +
        '<path d="M79.73,20.25h1.5v-13.12Z"/>' +
        '<g transform="translate(0.5,225.12)"><text>0.183456 and 1.5</text></g></g></svg>',
    );
  });

  it('is what the bundle carries, and is much smaller than the raw rendering', async () => {
    const spec = charts['tug-of-war'].build(chartInputs()['tug-of-war']);
    const raw = await renderSvg(spec);
    const bundle = await chartBundle(spec);
    expect(bundle['image/svg+xml']).toBe(compactSvg(raw));
    expect((bundle['image/svg+xml'] as string).length).toBeLessThan(0.8 * raw.length);
  });
});
