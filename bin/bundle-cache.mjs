// Bundles of rewardmix's own code as plain JavaScript, built by esbuild into
// node_modules/.cache/rewardmix/<name>-<hash>/ the first time they are needed and reused while
// the sources are unchanged: the command line (bin/rewardmix.mjs) and the sweep workers
// (src/node/worker-bundle.ts). Loading the TypeScript sources through tsx costs a process 1 – 1.4 s
// before it does anything (a transform per module, and mathjs's 650 modules through tsx's hooks);
// a bundle loads in a fraction of that (docs/performance.md, "Start-up").
//
// A bundle's key is a hash of esbuild's version, the lockfile (the packages it bundles) and every
// file of the source directories it is made from, by path and content; a test checks that a
// bundle reads nothing outside them. It is built into a temporary directory and renamed into
// place, so no process sees half a bundle and two processes building at once both end with a
// whole one; the newest few are kept. When esbuild is missing or the cache cannot be written the
// callers load the sources through tsx, as they do with REWARDMIX_BUNDLE=0.
//
// Plain JavaScript, so that bin/rewardmix.mjs can use it before tsx is loaded.
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
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project's root directory (where package.json and node_modules are). */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Bundles of one name kept in the cache (the newest; older ones go after a build). */
const KEEP = 4;

/** Whether bundles are off (REWARDMIX_BUNDLE=0). */
export const bundlesDisabled = () => process.env.REWARDMIX_BUNDLE === '0';

/** esbuild's JS API, or null when it is not installed. */
export function loadEsbuild() {
  try {
    return createRequire(import.meta.url)('esbuild');
  } catch {
    return null;
  }
}

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|mjs|js|json)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/**
 * The key of a bundle made from `dirs` (relative to ROOT): where the checkout is, esbuild's
 * version, the lockfile and every file of the directories, by path and content (16 hex digits).
 * The bundle holds its sources' absolute URLs (importMetaUrlPlugin), so a checkout that was
 * moved or copied with its node_modules, or two checkouts sharing one node_modules, must not
 * take each other's bundle: it would find its files (scenarios, templates) in the other place.
 */
export function bundleKey(esbuildVersion, dirs) {
  const h = createHash('sha256');
  h.update(`root ${ROOT}\0`);
  h.update(`esbuild ${esbuildVersion}\0`);
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  h.update('\0');
  for (const dir of dirs)
    for (const file of sourceFiles(join(ROOT, dir))) {
      h.update(relative(ROOT, file) + '\0');
      h.update(readFileSync(file));
      h.update('\0');
    }
  return h.digest('hex').slice(0, 16);
}

/**
 * An esbuild plugin that writes each source file's own URL where it says `import.meta.url`, so
 * that code finding files next to itself (package.json, templates, fonts) finds them from the
 * bundle as it does from the sources. Textual: the sources must not spell it inside a string.
 */
export const importMetaUrlPlugin = {
  name: 'rewardmix-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs)$/ }, (args) => {
      const inSources = [`${ROOT}src${sep}`, `${ROOT}bin${sep}`].some((d) =>
        args.path.startsWith(d),
      );
      if (!inSources) return undefined;
      const text = readFileSync(args.path, 'utf8');
      // (spelled in two pieces so that this file, bundled in turn, keeps its own text)
      return {
        contents: text.replaceAll(
          'import.meta' + '.url',
          JSON.stringify(pathToFileURL(args.path).href),
        ),
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
      };
    });
  },
};

/** Where the bundle `name` made from `dirs` goes, or `{error}` when there can be none. */
function place(name, dirs) {
  if (bundlesDisabled()) return { error: 'REWARDMIX_BUNDLE=0' };
  const modules = join(ROOT, 'node_modules');
  if (!existsSync(modules)) return { error: 'no node_modules beside the sources' };
  const esbuild = loadEsbuild();
  if (!esbuild) return { error: 'esbuild is not installed' };
  const cache = join(modules, '.cache', 'rewardmix');
  const dirName = `${name}-${bundleKey(esbuild.version, dirs)}`;
  return { esbuild, cache, dirName, dir: join(cache, dirName) };
}

