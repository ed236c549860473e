// Helpers for the report tests: run the CLI as a user would (node bin/rewardmix.mjs, from the repo
// root unless told otherwise) and read PNG headers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'rewardmix.mjs');
export const SCENARIOS = join(ROOT, 'scenarios');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rewardmix ...args` and waits for it. */
export function cli(args: string[], options: { cwd?: string } = {}): CliResult {
  const r = spawnSync('node', [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, REWARDMIX_DEBUG: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temp folder. */
export function tempDir(prefix = 'rewardmix-report-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Width and height from a PNG's IHDR chunk (throws on anything that is not a PNG). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => bytes[i] === b)) throw new Error('not a PNG');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height of an SVG root element (vega writes them as attributes). */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('no svg width/height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Every entry of `dir` (to check that nothing was left behind). */
export function entries(dir: string): string[] {
  return readdirSync(dir).sort();
}
