// The offline HTML page: the libraries inline, every chart embedded, nothing fetched.
import { describe, expect, it } from 'vitest';
import { CHART_NAMES, charts, type Spec } from '../../src/charts/index.ts';
import { htmlPage, vegaScripts } from '../../src/node/vega-bundle.ts';
import { chartInputs } from './fixtures.ts';

const inputs = chartInputs();
const pageCharts = CHART_NAMES.map((n) => ({
  id: `chart-${n}`,
  spec: (charts[n].build as (i: unknown) => Spec)(inputs[n]),
}));
const html = htmlPage({
  title: 'Baseline vs <update>',
  bodyHtml: '<h1>Report</h1>\n<p>Drift first:</p>\n<div id="chart-drift"></div>',
  charts: pageCharts,
});

describe('htmlPage', () => {
  it('references nothing over the network', () => {
    expect(html).not.toMatch(/src\s*=\s*["']?https?:/i);
    expect(html).not.toMatch(/href\s*=\s*["']?https?:/i);
    expect(html).not.toMatch(/sourceMappingURL/);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
  });

  it('inlines vega, vega-lite and vega-embed', () => {
    for (const lib of ['vega', 'vega-lite', 'vega-embed']) {
      expect(html).toContain(`<script data-lib="${lib}">`);
    }
    expect(vegaScripts().length).toBeGreaterThan(500_000);
    // Every script element closes where it should: no stray </script> inside the libraries.
    expect(html.match(/<script\b/g)!.length).toBe(html.match(/<\/script>/g)!.length);
    expect(html.match(/<script\b/g)!.length).toBe(5);
  });

  it('contains each chart id once as a container and embeds each spec with tooltips on', () => {
    for (const { id } of pageCharts) {
      expect(html.match(new RegExp(`<div id="${id}"></div>`, 'g'))).toHaveLength(1);
    }
    expect(html.indexOf('id="chart-drift"')).toBeLessThan(html.indexOf('id="chart-tug-of-war"'));
    const json = /<script type="application\/json" id="rewardmix-charts">([\s\S]*?)<\/script>/.exec(
      html,
    )![1];
    const embedded = JSON.parse(json);
    expect(embedded.map((c: { id: string }) => c.id)).toEqual(pageCharts.map((c) => c.id));
    expect(embedded[0].spec).toEqual(JSON.parse(JSON.stringify(pageCharts[0].spec)));
    expect(html).toContain('vegaEmbed(el, c.spec');
    expect(html).not.toMatch(/tooltip:\s*false/);
    expect(html).toContain('editor: false');
  });

  it('escapes the title and rejects bad or repeated ids', () => {
    expect(html).toContain('<title>Baseline vs &lt;update&gt;</title>');
    const spec = pageCharts[0].spec;
    expect(() => htmlPage({ title: 't', bodyHtml: '', charts: [{ id: 'a"b', spec }] })).toThrow(
      /chart id/,
    );
    expect(() =>
      htmlPage({
        title: 't',
        bodyHtml: '',
        charts: [
          { id: 'a', spec },
          { id: 'a', spec },
        ],
      }),
    ).toThrow(/twice/);
  });
});
