// chartBundle: what a notebook hands to Deno.jupyter.display for a chart.
import { describe, expect, it } from 'vitest';
import { charts, VEGA_LITE_SCHEMA } from '../../src/charts/index.ts';
import { chartBundle, VEGA_LITE_V5_MIME, VEGA_LITE_V5_SCHEMA } from '../../src/node/index.ts';
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
