// Browser end-to-end tests (playwright-core + Debian's chromium): `npm run test:e2e`.
// Kept apart from `npm test`, whose config excludes test/e2e.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One chromium at a time: files run one after another.
    fileParallelism: false,
  },
});
