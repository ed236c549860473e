/**
 * Building the explorer (src/web) with vite: the configuration shared by `npm run build:web`
 * (src/web/vite.config.ts) and `rewardmix explore`, the plugin that hands the page the shipped
 * scenarios with `extends` already resolved by the Node loader, and a staleness check.
 *
 * The page must open from any static host and from a file path, offline. Browsers refuse module
 * scripts from file:// URLs, so the app is bundled as one classic script (IIFE, no code
 * splitting) and the HTML loses its `type="module"` and `crossorigin` attributes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig, Plugin } from 'vite';
import { writeFileAtomicSync } from './fs.ts';
import { loadScenario } from './load.ts';

/** The repository root (this file is src/node/explorer-build.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the page is built. */
export const EXPLORER_OUT = join(REPO_ROOT, 'dist', 'explorer');
/** Written next to the page: the hash of the inputs it was built from. */
export const BUILD_INFO = 'build-info.json';

/** The id the page imports the shipped scenarios from (src/web/virtual.d.ts types it). */
export const SCENARIOS_MODULE = 'virtual:rewardmix-scenarios';

/** A shipped scenario as the page receives it: the merged raw data (no `extends`). */
export interface ShippedScenario {
  /** File name without extension: the preset id. */
  id: string;
  /** Path relative to the repository root. */
  file: string;
  raw: Record<string, unknown>;
}

/** Every scenario file in `dir`, loaded with `extends` resolved, sorted by id. */
export function shippedScenarios(dir = join(REPO_ROOT, 'scenarios')): ShippedScenario[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      return {
        id: f.replace(/\.(ya?ml|json)$/, ''),
        file: relative(REPO_ROOT, path),
        raw: loadScenario(path).raw,
      };
    });
}

/** Vite plugin: `import scenarios from 'virtual:rewardmix-scenarios'` gives ShippedScenario[]. */
export function scenariosPlugin(dir = join(REPO_ROOT, 'scenarios')): Plugin {
  const resolved = '\0' + SCENARIOS_MODULE;
  return {
    name: 'rewardmix-scenarios',
    // Hook filters: the bundler calls these only for the virtual id, not for every module.
    resolveId: {
      filter: { id: new RegExp(`^${SCENARIOS_MODULE}$`) },
      handler: () => resolved,
    },
    load: {
      filter: { id: new RegExp(`^\\0${SCENARIOS_MODULE}$`) },
      handler() {
        const list = shippedScenarios(dir);
        for (const s of list) this.addWatchFile(join(REPO_ROOT, s.file));
        return `export default ${JSON.stringify(list)};`;
      },
    },
  };
}

/** Vite plugin: a classic deferred script and stylesheet, so the page also works from file://. */
function classicScriptPlugin(): Plugin {
  return {
    name: 'rewardmix-classic-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) =>
        html
          .replace(/<script type="module" crossorigin/g, '<script defer')
          .replace(/<link rel="stylesheet" crossorigin/g, '<link rel="stylesheet"'),
    },
  };
}

/** The vite configuration of the explorer (used by src/web/vite.config.ts and buildExplorer). */
export function explorerViteConfig(): InlineConfig {
  return {
    configFile: false,
    root: join(REPO_ROOT, 'src', 'web'),
    base: './',
    publicDir: false,
    logLevel: 'warn',
    plugins: [scenariosPlugin(), classicScriptPlugin()],
    build: {
      outDir: EXPLORER_OUT,
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: false,
      cssCodeSplit: false,
      sourcemap: false,
      // vega, vega-lite and mathjs make one large script; it is loaded once, from disk.
      chunkSizeWarningLimit: 6000,
      rolldownOptions: {
        output: { format: 'iife', codeSplitting: false, entryFileNames: 'assets/explorer.js' },
      },
    },
  };
}

/** Files whose change makes a built page stale (the page's sources and what they import). */
function inputFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  for (const d of ['src/web', 'src/engine', 'src/scenario', 'src/charts', 'scenarios'])
    walk(join(REPO_ROOT, d));
  for (const f of ['src/node/explorer-build.ts', 'src/node/load.ts', 'package-lock.json'])
    if (existsSync(join(REPO_ROOT, f))) out.push(join(REPO_ROOT, f));
  return out.sort();
}

/** sha256 over the inputs' paths and contents. */
export function explorerInputsHash(): string {
  const h = createHash('sha256');
  for (const f of inputFiles()) {
    h.update(relative(REPO_ROOT, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** Why the built page needs a rebuild, or null when it is up to date. */
export function explorerStaleReason(out = EXPLORER_OUT): string | null {
  if (!existsSync(join(out, 'index.html'))) return `${relative(REPO_ROOT, out)} is missing`;
  const info = join(out, BUILD_INFO);
  if (!existsSync(info) || !statSync(info).isFile()) return 'no build stamp';
  try {
    const { inputs } = JSON.parse(readFileSync(info, 'utf8')) as { inputs?: string };
    return inputs === explorerInputsHash() ? null : 'sources changed since the last build';
  } catch {
    return 'unreadable build stamp';
  }
}

/** Builds the page into dist/explorer with vite's JS API and stamps it with the inputs' hash. */
export async function buildExplorer(): Promise<string> {
  const inputs = explorerInputsHash();
  const { build } = await import('vite');
  await build(explorerViteConfig());
  writeFileAtomicSync(join(EXPLORER_OUT, BUILD_INFO), JSON.stringify({ inputs }, null, 2) + '\n');
  return EXPLORER_OUT;
}
