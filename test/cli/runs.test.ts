// src/node/runs.ts in process: output directories (atomic, never over something else), CSV,
// summaries, the review/deployment section checks, flags, and the async run driver.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REVIEW_DEFAULTS } from '../../src/engine/review.ts';
import { DEPLOYMENT_DEFAULTS } from '../../src/engine/deployment.ts';
import { loadScenario } from '../../src/node/load.ts';
import {
  checkOutputDir,
  defaultRunDir,
  loadForRun,
  metricsJsonl,
  parentScenario,
  parseCount,
  parseSeed,
  resolveDeployment,
  resolveReview,
  runLoaded,
  runLoadedAsync,
  summaryOf,
  toCsv,
  trajectoryCsv,
  writeOutputDir,
} from '../../src/node/runs.ts';
import { InputError } from '../../src/scenario/errors.ts';
import { BASELINE, UPDATE, extendsBaseline, rewardmix, tempDir } from './helpers.ts';

describe('writeOutputDir', () => {
  it('creates the directory with its files (parents included)', () => {
    const dir = tempDir();
    const out = join(dir, 'a/b/run');
    writeOutputDir(out, { 'summary.json': '{}', 'sub/x.csv': 'a\n' });
    expect(readdirSync(out).sort()).toEqual(['sub', 'summary.json']);
    expect(readFileSync(join(out, 'sub/x.csv'), 'utf8')).toBe('a\n');
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['run']);
  });

  it('replaces a previous output whole (old files do not survive)', () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    writeOutputDir(out, { 'summary.json': '1', 'old.txt': 'x' });
    writeOutputDir(out, { 'summary.json': '2' });
    expect(readdirSync(out)).toEqual(['summary.json']);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('2');
    expect(readdirSync(dir)).toEqual(['run']);
  });

  it('refuses a file and a directory that is not a previous output', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => writeOutputDir(join(dir, 'file'), { 'summary.json': '' })).toThrow(
      /output path is a file/,
    );
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine/notes'), 'x');
    expect(() => writeOutputDir(join(dir, 'mine'), { 'summary.json': '' })).toThrow(InputError);
    expect(readdirSync(join(dir, 'mine'))).toEqual(['notes']);
    // an empty directory is fine; so is another marker
    mkdirSync(join(dir, 'empty'));
    expect(() => checkOutputDir(join(dir, 'empty'))).not.toThrow();
    expect(() => checkOutputDir(join(dir, 'mine'), 'notes')).not.toThrow();
  });

  it('leaves the previous output and no temporary directory when a write fails', () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    writeOutputDir(out, { 'summary.json': 'old' });
    expect(() => writeOutputDir(out, { 'summary.json': 'new', 'bad\0name': 'x' })).toThrow();
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['run']);
  });
});

describe('files of a run', () => {
  const loaded = loadForRun(UPDATE, { steps: 6 });
  const result = runLoaded(loaded);

  it('toCsv quotes what needs quoting and writes numbers at full precision', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: 0.1 + 0.2, d: null, e: NaN }])).toBe(
      'a,b,c,d,e\n"x,y","say ""hi""",0.30000000000000004,,\n',
    );
    expect(toCsv([], ['step'])).toBe('step\n');
  });

  it('trajectory.csv and metrics.jsonl hold the same numbers', () => {
    const csv = trajectoryCsv(result).trim().split('\n');
    const header = csv[0].split(',');
    const jsonl = metricsJsonl(result)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(csv).toHaveLength(1 + result.trajectory.steps.length);
    for (const row of jsonl) {
      const line = csv[1 + result.trajectory.steps.indexOf(row.step)].split(',');
      expect(Number(line[header.indexOf(row.key)])).toBe(row.value);
    }
  });

  it('summaryOf: final metrics, policy rows in inspect order, provenance', () => {
    const s = summaryOf(loaded, result, ['a=1']);
    expect(s.metrics).toEqual(result.final);
    expect(s.situations).toEqual(loaded.world.contexts.map((c) => c.id));
    expect(s.finalPolicy[3][2]).toBe(result.finalPolicy[3 * 6 + 2]);
    expect(s.provenance.hash).toBe(loaded.hash);
    expect(s.provenance.sets).toEqual(['a=1']);
    expect(s.provenance.parameters).toBe(loaded.scenario);
  });

  it('defaultRunDir: runs/<name>-<seed>, and a what-if run (overrides) gets a directory of its own', () => {
    expect(defaultRunDir(loaded, 3)).toBe(join('runs', 'april-2025-update-3'));
    const a = defaultRunDir(loaded, 3, ['mix.weights.spec=4']);
    expect(a).toMatch(/^runs[/\\]april-2025-update-3-[0-9a-f]{6}$/);
    expect(defaultRunDir(loaded, 3, ['mix.weights.spec=4'])).toBe(a);
    expect(defaultRunDir(loaded, 3, ['mix.weights.spec=5'])).not.toBe(a);
    expect(defaultRunDir(loaded, 3, ['--steps 20'])).not.toBe(a);
  });

  it('a report from a what-if run directory names its overrides', async () => {
    const cwd = tempDir();
    const run = await rewardmix(
      ['run', UPDATE, '--set', 'mix.weights.spec=4', '--steps', '20', '--quiet'],
      cwd,
    );
    expect(run.code, run.stderr).toBe(0);
    const dirs = readdirSync(join(cwd, 'runs'));
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(/^april-2025-update-1-[0-9a-f]{6}$/);
    const report = await rewardmix(['report', join('runs', dirs[0]), '--out', 'rep'], cwd);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('april-2025-update (mix.weights.spec=4) against baseline');
    expect(readFileSync(join(cwd, 'rep', 'report.md'), 'utf8')).toContain(
      'april-2025-update (mix.weights.spec=4)',
    );
  }, 120_000);

  it('runLoadedAsync gives the same result as runLoaded and reports progress to the end', async () => {
    const seen: [number, number][] = [];
    const r = await runLoadedAsync(loaded, { onProgress: (d, t) => seen.push([d, t]) });
    expect(Array.from(r.finalPolicy)).toEqual(Array.from(result.finalPolicy));
    expect(seen.at(-1)).toEqual([6, 6]);
  });

  it('parentScenario follows extends', () => {
    expect(parentScenario(UPDATE)).toBe(BASELINE);
    expect(parentScenario(BASELINE)).toBeNull();
  });
});

