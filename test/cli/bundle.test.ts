// The command line runs a plain-JS bundle of its sources (bin/rewardmix.mjs, bin/bundle-cache.mjs):
// it reads no sources outside the directories its key hashes, finds the files its code looks for
// beside itself (package.json, templates) as the sources do, and prints what the sources print
// when run through tsx (REWARDMIX_BUNDLE=0). And either way, output piped into a reader that has
// gone (`| head`) ends the command quietly.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cachedBundle, CLI_OPTIONS, ROOT } from '../../bin/bundle-cache.mjs';
import { rewardmix, tempDir, UPDATE } from './helpers.ts';

const esbuild = createRequire(import.meta.url)('esbuild') as {
  build(o: Record<string, unknown>): Promise<{ metafile: { inputs: Record<string, unknown> } }>;
};

/** Runs the command with bundles on or off. */
function cli(args: string[], bundled: boolean) {
  const saved = process.env.REWARDMIX_BUNDLE;
  process.env.REWARDMIX_BUNDLE = bundled ? '1' : '0';
  try {
    return rewardmix(args);
  } finally {
    if (saved === undefined) delete process.env.REWARDMIX_BUNDLE;
    else process.env.REWARDMIX_BUNDLE = saved;
  }
}

describe('the command-line bundle', () => {
  it('bundles only sources under src/ and bin/, with each file’s own import.meta.url', async () => {
    const out = tempDir('rewardmix-cli-bundle-');
    const { metafile } = await esbuild.build({
      ...CLI_OPTIONS,
      sourcemap: false,
      outdir: out,
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('src/cli/main.ts');
    const outside = inputs.filter(
      (f) => !f.startsWith('node_modules/') && !f.startsWith('src/') && !f.startsWith('bin/'),
    );
    expect(outside).toEqual([]);
    const code = readdirSync(out)
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => readFileSync(join(out, f), 'utf8'))
      .join('\n');
    // src/cli/main.ts reads ../../package.json from its own URL, not from the bundle's.
    expect(code).toContain(JSON.stringify(`file://${join(ROOT, 'src/cli/main.ts')}`));
  });

  it('prints what the sources print through tsx, and fails the same way', async () => {
    // The bundle the command runs can be built (else it would fall back to tsx unseen).
    const built = await cachedBundle('cli', ['src', 'bin'], 'main.mjs', CLI_OPTIONS);
    expect(built.reason).toMatch(/bundle node_modules\/\.cache\/rewardmix\/cli-/);
    expect(built.file).toBeTruthy();
    const dir = tempDir('rewardmix-cli-bundle-');
    const args = (out: string) => [
      'run',
      UPDATE,
      '--set',
      'trainer.steps=30',
      '--json',
      '--quiet',
      '--out',
      join(dir, out),
    ];
    const [a, b] = [await cli(args('a'), true), await cli(args('b'), false)];
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const summary = (s: string) => {
      const o = JSON.parse(s) as Record<string, unknown>;
      delete o.provenance; // times and paths
      return o;
    };
    expect(summary(a.stdout)).toEqual(summary(b.stdout));
    const version = [await cli(['--version'], true), await cli(['--version'], false)];
    expect(version[0].stdout).toBe(version[1].stdout);
    const bad = [
      await cli(['validate', 'nope.yaml'], true),
      await cli(['validate', 'nope.yaml'], false),
    ];
    expect(bad.map((r) => r.code)).toEqual([2, 2]);
    expect(bad[0].stderr).toBe(bad[1].stderr);
  }, 60_000);
});

describe('output into a reader that has gone', () => {
  it('stops quietly with exit 0 (no EPIPE stack), bundled and through tsx', async () => {
    for (const bundled of ['1', '0']) {
      const child = spawn(process.execPath, ['bin/rewardmix.mjs', '--help'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, REWARDMIX_BUNDLE: bundled },
      });
      child.stdout.destroy(); // nobody reads: the first write fails with EPIPE
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      const code = await new Promise((r) => child.on('close', r));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  }, 30_000);
});
