// Regenerates the real CLI output pasted in docs/cli.md: each block between
// `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->` is replaced by the output of
// the command it shows. The commands run in a temporary copy of scenarios/ (so paths print as a
// user in the repo would see them: scenarios/…, runs/…). Usage:
//   npx tsx scripts/cli-docs.ts           rewrite docs/cli.md
//   npx tsx scripts/cli-docs.ts --check   exit 1 when docs/cli.md is out of date
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const DOC = join(ROOT, 'docs/cli.md');
const work = mkdtempSync(join(tmpdir(), 'rewardmix-cli-docs-'));
cpSync(join(ROOT, 'scenarios'), join(work, 'scenarios'), { recursive: true });
const blocks: Record<string, string> = {};

/** Runs `rewardmix args` in the work directory; the block shows the command, its output and exit code. */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/rewardmix.mjs'), ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, REWARDMIX_DEBUG: '', COLUMNS: '100' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 1 };
}

const quote = (a: string) => (/^[\w./=+:-]+$/.test(a) ? a : `'${a}'`);

/** A shell-session block: `$ rewardmix …` then what it printed (stdout, then stderr). */
function session(args: string[], opts: { exit?: boolean; trim?: (s: string) => string } = {}) {
  const r = cli(args);
  let out = r.stdout + r.stderr;
  if (opts.trim) out = opts.trim(out);
  const tail = opts.exit ? `\n$ echo $?\n${r.code}` : '';
  return (
    '```console\n$ rewardmix ' + args.map(quote).join(' ') + '\n' + out.trimEnd() + tail + '\n```'
  );
}

/** `$ rewardmix args | jq FILTER`: the real JSON output put through `apply`, jq's equivalent. */
function piped(args: string[], filter: string, apply: (json: any) => string) {
  const r = cli(args);
  if (r.code !== 0) throw new Error(`rewardmix ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return (
    '```console\n$ rewardmix ' +
    args.map(quote).join(' ') +
    ` | ${filter}\n` +
    apply(JSON.parse(r.stdout)) +
    '\n```'
  );
}

function file(path: string, lines?: number, note = ''): string {
  const text = readFileSync(join(work, path), 'utf8');
  const shown = lines === undefined ? text : text.split('\n').slice(0, lines).join('\n');
  return `\`${path}\`${note}:\n\n\`\`\`\n${shown.trimEnd()}\n\`\`\``;
}

