// The theme reaches the spec: font, sizes, palette, panel size, titles, dashes.
import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  DEFAULT_THEME,
  driftSpec,
  klColor,
  paletteColors,
  PALETTES,
  resolveTheme,
  seriesColorScale,
  sharedColours,
  signalColorScale,
  themeConfig,
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

/** The text colours of a config that a reader must read (vega's default is black where unset). */
function textColours(config: any): Record<string, string> {
  return {
    title: config.title.color ?? '#000000',
    subtitle: config.title.subtitleColor,
    axisTitle: config.axis.titleColor,
    axisLabel: config.axis.labelColor,
    legendTitle: config.legend.titleColor ?? '#000000',
    legendLabel: config.legend.labelColor ?? '#000000',
    headerLabel: config.header.labelColor ?? '#000000',
    text: config.text.color ?? '#000000',
  };
}

describe('theme colours against the background', () => {
  it('keeps the default colours exactly, on white and on any light background', () => {
    for (const background of ['white', '#FFFFFF', '#fff', 'ivory', '#f4f4f4']) {
      const config = themeConfig(resolveTheme({ background })) as any;
      expect(config.axis).toMatchObject({
        titleColor: '#222222',
        labelColor: '#333333',
        gridColor: '#E6E6E6',
        domainColor: '#888888',
        tickColor: '#888888',
      });
      expect(config.title.subtitleColor).toBe('#444444');
      expect(config.title.color).toBeUndefined();
      expect(config.legend.labelColor).toBeUndefined();
      expect(config.text.color).toBeUndefined();
    }
  });

  it.each(['#1e1e1e', 'black', '#000', 'navy', 'rgb(40, 44, 52)', '#2b2b2bff'])(
    'on a dark background (%s) every text has a contrast of at least 4.5:1 and the grid is dim',
    (background) => {
      const config = themeConfig(resolveTheme({ background })) as any;
      for (const [what, colour] of Object.entries(textColours(config))) {
        expect(contrastRatio(colour, background), what).toBeGreaterThanOrEqual(4.5);
      }
      const grid = contrastRatio(config.axis.gridColor, background);
      expect(grid).toBeGreaterThan(1.1);
      expect(grid).toBeLessThan(contrastRatio(config.axis.labelColor, background));
      expect(contrastRatio(config.axis.domainColor, background)).toBeGreaterThanOrEqual(3);
    },
  );

  it('keeps every palette colour visible on a dark background', () => {
    for (const palette of ['okabe-ito', 'tableau10', 'grayscale'] as const) {
      const t = resolveTheme({ palette, background: '#1e1e1e' });
      for (const c of [...paletteColors(t), klColor(t)])
        expect(contrastRatio(c, '#1e1e1e'), `${palette} ${c}`).toBeGreaterThan(1.5);
    }
  });
});

describe('grayscale', () => {
  const t = resolveTheme({ palette: 'grayscale' });
  const greys = paletteColors(t);
  const grid = (themeConfig(t) as any).axis.gridColor as string;

  it('tells every pair of series apart', () => {
    for (const [i, a] of greys.entries())
      for (const b of greys.slice(i + 1))
        expect(contrastRatio(a, b), `${a} vs ${b}`).toBeGreaterThanOrEqual(1.4);
  });

  it('draws every series, and the KL area, distinct from the grid and the white page', () => {
    for (const c of greys) {
      expect(contrastRatio(c, grid), `${c} vs grid ${grid}`).toBeGreaterThanOrEqual(2);
      expect(contrastRatio(c, 'white'), c).toBeGreaterThanOrEqual(2);
    }
    const kl = klColor(t);
    expect(contrastRatio(kl, grid), `KL ${kl} vs grid ${grid}`).toBeGreaterThanOrEqual(1.3);
    for (const c of greys) expect(contrastRatio(kl, c), `KL vs ${c}`).toBeGreaterThanOrEqual(1.4);
  });

  it('gives the two pulls up of the tug-of-war (thumbs, memory) clearly different greys', () => {
    const scale = signalColorScale(['spec', 'thumbs', 'correctness', 'memory'], t) as {
      range: string[];
    };
    expect(contrastRatio(scale.range[1], scale.range[3])).toBeGreaterThanOrEqual(2);
  });
});

describe('a palette with fewer colours than series', () => {
  const short = ['#e41a1c', '#377eb8', '#4daf4a'];
  const four = [...runs, { ...runs[0], name: 'fourth' }];

  it('dashes the lines when the runs outnumber the colours', () => {
    const spec = driftSpec({ runs: four }, { palette: short }) as any;
    expect(spec.layer[0].encoding.strokeDash.scale.range).toHaveLength(4);
    expect((driftSpec({ runs }, { palette: short }) as any).layer[0].encoding.strokeDash).toBe(
      undefined,
    );
  });

  it('finds the series that share a colour', () => {
    expect(sharedColours(driftSpec({ runs: four }, { palette: short }))).toEqual([
      { colour: '#E41A1C', names: [runs[0].name, 'fourth'], series: 4 },
    ]);
    expect(sharedColours(driftSpec({ runs: four }))).toEqual([]);
    expect(sharedColours(tugOfWarSpec({ runs }))).toEqual([]);
  });
});
