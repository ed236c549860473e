// A theme whose palette has fewer colours than a chart's series: the CLI says so on stderr (the
// chart is still written), and says nothing for the default theme.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, SCENARIOS, tempDir } from './cli.ts';

const UPDATE = join(SCENARIOS, 'april-2025-update.yaml');

describe('a palette too short for the chart', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = tempDir();
    writeFileSync(join(tmp, 'short.json'), '{"palette":["#e41a1c","#377eb8","#4daf4a"]}');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is told on stderr, once, with the series that share a colour', () => {
    const out = join(tmp, 'tug.vl.json');
    const r = cli([
      'chart',
      'tug-of-war',
      UPDATE,
      '--out',
      out,
      '--theme',
      join(tmp, 'short.json'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    expect(r.stderr.match(/^warning: /gm)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^warning: the theme's palette has 3 colours, .*tug-of-war \(thumbs and memory\).*at least 5 colours\.$/m,
    );
  });
});
