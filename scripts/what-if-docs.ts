// Regenerates the outputs in docs/what-if.md from runs of the code: the CLI's own output for each
// what-if command (timings blanked), tables computed from sweep results and engine runs, and the
// chart images in docs/images/what-if/. Usage: npx tsx scripts/what-if-docs.ts [--check]
// Each block lives between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`;
// --check regenerates the text (not the images) and fails if the doc is out of date.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { multipliersSpec } from '../src/charts/multipliers.ts';
import { optimumOf } from '../src/engine/analysis/tipping.ts';
import { simulate } from '../src/engine/run.ts';
import { loadScenario } from '../src/node/load.ts';
import { exportChart } from '../src/node/render.ts';

const DOC = 'docs/what-if.md';
const IMAGES = 'docs/images/what-if';
const check = process.argv.includes('--check');
const root = resolve(import.meta.dirname, '..');
const cwd = mkdtempSync(join(tmpdir(), 'rewardmix-what-if-docs-'));
symlinkSync(join(root, 'scenarios'), join(cwd, 'scenarios'));
const blocks: Record<string, string> = {};

/** Runs `rewardmix …` in the scratch directory; the command and its output as a console block. */
function rewardmix(args: string[], shown = args): string {
  const out = execFileSync(process.execPath, [join(root, 'bin/rewardmix.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const shownArgs = shown.map((a) => (/[\s'<>]/.test(a) ? `'${a}'` : a)).join(' ');
  return `$ rewardmix ${shownArgs}\n${blank(out)}`;
}
/** Timings vary from run to run; the doc shows them blanked. */
const blank = (text: string) => text.replace(/in \d+(\.\d+)? s\b/g, 'in … s');
const fence = (text: string) => '```console\n' + text.trimEnd() + '\n```';
const f = (x: number, d = 4) => String(Number(x.toPrecision(d)));
const image = (from: string, name: string) => {
  if (check) return;
  mkdirSync(IMAGES, { recursive: true });
  copyFileSync(from, join(IMAGES, name));
};

const UPDATE = 'scenarios/april-2025-update.yaml';

// ---- sweeps -------------------------------------------------------------------------------------
const grid = ['--vary', 'mix.weights.thumbs=0:4:21', '--vary', 'mix.weights.spec=0.5:4:21'];
blocks['sweep-grid'] = fence(
  rewardmix([
    'sweep',
    UPDATE,
    ...grid,
    '--out',
    'sweeps/thumbs-spec',
    '--chart',
    'eval/sycophancy=0.1',
    '--quiet',
  ]) +
    `$ head -4 sweeps/thumbs-spec/results.csv\n${readFileSync(join(cwd, 'sweeps/thumbs-spec/results.csv'), 'utf8').split('\n').slice(0, 4).join('\n')}\n`,
);
image(join(cwd, 'sweeps/thumbs-spec/chart-eval-sycophancy.png'), 'heatmap.png');

const lhs = [
  'sweep',
  UPDATE,
  '--sample',
  'lhs',
  '--n',
  '60',
  '--vary',
  'mix.weights.thumbs=0:4',
  '--vary',
  'mix.weights.memory=0:3',
  '--vary',
  'params.approvalBias=0:3',
  '--out',
  'sweeps/lhs',
  '--chart',
  'eval/sycophancy',
  '--quiet',
];
blocks['sweep-lhs'] = fence(rewardmix(lhs));
image(join(cwd, 'sweeps/lhs/chart-eval-sycophancy.png'), 'parallel-coordinates.png');

const seeded = [
  'sweep',
  UPDATE,
  '--set',
  'trainer.kind=reinforce',
  '--set',
  'trainer.learningRate=100',
  '--vary',
  'mix.weights.thumbs=0:4:5',
  '--seeds',
  '5',
  '--out',
  'sweeps/reinforce',
  '--quiet',
];
const seededOut = rewardmix(seeded);
const summary = readFileSync(join(cwd, 'sweeps/reinforce/summary.csv'), 'utf8').trim().split('\n');
const head = summary[0].split(',');
const col = (name: string) => head.indexOf(name);
const cols = [
  'mix.weights.thumbs',
  'n',
  'eval/sycophancy:mean',
  'eval/sycophancy:sd',
  'eval/sycophancy:lo',
  'eval/sycophancy:hi',
];
blocks['sweep-seeds'] =
  fence(seededOut) +
  '\n\n' +
  `| ${cols.join(' | ')} |\n|${cols.map(() => ' ---: ').join('|')}|\n` +
  summary
    .slice(1)
    .map((line) => {
      const v = line.split(',');
      return `| ${cols.map((c) => (c === 'n' || c === 'mix.weights.thumbs' ? v[col(c)] : f(Number(v[col(c)])))).join(' | ')} |`;
    })
    .join('\n');

