// The report's HTML on a narrow screen: every chart (and table) sits in a block that scrolls
// sideways when the chart is wider than the column, so the page itself never does. vega-embed
// makes a chart's own element an inline-block as wide as the chart: overflow on it does nothing.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartSpec, gatherReport, paletteWarning } from '../../src/node/report.ts';
import { CHART_SCROLL_CLASS, htmlPage } from '../../src/node/vega-bundle.ts';
import {
  buildReport,
  chartSpecs,
  REPORT_CHARTS,
  REPORT_CSS,
  reportHtmlBody,
  type ReportInput,
} from '../../src/report/index.ts';
import { SCENARIOS } from '../report/cli.ts';

const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', mark: 'point' } as never;

/** The page's stylesheet. */
const css = (html: string) => /<style>([\s\S]*?)<\/style>/.exec(html)![1];

describe('chart containers of an HTML page', () => {
  it('makes the scrolling block a full-width block that scrolls sideways', () => {
    const html = htmlPage({ title: 't', bodyHtml: '', charts: [{ id: 'a', spec }] });
    const rule = new RegExp(`\\.${CHART_SCROLL_CLASS} \\{([^}]*)\\}`).exec(css(html));
    expect(rule, 'a CSS rule for the scrolling block').not.toBeNull();
    expect(rule![1]).toMatch(/display: block/);
    expect(rule![1]).toMatch(/max-width: 100%/);
    expect(rule![1]).toMatch(/overflow-x: auto/);
  });

  it('wraps a chart with no placeholder in the body, and one with a bare placeholder on load', () => {
    const html = htmlPage({
      title: 't',
      bodyHtml: '<p><div id="given"></div></p>',
      charts: [
        { id: 'given', spec },
        { id: 'added', spec },
      ],
    });
    expect(html).toContain(`<div class="${CHART_SCROLL_CLASS}"><div id="added"></div></div>`);
    // The embedding script moves a bare placeholder into a scrolling block of its own.
    expect(html).toContain(`classList.contains('${CHART_SCROLL_CLASS}')`);
    expect(html).toMatch(/box\.className = 'rewardmix-chart-scroll';\s*el\.parentElement/);
  });
});

describe("the report's HTML body", () => {
  let input: ReportInput;
  let body: string;
  beforeAll(() => {
    input = gatherReport(join(SCENARIOS, 'april-2025-update.yaml'));
    body = reportHtmlBody(buildReport(input));
  }, 120_000);

  it('puts every chart in a scrolling block', () => {
    for (const name of REPORT_CHARTS) {
      expect(body).toMatch(
        new RegExp(`<div class="${CHART_SCROLL_CLASS}"><div id="chart-${name}"[^>]*></div></div>`),
      );
    }
  });

  it('puts every table in a scrolling block', () => {
    const tables = body.match(/<table\b/g)!.length;
    expect(tables).toBeGreaterThan(0);
    expect(body.match(/<div class="table-scroll"><table\b/g)).toHaveLength(tables);
    expect(REPORT_CSS).toMatch(/\.table-scroll \{[^}]*overflow-x: auto/);
  });

  it('warns when the palette has fewer colours than a chart has series, and says how many', () => {
    const theme = { palette: ['#e41a1c', '#377eb8', '#4daf4a'] };
    const report = buildReport(input, theme);
    const specs = Object.fromEntries(report.charts.map((c) => [c.name, c.spec]));
    const warning = paletteWarning(specs, theme, (t) => chartSpecs(input, report.facts, t));
    expect(warning).toMatch(/^the theme's palette has 3 colours/);
    expect(warning).toContain('tug-of-war (thumbs and memory)');
    expect(warning).toContain('drift (');
    expect(warning).toMatch(/Give the palette at least 5 colours\.$/);
    // The suggested size is enough.
    const five = { palette: [...theme.palette, '#984ea3', '#ff7f00'] };
    const again = buildReport(input, five);
    expect(
      paletteWarning(Object.fromEntries(again.charts.map((c) => [c.name, c.spec])), five),
    ).toBeNull();
    const plain = buildReport(input);
    expect(
      paletteWarning(Object.fromEntries(plain.charts.map((c) => [c.name, c.spec])), {}),
    ).toBeNull();
  });

  it('tells a single chart once, through the warn callback', () => {
    const messages: string[] = [];
    chartSpec(input, 'tug-of-war', { palette: ['#e41a1c', '#377eb8'] }, (m) => messages.push(m));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('tug-of-war (');
    chartSpec(input, 'tug-of-war', {}, (m) => messages.push(m));
    expect(messages).toHaveLength(1);
  });
});
