/**
 * Metrics of a policy, with the names RLHF engineers read in TRL logs (docs/model.md,
 * "Metrics"), and the gradient of eval/sycophancy that the pressure decomposition projects on.
 */
import { effectiveWeights } from './mix.ts';
import { logitShift, policyFeatures, softmaxRows } from './policy.ts';
import type { World } from './types.ts';

/** The metric catalogue: every key a run can record, with a one-line meaning. */
export const METRIC_DOCS: Record<string, string> = {
  'rewards/<signal>/mean': "signal's expected value under π over the training mix (unweighted)",
  'rewards/<signal>/weighted': "the signal's effective weight times its mean",
  'weights/<signal>':
    "the signal's effective weight at this step (after normalization and schedule)",
  'reward/mixed': 'expected mixed reward Σ_i w_i r_i under π',
  'objective/kl': 'Σ_c p(c) KL(π(·|c) ‖ π_ref(·|c))',
  'objective/entropy': 'Σ_c p(c) H(π(·|c))',
  'objective/j': 'reward/mixed − β · objective/kl: the objective J the exact trainer ascends',
  'eval/sycophancy': 'expected `sycophantic` over the sycophancy probe set',
  'eval/sycophancy/<group>': 'the same over a named group of situations (e.g. memory-on)',
  'eval/accuracy': 'expected `correct` over the offline eval set',
  'ab/thumbs_up': 'thumbs-up share of the ratings given on deployment traffic (user model)',
  'pressure/<signal>': "that signal's part of this step's first-order change in eval/sycophancy",
  'pressure/kl': "the KL term's part of this step's first-order change in eval/sycophancy",
  'pressure/constraint':
    "constrained mode: the constraints' part (the multipliers' shaping) of that change",
  'multipliers/<metric>':
    'constrained mode: the Lagrange multiplier λ of the bound on <metric> used by this step',
  'pressure/total': 'the whole first-order change (sum of the parts)',
};

/** The policy at θ and what it implies, at step t. */
export interface PolicyEvaluation {
  prob: Float64Array;
  /** log π (a scratch buffer: valid until the next evaluation of the same world). */
  logProb: Float64Array;
  /** Metric values by key, in a stable order. */
  values: Record<string, number>;
  /** ∇_θ eval/sycophancy (θ space), or null when the world has no `sycophantic` feature. */
  sycophancyGradient: Float64Array | null;
}

function setAverage(set: Float64Array, prob: Float64Array, table: Float64Array, A: number): number {
  let s = 0;
  for (let c = 0, row = 0; c < set.length; c++, row += A) {
    const q = set[c];
    if (q === 0) continue;
    let e = 0;
    for (let a = 0; a < A; a++) e += prob[row + a] * table[row + a];
    s += q * e;
  }
  return s;
}

/** Per-world constants of evaluatePolicy: the metric keys (frame slots) and scratch buffers. */
interface MetricLayout {
  /** The keys of a metrics frame, in slot order. */
  keys: string[];
  groups: Float64Array[];
  h: Float64Array;
  logProb: Float64Array;
  /** ∂S/∂h scratch (tabular: also the θ-space gradient). */
  gh: Float64Array;
  w: Float64Array;
}
const layouts = new WeakMap<World, MetricLayout>();

function layoutOf(world: World): MetricLayout {
  let l = layouts.get(world);
  if (!l || l.h.length !== world.contexts.length * world.actions.length) {
    const keys: string[] = [];
    for (const s of world.signals)
      keys.push(`rewards/${s.name}/mean`, `rewards/${s.name}/weighted`, `weights/${s.name}`);
    keys.push('reward/mixed', 'objective/kl', 'objective/entropy', 'objective/j');
    const groups = Object.entries(world.sets.groups);
    if (world.features['sycophantic'])
      keys.push('eval/sycophancy', ...groups.map(([name]) => `eval/sycophancy/${name}`));
    if (world.features['correct']) keys.push('eval/accuracy');
    if (world.users.length > 0) keys.push('ab/thumbs_up');
    l = {
      keys,
      groups: groups.map(([, set]) => set),
      h: new Float64Array(world.contexts.length * world.actions.length),
      logProb: new Float64Array(world.contexts.length * world.actions.length),
      gh: new Float64Array(world.contexts.length * world.actions.length),
      w: new Float64Array(world.signals.length),
    };
    layouts.set(world, l);
  }
  return l;
}

/** The keys of the metrics frame `evaluatePolicyInto` writes, in slot order. */
export function metricKeys(world: World): string[] {
  return layoutOf(world).keys;
}

/** The policy at θ and its sycophancy gradient; the metrics go into a caller's frame. */
export interface PolicyFrame {
  prob: Float64Array;
  /** log π (a scratch buffer: valid until the next evaluation of the same world). */
  logProb: Float64Array;
  /** ∇_θ eval/sycophancy: a scratch buffer, valid until the next evaluation of the same world. */
  sycophancyGradient: Float64Array | null;
}

/**
 * Evaluates the policy at θ at step t, writing the metrics into `out` in the order of
 * `metricKeys(world)` (no per-call records or strings: the run driver's hot path).
 */
