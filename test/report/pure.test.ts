// src/report is pure (results in, report structure and text out; types only from the engine), and
// its Markdown and HTML say the same thing: the same tables with the same numbers, text escaped.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatherReport } from '../../src/node/report.ts';
import {
  buildReport,
  count,
  fixed,
  inlineHtml,
  moved,
  percent,
  REPORT_CHARTS,
  reportHtmlBody,
  reportMarkdown,
  signed,
  type Report,
  type ReportInput,
} from '../../src/report/index.ts';
import { SCENARIOS } from './cli.ts';

const dir = join(import.meta.dirname, '../../src/report');

describe('src/report purity', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.ts')))(
    '%s imports only local modules, the chart builders and engine types',
    (f) => {
      const src = readFileSync(join(dir, f), 'utf8');
      const imports = [...src.matchAll(/^(import|export)\s+([^;]*?)\s+from\s+'([^']+)'/gms)];
      for (const [, , what, from] of imports) {
        if (from.startsWith('./') || from === '../charts/index.ts') continue;
        expect(`${what} from '${from}'`).toMatch(/^type\s/);
      }
      expect(src).not.toMatch(
        /\b(Math\.random|Date\.now|new Date|process\.|console\.|fetch\(|require\()/,
      );
    },
  );
});

describe('number formats', () => {
  it('writes numbers a reader can read back', () => {
    expect(fixed(0.18342)).toBe('0.183');
    expect(fixed(NaN)).toBe('—');
    expect(signed(0.1593, 3)).toBe('+0.159');
    expect(signed(-0.0009, 4)).toBe('-0.0009');
    expect(signed(-0.00001, 3)).toBe('0.000');
    expect(percent(2 / 3)).toBe('66.7%');
    expect(count(4060712.83)).toBe('4,060,713');
    expect(count(-1234)).toBe('-1,234');
    expect(moved(0.0241, 0.0242)).toBe('stayed');
    expect(moved(0.024, 0.183)).toBe('rose');
  });

  it('escapes HTML and keeps only code and bold', () => {
    expect(inlineHtml('a `<b>` **c** <script>')).toBe(
      'a <code>&lt;b&gt;</code> <strong>c</strong> &lt;script&gt;',
    );
    expect(inlineHtml('`**not bold**`')).toBe('<code>**not bold**</code>');
  });
});

describe('the report structure', () => {
  let input: ReportInput;
  let report: Report;
  beforeAll(() => {
    input = gatherReport(join(SCENARIOS, 'april-2025-update.yaml'));
    report = buildReport(input);
  }, 120_000);

  it('has the nine charts, each placed in a section once', () => {
    expect(report.charts.map((c) => c.name).sort()).toEqual([...REPORT_CHARTS].sort());
    const placed = report.sections.flatMap((s) =>
      s.blocks.filter((b) => b.kind === 'chart').map((b) => b.name),
    );
    expect(placed.sort()).toEqual([...REPORT_CHARTS].sort());
  });

  it('says the same in Markdown and HTML', () => {
    const md = reportMarkdown(report);
    const html = reportHtmlBody(report);
    for (const s of report.sections) {
      expect(md).toContain(`## ${s.title}`);
      expect(html).toContain(`<section id="${s.id}">`);
      for (const b of s.blocks) {
        if (b.kind !== 'table') continue;
        expect(html).toContain(`<table id="table-${b.id}">`);
        for (const row of b.rows) for (const cell of row) expect(html).toContain(inlineHtml(cell));
      }
    }
    for (const name of REPORT_CHARTS) {
      expect(md).toContain(`(charts/${name}.png)`);
      expect(html).toContain(`<div id="chart-${name}"`);
    }
  });

  it('escapes names that would break a table or the page', () => {
    const odd: ReportInput = {
      ...input,
      candidate: { ...input.candidate, name: 'a|b <i>' },
    };
    const r = buildReport(odd);
    const md = reportMarkdown(r);
    expect(md).toContain('a\\|b <i>');
    expect(md).not.toMatch(/\| `a\|b/);
    expect(reportHtmlBody(r)).not.toContain('<i>');
  });

  it('is deterministic', () => {
    expect(reportMarkdown(buildReport(input))).toBe(reportMarkdown(report));
  });
});
