// docs/what-if.md pastes the what-if commands' output and figures from runs of the code; this
// fails when the code no longer produces them (fix: npx tsx scripts/what-if-docs.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.ts';

describe('docs/what-if.md', () => {
  it('carries the outputs the commands produce (scripts/what-if-docs.ts --check)', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/what-if-docs.ts', '--check'],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
        (err, _stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stderr }),
      ),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 300_000);
});