describe('review: and deployment: sections', () => {
  it('defaults when absent; the shipped baseline overrides a few fields', () => {
    const dir = tempDir();
    const bare = loadScenario(extendsBaseline(dir, 'bare.yaml', 'review: null\ndeployment: null'));
    expect(resolveReview(bare)).toEqual(REVIEW_DEFAULTS);
    expect(resolveDeployment(bare)).toEqual(DEPLOYMENT_DEFAULTS);
    const base = loadScenario(BASELINE);
    expect(resolveReview(base).ab.usersPerArm).toBe(200_000);
    expect(resolveDeployment(base).detection).toEqual({ windowHours: 72, factor: 6 });
  });

  it('errors name review.<field> / deployment.<field>', () => {
    const dir = tempDir();
    const bad = (body: string) => () => loadForRun(extendsBaseline(dir, 'x.yaml', body));
    expect(bad('review: { ab: { usersPerArm: 0 } }')).toThrow(
      /review\.ab\.usersPerArm: expected a positive integer, got 0/,
    );
    expect(bad('review: { offline: [ { metric: correct } ] }')).toThrow(
      /review\.offline\[0\]\.name: missing required field/,
    );
    expect(bad('review: { vibe: { where: [task, nowhere] } }')).toThrow(
      /review\.vibe\.where: no situation "nowhere"/,
    );
    expect(bad('review: { behaviour: [ { name: s, scale: log } ] }')).toThrow(
      /review\.behaviour\[0\]\.scale: found "log", expected auto, unit or signed/,
    );
    expect(bad('review: { alpha: { enabled: yes please } }')).toThrow(
      /review\.alpha\.enabled: found the string "yes please", expected true or false/,
    );
    expect(bad('deployment: { patch: { shift: -1 } }')).toThrow(
      /deployment\.patch\.shift: expected a number ≥ 0, got -1/,
    );
    expect(bad('deployment: { rollout: { shares: [0.5, 2] } }')).toThrow(
      /deployment\.rollout\.shares\[1\]: expected a share in \[0, 1\], got 2/,
    );
    expect(bad('deployment: { hourz: 3 }')).toThrow(/did you mean "hours"/);
  });
});

describe('flags', () => {
  it('parseSeed and parseCount accept whole numbers in range and name the flag otherwise', () => {
    expect(parseSeed('42')).toBe(42);
    expect(() => parseSeed('1.5')).toThrow(/--seed: found "1.5"/);
    expect(() => parseSeed('')).toThrow(InputError);
    expect(parseCount('0', '--steps')).toBe(0);
    expect(() => parseCount('-1', '--steps')).toThrow(/--steps: found "-1"/);
    expect(() => parseCount('0', '--record-every', 1)).toThrow(/from 1/);
  });

  it('checkOutputDir creates nothing', () => {
    const dir = tempDir();
    checkOutputDir(join(dir, 'a/b/c'));
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });
});
