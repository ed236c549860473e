// docs/scenarios.md (field table and facts table) and schema/scenario.schema.json are generated
// by scripts/gen-scenario-docs.ts; this fails when either no longer matches what the code gives
// (fix: npm run docs:scenarios).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('docs/scenarios.md and the JSON Schema', () => {
  it('are what the generator writes from the format and from runs of every shipped scenario', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/gen-scenario-docs.ts', '--check'],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
