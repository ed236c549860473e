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
/**
 * Seven greys from black to #AAAAAA, each step about 1.44 times the luminance contrast of the one
 * before (so any two differ by at least that much, and the lightest is still 2:1 on white and on
 * the grayscale grid). Ordered so that neighbours differ strongly: runs take slots 0-3 (dark, mid,
 * dark-mid, light) and the signals spec, thumbs, correctness and memory take 0, 1, 2 and 4, so the
 * two pulls up (thumbs, memory) are far apart. Black is slot 5, away from the black net line.
 * Pair with dashes.
 */
const GRAYSCALE = ['#292929', '#8C8C8C', '#595959', '#AAAAAA', '#424242', '#000000', '#717171'];
/** Grayscale's grid and KL term: lighter than every series, and the KL area darker than the grid. */
const GRAYSCALE_GRID = '#F0F0F0';
const GRAYSCALE_KL = '#D0D0D0';

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

/**
 * The palette's colours. On a dark background the named palettes are adapted so that no series
 * vanishes: grayscale is inverted (light greys on dark) and Okabe-Ito's black becomes white. A
 * list of colours is used as given.
 */
export function paletteColors(theme: ChartTheme): string[] {
  if (typeof theme.palette !== 'string') return [...theme.palette];
  const colours = [...PALETTES[theme.palette]];
  if (!isDark(theme.background)) return colours;
  if (theme.palette === 'grayscale') return colours.map(invert);
  return colours.map((c) => (c === '#000000' ? '#FFFFFF' : c));
}

/** Colours for gate results and other pass/fail states. */
export function statusColors(theme: ChartTheme): StatusColors {
  return typeof theme.palette === 'string' ? STATUS[theme.palette] : STATUS['okabe-ito'];
}

/** Colour of the KL term (a neutral that no palette colour is close to). */
export function klColor(theme: ChartTheme): string {
  if (theme.palette !== 'grayscale') return '#999999';
  // On a dark background: between the background and the darkest (inverted) grey.
  return isDark(theme.background) ? mix(theme.background, '#FFFFFF', 0.2) : GRAYSCALE_KL;
}

// ---- colours against the background -------------------------------------------------------------

type Rgb = [number, number, number];

/** CSS colour names on which light text reads better than dark (all others count as light). */
const DARK_NAMES: Record<string, string> = Object.fromEntries(
  (
    'black:000000 blue:0000ff blueviolet:8a2be2 brown:a52a2a crimson:dc143c darkblue:00008b ' +
    'darkgreen:006400 darkmagenta:8b008b darkolivegreen:556b2f darkorchid:9932cc darkred:8b0000 ' +
    'darkslateblue:483d8b darkslategray:2f4f4f darkslategrey:2f4f4f darkviolet:9400d3 ' +
    'dimgray:696969 dimgrey:696969 firebrick:b22222 green:008000 indigo:4b0082 maroon:800000 ' +
    'mediumblue:0000cd mediumvioletred:c71585 midnightblue:191970 navy:000080 purple:800080 ' +
    'rebeccapurple:663399 royalblue:4169e1 saddlebrown:8b4513 sienna:a0522d slateblue:6a5acd ' +
    'teal:008080'
  )
    .split(' ')
    .map((e) => e.split(':')),
);

/**
 * A CSS colour as 0-255 RGB, composited over white if it has an alpha (the page behind a chart
 * is white). Understands #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba() and names; a light name,
 * `none`, `transparent` or anything else gives white.
 */
export function parseColour(css: string): Rgb {
  const c = css.trim().toLowerCase();
  let rgb: Rgb = [255, 255, 255];
  let alpha = 1;
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(c);
  const fn = /^rgba?\(([^)]*)\)$/.exec(c);
  if (hex) {
    let h = hex[1];
    if (h.length <= 4) h = [...h].map((x) => x + x).join('');
    rgb = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
    if (h.length === 8) alpha = parseInt(h.slice(6, 8), 16) / 255;
  } else if (fn) {
    const parts = fn[1].split(/[\s,/]+/).filter(Boolean);
    const num = (p: string, full: number) =>
      p.endsWith('%') ? (parseFloat(p) / 100) * full : parseFloat(p);
    if (parts.length >= 3) rgb = parts.slice(0, 3).map((p) => num(p, 255)) as Rgb;
    if (parts.length >= 4) alpha = num(parts[3], 1);
  } else if (c in DARK_NAMES) {
    return parseColour(`#${DARK_NAMES[c]}`);
  }
  const a = Number.isFinite(alpha) ? Math.min(1, Math.max(0, alpha)) : 1;
  return rgb.map((v) => {
    const x = Number.isFinite(v) ? Math.min(255, Math.max(0, v)) : 255;
    return x * a + 255 * (1 - a);
  }) as Rgb;
}

