// Bad input through the CLI: every case exits 2 with one clear message naming the file (or the
// flag), the field and what was expected, prints no stack trace, and writes nothing: the --out
// directory must not exist afterwards.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASELINE, UPDATE, extendsBaseline, rewardmix, tempDir, writeIn } from './helpers.ts';

interface Case {
  name: string;
  /** Writes the scenario(s) into dir and returns the command line (without --out). */
  setup: (dir: string) => string[];
  /** Each must appear in stderr. */
  expect: (string | RegExp)[];
  /** Whether to pass --out DIR/out (default true for `run`). */
  out?: boolean;
}

const ext = (body: string) => (dir: string) => ['run', extendsBaseline(dir, 's.yaml', body)];

const cases: Case[] = [
  {
    name: 'malformed YAML',
    setup: (dir) => ['run', writeIn(dir, 's.yaml', `extends: ${BASELINE}\nmix: [1, 2\n`)],
    expect: ['s.yaml', 'malformed YAML at line', 'column'],
  },
  {
    name: 'malformed JSON',
    setup: (dir) => [
      'run',
      writeIn(dir, 's.json', `{"extends": ${JSON.stringify(BASELINE)}, "beta": `),
    ],
    expect: ['s.json', 'malformed JSON'],
  },
  {
    name: 'JSON that is not an object',
    setup: (dir) => ['run', writeIn(dir, 's.json', '[1, 2]')],
    expect: ['s.json', 'expected a JSON object at the top level'],
  },
  {
    name: 'unknown key, with a "did you mean" hint',
    setup: ext('mix: { wieghts: { spec: 1 } }'),
    expect: ['s.yaml', 'mix.wieghts', 'unknown field "wieghts"', 'did you mean "weights"'],
  },
  {
    name: 'unknown top-level key',
    setup: ext('trainr: { steps: 5 }'),
    expect: ['s.yaml', 'trainr', 'did you mean "trainer"'],
  },
  {
    name: 'wrong type (a string for a number)',
    setup: ext('beta: high'),
    expect: ['s.yaml', 'beta', 'found the string "high", expected a number'],
  },
  {
    name: 'wrong type (a fraction for a whole number)',
    setup: ext('trainer: { steps: 2.5 }'),
    expect: ['s.yaml', 'trainer.steps', 'expected a whole number'],
  },
  {
    name: 'negative weight',
    setup: ext('mix: { weights: { spec: -1 } }'),
    expect: ['s.yaml', 'mix.weights.spec', 'found -1, expected a number ≥ 0'],
  },
  {
    name: 'all-zero weights with normalize',
    setup: ext('mix: { normalize: true, weights: { correctness: 0, spec: 0 } }'),
    expect: ['s.yaml', 'mix.weights', 'all weights are 0 with normalize: true'],
  },
  {
    name: 'NaN (.nan)',
    setup: ext('beta: .nan'),
    expect: ['s.yaml', 'beta', 'found NaN, expected a finite number'],
  },
  {
    name: 'Infinity (.inf)',
    setup: ext('beta: .inf'),
    expect: ['s.yaml', 'beta', 'found Infinity, expected a finite number'],
  },
  {
    name: 'huge number (1e300)',
    setup: ext('mix: { weights: { spec: 1e300 } }'),
    expect: ['s.yaml', 'mix.weights.spec', 'found 1e+300', 'expected a number'],
  },
  {
    name: 'an expression that evaluates to Infinity',
    setup: ext('features: { sycophantic: "exp(1000)" }'),
    expect: ['s.yaml', 'features.sycophantic', 'expected a finite number'],
  },
  {
    name: 'probability outside [0, 1]: feedbackRate 1.5',
    setup: ext('users: { segments: [ { id: typical, feedbackRate: 1.5 } ] }'),
    expect: ['s.yaml', 'users.segments[0].feedbackRate', 'found 1.5', '≤ 1'],
  },
  {
    name: 'probability outside [0, 1]: memory.share 2',
    setup: ext('memory: { share: 2 }'),
    expect: ['s.yaml', 'memory.share', 'found 2', '≤ 1'],
  },
  {
    name: 'probability outside [0, 1]: review.vibe.blockShare 1.5',
    setup: ext('review: { vibe: { blockShare: 1.5 } }'),
    expect: ['s.yaml', 'review.vibe.blockShare', 'expected a number in [0, 1]', '1.5'],
  },
  {
    name: 'unknown signal name in mix.weights',
    setup: ext('mix: { weights: { thumbz: 1 } }'),
    expect: ['s.yaml', 'mix.weights.thumbz', 'unknown signal "thumbz"', 'did you mean "thumbs"'],
  },
  {
    name: 'unknown feature name in policy.features',
    setup: ext('policy: { kind: linear, features: [agreeable] }'),
    expect: ['s.yaml', 'policy.features[0]', 'unknown feature "agreeable"', 'features are'],
  },
  {
    name: 'unknown situation name in --set',
    setup: () => ['run', BASELINE, '--set', 'situations.nope.weight=1'],
    expect: ['--set', 'situations.nope', 'no list entry "nope"', 'expected an id: task'],
  },
  {
    name: 'unknown metric in a review suite',
    setup: ext('review: { offline: [ { name: math, metric: corect } ] }'),
    expect: [
      's.yaml',
      'review.offline[0].metric',
      'no feature or signal "corect"',
      'did you mean "correct"',
    ],
  },
  {
    name: 'unknown situation set in the deployment section',
    setup: ext('deployment: { where: everywhere }'),
    expect: ['s.yaml', 'deployment.where', 'no situation set "everywhere"'],
  },
  {
    name: 'unknown key in the review section, with a hint',
    setup: ext('review: { ab: { userPerArm: 10 } }'),
    expect: ['s.yaml', 'review.ab.userPerArm', 'did you mean "usersPerArm"'],
  },
  {
    name: 'wrong type in the deployment section',
    setup: ext('deployment: { rollout: { hours: "a day" } }'),
    expect: ['s.yaml', 'deployment.rollout.hours', 'found the string "a day", expected a number'],
  },
  {
    name: 'expression syntax error',
    setup: ext('features: { sycophantic: "probe * (agrees +" }'),
    expect: ['s.yaml', 'features.sycophantic', 'cannot parse expression'],
  },
  {
    name: 'expression with an unknown name',
    setup: ext('features: { sycophantic: "probe * agreess" }'),
    expect: ['s.yaml', 'features.sycophantic', 'agreess'],
  },
  ...['import', 'evaluate', 'parse', 'createUnit'].map((fn): Case => ({
    name: `expression calling the blocked function ${fn}`,
    setup: ext(`features: { x: '${fn}("1")' }`),
    expect: ['s.yaml', 'features.x', `function ${fn} is not allowed in expressions`],
  })),
  {
    name: 'circular extends',
    setup: (dir) => {
      writeIn(dir, 'b.yaml', 'extends: a.yaml\n');
      return ['run', writeIn(dir, 'a.yaml', 'extends: b.yaml\n')];
    },
    expect: ['a.yaml', 'circular extends', 'a.yaml → ', 'b.yaml → ', 'a.yaml'],
  },
  {
    name: 'missing extends',
    setup: (dir) => ['run', writeIn(dir, 'a.yaml', 'extends: nope.yaml\n')],
    expect: ['nope.yaml', 'cannot read the scenario file (extended by', 'a.yaml', 'no such file'],
  },
  {
    name: 'missing scenario file',
    setup: (dir) => ['run', join(dir, 'absent.yaml')],
    expect: ['absent.yaml', 'cannot read the scenario file', 'no such file'],
  },
  {
    name: '--set of an unknown path',
    setup: () => ['run', BASELINE, '--set', 'mix.wieghts.thumbs=1'],
    expect: ['--set', 'unknown path "mix.wieghts.thumbs"', 'did you mean "weights"'],
  },
  {
    name: '--set of a wrong type',
    setup: () => ['run', BASELINE, '--set', 'beta=abc'],
    expect: ['--set', 'beta', 'found "abc", expected a number'],
  },
  {
    name: '--set of a value out of bounds: the message names the setting, not only the file',
    setup: () => ['run', BASELINE, '--set', 'mix.weights.thumbs=-1'],
    expect: [
      'baseline.yaml: mix.weights.thumbs (from --set mix.weights.thumbs=-1): found -1, expected a number ≥ 0',
    ],
  },
  {
    name: '--set without =',
    setup: () => ['run', BASELINE, '--set', 'beta'],
    expect: ['--set', 'expected PATH=VALUE'],
  },
  {
    name: '--set out of bounds',
    setup: () => ['run', BASELINE, '--set', 'trainer.steps=-5'],
    expect: ['baseline.yaml', 'trainer.steps', 'found -5, expected a number ≥ 0'],
  },
  {
    name: '--seed that is not a whole number',
    setup: () => ['run', BASELINE, '--seed', 'abc'],
    expect: ['--seed', 'found "abc", expected a whole number'],
  },
  {
    name: '--steps that is negative',
    setup: () => ['run', BASELINE, '--steps', '-1'],
    expect: ['--steps', 'found "-1", expected a whole number'],
  },
  {
    name: 'unknown --trainer',
    setup: () => ['run', BASELINE, '--trainer', 'sgd'],
    expect: [
      /^rewardmix: option '--trainer <kind>' argument 'sgd' is invalid/,
      'exact, reinforce, ppo, grpo',
    ],
  },
  {
    name: 'unknown option',
    setup: () => ['run', BASELINE, '--sed', '3'],
    expect: [/^rewardmix: unknown option '--sed'\n/],
  },
];

