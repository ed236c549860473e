/**
 * The chart theme: the few settings a publication asks to change (font, sizes, panel size,
 * palette, titles), turned into a vega-lite `config`. Builders take a partial theme and resolve
 * it here, so `{ palette: 'grayscale' }` is a complete request.
 */
import type { Config } from 'vega-lite';

/** Named categorical palettes; all are safe for the common colour-vision deficiencies or print. */
export type PaletteName = 'okabe-ito' | 'tableau10' | 'grayscale';

export interface ChartTheme {
  /** Font family of every text. 'DejaVu Sans' is what the PNG renderer bundles, so SVG and PNG agree. */
  font: string;
  /** Base font size in px (axis and legend labels); titles are derived from it. */
  fontSize: number;
  /** Width of one plot panel in px (small multiples divide or reuse it). */
  width: number;
  /** Height of one plot panel in px. */
  height: number;
  /** Categorical palette for series (runs, signals): a name or a list of CSS colours. */
  palette: PaletteName | string[];
  /** Sequential vega scheme for probabilities (heatmaps), e.g. 'blues', 'greys', 'viridis'. */
  sequentialScheme: string;
  /** Show chart titles and subtitles (off when a figure caption carries them). */
  title: boolean;
  /** Background colour of the whole chart. */
  background: string;
  /** Also tell series apart by dash pattern (on by default with the grayscale palette). */
  dashes: boolean;
}

/**
 * Okabe & Ito (2008), reordered for a white background: blue, vermillion, bluish green, orange,
 * reddish purple, sky blue, black, yellow (yellow last: it is faint on white).
 */
const OKABE_ITO = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#E69F00',
  '#CC79A7',
  '#56B4E9',
  '#000000',
  '#F0E442',
];
/** Tableau 10 (the classic ordering). */
const TABLEAU10 = [
  '#4E79A7',
  '#F28E2B',
  '#E15759',
  '#76B7B2',
  '#59A14F',
  '#EDC948',
  '#B07AA1',
  '#FF9DA7',
  '#9C755F',
  '#BAB0AC',
];
/** Greys ordered so that neighbours differ strongly; pair with dashes. */
const GRAYSCALE = ['#333333', '#A6A6A6', '#595959', '#D4D4D4', '#7F7F7F', '#000000', '#BFBFBF'];

export const PALETTES: Record<PaletteName, readonly string[]> = {
  'okabe-ito': OKABE_ITO,
  tableau10: TABLEAU10,
  grayscale: GRAYSCALE,
};

/** Review-check colours per palette: pass, advisory, flag, fail, block, absent. */
const STATUS: Record<PaletteName, StatusColors> = {
  'okabe-ito': {
    pass: '#009E73',
    advisory: '#56B4E9',
    flag: '#F0E442',
    fail: '#CC79A7',
    block: '#D55E00',
    absent: '#E6E6E6',
  },
  tableau10: {
    pass: '#59A14F',
    advisory: '#76B7B2',
    flag: '#EDC948',
    fail: '#B07AA1',
    block: '#E15759',
    absent: '#E6E6E6',
  },
  grayscale: {
    pass: '#FFFFFF',
    advisory: '#D4D4D4',
    flag: '#BDBDBD',
    fail: '#8C8C8C',
    block: '#404040',
    absent: '#EEEEEE',
  },
};

export interface StatusColors {
  pass: string;
  advisory: string;
  flag: string;
  fail: string;
  block: string;
  absent: string;
}

export const DEFAULT_THEME: ChartTheme = {
  font: 'DejaVu Sans',
  fontSize: 12,
  width: 560,
  height: 300,
  palette: 'okabe-ito',
  sequentialScheme: 'blues',
  title: true,
  background: 'white',
  dashes: false,
};

/** A full theme from a partial one; the grayscale palette turns dashes on unless told otherwise. */
export function resolveTheme(theme: Partial<ChartTheme> = {}): ChartTheme {
  const out = { ...DEFAULT_THEME, ...theme };
  if (theme.dashes === undefined && out.palette === 'grayscale') out.dashes = true;
  if (theme.sequentialScheme === undefined && out.palette === 'grayscale') {
    out.sequentialScheme = 'greys';
  }
  return out;
}

/** The palette's colours. */
export function paletteColors(theme: ChartTheme): string[] {
  return typeof theme.palette === 'string' ? [...PALETTES[theme.palette]] : [...theme.palette];
}

/** Colours for gate results and other pass/fail states. */
export function statusColors(theme: ChartTheme): StatusColors {
  return typeof theme.palette === 'string' ? STATUS[theme.palette] : STATUS['okabe-ito'];
}

/** Colour of the KL term (a neutral that no palette colour is close to). */
export function klColor(theme: ChartTheme): string {
  return theme.palette === 'grayscale' ? '#E6E6E6' : '#999999';
}

/** Dash patterns for series when `theme.dashes` is on (solid first). */
export const DASHES: number[][] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [12, 4],
  [4, 4, 1, 4],
];

/** The CSS font stack: the theme's font, then a generic fallback for browsers that lack it. */
export function fontStack(theme: ChartTheme): string {
  const f = theme.font.includes(' ') ? `'${theme.font}'` : theme.font;
  return `${f}, sans-serif`;
}

/** The vega-lite `config` for a theme: fonts, sizes, palette, quiet grid, no view border. */
export function themeConfig(theme: ChartTheme): Config {
  const font = fontStack(theme);
  const s = theme.fontSize;
  return {
    font,
    background: theme.background,
    padding: 8,
    view: { continuousWidth: theme.width, continuousHeight: theme.height, stroke: null },
    range: { category: paletteColors(theme) },
    title: {
      font,
      fontSize: Math.round(s * 1.35),
      fontWeight: 'bold',
      subtitleFont: font,
      subtitleFontSize: s,
      subtitleColor: '#444444',
      anchor: 'start',
      offset: 10,
    },
    axis: {
      labelFont: font,
      titleFont: font,
      labelFontSize: s,
      titleFontSize: Math.round(s * 1.1),
      titleFontWeight: 'normal',
      titleColor: '#222222',
      labelColor: '#333333',
      gridColor: '#E6E6E6',
      domainColor: '#888888',
      tickColor: '#888888',
      labelLimit: 260,
      // Room for long category labels before the axis title (vega caps the offset at 200 px).
      maxExtent: 500,
    },
    legend: {
      labelFont: font,
      titleFont: font,
      labelFontSize: s,
      titleFontSize: Math.round(s * 1.05),
      titleFontWeight: 'normal',
      labelLimit: 280,
      symbolStrokeWidth: 2.5,
    },
    header: {
      labelFont: font,
      titleFont: font,
      labelFontSize: Math.round(s * 1.1),
      titleFontSize: Math.round(s * 1.1),
      labelFontWeight: 'bold',
    },
    text: { font, fontSize: s },
    line: { strokeWidth: 2 },
  };
}
