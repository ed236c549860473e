// The docs whose text a script generates from runs of the code (command outputs, figures, the
// gallery's notes): each script's --check exits 1 when its page no longer matches what the code
// gives now. docs/incident.md, docs/scenarios.md and docs/what-if.md have their own tests here.
// Fix a failure with the script named in it (or `npm run docs:…`).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const CHECKS: Record<string, string> = {
  'README.md (the demo block)': 'scripts/readme-demo.ts',
  'docs/cli.md (sessions and --help)': 'scripts/cli-docs.ts',
  'docs/review.md (figures)': 'scripts/review-figures.ts',
  'docs/explorer.md': 'scripts/explorer-docs.ts',
  'docs/charts.md (the gallery)': 'scripts/gallery.ts',
};

describe('generated docs are current', () => {
  for (const [page, script] of Object.entries(CHECKS)) {
    it(`${page}: npx tsx ${script} --check`, () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--check'], {
        encoding: 'utf8',
      });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    }, 120_000);
  }
});
