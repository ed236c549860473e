// Fills the README's quick start with the real output of `npx rewardmix demo` (run from a temp
// directory, so the paths read as they do for a new user). `--check` fails when it is stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cwd = mkdtempSync(join(tmpdir(), 'rewardmix-readme-'));
try {
  const out = execFileSync(process.execPath, [join(root, 'bin/rewardmix.mjs'), 'demo'], {
    cwd,
    encoding: 'utf8',
  });
  const text = out
    .split(cwd)
    .join('.')
    .replace(/\.\/rewardmix-demo/g, 'rewardmix-demo')
    .trimEnd();
  const a = '<!-- demo:start -->';
  const b = '<!-- demo:end -->';
  const md = readFileSync(join(root, 'README.md'), 'utf8');
  const next = `${md.slice(0, md.indexOf(a) + a.length)}\n\n\`\`\`console\n$ npx rewardmix demo\n${text}\n\`\`\`\n\n${md.slice(md.indexOf(b))}`;
  if (process.argv.includes('--check')) {
    if (next !== md) {
      console.error('README.md quick start is out of date: run npm run docs:readme');
      process.exitCode = 1;
    }
  } else writeFileSync(join(root, 'README.md'), next);
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