export function evaluatePolicyInto(
  world: World,
  theta: Float64Array,
  t: number,
  out: Float64Array,
  probOut?: Float64Array,
): PolicyFrame {
  const C = world.contexts.length;
  const A = world.actions.length;
  const n = C * A;
  const layout = layoutOf(world);
  const prob = probOut ?? new Float64Array(n);
  const logProb = layout.logProb;
  softmaxRows(world.referenceLogProbs, logitShift(world, theta, layout.h), A, prob, logProb);
  const p = world.contextWeights;
  const w = effectiveWeights(world, t, layout.w);
  let k = 0;

  // ---- rewards ------------------------------------------------------------------------------
  let mixed = 0;
  for (let i = 0; i < world.signals.length; i++) {
    const mean = setAverage(p, prob, world.signals[i].table, A);
    out[k++] = mean;
    out[k++] = w[i] * mean;
    out[k++] = w[i];
    mixed += w[i] * mean;
  }
  out[k++] = mixed;

  // ---- objective ----------------------------------------------------------------------------
  let kl = 0;
  let entropy = 0;
  for (let c = 0, row = 0; c < C; c++, row += A) {
    let klc = 0;
    let hc = 0;
    for (let a = 0; a < A; a++) {
      const pa = prob[row + a];
      if (pa === 0) continue;
      klc += pa * (logProb[row + a] - world.referenceLogProbs[row + a]);
      hc -= pa * logProb[row + a];
    }
    kl += p[c] * klc;
    entropy += p[c] * hc;
  }
  out[k++] = kl;
  out[k++] = entropy;
  out[k++] = mixed - world.beta * kl;

  // ---- evals --------------------------------------------------------------------------------
  const syc = world.features['sycophantic'];
  let sycophancyGradient: Float64Array | null = null;
  if (syc) {
    out[k++] = setAverage(world.sets.sycophancy, prob, syc, A);
    for (const set of layout.groups) out[k++] = setAverage(set, prob, syc, A);
    sycophancyGradient = sycophancyGradientAt(world, prob, syc, layout.gh);
  }
  const correct = world.features['correct'];
  if (correct) out[k++] = setAverage(world.sets.accuracy, prob, correct, A);
  if (world.users.length > 0) out[k++] = thumbsUpShare(world, prob);
  return { prob, logProb, sycophancyGradient };
}

/** Evaluates the policy at θ: metrics at step t (by key) and the sycophancy gradient. */
export function evaluatePolicy(world: World, theta: Float64Array, t = 0): PolicyEvaluation {
  const keys = metricKeys(world);
  const frame = new Float64Array(keys.length);
  const ev = evaluatePolicyInto(world, theta, t, frame);
  const values: Record<string, number> = {};
  for (let i = 0; i < keys.length; i++) values[keys[i]] = frame[i];
  // the gradient of the frame version is a scratch buffer: give callers their own copy
  return { ...ev, sycophancyGradient: ev.sycophancyGradient?.slice() ?? null, values };
}

/** ∂S/∂θ for S = Σ_c q(c) Σ_a π(a|c) syc[c,a]: ∂S/∂h = q π (syc − E_π syc), then into θ space. */
function sycophancyGradientAt(
  world: World,
  prob: Float64Array,
  syc: Float64Array,
  gh: Float64Array,
): Float64Array {
  const A = world.actions.length;
  const q = world.sets.sycophancy;
  gh.fill(0);
  for (let c = 0, row = 0; c < q.length; c++, row += A) {
    if (q[c] === 0) continue;
    let e = 0;
    for (let a = 0; a < A; a++) e += prob[row + a] * syc[row + a];
    for (let a = 0; a < A; a++) gh[row + a] = q[c] * prob[row + a] * (syc[row + a] - e);
  }
  if (world.policy.kind === 'tabular') return gh;
  return Float64Array.from(policyFeatures(world), (f) => {
    let s = 0;
    for (let i = 0; i < gh.length; i++) s += gh[i] * f[i];
    return s;
  });
}

/** Thumbs-up share of ratings, ups / (ups + downs), over deployment traffic under `prob`. */
export function thumbsUpShare(
  world: World,
  prob: Float64Array,
  set = world.sets.deployment,
): number {
  const A = world.actions.length;
  let ups = 0;
  let downs = 0;
  for (const seg of world.users) {
    for (let c = 0, row = 0; c < set.length; c++, row += A) {
      const d = set[c] * seg.weight;
      if (d === 0) continue;
      for (let a = 0; a < A; a++) {
        ups += d * prob[row + a] * seg.up[row + a];
        downs += d * prob[row + a] * seg.down[row + a];
      }
    }
  }
  return ups + downs > 0 ? ups / (ups + downs) : 0;
}

/**
 * pressure/* from the update's parts (signals…, KL) and ∇_θ eval/sycophancy. `keys` names each
 * part (parts with the same key add up); by default the world's signals, then `pressure/kl`.
 */
export function pressures(
  world: World,
  gradient: Float64Array,
  parts: Float64Array[],
  keys?: string[],
): Record<string, number> {
  const names = keys ?? defaultPressureKeys(world);
  const out: Record<string, number> = {};
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    let s = 0;
    for (let j = 0; j < part.length; j++) s += gradient[j] * part[j];
    const key = names[i] ?? 'pressure/kl';
    out[key] = key in out ? out[key] + s : s;
    total += s;
  }
  out['pressure/total'] = total;
  return out;
}

const pressureKeys = new WeakMap<World, string[]>();
/** `pressure/<signal>` for each signal in world order, then `pressure/kl`. */
function defaultPressureKeys(world: World): string[] {
  let k = pressureKeys.get(world);
  if (!k || k.length !== world.signals.length + 1) {
    k = [...world.signals.map((s) => `pressure/${s.name}`), 'pressure/kl'];
    pressureKeys.set(world, k);
  }
  return k;
}