describe.concurrent(
  'bad input: exit 2, a clear message, nothing written',
  { timeout: 180_000 },
  () => {
    for (const c of cases) {
      it(c.name, async () => {
        const dir = tempDir();
        const args = c.setup(dir);
        const out = join(dir, 'out');
        const r = await rewardmix([...args, '--out', out]);
        expect(r.code, r.stderr).toBe(2);
        for (const e of c.expect)
          if (typeof e === 'string') expect(r.stderr).toContain(e);
          else expect(r.stderr).toMatch(e);
        expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
        expect(r.stderr).not.toContain('internal error');
        expect(r.stdout).toBe('');
        expect(existsSync(out)).toBe(false);
        // nothing else appeared next to the scenario either (no temp dirs left behind)
        expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
      });
    }

    it('an output path that is a file: exit 2, the file untouched', async () => {
      const dir = tempDir();
      const file = writeIn(dir, 'taken', 'keep me');
      const r = await rewardmix(['run', BASELINE, '--steps', '2', '--out', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('taken');
      expect(r.stderr).toContain('output path is a file');
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(readdirSync(dir)).toEqual(['taken']);
    });

    it('an output path below a file: exit 2', async () => {
      const dir = tempDir();
      writeIn(dir, 'taken', 'keep me');
      const r = await rewardmix(['run', BASELINE, '--steps', '2', '--out', join(dir, 'taken/run')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is a file');
      expect(readdirSync(dir)).toEqual(['taken']);
    });

    it('an existing directory that is not a run directory is not replaced', async () => {
      const dir = tempDir();
      const out = join(dir, 'mine');
      mkdirSync(out);
      writeFileSync(join(out, 'notes.txt'), 'precious');
      const r = await rewardmix(['run', BASELINE, '--steps', '2', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('not a previous rewardmix output');
      expect(readdirSync(out)).toEqual(['notes.txt']);
    });

    it('deploy --out onto a file: exit 2 before any work', async () => {
      const dir = tempDir();
      const file = writeIn(dir, 'taken', 'keep me');
      const r = await rewardmix(['deploy', BASELINE, '--out', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('output path is a file');
      expect(r.stdout).toBe('');
    });

    it('deploy with the same process in force and as the counterfactual: exit 2, names the others', async () => {
      const r = await rewardmix([
        'deploy',
        UPDATE,
        '--process',
        'revised',
        '--counterfactual',
        'revised',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'rewardmix: --counterfactual: is the process in force (revised); give another process to compare with (2025-04)\n',
      );
      expect(r.stdout).toBe('');
    });

    it('validate reports every invalid file and exits 2', async () => {
      const dir = tempDir();
      const a = extendsBaseline(dir, 'a.yaml', 'beta: .nan');
      const b = extendsBaseline(dir, 'b.yaml', 'mix: { weights: { thumbz: 1 } }');
      const r = await rewardmix(['validate', BASELINE, a, b]);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('ok ');
      expect(r.stdout).toContain('baseline.yaml');
      expect(r.stderr).toContain('a.yaml: beta: found NaN');
      expect(r.stderr).toContain('b.yaml: mix.weights.thumbz: unknown signal');
      expect(r.stderr).toContain('2 of 3 scenario files invalid');
    });

    it('validate lists every format problem of one file at once', async () => {
      const dir = tempDir();
      const a = extendsBaseline(dir, 'a.yaml', 'beta: -1\nseed: 1.5\nmix: { normalise: true }');
      const r = await rewardmix(['validate', a]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('3 problems');
      expect(r.stderr).toContain('beta');
      expect(r.stderr).toContain('seed');
      expect(r.stderr).toContain('did you mean "normalize"');
    });

    it('review and deploy reject a bad --control and a bad --process', async () => {
      const dir = tempDir();
      const [ctrl, proc] = await Promise.all([
        rewardmix(['review', BASELINE, '--control', join(dir, 'none.yaml')]),
        rewardmix(['review', BASELINE, '--process', '2024-01']),
      ]);
      expect(ctrl.code).toBe(2);
      expect(ctrl.stderr).toContain('none.yaml: cannot read the scenario file');
      expect(proc.code).toBe(2);
      expect(proc.stderr).toContain('2025-04, revised');
    });
  },
);
