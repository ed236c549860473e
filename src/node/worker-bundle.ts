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
 * The cache itself (keys, atomic builds, pruning) is bin/bundle-cache.mjs, shared with the
 * command line's bundle. This one is keyed by every source file under src/engine, src/scenario and
 * src/node (a test checks the bundle reads no other sources), the lockfile and esbuild's version.
 * When it cannot be built (no esbuild, a read-only install), or with REWARDMIX_WORKER_BUNDLE=0 or
 * REWARDMIX_BUNDLE=0, the workers load the sources through tsx (src/node/sweep-worker.mjs).
 */
import { fileURLToPath } from 'node:url';
import {
  BASE_OPTIONS,
  bundleKey as keyOf,
  bundlesDisabled,
  cachedBundleSync,
} from '../../bin/bundle-cache.mjs';

/** The directories whose sources the worker may import (the bundle's key covers them all). */
export const BUNDLED_DIRS = ['src/engine', 'src/scenario', 'src/node'];
const ENTRY = 'src/node/sweep-worker.ts';
/** The tsx-loading entry, used when there is no bundle. */
export const TSX_WORKER = fileURLToPath(new URL('./sweep-worker.mjs', import.meta.url));

/** The worker bundle's key (bin/bundle-cache.mjs `bundleKey` over BUNDLED_DIRS). */
export const bundleKey = (esbuildVersion: string): string => keyOf(esbuildVersion, BUNDLED_DIRS);

/** esbuild's build options for the worker bundle into `outdir`. */
export function bundleOptions(outdir: string): Record<string, unknown> {
  return {
    ...BASE_OPTIONS,
    entryPoints: [ENTRY],
    // The scenario compiler (and its expression engine) stays a chunk of its own, loaded only
    // by a worker whose runs need it, as the sources' dynamic import intends. Packages are
    // bundled too: mathjs is some 650 modules, which Node's loader takes 0.35 s to import one by
    // one and the bundle's compiler chunk loads in 0.05 s.
    outdir,
  };
}

/** The bundle found or built by this process (once). */
let memo: { file: string | null; reason: string } | null = null;

/**
 * The worker file a sweep pool should load: the bundle (built now if needed) or, when it cannot
 * be had, the tsx entry. `reason` says which and why (the benchmark prints it).
 */
export function sweepWorkerFile(): { file: string; bundled: boolean; reason: string } {
  if (process.env.REWARDMIX_WORKER_BUNDLE === '0' || bundlesDisabled())
    return { file: TSX_WORKER, bundled: false, reason: 'bundles turned off' };
  memo ??= cachedBundleSync('sweep-worker', BUNDLED_DIRS, 'sweep-worker.mjs', bundleOptions(''));
  return memo.file
    ? { file: memo.file, bundled: true, reason: memo.reason }
    : { file: TSX_WORKER, bundled: false, reason: memo.reason };
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