const failed = (e) => ({
  file: null,
  reason: `bundle not built: ${String(e?.message ?? e).split('\n')[0]}`,
});

/**
 * The start of a bundle's build: `{done}` when there is nothing to build (found in the cache, or
 * no bundle can be had), else the esbuild API, the temporary directory to build into, and
 * `finish()` / `fail(error)` to call after the build.
 */
function begin(name, dirs, entry) {
  try {
    const p = place(name, dirs);
    if (p.error) return { done: { file: null, reason: p.error } };
    const file = join(p.dir, entry);
    if (existsSync(file))
      return { done: { file, reason: `cached bundle ${relative(ROOT, p.dir)}` } };
    mkdirSync(p.cache, { recursive: true });
    const tmp = join(p.cache, `.${p.dirName}.${process.pid}.${Date.now()}.tmp`);
    return {
      esbuild: p.esbuild,
      tmp,
      fail(e) {
        rmSync(tmp, { recursive: true, force: true });
        return failed(e);
      },
      finish() {
        try {
          try {
            renameSync(tmp, p.dir);
          } catch (e) {
            // Another process put the same bundle in place first: use theirs.
            if (!existsSync(file)) throw e;
          } finally {
            rmSync(tmp, { recursive: true, force: true });
          }
          prune(p.cache, p.dirName);
          return { file, reason: `built bundle ${relative(ROOT, p.dir)}` };
        } catch (e) {
          return failed(e);
        }
      },
    };
  } catch (e) {
    return { done: failed(e) };
  }
}

/**
 * The bundle `name` made from `dirs` with esbuild `options`, built now if it is not in the cache:
 * `{file, reason}` with `file` the output `entry` (e.g. "main.mjs"), or `{file: null, reason}`
 * when it cannot be had. Synchronous (esbuild plugins need `cachedBundle`).
 */
export function cachedBundleSync(name, dirs, entry, options) {
  const b = begin(name, dirs, entry);
  if (b.done) return b.done;
  try {
    b.esbuild.buildSync({ ...options, outdir: b.tmp });
  } catch (e) {
    return b.fail(e);
  }
  return b.finish();
}

/** `cachedBundleSync`, building asynchronously (esbuild plugins allowed). */
export async function cachedBundle(name, dirs, entry, options) {
  const b = begin(name, dirs, entry);
  if (b.done) return b.done;
  try {
    await b.esbuild.build({ ...options, outdir: b.tmp });
  } catch (e) {
    return b.fail(e);
  }
  return b.finish();
}

/** Removes all but the KEEP newest bundles of `current`'s name (never a build's temp dir). */
function prune(cache, current) {
  const prefix = current.replace(/-[0-9a-f]{16}$/, '-');
  try {
    const old = readdirSync(cache)
      .filter((d) => d.startsWith(prefix) && /-[0-9a-f]{16}$/.test(d) && d !== current)
      .map((d) => ({ d, t: statSync(join(cache, d)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(KEEP - 1);
    for (const { d } of old) rmSync(join(cache, d), { recursive: true, force: true });
  } catch {
    // A cache that cannot be pruned is only a little bigger.
  }
}

/** esbuild options shared by the bundles: ESM for Node 20, chunks split, `.mjs` files. */
export const BASE_OPTIONS = {
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  metafile: true,
  logLevel: 'silent',
};

/** The command line's bundle: src/cli/main.ts and what it imports (bin/rewardmix.mjs). */
export const CLI_OPTIONS = {
  ...BASE_OPTIONS,
  entryPoints: ['src/cli/main.ts'],
  // Left to Node: a native addon, packages that find files beside their own code, and the ones
  // only a few commands load (the explorer's dev server, the bundler itself).
  external: ['@resvg/resvg-js', 'piscina', 'vite', 'tsx', 'esbuild', 'playwright-core'],
  // Bundled CommonJS packages call require(); in an ES module it has to be made (resolving from
  // the project, where their dependencies are).
  banner: {
    js: `import { createRequire as __rewardmixRequire } from 'node:module'; const require = __rewardmixRequire(${JSON.stringify(pathToFileURL(join(ROOT, 'package.json')).href)});`,
  },
  sourcemap: true,
  plugins: [importMetaUrlPlugin],
};
