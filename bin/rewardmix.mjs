#!/usr/bin/env node
// The rewardmix command. It runs a plain-JS bundle of src/cli/main.ts and what it imports, built
// by esbuild on first use and after any change to the sources or the lockfile
// (bin/bundle-cache.mjs); it starts in a quarter of the time the TypeScript sources take through
// tsx (docs/performance.md, "Start-up"). Without esbuild, with a read-only install, or with
// REWARDMIX_BUNDLE=0 it registers tsx and runs the sources as they are. src/cli/main.ts owns the
// exit codes.
import { pathToFileURL } from 'node:url';
import { cachedBundle, CLI_OPTIONS } from './bundle-cache.mjs';

const bundle = await cachedBundle('cli', ['src', 'bin'], 'main.mjs', CLI_OPTIONS);
if (bundle.file) {
  if (process.env.REWARDMIX_DEBUG) process.setSourceMapsEnabled(true);
  const { main } = await import(pathToFileURL(bundle.file).href);
  await main(process.argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv);
}
