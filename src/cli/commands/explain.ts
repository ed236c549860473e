/**
 * `rewardmix explain`: a plain-language reading of a scenario before running it: each signal's
 * effective share, what changed against the scenario it extends, each signal's pressure on
 * sycophancy at step 0, and warnings from data-driven rules (docs/cli.md lists them).
 */
import type { Command } from 'commander';
import { evaluatePolicy, pressures } from '../../engine/metrics.ts';
import { effectiveWeights } from '../../engine/mix.ts';
import { createExactTrainer } from '../../engine/trainers/exact.ts';
import type { World } from '../../engine/types.ts';
import { displayPath, loadScenario, type LoadedScenario } from '../../node/load.ts';
import { collectSet, loadForRun, parentScenario } from '../../node/runs.ts';
import { fmt, fmtPct, textTable } from '../output.ts';

const EXAMPLES = `
Examples:
  $ rewardmix explain scenarios/april-2025-update.yaml
  $ rewardmix explain scenarios/thumbs-only.yaml --json
  $ rewardmix explain scenarios/april-2025-update.yaml --set mix.weights.spec=6

Pressure is the first-order change in eval/sycophancy that each signal's part of the first
update causes (docs/model.md, "Metrics"). Influence is a signal's effective weight times its
reward range across styles, averaged over a set of situations, signed + where the signal
rewards sycophantic answers there (covariance with \`sycophantic\` under π_ref) and − where it
penalizes them. Warnings come from rules over these numbers (docs/cli.md lists them).`;

// ---- the measurements ------------------------------------------------------------------------

/** Each signal's part of the first update's change in eval/sycophancy (exact expected update). */
export function stepZeroPressure(world: World): Record<string, number> | null {
  const ev = evaluatePolicy(world, world.initialTheta, 0);
  if (!ev.sycophancyGradient) return null;
  // As the run driver does for its last point: the exact trainer's expected update (plain
  // gradient for the sampled trainers, whose own updates are noisy around it).
  const dry =
    world.trainer.kind === 'exact'
      ? world
      : {
          ...world,
          trainer: { ...world.trainer, kind: 'exact' as const, update: 'gradient' as const },
        };
  const parts = createExactTrainer(dry, world.initialTheta.slice(), 0).step(0, true).parts;
  return parts ? pressures(world, ev.sycophancyGradient, parts) : null;
}

/** The situation sets the influence rules look at: the probe set and every named group. */
function influenceSets(world: World): [string, Float64Array][] {
  return [['sycophancy', world.sets.sycophancy], ...Object.entries(world.sets.groups)];
}

/**
 * Each signal's influence on sycophancy in each set of situations q, as a signed number:
 *
 * - size: its effective weight times its reward range across styles, averaged over q
 *   (w_i · Σ_c q(c) (max_a r_i[c,a] − min_a r_i[c,a])): how hard it can move the policy there;
 * - sign: the sign of Σ_c q(c) Cov_{π_ref(·|c)}(r_i, sycophantic): + where the signal rewards
 *   sycophantic answers, − where it penalizes them, 0 where it is neutral.
 */
export function signalInfluence(world: World): Record<string, Record<string, number>> | null {
  const syc = world.features['sycophantic'];
  if (!syc) return null;
  const A = world.actions.length;
  const w = effectiveWeights(world, 0);
  const ref = Float64Array.from(world.referenceLogProbs, Math.exp);
  const out: Record<string, Record<string, number>> = {};
  for (const [name, q] of influenceSets(world)) {
    out[name] = {};
    world.signals.forEach((s, i) => {
      let cov = 0;
      let range = 0;
      for (let c = 0, row = 0; c < q.length; c++, row += A) {
        if (!q[c]) continue;
        let er = 0;
        let es = 0;
        let ers = 0;
        let lo = Infinity;
        let hi = -Infinity;
        for (let a = 0; a < A; a++) {
          const p = ref[row + a];
          const r = s.table[row + a];
          er += p * r;
          es += p * syc[row + a];
          ers += p * r * syc[row + a];
          lo = Math.min(lo, r);
          hi = Math.max(hi, r);
        }
        cov += q[c] * (ers - er * es);
        range += q[c] * (hi - lo);
      }
      const sign = Math.abs(cov) <= 1e-12 * Math.max(1, range) ? 0 : Math.sign(cov);
      out[name][s.name] = sign * w[i] * range;
    });
  }
  return out;
}

