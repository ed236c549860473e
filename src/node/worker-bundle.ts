/**
 * The sweep workers' code as plain JavaScript: src/node/sweep-worker.ts and what it imports,
 * bundled by esbuild into `node_modules/.cache/rewardmix/sweep-worker-<hash>/` the first time a
 * sweep needs it, and reused while the sources are unchanged.
 *
 * Why: a worker thread that loads the TypeScript sources through tsx spends 0.3 – 0.4 s starting
 * (tsx's loader, its hooks thread, a transform per module), and the hooks stay on: V8 then guards
 * typed-array accesses and the keep-names helper runs at every closure made; and importing mathjs
 * (some 650 modules) takes Node's loader another 0.35 s. The bundle starts in tens of
 * milliseconds (docs/performance.md, "Sweeps"). It holds the same sources, so a run gives the
 * same bits either way (test/node/worker-bundle.test.ts).
 *
 * The bundle is keyed by a hash of every source file under src/engine, src/scenario and src/node
 * (a test checks the bundle reads no other sources), the lockfile (the packages it bundles) and
 * esbuild's version; it lives in the project's node_modules/.cache. It is built into
 * a temporary directory and renamed into place, so a process never sees half a bundle, and two
 * processes building at once both end with a whole one. When it cannot be built (no esbuild, a
 * read-only install), or with REWARDMIX_WORKER_BUNDLE=0, the workers load the sources through
 * tsx as before (src/node/sweep-worker.mjs).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The directories whose sources the worker may import (the bundle's key covers them all). */
export const BUNDLED_DIRS = ['src/engine', 'src/scenario', 'src/node'];
const ENTRY = 'src/node/sweep-worker.ts';
/** The tsx-loading entry, used when there is no bundle. */
export const TSX_WORKER = fileURLToPath(new URL('./sweep-worker.mjs', import.meta.url));
/** Bundles kept in the cache (the newest ones; older ones are removed after a build). */
const KEEP = 4;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|mjs|js|json)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/**
 * The bundle's key: esbuild's version, the lockfile (the bundled packages' versions) and every
 * file of BUNDLED_DIRS, by path and content.
 */
export function bundleKey(esbuildVersion: string): string {
  const h = createHash('sha256');
  h.update(`esbuild ${esbuildVersion}\0`);
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  h.update('\0');
  for (const dir of BUNDLED_DIRS)
    for (const file of sourceFiles(join(ROOT, dir))) {
      h.update(relative(ROOT, file) + '\0');
      h.update(readFileSync(file));
      h.update('\0');
    }
  return h.digest('hex').slice(0, 16);
}

interface Esbuild {
  version: string;
  buildSync(options: Record<string, unknown>): { metafile?: { inputs: Record<string, unknown> } };
}

/** esbuild's build options for the worker bundle into `outdir`. */
export function bundleOptions(outdir: string): Record<string, unknown> {
  return {
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    // The scenario compiler (and its expression engine) stays a chunk of its own, loaded only
    // by a worker whose runs need it, as the sources' dynamic import intends.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages are bundled too: mathjs is some 650 modules, which Node's loader takes 0.35 s to
    // import one by one and the bundle's compiler chunk loads in 0.05 s.
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
  };
}

/** The bundle found or built by this process (once). */
let memo: { file: string | null; reason: string } | null = null;

/**
 * The worker file a sweep pool should load: the bundle (built now if needed) or, when it cannot
 * be had, the tsx entry. `reason` says which and why (the benchmark prints it).
 */
export function sweepWorkerFile(): { file: string; bundled: boolean; reason: string } {
  if (process.env.REWARDMIX_WORKER_BUNDLE === '0')
    return { file: TSX_WORKER, bundled: false, reason: 'REWARDMIX_WORKER_BUNDLE=0' };
  memo ??= findOrBuild();
  return memo.file
    ? { file: memo.file, bundled: true, reason: memo.reason }
    : { file: TSX_WORKER, bundled: false, reason: memo.reason };
}

function findOrBuild(): { file: string | null; reason: string } {
  const modules = join(ROOT, 'node_modules');
  if (!existsSync(modules)) return { file: null, reason: 'no node_modules beside the sources' };
  let esbuild: Esbuild;
  try {
    esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
  } catch {
    return { file: null, reason: 'esbuild is not installed' };
  }
  try {
    const cache = join(modules, '.cache', 'rewardmix');
    const name = `sweep-worker-${bundleKey(esbuild.version)}`;
    const dir = join(cache, name);
    const file = join(dir, 'sweep-worker.mjs');
    if (existsSync(file)) return { file, reason: `cached bundle ${relative(ROOT, dir)}` };
    mkdirSync(cache, { recursive: true });
    const tmp = join(cache, `.${name}.${process.pid}.${Date.now()}.tmp`);
    try {
      esbuild.buildSync(bundleOptions(tmp));
      try {
        renameSync(tmp, dir);
      } catch (e) {
        // Another process put the same bundle in place first: use theirs.
        if (!existsSync(file)) throw e;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    prune(cache, name);
    return { file, reason: `built bundle ${relative(ROOT, dir)}` };
  } catch (e) {
    return { file: null, reason: `bundle not built: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Removes all but the KEEP newest bundles (never `current`, never another build's temp dir). */
function prune(cache: string, current: string): void {
  try {
    const old = readdirSync(cache)
      .filter((d) => d.startsWith('sweep-worker-') && d !== current)
      .map((d) => ({ d, t: statSync(join(cache, d)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(KEEP - 1);
    for (const { d } of old) rmSync(join(cache, d), { recursive: true, force: true });
  } catch {
    // A cache that cannot be pruned is only a little bigger.
  }
}

/**
 * The Node options a worker thread starts with: the parent's for the tsx entry; none for the
 * bundle. A process started through `tsx` hands tsx's loader to its threads, which would cost each
 * bundled worker 0.3 s it does not need; and Node refuses to pass per-process options (V8 flags
 * such as --single-threaded-gc) to a worker explicitly, so filtering is not an option. V8 flags
 * apply to the whole process, workers included, either way.
 */
export function workerExecArgv(bundled: boolean): string[] | undefined {
  return bundled ? [] : undefined;
}
