// The explorer's vite configuration: `vite build -c src/web/vite.config.ts` (npm run build:web)
// or `vite -c src/web/vite.config.ts` for a dev server. The settings live in
// src/node/explorer-build.ts, shared with `rewardmix explore`.
import { defineConfig } from 'vite';
import { explorerViteConfig } from '../node/explorer-build.ts';

export default defineConfig(explorerViteConfig());
