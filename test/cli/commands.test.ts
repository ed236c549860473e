// The commands end to end through `node bin/rewardmix.mjs`: files written and their formats,
// --json, atomic replacement, inspect/run agreement with the exact trainer to 1e-9, validate,
// compare, explain, deploy and every command's --help.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/run.ts';
import { worldFromTables, type WorldTables } from '../../src/engine/world.ts';
import { BASELINE, ROOT, UPDATE, extendsBaseline, rewardmix, tempDir } from './helpers.ts';
import { referenceRun } from '../helpers/reference.ts';

const LINEAR = join(ROOT, 'scenarios/linear-generalization.yaml');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const OPTS = { timeout: 180_000 };

describe.concurrent('rewardmix run', OPTS, () => {
  it('writes summary.json, metrics.jsonl and trajectory.csv; --json prints the summary', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    const r = await rewardmix(['run', UPDATE, '--steps', '40', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['metrics.jsonl', 'summary.json', 'trajectory.csv']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(summary);

    // final metrics keyed by the MODEL.md names
    for (const k of [
      'eval/sycophancy',
      'eval/accuracy',
      'ab/thumbs_up',
      'reward/mixed',
      'objective/kl',
      'rewards/thumbs/mean',
      'pressure/spec',
    ])
      expect(typeof summary.metrics[k]).toBe('number');
    // the final policy: situations × styles, rows are distributions
    expect(summary.situations).toHaveLength(12);
    expect(summary.styles).toEqual(['candid', 'tactful', 'hedge', 'agree', 'flatter', 'amplify']);
    expect(summary.finalPolicy).toHaveLength(12);
    for (const row of summary.finalPolicy) {
      expect(row).toHaveLength(6);
      expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    }
    // provenance
    const texts = [UPDATE, BASELINE].map((f) => readFileSync(f));
    const hash = createHash('sha256');
    for (const t of texts) hash.update(t);
    expect(summary.provenance.rewardmix).toBe(VERSION);
    expect(summary.provenance.scenario).toBe('scenarios/april-2025-update.yaml');
    expect(summary.provenance.hash).toBe(hash.digest('hex'));
    expect(summary.provenance.seed).toBe(1);
    expect(summary.seed).toBe(1);
    expect(summary.steps).toBe(40);
    expect(summary.provenance.parameters.trainer.steps).toBe(40);
    expect(summary.provenance.parameters.mix.weights.thumbs).toBe(2.5);

    // metrics.jsonl: long format, every recorded step × every key
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const keys = Object.keys(summary.metrics);
    const steps = [...new Set(rows.map((x) => x.step))];
    expect(steps).toEqual(Array.from({ length: 41 }, (_, i) => i));
    expect(rows).toHaveLength(41 * keys.length);
    expect(Object.keys(rows[0])).toEqual(['step', 'key', 'value']);
    const last = rows.filter((x) => x.step === 40);
    for (const x of last) expect(x.value).toBe(summary.metrics[x.key]);

    // trajectory.csv: wide, one row per recorded step
    const csv = readFileSync(join(out, 'trajectory.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',')).toEqual(['step', ...keys]);
    expect(csv).toHaveLength(42);
    const lastRow = csv[41].split(',').map(Number);
    expect(lastRow[0]).toBe(40);
    expect(lastRow[keys.indexOf('eval/sycophancy') + 1]).toBe(summary.metrics['eval/sycophancy']);
  });

  it('prints the final metrics as text; --quiet leaves stderr empty; piped output has no progress bar', async () => {
    const dir = tempDir();
    const [loud, quiet] = await Promise.all([
      rewardmix(['run', BASELINE, '--steps', '5', '--out', join(dir, 'a')]),
      rewardmix(['run', BASELINE, '--steps', '5', '--out', join(dir, 'b'), '--quiet']),
    ]);
    expect(loud.code).toBe(0);
    expect(loud.stdout).toContain('baseline: 5 exact steps, seed 1');
    expect(loud.stdout).toMatch(/eval\/sycophancy\s+0\.02\d\d/);
    expect(loud.stderr).toContain('wrote ');
    expect(loud.stderr).not.toMatch(/\u001b\[|█|░/);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(loud.stdout);
  });

  it('defaults the output directory to runs/<scenario name>-<seed> under the working directory', async () => {
    const dir = tempDir();
    const r = await rewardmix(['run', BASELINE, '--seed', '9', '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'runs'))).toEqual(['baseline-9']);
    const summary = JSON.parse(readFileSync(join(dir, 'runs/baseline-9/summary.json'), 'utf8'));
    expect(summary.seed).toBe(9);
    // With an override (--steps, --set, --trainer), a directory of its own beside it.
    const w = await rewardmix(['run', BASELINE, '--steps', '3', '--seed', '9', '--quiet'], dir);
    expect(w.code, w.stderr).toBe(0);
    const dirs = readdirSync(join(dir, 'runs')).sort();
    expect(dirs).toHaveLength(2);
    expect(dirs[0]).toBe('baseline-9');
    expect(dirs[1]).toMatch(/^baseline-9-[0-9a-f]{6}$/);
  });

  it('replaces an earlier run directory whole, leaving no temporary directory behind', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    const first = await rewardmix(['run', BASELINE, '--steps', '3', '--out', out, '--quiet']);
    expect(first.code).toBe(0);
    const second = await rewardmix([
      'run',
      BASELINE,
      '--steps',
      '4',
      '--set',
      'beta=0.2',
      '--out',
      out,
      '--quiet',
    ]);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.steps).toBe(4);
    expect(summary.provenance.parameters.beta).toBe(0.2);
    expect(summary.provenance.sets).toEqual(['beta=0.2']);
    expect(readdirSync(dir)).toEqual(['run']);
  });

  it('the sampled trainers run through the same command', async () => {
    const dir = tempDir();
    const r = await rewardmix([
      'run',
      UPDATE,
      '--trainer',
      'reinforce',
      '--steps',
      '5',
      '--set',
      'trainer.batchSize=16',
      '--out',
      join(dir, 'r'),
      '--json',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.trainer).toBe('reinforce');
    expect(s.steps).toBe(5);
  });
});

describe.concurrent('rewardmix inspect', OPTS, () => {
  // MODEL.md: with weights fixed, `inspect --json` (the compiled tables, the start) and
  // `run --json` (the final policy) agree with the exact trainer's definition to 1e-9: an
  // independent implementation of it, run on the inspected tables, ends where the run ended.
  for (const [name, file, sets] of [
    ['april-2025-update (tabular, natural)', UPDATE, []],
    [
      'april-2025-update (tabular, gradient)',
      UPDATE,
      ['--set', 'trainer.update=gradient', '--set', 'trainer.learningRate=40'],
    ],
    ['linear-generalization (linear, natural)', LINEAR, []],
  ] as [string, string, string[]][]) {
    it(`inspect --json and run --json agree to 1e-9: ${name}`, async () => {
      const dir = tempDir();
      const [ins, run] = await Promise.all([
        rewardmix(['inspect', file, ...sets, '--json']),
        rewardmix(['run', file, ...sets, '--json', '--quiet', '--out', join(dir, 'run')]),
      ]);
      expect(ins.code, ins.stderr).toBe(0);
      expect(run.code, run.stderr).toBe(0);
      const tables = JSON.parse(ins.stdout) as WorldTables;
      for (const k of [
        'contexts',
        'actions',
        'features',
        'signals',
        'weights',
        'reward',
        'referencePolicy',
        'initialPolicy',
        'beta',
        'policy',
        'trainer',
        'optimum',
      ])
        expect(tables).toHaveProperty(k);
      expect('initialTheta' in tables).toBe(tables.policy.kind === 'linear');
      const summary = JSON.parse(run.stdout);
      const result = simulate(worldFromTables(tables));
      const A = tables.actions.length;
      // The run's final policy against an independent implementation of MODEL.md's exact
      // trainer run on the inspected tables (test/helpers/reference.ts: no engine code), and
      // against the engine on the same tables.
      const reference = referenceRun(tables);
      let maxDiff = 0;
      let maxEngine = 0;
      summary.finalPolicy.forEach((row: number[], c: number) =>
        row.forEach((p, a) => {
          maxDiff = Math.max(maxDiff, Math.abs(p - reference[c * A + a]));
          maxEngine = Math.max(maxEngine, Math.abs(p - result.finalPolicy[c * A + a]));
        }),
      );
      expect(maxDiff).toBeLessThan(1e-9);
      expect(maxEngine).toBeLessThan(1e-9);
      expect(
        Math.abs(result.final['eval/sycophancy'] - summary.metrics['eval/sycophancy']),
      ).toBeLessThan(1e-9);
    });
  }

  it('prints readable tables without --json', async () => {
    const r = await rewardmix(['inspect', UPDATE]);
    expect(r.code).toBe(0);
    for (const s of [
      'april-2025-update (scenarios/april-2025-update.yaml): 12 situations × 6 response styles',
      'Situations',
      'venting+memory',
      'Signals and effective weights',
      'Mixed reward R[c,a]',
      'Reference policy',
      'Initial policy',
      'KL-regularized optimum',
    ])
      expect(r.stdout).toContain(s);
    // thumbs: raw 2.5 of a sum of 7.1 → effective 0.3521
    expect(r.stdout).toMatch(/thumbs\s+2\.500\s+0\.3521\s+35\.2%/);
  });
});

describe.concurrent('rewardmix validate, compare, explain', OPTS, () => {
  it('validate: every shipped scenario is ok (exit 0)', async () => {
    const files = readdirSync(join(ROOT, 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `scenarios/${f}`);
    const r = await rewardmix(['validate', ...files]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(files.map((f) => `ok ${f}`));
  });

  it('compare: paired final metrics with b − a', async () => {
    const r = await rewardmix(['compare', BASELINE, UPDATE, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const x = JSON.parse(r.stdout);
    expect(x.seed).toBe(1);
    expect(x.a.scenario).toBe('baseline');
    expect(x.b.scenario).toBe('april-2025-update');
    const s = x.metrics['eval/sycophancy'];
    expect(s.a).toBeLessThan(0.1);
    expect(s.b).toBeGreaterThan(0.15);
    expect(s.difference).toBeCloseTo(s.b - s.a, 14);
    const text = await rewardmix(['compare', BASELINE, UPDATE]);
    expect(text.stdout).toMatch(/eval\/sycophancy\s+0\.0241\s+0\.1834\s+\+0\.1593/);
  });

  it('explain: shares, changes against the parent, step-0 pressure, data-driven warnings', async () => {
    const [text, json] = await Promise.all([
      rewardmix(['explain', UPDATE]),
      rewardmix(['explain', UPDATE, '--json']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    const x = JSON.parse(json.stdout);
    expect(x.parent.scenario).toBe('baseline');
    expect(x.changes).toEqual(
      expect.arrayContaining([
        { path: 'params.fresherShift', from: 0, to: 1 },
        { path: 'memory.share', from: 0, to: 0.55 },
        { path: 'mix.weights.thumbs', from: 0, to: 2.5 },
        { path: 'mix.weights.memory', from: 0, to: 1.6 },
      ]),
    );
    expect(x.changes).toHaveLength(4);
    const share = Object.fromEntries(x.shares.map((s: any) => [s.signal, s]));
    expect(share.spec.share).toBeCloseTo(2 / 7.1, 12);
    expect(share.spec.parentShare).toBeCloseTo(2 / 3, 12);
    expect(x.pressure['pressure/thumbs']).toBeGreaterThan(0);
    expect(x.pressure['pressure/spec']).toBeLessThan(0);
    // thumbs and memory together outweigh spec only where memory is on
    expect(x.warnings.join('\n')).toContain(
      'together thumbs and memory now outweigh spec and correctness in memory-on conversations',
    );
    expect(x.warnings.join('\n')).not.toContain('memory-off conversations');
    expect(x.warnings.join('\n')).toContain("spec's share of the mix fell from 66.7% to 28.2%");
    expect(text.stdout).toContain('mix.weights.thumbs: 0 → 2.5');
    expect(text.stdout).toContain('Pressure on eval/sycophancy at step 0');
  });

  it('explain: the warnings follow the data (a heavier thumbs weight; the baseline)', async () => {
    const dir = tempDir();
    const heavy = extendsBaseline(
      dir,
      'heavy.yaml',
      'memory: { share: 0.55 }\nmix: { weights: { thumbs: 8 } }',
    );
    const [h, b] = await Promise.all([
      rewardmix(['explain', heavy, '--json']),
      rewardmix(['explain', BASELINE, '--json']),
    ]);
    expect(h.code, h.stderr).toBe(0);
    const hw = JSON.parse(h.stdout).warnings.join('\n');
    expect(hw).toContain("thumbs' effective weight now exceeds spec's in memory-on conversations");
    expect(hw).not.toContain("exceeds spec's in memory-off conversations");
    const bx = JSON.parse(b.stdout);
    expect(bx.parent).toBeNull();
    expect(bx.warnings).toEqual([]);
  });
});

describe.concurrent('rewardmix deploy and --help', OPTS, () => {
  it('deploy --out writes deployment.json, hourly.csv and events.csv', async () => {
    const dir = tempDir();
    const out = join(dir, 'dep');
    const r = await rewardmix(['deploy', UPDATE, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['deployment.json', 'events.csv', 'hourly.csv']);
    const json = JSON.parse(readFileSync(join(out, 'deployment.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(json);
    expect(json.actual.process).toBe('2025-04');
    expect(json.counterfactual.process).toBe('revised');
    const hours = json.config.hours;
    const hourly = readFileSync(join(out, 'hourly.csv'), 'utf8').trim().split('\n');
    expect(hourly[0].split(',').slice(0, 4)).toEqual(['timeline', 'process', 'hour', 'share']);
    expect(hourly).toHaveLength(1 + 2 * hours);
    const events = readFileSync(join(out, 'events.csv'), 'utf8').trim().split('\n');
    expect(events[0]).toBe('timeline,process,hour,kind,label');
    expect(events.some((l) => l.startsWith('actual,2025-04,') && l.includes(',detection,'))).toBe(
      true,
    );
    expect(events.some((l) => l.startsWith('counterfactual,revised,0,blocked,'))).toBe(true);
    // without --out nothing is written
    const none = tempDir();
    const r2 = await rewardmix(['deploy', UPDATE], none);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain('Totals:');
    expect(existsSync(join(none, 'runs'))).toBe(false);
  });

  for (const cmd of ['run', 'inspect', 'validate', 'compare', 'explain', 'review', 'deploy'])
    it(`${cmd} --help shows usage and examples`, async () => {
      const r = await rewardmix([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: rewardmix ${cmd}`);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(`$ rewardmix ${cmd} `);
    });
});
