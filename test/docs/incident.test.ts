// docs/incident.md quotes the model's numbers only inside generated blocks; this fails when the
// code no longer produces them (fix: npx tsx scripts/incident-figures.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, fillBlocks, incidentBlocks } from '../../scripts/incident-figures.ts';

describe('docs/incident.md', () => {
  const doc = readFileSync(DOC, 'utf8');

  it('carries the figures the code produces', () => {
    const blocks = incidentBlocks();
    expect(Object.keys(blocks).length).toBeGreaterThan(0);
    for (const [name, text] of Object.entries(blocks)) {
      expect(text.trim(), name).not.toBe('');
      expect(doc).toContain(
        `<!-- BEGIN generated:${name} -->\n${text}\n<!-- END generated:${name} -->`,
      );
    }
    expect(fillBlocks(doc, blocks)).toBe(doc);
  });

  it('names a block the page lacks', () => {
    expect(() => fillBlocks('no blocks here', { mix: 'x' })).toThrow(/no generated block "mix"/);
  });
});
