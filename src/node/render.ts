/**
 * Rendering vega-lite specs in Node: compile with vega-lite, run a headless vega View
 * (`renderer: 'none'`) to SVG, and rasterize the SVG to PNG with resvg using the bundled DejaVu
 * fonts (no system fonts), so the same spec gives the same image on any machine. `exportChart`
 * writes a chart's four files atomically.
 */
import { Resvg } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { mainData, toCsv, type Spec } from '../charts/index.ts';
import { readFontMetrics } from './font-metrics.ts';
import { writeFileAtomic } from './fs.ts';

const require = createRequire(import.meta.url);

/** The DejaVu TTFs from the `dejavu-fonts-ttf` package: regular, bold, oblique, bold oblique. */
export function dejavuFontFiles(): string[] {
  // The package has no exports map; resolve a file inside it to find its ttf folder.
  const dir = dirname(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  return [
    'DejaVuSans.ttf',
    'DejaVuSans-Bold.ttf',
    'DejaVuSans-Oblique.ttf',
    'DejaVuSans-BoldOblique.ttf',
  ].map((f) => join(dir, f));
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}
/** vega-scenegraph's text measurer; vega-typings does not declare it. */
const textMetrics = (
  vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }
).textMetrics;
let metricsInstalled = false;

/**
 * Makes vega measure text with DejaVu's advance widths (what resvg draws with) instead of its
 * 0.8-em-per-character guess. vega supports a user-defined `textMetrics.width` (vl-convert does
 * the same); the change is process-wide and only affects headless rendering.
 */
export function useDejavuTextMetrics(): void {
  if (metricsInstalled) return;
  const [regular, bold] = dejavuFontFiles().map(readFontMetrics);
  textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const str = text == null ? '' : String(text).trim();
    const weight = item.fontWeight;
    const font = weight === 'bold' || weight === 'bolder' || +(weight ?? 0) >= 600 ? bold : regular;
    const w = font.width(str, size);
    // vega truncates to `limit` itself, calling this on prefixes; report at most the limit.
    return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
  };
  metricsInstalled = true;
}

/** Compiles a vega-lite spec to a vega spec (errors name the problem, not a stack of internals). */
export function toVega(spec: Spec) {
  return compile(spec).spec;
}

/** Renders a vega-lite spec to an SVG string, headless. */
export async function renderSvg(spec: Spec): Promise<string> {
  useDejavuTextMetrics();
  // vega tags each inline datum with a symbol id: render a copy, leave the caller's spec as is.
  const view = new vega.View(vega.parse(toVega(structuredClone(spec))), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density relative to the SVG's size. Default 2. */
  scale?: number;
  /** Extra font files to load besides DejaVu (for themes that use another font). */
  fontFiles?: string[];
}

/** Rasterizes an SVG string to PNG bytes with the bundled DejaVu fonts. */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      fontFiles: [...dejavuFontFiles(), ...(options.fontFiles ?? [])],
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/** Renders a vega-lite spec to PNG bytes (2× by default). */
export async function renderPng(spec: Spec, options: PngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}

/** The CSV of a chart's main dataset (its inline data). */
export function chartCsv(spec: Spec): string {
  return toCsv(mainData(spec));
}

export interface ExportedChart {
  spec: string;
  svg: string;
  png: string;
  csv: string;
}

/**
 * Writes `dir/NAME.vl.json` (the spec with its data, for the vega editor), `NAME.svg`,
 * `NAME.png` (2×) and `NAME.csv` (the main dataset), each atomically. Returns the paths.
 */
export async function exportChart(
  spec: Spec,
  dir: string,
  name: string,
  options: PngOptions = {},
): Promise<ExportedChart> {
  const svg = await renderSvg(spec);
  const png = svgToPng(svg, options);
  const paths: ExportedChart = {
    spec: join(dir, `${name}.vl.json`),
    svg: join(dir, `${name}.svg`),
    png: join(dir, `${name}.png`),
    csv: join(dir, `${name}.csv`),
  };
  await writeFileAtomic(paths.spec, JSON.stringify(spec, null, 2) + '\n');
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, png);
  await writeFileAtomic(paths.csv, chartCsv(spec));
  return paths;
}
