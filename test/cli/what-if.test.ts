// The what-if commands at the CLI: bad --vary, --shard, --subject-to (and friends) exit 2 with
// one clear message naming the flag and what was expected, no stack trace, nothing written;
// every command's --help has examples; tipping, tune and pareto print their answers.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSubjectTo } from '../../src/cli/what-if-args.ts';
import { rewardmix, ROOT, tempDir, UPDATE } from './helpers.ts';

const FAST = ['--set', 'start.steps=200', '--set', 'trainer.steps=20'];
/** A 5-run sweep of the thumbs weight into `out`, with `more` arguments. */
const sweep5 = (out: string, ...more: string[]) => [
  'sweep',
  UPDATE,
  '--vary',
  'mix.weights.thumbs=0:4:5',
  ...more,
  '--out',
  out,
];

const bad: { name: string; args: (out: string) => string[]; expect: (string | RegExp)[] }[] = [
  {
    name: '--vary without =',
    args: (o) => ['sweep', UPDATE, '--vary', 'mix.weights.thumbs', '--out', o],
    expect: ['--vary', 'found "mix.weights.thumbs", expected PATH=FROM:TO:N'],
  },
  {
    name: '--vary with a non-number',
    args: (o) => ['sweep', UPDATE, '--vary', 'mix.weights.thumbs=0:lots:5', '--out', o],
    expect: ['--vary', 'mix.weights.thumbs: FROM and TO must be numbers', '"lots"'],
  },
  {
    name: '--vary with N = 0',
    args: (o) => ['sweep', UPDATE, '--vary', 'mix.weights.thumbs=0:4:0', '--out', o],
    expect: ['--vary', 'N must be an integer ≥ 1, found "0"'],
  },
  {
    name: '--vary with FROM > TO',
    args: (o) => ['sweep', UPDATE, '--vary', 'mix.weights.thumbs=4:0:5', '--out', o],
    expect: ['--vary', 'FROM (4) must not exceed TO (0)'],
  },
  {
    name: '--vary with a grid but no N',
    args: (o) => ['sweep', UPDATE, '--vary', 'mix.weights.thumbs=0:4', '--out', o],
    expect: ['--vary', 'expected PATH=FROM:TO:N'],
  },
  {
    name: '--vary of an unknown path',
    args: (o) => ['sweep', UPDATE, '--vary', 'mix.wieghts.thumbs=0:4:5', '--out', o],
    expect: ['--vary', 'unknown path "mix.wieghts.thumbs"', 'did you mean "weights"'],
  },
  {
    name: '--vary out of the field’s bounds',
    args: (o) => ['sweep', UPDATE, '--vary', 'mix.weights.thumbs=-1:4:5', '--out', o],
    expect: ['--vary', 'mix.weights.thumbs=-1', 'mix.weights.thumbs'],
  },
  {
    name: '--vary past a declared param’s max (at planning, no sweep directory left)',
    args: (o) => ['sweep', UPDATE, ...FAST, '--vary', 'params.approvalBias=0:5:3', '--out', o],
    expect: ['--vary', 'params.approvalBias=5', 'found 5, expected ≤ 3'],
  },
  {
    name: '--vary with fractional inner levels of a whole-number field, and a count that fits',
    args: (o) => ['sweep', UPDATE, ...FAST, '--vary', 'trainer.steps=10:100:5', '--out', o],
    expect: [
      '--vary',
      'trainer.steps=32.5',
      'expected a whole number',
      'use trainer.steps=10:100:4',
    ],
  },
  {
    name: '--shard 0/4',
    args: (o) => sweep5(o, '--shard', '0/4'),
    expect: ['--shard', 'found "0/4", expected i/n with integers 1 ≤ i ≤ n'],
  },
  {
    name: '--shard 5/4',
    args: (o) => sweep5(o, '--shard', '5/4'),
    expect: ['--shard', 'found "5/4"'],
  },
  {
    name: '--shard half',
    args: (o) => sweep5(o, '--shard', 'half'),
    expect: ['--shard', 'found "half"'],
  },
  {
    name: '--sample lhs without --n',
    args: (o) => [
      'sweep',
      UPDATE,
      '--sample',
      'lhs',
      '--vary',
      'mix.weights.thumbs=0:4',
      '--out',
      o,
    ],
    expect: ['--n', '--sample lhs needs --n N'],
  },
  {
    name: 'an unknown metric',
    args: (o) => sweep5(o, ...FAST, '--metrics', 'eval/sycophancyy'),
    expect: ['--metrics', 'unknown metric "eval/sycophancyy"', 'eval/sycophancy'],
  },
  {
    name: 'sweep --chart of a metric the sweep does not record (before any run)',
    args: (o) => sweep5(o, ...FAST, '--chart', 'objective/entropy=0.5'),
    expect: ['--chart', '"objective/entropy" is not among the sweep\'s metrics (eval/sycophancy'],
  },
  {
    name: '--subject-to without an operator',
    args: () => [
      'tune',
      UPDATE,
      '--maximize',
      'ab/thumbs_up',
      '--subject-to',
      'eval/sycophancy=0.05',
      '--vary',
      'mix.weights.thumbs=0:4',
    ],
    expect: ['--subject-to', 'found "eval/sycophancy=0.05", expected KEY<=X or KEY>=X'],
  },
  {
    name: '--subject-to with a non-number bound',
    args: () => [
      'tune',
      UPDATE,
      '--maximize',
      'ab/thumbs_up',
      '--subject-to',
      'eval/sycophancy<=low',
      '--vary',
      'mix.weights.thumbs=0:4',
    ],
    expect: ['--subject-to', 'the bound must be a number, found "low"'],
  },
  {
    name: '--subject-to on an unknown metric',
    args: () => [
      'tune',
      UPDATE,
      ...FAST,
      '--maximize',
      'ab/thumbs_up',
      '--subject-to',
      'eval/sycophanc<=0.05',
      '--vary',
      'mix.weights.thumbs=0:4',
    ],
    expect: ['--subject-to', 'unknown metric "eval/sycophanc"'],
  },
  {
    name: 'tune with the same --vary twice',
    args: () => [
      'tune',
      UPDATE,
      ...FAST,
      '--maximize',
      'ab/thumbs_up',
      '--subject-to',
      'eval/sycophancy<=0.05',
      '--vary',
      'mix.weights.thumbs=0:4',
      '--vary',
      'mix.weights.thumbs=0:3',
    ],
    expect: ['--vary', 'mix.weights.thumbs is varied twice'],
  },
  {
    name: 'tipping --range past a declared param’s max (both ends checked before any run)',
    args: () => [
      'tipping',
      UPDATE,
      ...FAST,
      '--param',
      'params.approvalBias',
      '--metric',
      'eval/sycophancy',
      '--threshold',
      '0.1',
      '--range',
      '0:10',
    ],
    expect: [/^rewardmix: --range: 10 is above params\.approvalBias's max 3\n$/],
  },
  {
    name: 'tipping --range below a field’s min',
    args: () => [
      'tipping',
      UPDATE,
      ...FAST,
      '--param',
      'mix.weights.thumbs',
      '--metric',
      'eval/sycophancy',
      '--threshold',
      '0.1',
      '--range',
      '-1:3',
    ],
    expect: ["--range: -1 is below mix.weights.thumbs's min 0"],
  },
  {
    name: 'tipping --param PATH=VALUE',
    args: () => [
      'tipping',
      UPDATE,
      ...FAST,
      '--param',
      'mix.weights.thumbs=2',
      '--metric',
      'eval/sycophancy',
      '--threshold',
      '0.1',
    ],
    expect: ['--param', '--param takes a path, not PATH=VALUE'],
  },
  {
    name: 'tipping --param of a field that is not a number',
    args: () => [
      'tipping',
      UPDATE,
      ...FAST,
      '--param',
      'trainer.kind',
      '--metric',
      'eval/sycophancy',
      '--threshold',
      '0.1',
    ],
    expect: ['--param', 'trainer.kind is a string field', '--param must be a numeric field'],
  },
  {
    name: 'tipping --param of a whole-number field (bisection would try fractions)',
    args: () => [
      'tipping',
      UPDATE,
      '--param',
      'trainer.steps',
      '--metric',
      'eval/sycophancy',
      '--threshold',
      '0.1',
    ],
    expect: ['--param', 'trainer.steps takes whole numbers', 'sweep --vary trainer.steps='],
  },
  {
    name: 'tipping without --threshold',
    args: () => ['tipping', UPDATE, '--param', 'mix.weights.thumbs', '--metric', 'eval/sycophancy'],
    expect: ['--threshold', 'give the threshold'],
  },
  {
    name: 'pareto on a directory that is not a sweep',
    args: (o) => ['pareto', join(o, '..'), '--objectives', 'ab/thumbs_up:max'],
    expect: ['not a sweep directory (no sweep.json)'],
  },
  {
    name: 'pareto with a bad objective',
    args: (o) => ['pareto', o, '--objectives', 'ab/thumbs_up:up'],
    expect: ['--objectives', 'found "ab/thumbs_up:up", expected KEY:max or KEY:min'],
  },
  {
    name: 'merge without --out',
    args: (o) => ['merge', o],
    expect: ['--out', 'give the output directory'],
  },
];

describe('bad input to the what-if commands', () => {
  it.each(bad)('$name: exit 2, a clear message, no stack, nothing written', async (c) => {
    const out = join(tempDir('rewardmix-whatif-'), 'out');
    const r = await rewardmix(c.args(out));
    // stderr as the message: an exit other than 2 (once seen in CI, not reproduced) shows why
    expect(r.code, r.stderr).toBe(2);
    for (const e of c.expect) expect(r.stderr).toMatch(typeof e === 'string' ? e : e);
    expect(r.stderr).toMatch(/^rewardmix: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});

describe('--subject-to', () => {
  it('reads each operator, and says what is missing when the bound is', () => {
    expect(parseSubjectTo(' eval/sycophancy <= 0.05 ')).toEqual({
      key: 'eval/sycophancy',
      op: '<=',
      bound: 0.05,
    });
    expect(parseSubjectTo('eval/accuracy≥0.88')).toEqual({
      key: 'eval/accuracy',
      op: '>=',
      bound: 0.88,
    });
    expect(parseSubjectTo('a<1e-3').op).toBe('<=');
    expect(parseSubjectTo('a>-2').bound).toBe(-2);
    // Not "the bound must be a number, found "="": the operator is "<=" and nothing follows it.
    expect(() => parseSubjectTo('eval/sycophancy<=')).toThrow(
      /--subject-to: eval\/sycophancy: no bound after "<=", expected KEY<=X or KEY>=X/,
    );
    expect(() => parseSubjectTo('eval/sycophancy >= ')).toThrow(/no bound after ">="/);
  });
});

describe('help', () => {
  it.each(['sweep', 'merge', 'tipping', 'pareto', 'tune'])(
    '%s --help has examples',
    async (cmd) => {
      const r = await rewardmix([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n\s+(#.*\n\s+)?rewardmix /);
      expect(r.stdout).toContain(`rewardmix ${cmd}`);
    },
  );
});

describe('answers', () => {
  it('says when the seeds made no difference: the exact trainer, not a sampled one', async () => {
    const dir = tempDir('rewardmix-seeds-');
    const sweep = (out: string, ...more: string[]) =>
      rewardmix([
        'sweep',
        UPDATE,
        ...FAST,
        ...more,
        '--vary',
        'mix.weights.thumbs=0:2:2',
        '--seeds',
        '2',
        '--workers',
        '1',
        '--out',
        join(dir, out),
      ]);
    const exact = await sweep('exact');
    expect(exact.code).toBe(0);
    expect(exact.stderr).toMatch(
      /note: each point's 2 seeds gave the same values: the exact trainer is deterministic/,
    );
    // --quiet drops notes (the sweep, complete, is only read back)
    expect((await sweep('exact', '--quiet')).stderr).not.toMatch(/note:/);
    const sampled = await sweep('reinforce', '--set', 'trainer.kind=reinforce');
    expect(sampled.code).toBe(0);
    expect(sampled.stderr).not.toMatch(/note:/);
    // a sampled trainer that does not train: the same values, but not for the exact trainer's reason
    const still = await sweep(
      'still',
      '--set',
      'trainer.kind=reinforce',
      '--set',
      'trainer.steps=0',
    );
    expect(still.stderr).toMatch(/note: each point's 2 seeds gave the same values\n/);
    expect(still.stderr).not.toMatch(/exact trainer/);

    const t = await rewardmix([
      'tipping',
      UPDATE,
      ...FAST,
      '--param',
      'mix.weights.thumbs',
      '--metric',
      'eval/sycophancy',
      '--threshold',
      '0.05',
      '--seeds',
      '2',
    ]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/per seed: .*\n\s+\(the exact trainer is deterministic/);
  });

  it('tipping prints the trained and analytic values; tune its best weights and margins', async () => {
    const t = await rewardmix([
      'tipping',
      UPDATE,
      '--param',
      'mix.weights.thumbs',
      '--metric',
      'eval/sycophancy',
      '--threshold',
      '0.1',
      '--json',
    ]);
    expect(t.code).toBe(0);
    const res = JSON.parse(t.stdout);
    const trained = res.crossings[0].crossing.x;
    expect(trained).toBeGreaterThan(0);
    expect(trained).toBeLessThan(2.5); // the update's weight is past it
    expect(Math.abs(trained - res.analytic.x)).toBeLessThan(0.01);

    const u = await rewardmix([
      'tune',
      UPDATE,
      '--maximize',
      'ab/thumbs_up',
      '--subject-to',
      'eval/sycophancy<=0.05',
      '--vary',
      'mix.weights.thumbs=0:4',
      '--json',
    ]);
    expect(u.code).toBe(0);
    const tuned = JSON.parse(u.stdout);
    // one weight: the best is its tipping point for the cap, feasible, with (almost) no margin
    expect(tuned.best.metrics['eval/sycophancy']).toBeLessThanOrEqual(0.05);
    expect(tuned.best.metrics['eval/sycophancy']).toBeGreaterThan(0.0499);
    expect(tuned.best.values['mix.weights.thumbs']).toBeLessThan(trained);
    expect(tuned.margins[0].distance).toBeLessThan(1e-3);
  }, 120_000);

  it('sweep --chart draws the heatmap with its contour (the renderer loads only then)', async () => {
    const out = join(tempDir('rewardmix-whatif-'), 'swc');
    const s = await rewardmix([
      'sweep',
      UPDATE,
      ...FAST,
      '--vary',
      'mix.weights.thumbs=0:4:3',
      '--vary',
      'mix.weights.spec=1:3:3',
      '--workers',
      '1',
      '--quiet',
      '--chart',
      'eval/sycophancy=0.1',
      '--out',
      out,
    ]);
    expect(s.code).toBe(0);
    // the chart's path is a note, on stderr as pareto's and tipping's are; stdout has the result
    expect(s.stdout).not.toMatch(/^chart: /m);
    const svg = s.stderr.match(/^chart: (.+\.svg)$/m)?.[1];
    expect(svg).toBeTruthy();
    const text = readFileSync(resolve(ROOT, svg!), 'utf8');
    expect(text).toMatch(/^<svg/);
    expect(text).toContain('eval/sycophancy');
  }, 120_000);

  it('a results file changed by hand is bad input, and the sweep command writes it anew', async () => {
    const out = join(tempDir('rewardmix-whatif-'), 'swr');
    const sweep = () =>
      rewardmix([
        'sweep',
        UPDATE,
        ...FAST,
        '--vary',
        'mix.weights.thumbs=0:4:3',
        '--quiet',
        '--out',
        out,
      ]);
    const pareto = () =>
      rewardmix(['pareto', out, '--objectives', 'ab/thumbs_up:max,eval/sycophancy:min']);
    expect((await sweep()).code).toBe(0);
    const file = join(out, 'results.jsonl');
    const good = readFileSync(file, 'utf8');
    const cases: [string, RegExp][] = [
      [good + '{broken\n', /results\.jsonl: line 4: malformed JSON/],
      [
        good.split('\n').slice(1).join('\n'),
        /results\.jsonl: holds 2 rows where sweep\.json says 3 runs/,
      ],
      [
        good.replace('"seed":', '"seed":"x","was":'),
        /results\.jsonl: line 1: "seed": expected a whole number/,
      ],
    ];
    for (const [text, message] of cases) {
      writeFileSync(file, text);
      const r = await pareto();
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/run the same sweep command again/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    rmSync(file);
    expect((await pareto()).stderr).toMatch(/cannot read the sweep's results \(ENOENT\)/);
    const again = await sweep();
    expect(again.stdout).toMatch(/0 run now, 3 resumed/);
    expect(readFileSync(file, 'utf8')).toBe(good);
    expect((await pareto()).code).toBe(0);
  }, 120_000);

  it('pareto and merge on an interrupted sweep count the runs its journal holds, and change nothing', async () => {
    const out = join(tempDir('rewardmix-whatif-'), 'sw');
    const s = await rewardmix([
      'sweep',
      UPDATE,
      ...FAST,
      '--vary',
      'mix.weights.thumbs=0:4:9',
      '--workers',
      '1',
      '--quiet',
      '--out',
      out,
    ]);
    expect(s.code, s.stderr).toBe(0);
    // As a kill leaves it: sweep.json still "running" with its count from the start, and the
    // journal with 5 runs and a line cut short.
    const metaFile = join(out, 'sweep.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    meta.status = 'running';
    meta.progress.completed = 0;
    writeFileSync(metaFile, JSON.stringify(meta, null, 2) + '\n');
    const journalFile = join(out, 'journal.jsonl');
    const lines = readFileSync(journalFile, 'utf8').split('\n');
    const journal = lines.slice(0, 5).join('\n') + '\n' + lines[5].slice(0, 10);
    writeFileSync(journalFile, journal);
    const p = await rewardmix([
      'pareto',
      out,
      '--objectives',
      'ab/thumbs_up:max,eval/sycophancy:min',
    ]);
    expect(p.code, p.stderr).toBe(2);
    expect(p.stderr).toContain('the sweep is not complete (5 of 9 runs journaled)');
    const m = await rewardmix(['merge', out, '--out', join(out, '..', 'merged')]);
    expect(m.code, m.stderr).toBe(2);
    expect(m.stderr).toContain('the sweep is not complete (5 of 9 runs journaled)');
    expect(readFileSync(journalFile, 'utf8')).toBe(journal);
  }, 120_000);

  it('--seed N is the first seed of sweep, tipping and tune (the same as --set seed=N)', async () => {
    const out = join(tempDir('rewardmix-whatif-'), 'sw');
    const s = await rewardmix([
      ...sweep5(out, ...FAST, '--seeds', '2', '--seed', '7', '--workers', '1', '--quiet'),
    ]);
    expect(s.code, s.stderr).toBe(0);
    const seeds = readFileSync(join(out, 'results.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[2]));
    expect([...new Set(seeds)]).toEqual([7, 8]);
    const tip = (...more: string[]) =>
      rewardmix([
        'tipping',
        UPDATE,
        ...FAST,
        '--param',
        'mix.weights.thumbs',
        '--metric',
        'eval/sycophancy',
        '--threshold',
        '0.1',
        '--seeds',
        '2',
        '--json',
        ...more,
      ]);
    const t = await tip('--seed', '7');
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout).crossings.map((c: { seed: number }) => c.seed)).toEqual([7, 8]);
    const tune = (...more: string[]) =>
      rewardmix([
        'tune',
        UPDATE,
        ...FAST,
        '--set',
        'trainer.kind=reinforce',
        '--maximize',
        'ab/thumbs_up',
        '--subject-to',
        'eval/sycophancy<=0.2',
        '--vary',
        'mix.weights.thumbs=0:4',
        '--max-evaluations',
        '5',
        '--json',
        ...more,
      ]);
    const [a, b] = await Promise.all([tune('--seed', '7'), tune('--set', 'seed=7')]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  }, 120_000);

  it('sweep then pareto lists the front', async () => {
    const out = join(tempDir('rewardmix-whatif-'), 'sw');
    const s = await rewardmix([
      'sweep',
      UPDATE,
      ...FAST,
      '--vary',
      'mix.weights.thumbs=0:4:9',
      '--workers',
      '1',
      '--quiet',
      '--out',
      out,
    ]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/9 runs \(9 run now, 0 resumed\)/);
    const p = await rewardmix([
      'pareto',
      out,
      '--objectives',
      'ab/thumbs_up:max,eval/sycophancy:min',
      '--json',
    ]);
    expect(p.code).toBe(0);
    const front = p.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(front.length).toBeGreaterThan(1);
    // along one weight both rise together: every run is on the front
    expect(front.length).toBe(9);
  }, 120_000);
});
