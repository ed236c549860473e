// The theme reaches the spec: font, sizes, palette, panel size, titles, dashes.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THEME,
  driftSpec,
  PALETTES,
  resolveTheme,
  seriesColorScale,
  signalColorScale,
  tugOfWarSpec,
} from '../../src/charts/index.ts';
import { runInputs } from './fixtures.ts';

const runs = runInputs();

describe('theme', () => {
  it("defaults to DejaVu Sans, the PNG renderer's font, and the Okabe-Ito palette", () => {
    const spec = driftSpec({ runs }) as any;
    expect(DEFAULT_THEME.font).toBe('DejaVu Sans');
    expect(spec.config.font).toBe("'DejaVu Sans', sans-serif");
    expect(spec.config.range.category).toEqual([...PALETTES['okabe-ito']]);
    expect(spec.layer[0].encoding.color.scale.range).toEqual(['#0072B2', '#D55E00', '#009E73']);
  });

  it('changes font, font sizes, panel size and palette in the spec', () => {
    const spec = driftSpec(
      { runs },
      { font: 'Helvetica', fontSize: 16, width: 800, height: 400, palette: 'tableau10' },
    ) as any;
    expect(spec.config.font).toBe('Helvetica, sans-serif');
    expect(spec.config.axis.labelFontSize).toBe(16);
    expect(spec.config.axis.titleFontSize).toBe(18);
    expect(spec.config.title.fontSize).toBe(22);
    expect(spec.config.legend.labelFont).toBe('Helvetica, sans-serif');
    expect([spec.width, spec.height]).toEqual([800, 400]);
    expect(spec.layer[0].encoding.color.scale.range).toEqual(['#4E79A7', '#F28E2B', '#E15759']);
  });

  it('accepts a custom palette', () => {
    const spec = driftSpec({ runs }, { palette: ['#111111', '#222222', '#333333'] }) as any;
    expect(spec.layer[0].encoding.color.scale.range).toEqual(['#111111', '#222222', '#333333']);
  });

  it('grayscale adds dash patterns and a grey sequential scheme', () => {
    const t = resolveTheme({ palette: 'grayscale' });
    expect(t.dashes).toBe(true);
    expect(t.sequentialScheme).toBe('greys');
    const spec = driftSpec({ runs }, { palette: 'grayscale' }) as any;
    expect(spec.layer[0].encoding.strokeDash.scale.range).toHaveLength(3);
    expect(resolveTheme({ palette: 'grayscale', dashes: false }).dashes).toBe(false);
    expect((driftSpec({ runs }) as any).layer[0].encoding.strokeDash).toBeUndefined();
  });

  it('title off removes titles and subtitles but keeps the description', () => {
    const spec = tugOfWarSpec({ runs }, { title: false }) as any;
    expect(spec.title).toBeUndefined();
    expect(spec.description).toMatch(/pressure/);
    expect((tugOfWarSpec({ runs }) as any).title.text).toBe('Tug-of-war over sycophancy');
  });

  it('keeps a signal the same colour whatever else is in the chart', () => {
    const t = resolveTheme();
    const a = signalColorScale(['spec', 'thumbs'], t) as { range: string[] };
    const b = signalColorScale(['correctness', 'memory', 'thumbs', 'spec', 'novelty'], t) as {
      range: string[];
    };
    expect(a.range[0]).toBe(b.range[3]);
    expect(a.range[1]).toBe(b.range[2]);
    expect(new Set(b.range).size).toBe(5);
    expect((seriesColorScale(['x'], t) as { range: string[] }).range).toEqual(['#0072B2']);
  });
});
