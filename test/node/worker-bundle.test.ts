// The sweep workers' plain-JS bundle (src/node/worker-bundle.ts): it reads nothing outside the
// directories its key covers, is found again rather than rebuilt, and its workers give the same
// bytes as workers that load the TypeScript sources through tsx.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { runSweep, FILES, type SweepOptions } from '../../src/node/sweep.ts';
import {
  BUNDLED_DIRS,
  bundleKey,
  bundleOptions,
  sweepWorkerFile,
  TSX_WORKER,
  workerExecArgv,
} from '../../src/node/worker-bundle.ts';
import { ROOT, tempDir, UPDATE } from '../cli/helpers.ts';

const esbuild = createRequire(import.meta.url)('esbuild') as {
  version: string;
  buildSync(o: Record<string, unknown>): { metafile: { inputs: Record<string, unknown> } };
};

describe('the sweep worker bundle', () => {
  const saved = process.env.REWARDMIX_WORKER_BUNDLE;
  afterEach(() => {
    if (saved === undefined) delete process.env.REWARDMIX_WORKER_BUNDLE;
    else process.env.REWARDMIX_WORKER_BUNDLE = saved;
  });

  it('bundles only sources under the directories its key hashes', () => {
    const out = tempDir('rewardmix-bundle-');
    const { metafile } = esbuild.buildSync(bundleOptions(out));
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('src/node/sweep-worker.ts');
    expect(inputs).toContain('src/scenario/compile.ts');
    // Sources only from the hashed directories; packages only from node_modules (the lockfile,
    // also in the key, pins them).
    const outside = inputs.filter(
      (f) => !f.startsWith('node_modules/') && !BUNDLED_DIRS.some((d) => f.startsWith(`${d}/`)),
    );
    expect(outside).toEqual([]);
    expect(inputs.some((f) => f.startsWith('node_modules/mathjs/'))).toBe(true);
    // The compiler (and mathjs with it) is a chunk of its own, loaded only when a run compiles.
    const entry = readFileSync(join(out, 'sweep-worker.mjs'), 'utf8');
    expect(entry).not.toMatch(/mathjs/);
    expect(entry).toMatch(/import\("\.\/compile-[^"]+\.mjs"\)/);
  });

  it('is keyed by the sources and found again, not rebuilt', () => {
    const a = sweepWorkerFile();
    expect(a.bundled).toBe(true);
    expect(a.file).toMatch(
      /node_modules\/\.cache\/rewardmix\/sweep-worker-[0-9a-f]{16}\/sweep-worker\.mjs$/,
    );
    expect(relative(ROOT, a.file)).toContain(bundleKey(esbuild.version));
    const built = statSync(a.file).mtimeMs;
    expect(sweepWorkerFile().file).toBe(a.file);
    expect(statSync(a.file).mtimeMs).toBe(built);
    // A different esbuild would make a different bundle.
    expect(bundleKey('0.0.0')).not.toBe(bundleKey(esbuild.version));
  });

  it('is keyed by where the checkout is: a copy sharing node_modules does not take its bundle', () => {
    // The same sources at another path, with this checkout's node_modules (as a moved checkout,
    // or a second one linked to the same packages, has): the bundle holds absolute URLs of its
    // sources, so the copy must get a key of its own.
    const copy = tempDir('rewardmix-copy-');
    for (const d of ['bin', ...BUNDLED_DIRS])
      cpSync(join(ROOT, d), join(copy, d), { recursive: true });
    cpSync(join(ROOT, 'package-lock.json'), join(copy, 'package-lock.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const keyIn = (root: string) =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(join(root, 'bin/bundle-cache.mjs')).href)});` +
            `process.stdout.write(m.bundleKey(${JSON.stringify(esbuild.version)}, ${JSON.stringify(BUNDLED_DIRS)}));`,
        ],
        { encoding: 'utf8' },
      );
    expect(keyIn(ROOT)).toBe(bundleKey(esbuild.version));
    expect(keyIn(copy)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIn(copy)).not.toBe(bundleKey(esbuild.version));
  });

  it("REWARDMIX_WORKER_BUNDLE=0 loads the sources through tsx, with the parent's options", () => {
    process.env.REWARDMIX_WORKER_BUNDLE = '0';
    expect(sweepWorkerFile()).toMatchObject({ file: TSX_WORKER, bundled: false });
    expect(workerExecArgv(false)).toBeUndefined();
    expect(workerExecArgv(true)).toEqual([]);
  });

  it('gives the same results files as workers that load the sources through tsx', async () => {
    const base: Omit<SweepOptions, 'out'> = {
      scenario: UPDATE,
      sets: ['start.steps=200', 'trainer.steps=20'],
      // A weight and a param: the workers also load the compiler chunk.
      axes: [
        { path: 'mix.weights.thumbs', from: 0, to: 4, levels: 3 },
        { path: 'params.approvalBias', from: 0, to: 2, levels: 3 },
      ],
      sample: 'grid',
      seeds: 1,
      workers: 2,
      mainThreadHelps: false,
    };
    const dir = tempDir('rewardmix-bundle-sweep-');
    delete process.env.REWARDMIX_WORKER_BUNDLE;
    await runSweep({ ...base, out: join(dir, 'bundled') });
    process.env.REWARDMIX_WORKER_BUNDLE = '0';
    await runSweep({ ...base, out: join(dir, 'tsx') });
    for (const f of [FILES.csv, FILES.jsonl, FILES.summary])
      expect(readFileSync(join(dir, 'bundled', f), 'utf8')).toBe(
        readFileSync(join(dir, 'tsx', f), 'utf8'),
      );
  }, 60_000);
});
