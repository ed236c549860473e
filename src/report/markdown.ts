/**
 * The report as Markdown (`report.md`) and as the body of the HTML page (`index.html`): the same
 * sections, tables and numbers; Markdown shows each chart as its PNG, HTML as a placeholder that
 * the page's script fills with the interactive chart.
 */
import type { Block, Report, SectionChartName } from './build.ts';

/** Where the chart files are, relative to the report (`charts/NAME.png` and its siblings). */
export const CHART_DIR = 'charts';

/** The four files of a chart, relative to the report. */
export function chartFiles(name: SectionChartName): { label: string; path: string }[] {
  return [
    { label: 'PNG', path: `${CHART_DIR}/${name}.png` },
    { label: 'SVG', path: `${CHART_DIR}/${name}.svg` },
    { label: 'vega-lite spec', path: `${CHART_DIR}/${name}.vl.json` },
    { label: 'data (CSV)', path: `${CHART_DIR}/${name}.csv` },
  ];
}

/** The id of the element a chart is drawn in on the HTML page. */
export const chartElementId = (name: SectionChartName) => `chart-${name}`;

// ---- Markdown ---------------------------------------------------------------------------------

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdBlock(report: Report, b: Block): string {
  switch (b.kind) {
    case 'text':
      return b.text;
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
    case 'table': {
      const lines = [
        `| ${b.header.map(cell).join(' | ')} |`,
        `| ${b.align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`,
        ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
      ];
      return lines.join('\n');
    }
    case 'chart': {
      const c = report.charts.find((x) => x.name === b.name)!;
      const files = chartFiles(b.name)
        .map((f) => `[${f.label}](${f.path})`)
        .join(' · ');
      return `![${c.caption}](${CHART_DIR}/${b.name}.png)\n\n*${c.caption}.* ${files}`;
    }
  }
}

/** `report.md`: title, provenance, sections with tables and the charts' PNGs. */
export function reportMarkdown(report: Report): string {
  const out = [`# ${report.title}`, report.provenance];
  for (const s of report.sections) {
    out.push(`## ${s.title}`);
    for (const b of s.blocks) out.push(mdBlock(report, b));
  }
  return out.join('\n\n') + '\n';
}

// ---- HTML -------------------------------------------------------------------------------------

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The report's inline Markdown (`code`, **bold**) as HTML, everything else escaped. */
export function inlineHtml(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length >= 2
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : escapeHtml(part).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>'),
    )
    .join('');
}

function htmlBlock(report: Report, b: Block): string {
  switch (b.kind) {
    case 'text':
      return `<p>${inlineHtml(b.text)}</p>`;
    case 'list':
      return `<ul>\n${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('\n')}\n</ul>`;
    case 'table': {
      const th = b.header.map((h, i) => `<th class="${b.align[i]}">${inlineHtml(h)}</th>`).join('');
      const trs = b.rows
        .map(
          (r) =>
            `<tr>${r.map((c, i) => `<td class="${b.align[i]}">${inlineHtml(c)}</td>`).join('')}</tr>`,
        )
        .join('\n');
      // Wrapped like a chart, so a table wider than a phone scrolls in its box, not the page.
      return `<div class="table-scroll"><table id="table-${b.id}">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs}\n</tbody>\n</table></div>`;
    }
    case 'chart': {
      const c = report.charts.find((x) => x.name === b.name)!;
      const files = chartFiles(b.name)
        .map((f) => `<a href="${f.path}">${f.label}</a>`)
        .join(' · ');
      // The block that scrolls when the chart is wider than the column (the page's CSS, in
      // src/node/vega-bundle.ts): vega-embed's own element grows to the chart's width.
      return `<figure>\n<div class="rewardmix-chart-scroll"><div id="${chartElementId(b.name)}" class="report-chart" data-chart="${b.name}"></div></div>\n<figcaption>${escapeHtml(c.caption)}. ${files}</figcaption>\n</figure>`;
    }
  }
}

/** The body of `index.html`: the same sections, with a chart placeholder where each chart goes. */
export function reportHtmlBody(report: Report): string {
  const toc = report.sections
    .map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`)
    .join('');
  const out = [
    `<header><h1>${escapeHtml(report.title)}</h1>\n<p class="provenance">${inlineHtml(report.provenance)}</p>\n<nav><ol>${toc}</ol></nav></header>`,
  ];
  for (const s of report.sections) {
    out.push(
      `<section id="${s.id}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map((b) => htmlBlock(report, b)).join('\n')}\n</section>`,
    );
  }
  return out.join('\n');
}

/** Extra CSS for the report page. */
export const REPORT_CSS = `
h1 { font-size: 1.7rem; margin-bottom: .3rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
.provenance { color: #555; font-size: .9rem; }
nav ol { columns: 2; font-size: .9rem; }
code { background: #f4f4f4; padding: 0 .2em; border-radius: 3px; font-size: .9em; }
figure { margin: 1.5rem 0; } figcaption { color: #555; font-size: .85rem; }
th.r, td.r { text-align: right; font-variant-numeric: tabular-nums; } th.l, td.l { text-align: left; }
table { margin: 1rem 0; font-size: .9rem; }
.table-scroll { max-width: 100%; overflow-x: auto; }
`;