// shards and merge: two shards, merged, against one sweep
const small = ['--vary', 'mix.weights.thumbs=0:4:9', '--vary', 'mix.weights.memory=0:2:3'];
const shardText = [
  rewardmix(['sweep', UPDATE, ...small, '--shard', '1/2', '--out', 'shards/1', '--quiet']),
  rewardmix(['sweep', UPDATE, ...small, '--shard', '2/2', '--out', 'shards/2', '--quiet']),
  rewardmix(['merge', 'shards/1', 'shards/2', '--out', 'sweeps/merged']),
  rewardmix(['sweep', UPDATE, ...small, '--out', 'sweeps/whole', '--quiet']),
].join('');
const same = ['results.csv', 'results.jsonl', 'summary.csv'].every(
  (n) =>
    readFileSync(join(cwd, 'sweeps/merged', n), 'utf8') ===
    readFileSync(join(cwd, 'sweeps/whole', n), 'utf8'),
);
blocks['shard-merge'] = fence(
  shardText +
    `$ cmp sweeps/merged/results.csv sweeps/whole/results.csv && echo identical\n${same ? 'identical' : 'DIFFERENT'}\n`,
);
if (!same) throw new Error('merged shards differ from the whole sweep');

// ---- tipping ------------------------------------------------------------------------------------
const tip = ['tipping', UPDATE, '--param', 'mix.weights.thumbs', '--metric', 'eval/sycophancy'];
blocks['tipping-exact'] = fence(
  rewardmix([...tip, '--threshold', '0.1']) + rewardmix([...tip, '--threshold', '0.05']),
);
blocks['tipping-sampled'] = fence(
  rewardmix([
    'tipping',
    UPDATE,
    '--set',
    'trainer.kind=reinforce',
    '--set',
    'trainer.learningRate=100',
    '--param',
    'mix.weights.thumbs',
    '--metric',
    'eval/sycophancy',
    '--threshold',
    '0.04',
    '--range',
    '0:6',
    '--seeds',
    '5',
    '--curve',
    '13',
    '--chart',
    'charts',
  ]),
);
image(join(cwd, 'charts/tipping.png'), 'tipping.png');
blocks['tipping-approval'] = fence(
  rewardmix([
    'tipping',
    UPDATE,
    '--param',
    'params.approvalBias',
    '--metric',
    'eval/sycophancy',
    '--threshold',
    '0.2',
  ]),
);

// ---- pareto -------------------------------------------------------------------------------------
const paretoOut = rewardmix([
  'pareto',
  'sweeps/thumbs-spec',
  '--objectives',
  'ab/thumbs_up:max,eval/sycophancy:min',
  '--chart',
]);
const lines = paretoOut.trimEnd().split('\n');
blocks['pareto'] = fence(
  lines.length > 16
    ? [...lines.slice(0, 12), `… (${lines.length - 15} more rows)`, ...lines.slice(-3)].join('\n')
    : paretoOut,
);
image(join(cwd, 'sweeps/thumbs-spec/pareto.png'), 'pareto.png');

// ---- tune ---------------------------------------------------------------------------------------
const tune = [
  'tune',
  UPDATE,
  '--maximize',
  'ab/thumbs_up',
  '--subject-to',
  'eval/sycophancy<=0.05',
  '--vary',
  'mix.weights.thumbs=0:4',
  '--vary',
  'mix.weights.spec=0.5:4',
];
blocks['tune'] = fence(rewardmix(tune));
blocks['tune-compass'] = fence(rewardmix([...tune, '--method', 'compass']));

// ---- constrained training -----------------------------------------------------------------------
const runOf = (file: string) => simulate(loadScenario(file).world);
const base = runOf('scenarios/baseline.yaml').final;
const upd = runOf(UPDATE).final;
const fixWorld = loadScenario('scenarios/constrained-fix.yaml').world;
const fix = simulate(fixWorld);
const gain = (x: number) =>
  `${f((100 * (x - base['ab/thumbs_up'])) / (upd['ab/thumbs_up'] - base['ab/thumbs_up']), 3)}%`;
const keys = ['eval/sycophancy', 'ab/thumbs_up', 'eval/accuracy', 'objective/kl'];
const row = (name: string, m: Record<string, number>, extra: string) =>
  `| ${name} | ${keys.map((k) => f(m[k])).join(' | ')} | ${extra} |`;