try {
  // ---- help ------------------------------------------------------------------------------------
  for (const cmd of ['run', 'inspect', 'validate', 'compare', 'explain', 'review', 'deploy'])
    blocks[`help-${cmd}`] = session([cmd, '--help']);
  // commands documented at length elsewhere: their --help here, the guides in their own pages
  for (const cmd of [
    'demo',
    'report',
    'chart',
    'sweep',
    'merge',
    'tipping',
    'pareto',
    'tune',
    'explore',
  ])
    blocks[`help-${cmd}`] = session([cmd, '--help']);

  // ---- run -------------------------------------------------------------------------------------
  blocks['run'] = session(['run', 'scenarios/april-2025-update.yaml']);
  blocks['run-files'] = [
    file('runs/april-2025-update-1/metrics.jsonl', 4, ' (first lines)'),
    '',
    (() => {
      const lines = readFileSync(join(work, 'runs/april-2025-update-1/trajectory.csv'), 'utf8')
        .split('\n')
        .slice(0, 3);
      return `\`runs/april-2025-update-1/trajectory.csv\` (header and the first two rows):\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``;
    })(),
  ].join('\n');
  {
    const s = JSON.parse(readFileSync(join(work, 'runs/april-2025-update-1/summary.json'), 'utf8'));
    const abridged = {
      ...s,
      metrics: Object.fromEntries(
        Object.entries(s.metrics)
          .slice(0, 3)
          .concat([['…', '…']]),
      ),
      finalPolicy: [...s.finalPolicy.slice(0, 2), '…'],
      provenance: { ...s.provenance, parameters: '{ … the whole normalized scenario … }' },
    };
    blocks['run-summary'] =
      '`runs/april-2025-update-1/summary.json` (abridged where marked …):\n\n```json\n' +
      JSON.stringify(abridged, null, 2) +
      '\n```';
  }
  // Long JSON is shown through a jq filter; the script applies the same filter to the real output.
  blocks['run-json'] = piped(
    ['run', 'scenarios/baseline.yaml', '--steps', '20', '--json', '--quiet', '--out', 'runs/short'],
    `jq '{scenario, steps, seed, sycophancy: .metrics["eval/sycophancy"]}'`,
    (s) =>
      JSON.stringify(
        {
          scenario: s.scenario,
          steps: s.steps,
          seed: s.seed,
          sycophancy: s.metrics['eval/sycophancy'],
        },
        null,
        2,
      ),
  );

  // ---- inspect, validate, compare, explain -------------------------------------------------------
  blocks['inspect'] = session(['inspect', 'scenarios/baseline.yaml']);
  blocks['inspect-json'] = [
    piped(['inspect', 'scenarios/baseline.yaml', '--json'], 'jq -c keys_unsorted', (t) =>
      JSON.stringify(Object.keys(t)),
    ),
    piped(
      ['inspect', 'scenarios/baseline.yaml', '--json'],
      "jq -c '{weights, reward0: .reward[0]}'",
      (t) => JSON.stringify({ weights: t.weights, reward0: t.reward[0] }),
    ),
  ].join('\n\n');
  blocks['validate'] = session(
    ['validate', 'scenarios/baseline.yaml', 'scenarios/april-2025-update.yaml'],
    { exit: true },
  );
  writeFileSync(
    join(work, 'scenarios/typo.yaml'),
    'extends: baseline.yaml\nmix:\n  weights: { thumbz: 1 }\nbeta: .nan\ntrainer: { steps: 2.5 }\n',
  );
  writeFileSync(join(work, 'scenarios/broken.yaml'), 'extends: baseline.yaml\nmix: [1, 2\n');
  blocks['validate-bad'] = session(
    ['validate', 'scenarios/baseline.yaml', 'scenarios/typo.yaml', 'scenarios/broken.yaml'],
    { exit: true },
  );
  blocks['compare'] = session([
    'compare',
    'scenarios/baseline.yaml',
    'scenarios/april-2025-update.yaml',
  ]);
  blocks['explain'] = session(['explain', 'scenarios/april-2025-update.yaml']);

  // ---- review and deploy ---------------------------------------------------------------------------
  blocks['review'] = session(['review', 'scenarios/april-2025-update.yaml']);
  blocks['deploy'] = session([
    'deploy',
    'scenarios/april-2025-update.yaml',
    '--out',
    'runs/april-deploy',
  ]);
  blocks['deploy-files'] = [
    file('runs/april-deploy/events.csv'),
    '',
    (() => {
      const lines = readFileSync(join(work, 'runs/april-deploy/hourly.csv'), 'utf8').split('\n');
      return `\`runs/april-deploy/hourly.csv\` (header and the first three of ${lines.length - 2} rows):\n\n\`\`\`\n${lines.slice(0, 4).join('\n')}\n\`\`\``;
    })(),
  ].join('\n');

  // ---- bad input ---------------------------------------------------------------------------------
  writeFileSync(join(work, 'runs/taken'), '');
  blocks['errors'] = [
    session(['run', 'scenarios/april-2025-update.yaml', '--set', 'mix.wieghts.thumbs=1'], {
      exit: true,
    }),
    session(['run', 'scenarios/april-2025-update.yaml', '--set', 'situations.ventng.weight=1'], {
      exit: true,
    }),
    session(['run', 'scenarios/april-2025-update.yaml', '--set', 'beta=abc'], { exit: true }),
    session(['run', 'scenarios/baseline.yaml', '--out', 'runs/taken'], { exit: true }),
    session(['run', 'scenarios/broken.yaml'], { exit: true }),
  ].join('\n\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}

// ---- splice into the doc -------------------------------------------------------------------------
const doc = readFileSync(DOC, 'utf8');
let next = doc;
for (const [name, body] of Object.entries(blocks)) {
  const re = new RegExp(
    `(<!-- BEGIN generated:${name} -->)[\\s\\S]*?(<!-- END generated:${name} -->)`,
  );
  if (!re.test(next)) throw new Error(`docs/cli.md has no block "${name}"`);
  next = next.replace(re, (_, a, b) => `${a}\n${body}\n${b}`);
}
if (process.argv.includes('--check')) {
  if (next !== doc) {
    process.stderr.write('docs/cli.md is out of date: run npx tsx scripts/cli-docs.ts\n');
    process.exitCode = 1;
  }
} else writeFileSync(DOC, next);