/** WCAG relative luminance of a CSS colour (0 black, 1 white). */
export function luminance(css: string): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = parseColour(css);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two CSS colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [x, y] = [luminance(a) + 0.05, luminance(b) + 0.05];
  return Math.max(x, y) / Math.min(x, y);
}

/** A background on which white text has more contrast than black. */
export function isDark(background: string): boolean {
  const l = luminance(background) + 0.05;
  return 1.05 / l > l / 0.05;
}

const hex2 = (v: number) =>
  Math.round(Math.min(255, Math.max(0, v)))
    .toString(16)
    .padStart(2, '0')
    .toUpperCase();
const toHex = (rgb: readonly number[]) => `#${rgb.map(hex2).join('')}`;

/** The colour `t` of the way from `a` to `b` (0 gives `a`). */
function mix(a: string, b: string, t: number): string {
  const [x, y] = [parseColour(a), parseColour(b)];
  return toHex(x.map((v, i) => v + (y[i] - v) * t));
}

/** The negative of a colour (for greys: light for dark). */
function invert(css: string): string {
  return toHex(parseColour(css).map((v) => 255 - v));
}

/** Text colours of the default (light) background: today's exact values. */
const LIGHT_INK = {
  title: '#000000',
  subtitle: '#444444',
  axisTitle: '#222222',
  label: '#333333',
  domain: '#888888',
  grid: '#E6E6E6',
};

/**
 * The colours of text, axis lines and grid for the theme's background. A light background keeps
 * the defaults (black titles, dark-grey labels, a light grid; grayscale has an even lighter grid
 * so the lightest series and the KL area stand out from it). A dark one gets light text and a
 * dim grid mixed from the background; any text colour that would fall below a 4.5:1 contrast is
 * replaced by white.
 */
export function inkColors(theme: ChartTheme): typeof LIGHT_INK {
  const bg = theme.background;
  if (!isDark(bg)) {
    return theme.palette === 'grayscale' ? { ...LIGHT_INK, grid: GRAYSCALE_GRID } : LIGHT_INK;
  }
  const readable = (c: string) => (contrastRatio(c, bg) >= 4.5 ? c : '#FFFFFF');
  return {
    title: '#FFFFFF',
    subtitle: readable('#BBBBBB'),
    axisTitle: readable('#DDDDDD'),
    label: readable('#CCCCCC'),
    domain: mix(bg, '#FFFFFF', 0.45),
    grid: mix(bg, '#FFFFFF', 0.14),
  };
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
  const ink = inkColors(theme);
  const config: Config = {
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
      subtitleColor: ink.subtitle,
      anchor: 'start',
      offset: 10,
    },
    axis: {
      labelFont: font,
      titleFont: font,
      labelFontSize: s,
      titleFontSize: Math.round(s * 1.1),
      titleFontWeight: 'normal',
      titleColor: ink.axisTitle,
      labelColor: ink.label,
      gridColor: ink.grid,
      domainColor: ink.domain,
      tickColor: ink.domain,
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
  if (isDark(theme.background)) {
    // vega's own defaults (black title, legend and header text, text marks) are set only here,
    // so a light background's config is exactly what it always was.
    config.title = { ...config.title, color: ink.title };
    config.legend = { ...config.legend, labelColor: ink.label, titleColor: ink.axisTitle };
    config.header = { ...config.header, labelColor: ink.axisTitle, titleColor: ink.axisTitle };
    config.text = { ...config.text, color: ink.label };
  }
  return config;
}

/** Series that a chart draws in one colour (a colour scale with fewer colours than names). */
export interface SharedColour {
  colour: string;
  names: string[];
  /** How many series the scale has. */
  series: number;
}

/**
 * Every colour that a spec's colour scales give to more than one series: what happens when a
 * palette has fewer colours than a chart has series (vega repeats them without a word).
 */
export function sharedColours(spec: unknown): SharedColour[] {
  const out = new Map<string, SharedColour>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const channel = value as { scale?: { domain?: unknown; range?: unknown }; legend?: unknown };
      const scale = channel?.scale;
      // A scale without a legend is a helper (e.g. text colours legible on each bar), not series.
      if (
        (key === 'color' || key === 'fill' || key === 'stroke') &&
        channel?.legend !== null &&
        Array.isArray(scale?.domain) &&
        Array.isArray(scale.range) &&
        scale.range.every((c) => typeof c === 'string')
      ) {
        const domain = scale.domain.map(String);
        const range = scale.range as string[];
        const byColour = new Map<string, string[]>();
        domain.forEach((name, i) => {
          const c = range[i % range.length].toUpperCase();
          byColour.set(c, [...(byColour.get(c) ?? []), name]);
        });
        for (const [colour, names] of byColour) {
          if (names.length < 2) continue;
          out.set(`${colour}|${names.join('|')}`, { colour, names, series: domain.length });
        }
      }
      visit(value);
    }
  };
  visit(spec);
  return [...out.values()];
}
