/**
 * `rewardmix inspect`: the compiled world, as JSON tables (`worldToTables`, the shape golden
 * vectors and `worldFromTables` use) or as readable text tables.
 */
import type { Command } from 'commander';
import { worldToTables } from '../../engine/world.ts';
import type { World } from '../../engine/types.ts';
import { displayPath } from '../../node/load.ts';
import { collectSet, loadForRun } from '../../node/runs.ts';
import { fmt, fmtPct, textTable } from '../output.ts';

interface InspectFlags {
  set?: string[];
  json?: boolean;
  all?: boolean;
}

const EXAMPLES = `
Examples:
  $ rewardmix inspect scenarios/baseline.yaml
  $ rewardmix inspect scenarios/april-2025-update.yaml --all
  $ rewardmix inspect scenarios/april-2025-update.yaml --json > world.json
  $ rewardmix inspect scenarios/baseline.yaml --set beta=0.2 --json

The JSON has contexts, actions, features, signals, noise, weights (effective, after
normalization), reward, referencePolicy, initialPolicy, initialTheta (linear policies only),
beta, policy, trainer, optimum, users and sets; C×A tables are lists of C rows of A numbers
in the order of contexts and actions.`;

/** A situations × styles table of numbers. */
function cellTable(world: World, rows: number[][], digits = 3): string {
  return textTable(
    ['situation', ...world.actions.map((a) => ({ header: a.id, align: 'right' as const }))],
    rows.map((r, c) => [world.contexts[c].id, ...r.map((x) => fmt(x, digits))]),
    '  ',
  );
}

/** The readable text of `inspect`. */
export function inspectText(world: World, source: string, all = false): string {
  const t = worldToTables(world);
  const out: string[] = [];
  const section = (title: string, body: string) => out.push(`${title}\n${body}\n`);
  out.push(
    `${world.name} (${source}): ${world.contexts.length} situations × ${world.actions.length} response styles, ` +
      `policy ${world.policy.kind === 'linear' ? `linear over ${world.policy.features.join(', ')}` : 'tabular'}, ` +
      `β = ${world.beta}, trainer ${world.trainer.kind} (${world.trainer.steps} steps, η = ${world.trainer.learningRate}` +
      `${world.trainer.kind === 'exact' ? `, ${world.trainer.update}` : ''})\n`,
  );
  section(
    'Situations (p(c): training weight; sets: the weight of each situation in the eval sets)',
    textTable(
      [
        'situation',
        { header: 'p(c)', align: 'right' },
        { header: 'sycophancy', align: 'right' },
        { header: 'accuracy', align: 'right' },
        { header: 'deployment', align: 'right' },
        ...Object.keys(world.sets.groups).map((g) => ({ header: g, align: 'right' as const })),
      ],
      world.contexts.map((c, i) => [
        c.id,
        fmt(c.weight, 4),
        fmt(world.sets.sycophancy[i], 4),
        fmt(world.sets.accuracy[i], 4),
        fmt(world.sets.deployment[i], 4),
        ...Object.values(world.sets.groups).map((g) => fmt(g[i], 4)),
      ]),
      '  ',
    ),
  );
  const attrKeys = [...new Set(world.actions.flatMap((a) => Object.keys(a.attributes)))];
  section(
    'Response styles',
    textTable(
      ['style', ...attrKeys.map((k) => ({ header: k, align: 'right' as const }))],
      world.actions.map((a) => [a.id, ...attrKeys.map((k) => String(a.attributes[k] ?? ''))]),
      '  ',
    ),
  );
  section(
    `Signals and effective weights (${world.mix.normalize ? 'normalize: true, raw weights divided by their sum' : 'normalize: false'})`,
    textTable(
      [
        'signal',
        { header: 'raw', align: 'right' },
        { header: 'effective', align: 'right' },
        { header: 'share', align: 'right' },
        'noise',
      ],
      world.signals.map((s, i) => {
        const eff = t.weights[s.name];
        const sum = Object.values(t.weights).reduce((a, b) => a + b, 0);
        return [
          s.name,
          fmt(world.mix.weights[i], 3),
          fmt(eff, 4),
          sum > 0 ? fmtPct(eff / sum) : '—',
          s.noise.kind === 'none'
            ? 'none'
            : `${s.noise.kind} ${JSON.stringify(Object.fromEntries(Object.entries(s.noise).filter(([k]) => k !== 'kind')))}`,
        ];
      }),
      '  ',
    ),
  );
  if (all) {
    for (const [name, rows] of Object.entries(t.features))
      section(`Feature ${name}`, cellTable(world, rows));
    for (const [name, rows] of Object.entries(t.signals))
      section(`Signal ${name} (expected value per cell)`, cellTable(world, rows));
  }
  section('Mixed reward R[c,a] = Σ_i w_i r_i[c,a]', cellTable(world, t.reward));
  section('Reference policy π_ref(a|c)', cellTable(world, t.referencePolicy));
  section('Initial policy (where the run starts)', cellTable(world, t.initialPolicy));
  if (t.initialTheta)
    section(
      'Initial θ (linear policy weights)',
      textTable(
        ['feature', { header: 'θ₀', align: 'right' }],
        (world.policy as { features: string[] }).features.map((f, i) => [
          f,
          fmt(t.initialTheta![i], 4),
        ]),
        '  ',
      ),
    );
  section('KL-regularized optimum π*(a|c) ∝ π_ref exp(R/β)', cellTable(world, t.optimum));
  if (!all) out.push('(--all adds every feature and signal table; --json gives everything)');
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description('show the compiled world: situations, styles, weights, reward and policies')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--set <path=value>', 'override a scenario field (repeatable)', collectSet, [])
    .option('--json', 'print the world as JSON tables')
    .option('--all', 'also print every feature and signal table')
    .addHelpText('after', EXAMPLES)
    .action((file: string, flags: InspectFlags) => {
      const loaded = loadForRun(file, { sets: flags.set ?? [] });
      if (flags.json)
        process.stdout.write(JSON.stringify(worldToTables(loaded.world), null, 2) + '\n');
      else
        process.stdout.write(inspectText(loaded.world, displayPath(loaded.path), flags.all) + '\n');
    });
}
