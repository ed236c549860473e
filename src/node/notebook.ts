/**
 * Charts in Jupyter notebooks: a display bundle for `Deno.jupyter.display(bundle, { raw: true })`
 * that shows interactively where a vega renderer exists (JupyterLab, VS Code) and as an SVG
 * image where none does (GitHub, nbviewer). docs/notebooks.md, "How it is wired".
 */
import type { Spec } from '../charts/index.ts';
import { renderSvg } from './render.ts';

/** The vega-lite MIME type JupyterLab's built-in renderer knows (v5; not v6). */
export const VEGA_LITE_V5_MIME = 'application/vnd.vegalite.v5+json';
/** The `$schema` a spec gets under that MIME type. */
export const VEGA_LITE_V5_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** A Jupyter display bundle: MIME type → data. */
export type DisplayBundle = Record<string, unknown>;

function titleText(spec: Spec): string {
  const t = (spec as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.join(' ');
  if (t && typeof t === 'object' && 'text' in t) {
    const text = (t as { text: unknown }).text;
    return Array.isArray(text) ? text.join(' ') : String(text);
  }
  return (spec as { description?: string }).description ?? 'vega-lite chart';
}

const LONG_DECIMAL = /-?\d+\.\d{3,}/g;
const ARIA = / (?:aria-label|aria-roledescription|aria-hidden|role)="[^"]*"/g;

/**
 * A smaller SVG for a notebook's stored outputs, the same picture: coordinates in path data and
 * transforms rounded to 1/100 px (vega writes full float precision), and vega's per-mark ARIA
 * attributes dropped (a static fallback image is not navigated mark by mark; the interactive
 * vega-lite output keeps them). Text is left as it is. About half the bytes.
 */
export function compactSvg(svg: string): string {
  return svg
    .replace(ARIA, '')
    .replace(/ (d|transform)="([^"]*)"/g, (_, name: string, value: string) => {
      const short = value.replace(LONG_DECIMAL, (x) => String(Number(Number(x).toFixed(2))));
      return ` ${name}="${short}"`;
    });
}

/**
 * A chart as a display bundle: the spec under the vega-lite v5 MIME type (the repo's builders
 * write v6 specs; they use features both versions share), its SVG rendered headless with the
 * DejaVu text metrics (as `renderSvg`, coordinates rounded by `compactSvg`), and a one-line
 * text/plain fallback.
 */
export async function chartBundle(spec: Spec): Promise<DisplayBundle> {
  const svg = compactSvg(await renderSvg(spec));
  return {
    [VEGA_LITE_V5_MIME]: { ...structuredClone(spec), $schema: VEGA_LITE_V5_SCHEMA },
    'image/svg+xml': svg,
    'text/plain': `chart: ${titleText(spec)}`,
  };
}