/** Effective weights at step 0 and their shares of the total. */
export function signalShares(
  world: World,
): { signal: string; raw: number; effective: number; share: number }[] {
  const w = effectiveWeights(world, 0);
  const sum = w.reduce((a, b) => a + b, 0);
  return world.signals.map((s, i) => ({
    signal: s.name,
    raw: world.mix.weights[i],
    effective: w[i],
    share: sum > 0 ? w[i] / sum : 0,
  }));
}

/** One changed field of the normalized scenario. */
export interface ScenarioChange {
  path: string;
  from: unknown;
  to: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const byId = (v: unknown): v is { id: string }[] =>
  Array.isArray(v) && v.every((x) => isObj(x) && typeof x.id === 'string');

/** The fields that differ between two normalized scenarios (lists of entries with ids by id). */
export function diffScenarios(
  from: unknown,
  to: unknown,
  path = '',
  out: ScenarioChange[] = [],
): ScenarioChange[] {
  if (isObj(from) && isObj(to)) {
    for (const k of new Set([...Object.keys(from), ...Object.keys(to)])) {
      if (!path && ['$schema', 'extends', 'name', 'description'].includes(k)) continue;
      // A param is {value, min, max, doc}; an override by a plain number keeps only the value,
      // so compare values (the bounds and doc are metadata, not the scenario's content).
      if (path === 'params') {
        const v = (p: unknown) => (isObj(p) ? p.value : p);
        diffScenarios(v(from[k]), v(to[k]), `params.${k}`, out);
        continue;
      }
      diffScenarios(from[k], to[k], path ? `${path}.${k}` : k, out);
    }
  } else if (byId(from) && byId(to)) {
    for (const id of new Set([...from.map((x) => x.id), ...to.map((x) => x.id)]))
      diffScenarios(
        from.find((x) => x.id === id),
        to.find((x) => x.id === id),
        `${path}.${id}`,
        out,
      );
  } else if (JSON.stringify(from) !== JSON.stringify(to)) out.push({ path, from, to });
  return out;
}

// ---- the warning rules -----------------------------------------------------------------------

const setLabel = (name: string) =>
  name === 'sycophancy' ? 'the sycophancy probe set' : `${name} conversations`;
const listNames = (xs: string[]) =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
const verb = (xs: string[], v: string) => (xs.length === 1 ? `${v}es` : v);
const signed = (x: number) => (x >= 0 ? '+' : '') + fmt(x, 4);

/** What the rules read: the scenario and, when it extends one, its parent. */
export interface ExplainInput {
  world: World;
  parent: World | null;
}

/**
 * The warning rules, each a function of the data. Add one by appending a function that returns
 * its warnings (plain sentences).
 */
export const explainRules: { name: string; rule: (x: ExplainInput) => string[] }[] = [
  {
    // In a set of situations, the signals that reward sycophancy outweigh the ones that
    // penalize it ("thumbs' effective weight now exceeds spec's in memory-on conversations").
    // One signal against the strongest opponent first; otherwise all of them together.
    name: 'outweighs',
    rule({ world, parent }) {
      const now = signalInfluence(world);
      const before = parent ? signalInfluence(parent) : null;
      if (!now) return [];
      const out: string[] = [];
      const now_ = before ? 'now ' : '';
      for (const [set, inf] of Object.entries(now)) {
        const was = before?.[set];
        const entries = Object.entries(inf);
        const ups = entries.filter(([, v]) => v > 0);
        const downs = entries.filter(([, v]) => v < 0).sort((a, b) => a[1] - b[1]);
        if (!ups.length || !downs.length) continue;
        const [d, dv] = downs[0];
        const single = ups.filter(([u, v]) => v > -dv && !(was && was[u] > -(was[d] ?? 0)));
        for (const [u, v] of single)
          out.push(
            `${u}' effective weight ${now_}exceeds ${d}'s in ${setLabel(set)} ` +
              `(${fmt(v, 3)} vs ${fmt(-dv, 3)}, weight × reward range): ${u} rewards sycophantic answers there, ${d} penalizes them`,
          );
        if (single.length) continue;
        const upSum = ups.reduce((a, [, v]) => a + v, 0);
        const downSum = -downs.reduce((a, [, v]) => a + v, 0);
        const wasNet = was ? Object.values(was).reduce((a, b) => a + b, 0) : -Infinity;
        if (ups.length > 1 && upSum > downSum && !(wasNet > 0))
          out.push(
            `together ${listNames(ups.map(([u]) => u))} ${now_}outweigh ${listNames(downs.map(([n]) => n))} in ${setLabel(set)} ` +
              `(${fmt(upSum, 3)} vs ${fmt(downSum, 3)}, weight × reward range): the signals that reward sycophantic answers there are stronger than the ones that penalize them`,
          );
      }
      return out;
    },
  },
  {
    // With normalize: true, raising some weights shrinks the share of a signal that holds
    // sycophancy back (the postmortem's "weakened the influence of our primary reward signal").
    name: 'dilution',
    rule({ world, parent }) {
      if (!parent || !world.mix.normalize) return [];
      const influence = signalInfluence(world)?.sycophancy;
      const now = signalShares(world);
      const was = new Map(signalShares(parent).map((s) => [s.signal, s]));
      const out: string[] = [];
      const raised = now.filter((s) => s.raw > (was.get(s.signal)?.raw ?? 0)).map((s) => s.signal);
      for (const s of now) {
        const b = was.get(s.signal);
        if (!b || !(b.share > 0) || s.share > 0.75 * b.share) continue;
        if (influence && !(influence[s.signal] < 0)) continue;
        const own = s.raw < b.raw ? ` and its own weight fell from ${b.raw} to ${s.raw}` : '';
        out.push(
          `${s.signal}'s share of the mix fell from ${fmtPct(b.share)} to ${fmtPct(s.share)}` +
            (raised.length
              ? `: normalize: true divides by the sum, so the weight added to ${listNames(raised)} diluted it${own}`
              : own),
        );
      }
      return out;
    },
  },
  {
    // The first update already pushes sycophancy up.
    name: 'net-pressure-up',
    rule({ world }) {
      const pr = stepZeroPressure(world);
      if (!pr) return [];
      const signals = world.signals.map((s) => [s.name, pr[`pressure/${s.name}`]] as const);
      const net = signals.reduce((a, [, v]) => a + v, 0);
      if (!(net > 0)) return [];
      const ups = signals.filter(([, v]) => v > 0).map(([n]) => n);
      const downs = signals.filter(([, v]) => v < 0).map(([n]) => n);
      return [
        `at step 0 the signals push eval/sycophancy up on balance (${signed(net)} per step): ` +
          `${listNames(ups)} ${verb(ups, 'push')} up${downs.length ? `, ${listNames(downs)} ${verb(downs, 'push')} down` : ''}`,
      ];
    },
  },
  {
    // A weighted signal that does not vary across styles anywhere the model trains changes nothing.
    name: 'inert-signal',
    rule({ world }) {
      const A = world.actions.length;
      const w = effectiveWeights(world, 0);
      const out: string[] = [];
      world.signals.forEach((s, i) => {
        if (!(w[i] > 0)) return;
        let spread = 0;
        world.contextWeights.forEach((p, c) => {
          if (!(p > 0)) return;
          const row = s.table.subarray(c * A, c * A + A);
          spread = Math.max(spread, Math.max(...row) - Math.min(...row));
        });
        if (spread < 1e-12)
          out.push(
            `${s.name} has weight ${fmt(w[i], 3)} but the same value for every style in every situation the model trains on: it changes nothing but dilutes the others`,
          );
      });
      return out;
    },
  },
];

// ---- the explanation -------------------------------------------------------------------------

/** Everything `explain` says, as data (`--json`). */
export interface Explanation {
  scenario: string;
  path: string;
  description: string;
  parent: { scenario: string; path: string } | null;
  normalize: boolean;
  shares: {
    signal: string;
    raw: number;
    effective: number;
    share: number;
    parentShare: number | null;
  }[];
  changes: ScenarioChange[];
  pressure: Record<string, number> | null;
  /** signalInfluence: set → signal → signed influence. */
  influence: Record<string, Record<string, number>> | null;
  warnings: string[];
}

/** Explains a loaded scenario against its parent (if it extends one). */
export function explain(loaded: LoadedScenario, parentLoaded: LoadedScenario | null): Explanation {
  const world = loaded.world;
  const parent = parentLoaded?.world ?? null;
  const before = parent ? new Map(signalShares(parent).map((s) => [s.signal, s.share])) : null;
  const input = { world, parent };
  return {
    scenario: world.name,
    path: displayPath(loaded.path),
    description: loaded.scenario.description,
    parent: parentLoaded
      ? { scenario: parentLoaded.world.name, path: displayPath(parentLoaded.path) }
      : null,
    normalize: world.mix.normalize,
    shares: signalShares(world).map((s) => ({ ...s, parentShare: before?.get(s.signal) ?? null })),
    changes: parentLoaded ? diffScenarios(parentLoaded.scenario, loaded.scenario) : [],
    pressure: stepZeroPressure(world),
    influence: signalInfluence(world),
    warnings: explainRules.flatMap((r) => r.rule(input)),
  };
}

const show = (v: unknown) => {
  if (v === undefined) return '(unset)';
  const s = JSON.stringify(v);
  return s.length > 70 ? s.slice(0, 69) + '…' : s;
};

/** The plain-language text of an explanation. */
export function explanationText(x: Explanation): string {
  const out: string[] = [];
  out.push(`${x.scenario} (${x.path})${x.description ? `: ${x.description}` : ''}`);
  out.push('');
  out.push(
    `Signals and their effective shares at step 0 (${x.normalize ? 'normalize: true: each raw weight divided by their sum' : 'normalize: false: raw weights used as they are'}):`,
  );
  const withParent = x.parent !== null;
  out.push(
    textTable(
      [
        'signal',
        { header: 'raw', align: 'right' },
        { header: 'effective', align: 'right' },
        { header: 'share', align: 'right' },
        ...(withParent
          ? [{ header: `share in ${x.parent!.scenario}`, align: 'right' as const }]
          : []),
      ],
      x.shares.map((s) => [
        s.signal,
        fmt(s.raw, 3),
        fmt(s.effective, 4),
        fmtPct(s.share),
        ...(withParent ? [s.parentShare === null ? '—' : fmtPct(s.parentShare)] : []),
      ]),
      '  ',
    ),
  );
  out.push('');
  if (x.parent) {
    out.push(`Changes against ${x.parent.scenario} (${x.parent.path}), the scenario it extends:`);
    if (x.changes.length === 0) out.push('  none');
    for (const c of x.changes) out.push(`  ${c.path}: ${show(c.from)} → ${show(c.to)}`);
  } else out.push('It extends no scenario: nothing to compare against.');
  out.push('');
  if (x.pressure) {
    out.push(
      'Pressure on eval/sycophancy at step 0 (first-order change per update from each part of the first update):',
    );
    const keys = Object.keys(x.pressure).filter((k) => k !== 'pressure/total');
    const scale = Math.max(...keys.map((k) => Math.abs(x.pressure![k])), 0);
    out.push(
      textTable(
        ['part', { header: 'pressure', align: 'right' }, 'direction'],
        keys.map((k) => {
          const v = x.pressure![k];
          const dir =
            Math.abs(v) <= 1e-6 * scale || v === 0
              ? 'no push'
              : v > 0
                ? 'pushes sycophancy up'
                : 'holds sycophancy down';
          return [k.replace('pressure/', ''), signed(v).replace(/^\+?/, v > 0 ? '+' : ''), dir];
        }),
        '  ',
      ),
    );
    out.push(`  total ${signed(x.pressure['pressure/total'])} per step`);
  } else out.push('No `sycophantic` feature: no pressure on sycophancy to report.');
  if (x.influence) {
    out.push('');
    out.push(
      'Influence on sycophancy by set of situations (effective weight × reward range across styles;',
    );
    out.push('+ rewards sycophantic answers there, − penalizes them):');
    const signals = x.shares.map((s) => s.signal);
    out.push(
      textTable(
        ['set', ...signals.map((s) => ({ header: s, align: 'right' as const }))],
        Object.entries(x.influence).map(([set, p]) => [
          set,
          ...signals.map((s) => (p[s] === 0 ? '0' : signed(p[s]).replace(/^(\d)/, '+$1'))),
        ]),
        '  ',
      ),
    );
  }
  out.push('');
  out.push(x.warnings.length ? 'Warnings:' : 'Warnings: none.');
  for (const w of x.warnings) out.push(`  ! ${w}`);
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('explain')
    .description('read a scenario in plain language before running it')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--set <path=value>', 'override a scenario field (repeatable)', collectSet, [])
    .option('--json', 'print the explanation as JSON')
    .addHelpText('after', EXAMPLES)
    .action((file: string, flags: { set?: string[]; json?: boolean }) => {
      const loaded = loadForRun(file, { sets: flags.set ?? [] });
      const parentFile = parentScenario(file);
      const parent = parentFile ? loadScenario(parentFile) : null;
      const x = explain(loaded, parent);
      process.stdout.write((flags.json ? JSON.stringify(x, null, 2) : explanationText(x)) + '\n');
    });
}