const star = optimumOf(fixWorld);
blocks['constrained-table'] = [
  `| run | ${keys.join(' | ')} | share of the update's thumbs-up gain kept |`,
  `| --- |${keys.map(() => ' ---: ').join('|')}| ---: |`,
  row('baseline', base, '—'),
  row('april-2025-update', upd, '100%'),
  row('constrained-fix', fix.final, gain(fix.final['ab/thumbs_up'])),
].join('\n');
const lambdaEnd = fix.final['multipliers/eval/sycophancy'];
const maxSyc = Math.max(...fix.trajectory.values['eval/sycophancy']);
blocks['constrained-facts'] = [
  `- The multiplier ends at λ = ${f(lambdaEnd)}; the saddle point of the tilt (the same reward shaped`,
  `  by λ, \`optimumOf\` in src/engine/analysis/tipping.ts) has λ* = ${f(star.multipliers[0])}: after 300`,
  '  steps the dual ascent is close to it, not yet on it.',
  `- On the way, sycophancy peaks at ${f(maxSyc)} (step ${fix.trajectory.steps[fix.trajectory.values['eval/sycophancy'].indexOf(maxSyc)]}) before the multiplier catches up: λ is 0`,
  `  until the metric first passes its bound, and it takes time to grow.`,
  `- Final pressure on sycophancy per step: pressure/constraint = ${f(fix.final['pressure/constraint'], 3)},`,
  `  pressure/spec = ${f(fix.final['pressure/spec'], 3)}, pressure/thumbs = ${f(fix.final['pressure/thumbs'], 3)}, pressure/memory = ${f(fix.final['pressure/memory'], 3)}, pressure/kl = ${f(fix.final['pressure/kl'], 3)};`,
  `  total ${f(fix.final['pressure/total'], 3)} (the parts add up to it).`,
].join('\n');

// How the multiplier rate changes the dynamics: final value and the last 60 steps' range.
const rateRows = [0.5, 1, 2, 5, 10, 30].map((rate) => {
  const w = loadScenario('scenarios/constrained-fix.yaml', {
    sets: [`mix.multiplierRate=${rate}`],
  }).world;
  const r = simulate(w, { recordEvery: 1 });
  const syc = r.trajectory.values['eval/sycophancy'];
  const tail = syc.slice(-60);
  const lam = r.trajectory.values['multipliers/eval/sycophancy'].slice(-60);
  return `| ${rate} | ${f(Math.max(...syc))} | ${f(Math.min(...tail))} – ${f(Math.max(...tail))} | ${f(Math.min(...lam), 3)} – ${f(Math.max(...lam), 3)} | ${f(r.final['eval/sycophancy'])} | ${f(r.final['ab/thumbs_up'])} |`;
});
blocks['constrained-rates'] = [
  '| multiplierRate | peak eval/sycophancy | eval/sycophancy, last 60 steps | λ, last 60 steps | final eval/sycophancy | final ab/thumbs_up |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rateRows,
].join('\n');
if (!check) {
  mkdirSync(IMAGES, { recursive: true });
  await exportChart(
    multipliersSpec({
      runs: [{ name: 'constrained-fix', trajectory: fix.trajectory }],
      constraints: fixWorld.mix.constraints.map((c) => ({
        metric: c.metric,
        sense: c.sense,
        bound: c.bound,
      })),
    }),
    join(cwd, 'charts'),
    'multipliers',
  );
  image(join(cwd, 'charts/multipliers.png'), 'multipliers.png');
}

// ---- write or check -----------------------------------------------------------------------------
rmSync(cwd, { recursive: true, force: true });
let doc = readFileSync(DOC, 'utf8');
for (const [name, text] of Object.entries(blocks)) {
  const re = new RegExp(
    `(<!-- BEGIN generated:${name} -->\\n)[\\s\\S]*?(<!-- END generated:${name} -->)`,
  );
  if (!re.test(doc)) throw new Error(`${DOC} lacks the markers for ${name}`);
  doc = doc.replace(re, (_m, a, b) => `${a}${text}\n${b}`);
}
if (check) {
  if (doc !== readFileSync(DOC, 'utf8')) {
    console.error(`${DOC} is out of date: run npx tsx scripts/what-if-docs.ts`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(DOC, doc);
  console.log(`wrote ${DOC} (${Object.keys(blocks).length} blocks) and ${IMAGES}/`);
}
