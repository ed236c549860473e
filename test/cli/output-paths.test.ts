// Output paths that cannot be written (a regular file at or above them, a directory without write
// permission) are bad input: exit 2 before anything runs, a message naming the path, no stack
// trace, nothing left behind; never "internal error" (exit 1) after the work (review 7, item 1).
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputDir, checkWritableDir, checkWritableFile } from '../../src/node/runs.ts';
import { BASELINE, rewardmix, tempDir, UPDATE } from './helpers.ts';

const FAST = ['--set', 'start.steps=200', '--set', 'trainer.steps=20'];
/** Root writes anywhere: a read-only directory stops only other users. */
const ROOT_USER = process.getuid?.() === 0;

let dir: string;
let afile: string;
let shard: string;

beforeAll(async () => {
  dir = tempDir('rewardmix-outpaths-');
  afile = join(dir, 'afile');
  writeFileSync(afile, '');
  shard = join(dir, 'shard');
  const r = await rewardmix([
    'sweep',
    UPDATE,
    ...FAST,
    '--vary',
    'mix.weights.thumbs=0:4:3',
    '--workers',
    '1',
    '--quiet',
    '--out',
    shard,
  ]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

/** Exit 2, one `rewardmix: PATH: …` line naming `path`, no stack, nothing on stdout. */
function refused(r: { code: number; stdout: string; stderr: string }, path: string, what: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^rewardmix: /);
  expect(r.stderr).toContain(path);
  expect(r.stderr).toMatch(what);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stdout).toBe('');
}

describe('an output path at or under a regular file', () => {
  it('sweep --out at a file, and under one', async () => {
    refused(
      await rewardmix([
        'sweep',
        UPDATE,
        ...FAST,
        '--vary',
        'mix.weights.thumbs=0:4:5',
        '--out',
        afile,
      ]),
      afile,
      /output path is a file/,
    );
    const under = join(afile, 'sub');
    refused(
      await rewardmix([
        'sweep',
        UPDATE,
        ...FAST,
        '--vary',
        'mix.weights.thumbs=0:4:5',
        '--out',
        under,
      ]),
      under,
      /cannot create the output directory: .*afile is a file/,
    );
  }, 60_000);

  it('merge --out at a file', async () => {
    refused(await rewardmix(['merge', shard, '--out', afile]), afile, /output path is a file/);
  }, 60_000);

  it('chart --out under a file', async () => {
    const out = join(afile, 'x.svg');
    refused(
      await rewardmix(['chart', 'drift', UPDATE, '--vs', BASELINE, '--out', out]),
      out,
      /afile is a file/,
    );
  }, 60_000);

  it('tipping --chart at a file: refused before the runs (no result printed)', async () => {
    refused(
      await rewardmix([
        'tipping',
        UPDATE,
        ...FAST,
        '--param',
        'mix.weights.thumbs',
        '--metric',
        'eval/sycophancy',
        '--threshold',
        '0.1',
        '--chart',
        afile,
      ]),
      afile,
      /output path is a file; expected a directory \(give another --chart\)/,
    );
  }, 60_000);
});

describe('the checks in process', () => {
  it('checkWritableDir and checkWritableFile name the path and what is wrong', () => {
    expect(() => checkWritableDir(afile)).toThrow(/afile: output path is a file/);
    expect(() => checkWritableDir(join(afile, 'a', 'b'))).toThrow(/afile is a file/);
    expect(() => checkWritableFile(dir)).toThrow(/is a directory; expected a file name for --out/);
    expect(() => checkWritableFile(join(afile, 'x.png'))).toThrow(/afile is a file/);
    expect(checkWritableDir(join(dir, 'new', 'deeper'))).toBe(join(dir, 'new', 'deeper'));
    expect(checkWritableFile(join(dir, 'new', 'x.svg'))).toBe(join(dir, 'new', 'x.svg'));
  });
});

describe.skipIf(ROOT_USER)('a directory without write permission (not as root)', () => {
  let ro: string;
  beforeAll(() => {
    ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
  });
  afterAll(() => chmodSync(ro, 0o755));

  it('checkOutputDir refuses it, for a new and for an existing output directory', () => {
    expect(() => checkOutputDir(join(ro, 'run1'))).toThrow(
      /cannot write in .*ro \(permission denied\)/,
    );
    expect(() => checkWritableDir(join(ro, 'sw'))).toThrow(/cannot write in .*ro/);
  });

  it('run, sweep and pareto --chart: exit 2 before anything runs', async () => {
    const run1 = join(ro, 'run1');
    refused(
      await rewardmix(['run', BASELINE, '--steps', '5', '--out', run1]),
      run1,
      /cannot write in .*ro \(permission denied\)/,
    );
    const sw = join(ro, 'sw');
    refused(
      await rewardmix([
        'sweep',
        UPDATE,
        ...FAST,
        '--vary',
        'mix.weights.thumbs=0:4:5',
        '--out',
        sw,
      ]),
      sw,
      /cannot write in .*ro \(permission denied\)/,
    );
    expect(readdirSync(ro)).toEqual([]);
    chmodSync(shard, 0o555);
    try {
      refused(
        await rewardmix([
          'pareto',
          shard,
          '--objectives',
          'ab/thumbs_up:max,eval/sycophancy:min',
          '--chart',
        ]),
        shard,
        /cannot write in/,
      );
      expect(existsSync(join(shard, 'pareto.svg'))).toBe(false);
    } finally {
      chmodSync(shard, 0o755);
    }
  }, 60_000);
});
