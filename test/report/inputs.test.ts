// Bad input to `rewardmix report` (exit 2, a message naming the file and field, nothing left
// behind), atomic replacement of an earlier report, themes that do apply, reports without a
// comparison, and how "each change alone" is found next to a scenario.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesAlone, checkTheme, gatherReport, writeReport } from '../../src/node/report.ts';
import { cli, entries, SCENARIOS, tempDir } from './cli.ts';

const UPDATE = join(SCENARIOS, 'april-2025-update.yaml');
const BASELINE = join(SCENARIOS, 'baseline.yaml');

describe('report input checks', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a bad theme exits 2 naming the fields and leaves nothing', () => {
    const dir = join(tmp, 'bad-theme');
    mkdirSync(dir);
    const theme = join(dir, 'theme.json');
    writeFileSync(theme, JSON.stringify({ fontSize: 'big', palete: 'grayscale', width: 50 }));
    const out = join(dir, 'report');
    const r = cli(['report', UPDATE, '--theme', theme, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('theme.json');
    expect(r.stderr).toMatch(/fontSize: found "big", expected a number/);
    expect(r.stderr).toMatch(/palete: unknown field \(did you mean "palette"\?\)/);
    expect(r.stderr).toMatch(/width: found 50, expected a whole number/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(entries(dir)).toEqual(['theme.json']);
  }, 180_000);

  it('malformed and missing theme files are bad input too', () => {
    const dir = join(tmp, 'theme-files');
    mkdirSync(dir);
    writeFileSync(join(dir, 'broken.json'), '{"fontSize": 12,');
    const out = join(dir, 'report');
    const broken = cli([
      'chart',
      'drift',
      UPDATE,
      '--theme',
      join(dir, 'broken.json'),
      '--out',
      join(dir, 'x.svg'),
    ]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json: malformed JSON/);
    const missing = cli(['report', UPDATE, '--theme', join(dir, 'nope.yaml'), '--out', out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read the theme file: no such file/);
    expect(entries(dir)).toEqual(['broken.json']);
  }, 180_000);

  it('checks every theme field', () => {
    expect(checkTheme({ palette: ['#000', 'rgb(1, 2, 3)'], title: false }, 't')).toEqual({
      palette: ['#000', 'rgb(1, 2, 3)'],
      title: false,
    });
    expect(() => checkTheme({ sequentialScheme: 'blu' }, 't')).toThrow(/did you mean "blues"/);
    expect(() => checkTheme({ palette: ['#000', 'not a colour!'] }, 't')).toThrow(/palette/);
    expect(() => checkTheme({ dashes: 'yes' }, 't')).toThrow(/dashes: found "yes"/);
    expect(() => checkTheme([1, 2], 't')).toThrow(/expected an object/);
  });

  it('a YAML theme restyles every chart', () => {
    const theme = join(tmp, 'print.yaml');
    writeFileSync(theme, 'palette: grayscale\nfontSize: 15\ntitle: false\n');
    const out = join(tmp, 'themed');
    const r = cli(['report', BASELINE, '--theme', theme, '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`${out}/index.html`);
    for (const name of ['drift', 'launch-review', 'policy-heatmap']) {
      const spec = JSON.parse(readFileSync(join(out, 'charts', `${name}.vl.json`), 'utf8'));
      expect(spec.config.axis.labelFontSize).toBe(15);
      expect(spec.title).toBeUndefined();
    }
  }, 180_000);

  it('a report without a comparison reviews the run against its own start', () => {
    const out = join(tmp, 'themed');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# rewardmix report: baseline\n/);
    expect(md).toContain('`eval/sycophancy` stayed at 0.024 from step 0 to step 300');
    expect(md).toContain('| metric | step 0 | step 300 | change |');
    expect(md).toContain('The `revised` review: **SHIP**');
  });

  it('refuses an output folder that is not an earlier report, and a file', () => {
    const dir = join(tmp, 'precious');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const r = cli(['report', UPDATE, '--out', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a previous rewardmix output/);
    expect(entries(dir)).toEqual(['notes.txt']);
    const f = cli(['report', UPDATE, '--out', join(dir, 'notes.txt')]);
    expect(f.status).toBe(2);
    expect(f.stderr).toMatch(/output path is a file/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  }, 180_000);

  it('replaces an earlier report whole; a failing run leaves the earlier one as it was', async () => {
    const parent = join(tmp, 'replace');
    const out = join(parent, 'r');
    await writeReport(BASELINE, out, { changes: false });
    const first = readFileSync(join(out, 'report.md'), 'utf8');
    await expect(writeReport(UPDATE, out, { vs: join(tmp, 'missing.yaml') })).rejects.toThrow(
      /missing\.yaml: cannot read the scenario file/,
    );
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe(first);
    expect(entries(parent)).toEqual(['r']);
    await writeReport(UPDATE, out, { changes: false });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /april-2025-update against baseline/,
    );
    expect(entries(parent)).toEqual(['r']);
  }, 180_000);

  it('a --vs with other situations exits 2 and writes nothing', () => {
    const dir = join(tmp, 'shape');
    mkdirSync(dir);
    // The baseline without its "risky" situation.
    const text = readFileSync(BASELINE, 'utf8').replace(/ {2}- id: risky\n( {4}.*\n)+/, '');
    expect(text).not.toContain('id: risky');
    writeFileSync(join(dir, 'fewer.yaml'), text.replace('name: baseline', 'name: fewer'));
    const out = join(dir, 'report');
    const r = cli(['report', UPDATE, '--vs', join(dir, 'fewer.yaml'), '--out', out]);
    expect(r.stderr).toMatch(
      /fewer\.yaml: the comparison must have the same situations and response styles/,
    );
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(entries(dir)).toEqual(['fewer.yaml']);
  }, 180_000);

  it('finds each change alone: *-only siblings that extend the comparison', () => {
    const dir = join(tmp, 'changes');
    mkdirSync(dir);
    copyFileSync(BASELINE, join(dir, 'parent.yaml'));
    const child = (name: string, parent: string, body: string) =>
      writeFileSync(join(dir, `${name}.yaml`), `extends: ${parent}\nname: ${name}\n${body}`);
    child(
      'both',
      'parent.yaml',
      'mix:\n  weights: { thumbs: 2.5, memory: 1.6 }\nmemory: { share: 0.5 }\n',
    );
    child('b-only', 'parent.yaml', 'mix:\n  weights: { thumbs: 2.5 }\n');
    child('a-only', 'parent.yaml', 'mix:\n  weights: { memory: 1.6 }\nmemory: { share: 0.5 }\n');
    child('nested-only', 'both.yaml', 'mix:\n  weights: { thumbs: 1 }\n'); // extends the candidate
    writeFileSync(join(dir, 'broken-only.yaml'), 'extends: [oops');
    expect(changesAlone(join(dir, 'both.yaml'), join(dir, 'parent.yaml'))).toEqual([
      join(dir, 'a-only.yaml'),
      join(dir, 'b-only.yaml'),
    ]);
    const input = gatherReport(join(dir, 'both.yaml'));
    expect(input.comparison?.name).toBe('baseline');
    expect(input.changes.map((c) => c.name)).toEqual(['a-only', 'b-only']);
    expect(gatherReport(join(dir, 'both.yaml'), { changes: false }).changes).toEqual([]);
    expect(gatherReport(join(dir, 'both.yaml'), { vs: null }).comparison).toBeNull();
    // The shipped scenarios: the three changes of the April update, in the story's order.
    expect(changesAlone(UPDATE, BASELINE).map((p) => p.slice(SCENARIOS.length + 1))).toEqual([
      'thumbs-only.yaml',
      'memory-only.yaml',
      'fresher-data-only.yaml',
    ]);
    // A candidate that is itself one change alone has no parts to list (memory-only is not part
    // of thumbs-only, and thumbs-only is not "all of them together").
    expect(changesAlone(join(dir, 'b-only.yaml'), join(dir, 'parent.yaml'))).toEqual([]);
    expect(changesAlone(join(SCENARIOS, 'thumbs-only.yaml'), BASELINE)).toEqual([]);
  });
});
