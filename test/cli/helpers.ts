/** Running the CLI from tests: `node bin/rewardmix.mjs …` from the repo root, in a child process. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BASELINE = join(ROOT, 'scenarios/baseline.yaml');
export const UPDATE = join(ROOT, 'scenarios/april-2025-update.yaml');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rewardmix args…` with the repo root as the working directory (or `cwd`). */
export function rewardmix(args: string[], cwd = ROOT): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/rewardmix.mjs'), ...args],
      { cwd, env: { ...process.env, REWARDMIX_DEBUG: '' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        // a process ended by a signal has no exit code: say which, for a failing test to show
        const signal = err?.signal ? `\n(ended by ${err.signal})` : '';
        done({ code, stdout, stderr: stderr + signal });
      },
    );
  });
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'rewardmix-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a file into `dir` and returns its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A scenario that extends the shipped baseline (absolute path) with `body` (YAML) on top. */
export function extendsBaseline(dir: string, name: string, body: string): string {
  return writeIn(dir, name, `extends: ${JSON.stringify(BASELINE)}\n${body}\n`);
}
