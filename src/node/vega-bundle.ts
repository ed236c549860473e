/**
 * Self-contained HTML pages with interactive charts: vega, vega-lite and vega-embed (their
 * minified UMD builds from node_modules) are inlined in <script> tags and each chart is embedded
 * with vega-embed's default tooltip handler. The page makes no network request: everything is
 * inline, and a Content-Security-Policy forbids fetching anything (connect/img/font limited to
 * data: and blob: URLs).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Spec } from '../charts/index.ts';

const require = createRequire(import.meta.url);

/** The builds inlined, in load order (vega-lite needs `vega`, vega-embed needs both). */
const BUILDS: [pkg: string, file: string][] = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
];

/** Path of a package's build file: each package's main entry lives in its `build/` folder. */
export function vegaBuildPath(pkg: string, file: string): string {
  return join(dirname(require.resolve(pkg)), file);
}

/** Makes script text safe inside <script>: no `</script`, no `<!--`, no source-map URL. */
function scriptSafe(code: string): string {
  return code
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

let cached: string | null = null;

/** The three libraries as <script> elements (read once per process). */
export function vegaScripts(): string {
  cached ??= BUILDS.map(
    ([pkg, file]) =>
      `<script data-lib="${pkg}">${scriptSafe(readFileSync(vegaBuildPath(pkg, file), 'utf8'))}</script>`,
  ).join('\n');
  return cached;
}

/** JSON that can sit inside a <script> element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface PageChart {
  /** The id of the element the chart is drawn in (created at the end of the body if absent). */
  id: string;
  spec: Spec;
}

/** The class of the block that holds one chart and scrolls sideways when the chart is wider. */
export const CHART_SCROLL_CLASS = 'rewardmix-chart-scroll';

/** A chart's element inside its scrolling block (what `bodyHtml` should use for each chart). */
export function chartContainer(id: string, attributes = ''): string {
  return `<div class="${CHART_SCROLL_CLASS}"><div id="${id}"${attributes ? ` ${attributes}` : ''}></div></div>`;
}

export interface PageOptions {
  title: string;
  /**
   * Trusted HTML for the body; place `chartContainer(ID)` (or a bare `<div id="ID"></div>`,
   * wrapped when the page loads) where each chart should go.
   */
  bodyHtml: string;
  charts: PageChart[];
  /** Extra CSS appended to the page's stylesheet. */
  css?: string;
}

const CSP = [
  "default-src 'none'",
  // vega compiles its expressions with Function(); everything else is inline.
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  'font-src data:',
  'connect-src data: blob:',
].join('; ');

const CSS = `
body { font-family: 'DejaVu Sans', Verdana, sans-serif; max-width: 72rem; margin: 2rem auto;
  padding: 0 1rem; color: #222; line-height: 1.5; }
/* vega-embed makes a chart's element an inline-block as wide as the chart, so the element
   itself never scrolls: a block wrapper as wide as the column does, and the page never does. */
.rewardmix-chart-scroll { display: block; max-width: 100%; overflow-x: auto; margin: 1.5rem 0; }
.rewardmix-chart-error { color: #b00020; white-space: pre-wrap; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: .25rem .5rem; }
`;

/**
 * An offline HTML page: `bodyHtml`, then the vega libraries and a script that embeds each chart
 * (SVG renderer, tooltips on, export actions only: no editor link, which would go online).
 */
export function htmlPage(options: PageOptions): string {
  const ids = new Set<string>();
  for (const c of options.charts) {
    if (!/^[A-Za-z][\w-]*$/.test(c.id))
      throw new Error(`chart id "${c.id}": use letters, digits, - and _`);
    if (ids.has(c.id)) throw new Error(`chart id "${c.id}" is used twice`);
    ids.add(c.id);
  }
  const missing = options.charts
    .filter((c) => !new RegExp(`id=["']${c.id}["']`).test(options.bodyHtml))
    .map((c) => chartContainer(c.id))
    .join('\n');
  const charts = options.charts.map((c) => ({ id: c.id, spec: c.spec }));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}${options.css ?? ''}</style>
</head>
<body>
${options.bodyHtml}
${missing}
${vegaScripts()}
<script type="application/json" id="rewardmix-charts">${jsonForScript(charts)}</script>
<script>
(function () {
  var charts = JSON.parse(document.getElementById('rewardmix-charts').textContent);
  charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    el.classList.add('rewardmix-chart');
    if (!el.parentElement.classList.contains('${CHART_SCROLL_CLASS}')) {
      var box = document.createElement('div');
      box.className = '${CHART_SCROLL_CLASS}';
      el.parentElement.insertBefore(box, el);
      box.appendChild(el);
    }
    vegaEmbed(el, c.spec, {
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: c.id
    }).catch(function (err) {
      el.classList.add('rewardmix-chart-error');
      el.textContent = 'Chart "' + c.id + '" could not be drawn: ' + err.message;
      console.error(err);
    });
  });
})();
</script>
</body>
</html>
`;
}
