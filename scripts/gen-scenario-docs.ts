// Regenerates schema/scenario.schema.json and the field table in docs/scenarios.md from the
// scenario format (src/scenario/format.ts). `--check` fails when either is out of date.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lastValue, simulate } from '../src/engine/index.ts';
import { loadScenario } from '../src/node/load.ts';
import { scenarioJsonSchema, withFieldTable } from '../src/scenario/schema.ts';

const SHIPPED = [
  'baseline',
  'april-2025-update',
  'thumbs-only',
  'memory-only',
  'fresher-data-only',
  'linear-generalization',
  'constrained-fix',
];
const KEYS = [
  'eval/sycophancy',
  'eval/sycophancy/memory-on',
  'eval/sycophancy/memory-off',
  'eval/accuracy',
  'ab/thumbs_up',
];

/** The facts table: start → final of the key metrics for each shipped scenario. */
function factsTable(): string {
  const lines = [
    `| scenario | ${KEYS.map((k) => `\`${k}\``).join(' | ')} |`,
    `| --- |${KEYS.map(() => ' --- |').join('')}`,
  ];
  for (const name of SHIPPED) {
    const file = `scenarios/${name}.yaml`;
    if (!existsSync(file)) continue;
    const tr = simulate(loadScenario(file).world).trajectory;
    const cell = (k: string) =>
      tr.values[k] ? `${tr.values[k][0].toFixed(3)} → ${lastValue(tr, k).toFixed(3)}` : '';
    lines.push(`| \`${name}\` | ${KEYS.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

function withFacts(md: string): string {
  const a = '<!-- facts:start -->';
  const b = '<!-- facts:end -->';
  const i = md.indexOf(a);
  const j = md.indexOf(b);
  if (i < 0 || j < i) throw new Error('docs/scenarios.md lacks the facts markers');
  return `${md.slice(0, i + a.length)}\n\n${factsTable()}\n\n${md.slice(j)}`;
}

const check = process.argv.includes('--check');
const targets: [string, string][] = [
  ['schema/scenario.schema.json', JSON.stringify(scenarioJsonSchema(), null, 2) + '\n'],
  ['docs/scenarios.md', withFacts(withFieldTable(readFileSync('docs/scenarios.md', 'utf8')))],
];
let stale = 0;
for (const [file, text] of targets) {
  const old = (() => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  })();
  if (old === text) continue;
  stale++;
  if (check) console.error(`${file} is out of date: run npm run docs:scenarios`);
  else writeFileSync(file, text);
}
if (check && stale) process.exitCode = 1;
