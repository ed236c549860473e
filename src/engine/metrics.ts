/**
 * Metrics of a policy, with the names RLHF engineers read in TRL logs (docs/model.md,
 * "Metrics"), and the gradient of eval/sycophancy that the pressure decomposition projects on.
 */
import { mapPacked } from './arrays.ts';
import { effectiveWeights } from './mix.ts';
import { policyFeatures } from './policy.ts';
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
  /** log π. */
  logProb: Float64Array;
  /** Metric values by key, in a stable order. */
  values: Record<string, number>;
  /** ∇_θ eval/sycophancy (θ space), or null when the world has no `sycophantic` feature. */
  sycophancyGradient: Float64Array | null;
}

/**
 * The metrics frame's keys depend on the world's shape only (signal names, group names, which
 * features exist, whether there are users). A sweep's worlds are new objects that share their
 * tables with a base world (`{...base, mix}`), so the keys are cached by the signals array the
 * worlds share, with the shape they were made for: a hit whose shape differs (a world changed in
 * place, or another world with the same signals) makes them again.
 */
interface KeyEntry {
  names: string[];
  groups: string[];
  syc: boolean;
  correct: boolean;
  users: boolean;
  keys: string[];
  length: number;
}
const keyCache = new WeakMap<object, KeyEntry>();

/** True when `entry` was made for the shape `world` has now (allocates nothing but the groups' names). */
function sameShape(entry: KeyEntry, world: World): boolean {
  const { signals } = world;
  if (entry.names.length !== signals.length || entry.keys.length !== entry.length) return false;
  for (let i = 0; i < signals.length; i++) if (entry.names[i] !== signals[i].name) return false;
  if (entry.syc !== !!world.features['sycophantic']) return false;
  if (entry.correct !== !!world.features['correct']) return false;
  if (entry.users !== world.users.length > 0) return false;
  if (!entry.syc) return true;
  const groups = Object.keys(world.sets.groups);
  if (groups.length !== entry.groups.length) return false;
  for (let i = 0; i < groups.length; i++) if (groups[i] !== entry.groups[i]) return false;
  return true;
}

/** The keys of the metrics frame `evaluatePolicyInto` writes, in slot order. */
export function metricKeys(world: World): string[] {
  const hit = keyCache.get(world.signals);
  if (hit && sameShape(hit, world)) return hit.keys;
  const keys: string[] = [];
  for (const s of world.signals)
    keys.push(`rewards/${s.name}/mean`, `rewards/${s.name}/weighted`, `weights/${s.name}`);
  keys.push('reward/mixed', 'objective/kl', 'objective/entropy', 'objective/j');
  const syc = !!world.features['sycophantic'];
  const groups = syc ? Object.keys(world.sets.groups) : [];
  if (syc) keys.push('eval/sycophancy', ...groups.map((name) => `eval/sycophancy/${name}`));
  const correct = !!world.features['correct'];
  if (correct) keys.push('eval/accuracy');
  const users = world.users.length > 0;
  if (users) keys.push('ab/thumbs_up');
  const names = mapPacked(world.signals, (s) => s.name);
  keyCache.set(world.signals, { names, groups, syc, correct, users, keys, length: keys.length });
  return keys;
}

/** A plain array of 0.5s (PACKED_DOUBLE_ELEMENTS) that `doubles` slices. */
const HALVES: number[] = [0.5];

/**
 * A plain array of doubles (V8: PACKED_DOUBLE_ELEMENTS) of length n, copied from `src` if given.
 * The evaluator and the exact trainer's pressure kernel work on these rather than on typed
 * arrays: once any ArrayBuffer in the process has been detached (tsx's module loader does it),
 * V8 guards every typed-array access in optimized code, which costs more than the loads.
 * (A slice of a longer packed array: allocated once at its length, not grown push by push.)
 */
export function doubles(n: number, src?: ArrayLike<number>): number[] {
  while (HALVES.length < n) HALVES.push(0.5);
  const a = HALVES.slice(0, n);
  if (src) for (let i = 0; i < n; i++) a[i] = src[i];
  return a;
}

/** Plain copies of world tables (see `plainTable`), by the table they copy. */
const plainCache = new WeakMap<object, number[]>();

/** True when the plain copy `a` holds the same doubles as `src` (bit for bit but NaN's payload; a NaN never matches). */
function sameDoubles(a: number[], src: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = src[i];
    if (x !== y) return false;
    if (x === 0 && 1 / x !== 1 / y) return false; // 0 and −0
  }
  return true;
}

/**
 * `doubles(n, src)` for a table of the world that is only read: one copy per table, shared by
 * every run of every world that holds the same table (a sweep's worlds share their base's
 * tables). A cached copy is compared with its table on every use, value by value (no
 * allocation), and made again when they differ, so a table changed in place is never read
 * stale. The copy must not be written to.
 */
export function plainTable(n: number, src: ArrayLike<number>): number[] {
  if (typeof src !== 'object' || src === null || src.length !== n) return doubles(n, src);
  const hit = plainCache.get(src);
  if (hit && hit.length === n && sameDoubles(hit, src, n)) return hit;
  const copy = doubles(n, src);
  plainCache.set(src, copy);
  return copy;
}

/**
 * Evaluates policies of one world step after step (the run driver's hot path): the world's
 * tables are copied once into plain arrays (see `doubles`), and each evaluation writes the
 * metrics into a frame (slots in `keys` order) and leaves π, log π and ∇_θ eval/sycophancy in
 * scratch arrays. The world must not change while an evaluator is in use.
 */
export interface PolicyEvaluator {
  /** The keys of the frame, in slot order (`metricKeys(world)`). */
  readonly keys: string[];
  /** π at the last evaluation (C·A). Scratch: valid until the next evaluation. */
  readonly prob: number[];
  /** log π at the last evaluation (C·A). Scratch. */
  readonly logProb: number[];
  /** ∇_θ eval/sycophancy (θ space) at the last evaluation, or null when the world has no
   * `sycophantic` feature. Scratch. */
  readonly gradient: number[] | null;
  /** Evaluates π_θ at step t, writing the metrics into `out` in `keys` order. */
  evaluate(theta: Float64Array, t: number, out: Float64Array): void;
  /** The same with θ as a plain array (a run's copy of θ: no typed-array reads). */
  evaluatePlain(theta: number[], t: number, out: Float64Array): void;
}

/** An evaluator of policies in `world` (see PolicyEvaluator). */
export function createPolicyEvaluator(world: World): PolicyEvaluator {
  const C = world.contexts.length;
  const A = world.actions.length;
  const n = C * A;
  const S = world.signals.length;
  const keys = metricKeys(world);
  const tabular = world.policy.kind === 'tabular';
  // the world's tables as plain arrays (shared, read only: see plainTable)
  const features = tabular ? [] : mapPacked(policyFeatures(world), (f) => plainTable(n, f));
  const K = tabular ? n : features.length;
  const ref = plainTable(n, world.referenceLogProbs);
  const p = plainTable(C, world.contextWeights);
  const tables = mapPacked(world.signals, (sig) => plainTable(n, sig.table));
  const sycFeature = world.features['sycophantic'];
  const syc = sycFeature ? plainTable(n, sycFeature) : null;
  const correctFeature = world.features['correct'];
  const correct = correctFeature ? plainTable(n, correctFeature) : null;
  const sycSet = plainTable(C, world.sets.sycophancy);
  const groups = syc
    ? mapPacked(Object.values(world.sets.groups), (set) => plainTable(C, set))
    : [];
  const accuracy = plainTable(C, world.sets.accuracy);
  const deployment = plainTable(C, world.sets.deployment);
  const users = mapPacked(world.users, (u) => ({
    weight: u.weight,
    up: plainTable(n, u.up),
    down: plainTable(n, u.down),
  }));
  const beta = world.beta;
  // scratch: π, log π and the gradient are the evaluator's own (they are read after an
  // evaluation); the rest is written and read within one evaluation, so evaluators of one shape
  // share it
  const prob = doubles(n);
  const logProb = doubles(n);
  const gh = doubles(n);
  const gtheta = tabular ? gh : doubles(K);
  const { h, ec, means, rowMax, rowSum, w } = evaluationScratch(C, A, S);

  return {
    keys,
    prob,
    logProb,
    gradient: syc ? gtheta : null,
    evaluate(theta: Float64Array, t: number, out: Float64Array): void {
      if (tabular) for (let i = 0; i < n; i++) h[i] = theta[i];
      else linearShift(theta);
      evaluateAt(h, t, out);
    },
    evaluatePlain(theta: number[], t: number, out: Float64Array): void {
      if (tabular) {
        evaluateAt(theta, t, out); // h_θ = θ
        return;
      }
      linearShift(theta);
      evaluateAt(h, t, out);
    },
  };

  /** h_θ = Σ_k θ_k F_k of a linear policy into h (logitShift's arithmetic). */
  function linearShift(theta: ArrayLike<number>): void {
    for (let i = 0; i < n; i++) h[i] = 0;
    for (let k = 0; k < features.length; k++) {
      const th = theta[k];
      if (th === 0) continue;
      const f = features[k];
      for (let i = 0; i < n; i++) h[i] += th * f[i];
    }
  }

  /** The evaluation at logit shift h (C·A). */
  function evaluateAt(h: number[], t: number, out: Float64Array): void {
    // ---- the policy (softmaxRows' arithmetic) ---------------------------------------------
    softmaxPlain(ref, h, C, A, prob, logProb, rowMax, rowSum);
    effectiveWeights(world, t, w);
    let k = 0;

    // ---- rewards ----------------------------------------------------------------------------
    setAverages(p, prob, tables, A, means);
    let mixed = 0;
    for (let i = 0; i < S; i++) {
      const mean = means[i];
      out[k++] = mean;
      out[k++] = w[i] * mean;
      out[k++] = w[i];
      mixed += w[i] * mean;
    }
    out[k++] = mixed;

    // ---- objective (and E_π sycophantic per situation, for the evals) ------------------------
    // E_π sycophantic per situation is computed once and shared by eval/sycophancy, its groups
    // and the gradient (each sum in the same order as a separate pass would take it).
    let kl = 0;
    let entropy = 0;
    for (let c = 0, row = 0; c < C; c++, row += A) {
      let klc = 0;
      let hc = 0;
      if (syc) {
        let e = 0;
        for (let a = 0, j = row; a < A; a++, j++) {
          const pa = prob[j];
          e += pa * syc[j];
          if (pa === 0) continue;
          klc += pa * (logProb[j] - ref[j]);
          hc -= pa * logProb[j];
        }
        ec[c] = e;
      } else {
        for (let a = 0, j = row; a < A; a++, j++) {
          const pa = prob[j];
          if (pa === 0) continue;
          klc += pa * (logProb[j] - ref[j]);
          hc -= pa * logProb[j];
        }
      }
      kl += p[c] * klc;
      entropy += p[c] * hc;
    }
    out[k++] = kl;
    out[k++] = entropy;
    out[k++] = mixed - beta * kl;

    // ---- evals --------------------------------------------------------------------------------
    if (syc) {
      out[k++] = setSum(sycSet, ec);
      for (const set of groups) out[k++] = setSum(set, ec);
      // ∂S/∂h = q π (syc − E_π syc) for S = Σ_c q(c) Σ_a π(a|c) syc[c,a], then into θ space
      for (let c = 0, row = 0; c < C; c++, row += A) {
        const qc = sycSet[c];
        if (qc === 0) {
          for (let a = 0; a < A; a++) gh[row + a] = 0;
          continue;
        }
        const e = ec[c];
        for (let a = 0; a < A; a++) gh[row + a] = qc * prob[row + a] * (syc[row + a] - e);
      }
      if (!tabular) {
        for (let f = 0; f < K; f++) {
          const feat = features[f];
          let s = 0;
          for (let i = 0; i < n; i++) s += gh[i] * feat[i];
          gtheta[f] = s;
        }
      }
    }
    if (correct) out[k++] = setAverage(accuracy, prob, correct, A);
    if (users.length > 0) {
      // thumbsUpShare's arithmetic
      let ups = 0;
      let downs = 0;
      for (const seg of users) {
        const { up, down, weight } = seg;
        for (let c = 0, row = 0; c < C; c++, row += A) {
          const d = deployment[c] * weight;
          if (d === 0) continue;
          for (let a = 0; a < A; a++) {
            const dp = d * prob[row + a];
            ups += dp * up[row + a];
            downs += dp * down[row + a];
          }
        }
      }
      out[k++] = ups + downs > 0 ? ups / (ups + downs) : 0;
    }
  }
}

/** Scratch an evaluation writes before it reads (see createPolicyEvaluator). */
interface EvaluationScratch {
  C: number;
  A: number;
  S: number;
  h: number[];
  ec: number[];
  means: number[];
  rowMax: number[];
  rowSum: number[];
  w: Float64Array;
}
let lastScratch: EvaluationScratch | null = null;

/** The scratch of evaluations in C×A worlds with S signals (the last shape's is kept). */
function evaluationScratch(C: number, A: number, S: number): EvaluationScratch {
  const sc = lastScratch;
  if (sc && sc.C === C && sc.A === A && sc.S === S) return sc;
  const n = C * A;
  lastScratch = {
    C,
    A,
    S,
    h: doubles(n),
    ec: doubles(C),
    means: doubles(S),
    rowMax: doubles(C),
    rowSum: doubles(C),
    w: new Float64Array(S),
  };
  return lastScratch;
}

/**
 * softmaxRows (policy.ts) on plain arrays: the same arithmetic, in the same order. A copy rather
 * than a call because one function fed both typed and plain arrays is compiled for both and runs
 * slower for each; test/engine/fast-path.test.ts holds the evaluator to evaluatePolicy exactly.
 */
function softmaxPlain(
  ref: number[],
  h: number[],
  C: number,
  A: number,
  prob: number[],
  logProb: number[],
  rowMax: number[],
  rowSum: number[],
): void {
  for (let c = 0, row = 0; c < C; c++, row += A) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      const z = ref[row + a] + h[row + a];
      logProb[row + a] = z;
      if (z > m) m = z;
    }
    let s = 0;
    for (let a = 0; a < A; a++) {
      const e = Math.exp(logProb[row + a] - m);
      prob[row + a] = e;
      s += e;
    }
    rowMax[c] = m;
    rowSum[c] = s;
  }
  // the logarithms after all the exponentials: independent of one another, they need not wait
  for (let c = 0, row = 0; c < C; c++, row += A) {
    const s = rowSum[c];
    const inv = 1 / s;
    const lse = rowMax[c] + Math.log(s);
    for (let a = 0; a < A; a++) {
      prob[row + a] *= inv;
      logProb[row + a] -= lse;
    }
  }
}

/** Σ_c set(c) Σ_a π(a|c) table[c,a] over the situations with set(c) ≠ 0. */
function setAverage(set: number[], prob: number[], table: number[], A: number): number {
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

/**
 * `out[i] = setAverage(set, prob, tables[i], A)` for every table, four tables at a time: each
 * sum keeps its own order, and interleaving their chains of additions lets the CPU overlap them.
 */
function setAverages(
  set: number[],
  prob: number[],
  tables: number[][],
  A: number,
  out: number[],
): void {
  const S = tables.length;
  let i = 0;
  for (; i + 3 < S; i += 4) {
    const t0 = tables[i];
    const t1 = tables[i + 1];
    const t2 = tables[i + 2];
    const t3 = tables[i + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0, row = 0; c < set.length; c++, row += A) {
      const q = set[c];
      if (q === 0) continue;
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      for (let a = 0, j = row; a < A; a++, j++) {
        const pa = prob[j];
        e0 += pa * t0[j];
        e1 += pa * t1[j];
        e2 += pa * t2[j];
        e3 += pa * t3[j];
      }
      s0 += q * e0;
      s1 += q * e1;
      s2 += q * e2;
      s3 += q * e3;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < S; i++) out[i] = setAverage(set, prob, tables[i], A);
}

/** Σ_c q(c) e[c] over the situations with q(c) ≠ 0 (setAverage with the row expectations given). */
function setSum(q: number[], e: number[]): number {
  let s = 0;
  for (let c = 0; c < q.length; c++) {
    const qc = q[c];
    if (qc === 0) continue;
    s += qc * e[c];
  }
  return s;
}

/** The policy at θ and its sycophancy gradient; the metrics go into a caller's frame. */
export interface PolicyFrame {
  prob: Float64Array;
  /** log π. */
  logProb: Float64Array;
  /** ∇_θ eval/sycophancy (θ space), or null when the world has no `sycophantic` feature. */
  sycophancyGradient: Float64Array | null;
}

/**
 * Evaluates the policy at θ at step t, writing the metrics into `out` in the order of
 * `metricKeys(world)`; π goes into `probOut` when given. (A run evaluates step after step
 * through one `createPolicyEvaluator`.)
 */
export function evaluatePolicyInto(
  world: World,
  theta: Float64Array,
  t: number,
  out: Float64Array,
  probOut?: Float64Array,
): PolicyFrame {
  const ev = createPolicyEvaluator(world);
  ev.evaluate(theta, t, out);
  const prob = probOut ?? new Float64Array(ev.prob.length);
  for (let i = 0; i < ev.prob.length; i++) prob[i] = ev.prob[i];
  return {
    prob,
    logProb: Float64Array.from(ev.logProb),
    sycophancyGradient: ev.gradient ? Float64Array.from(ev.gradient) : null,
  };
}

/** Evaluates the policy at θ: metrics at step t (by key) and the sycophancy gradient. */
export function evaluatePolicy(world: World, theta: Float64Array, t = 0): PolicyEvaluation {
  const keys = metricKeys(world);
  const frame = new Float64Array(keys.length);
  const ev = evaluatePolicyInto(world, theta, t, frame);
  const values: Record<string, number> = {};
  for (let i = 0; i < keys.length; i++) values[keys[i]] = frame[i];
  return { ...ev, values };
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
    const up = seg.up;
    const down = seg.down;
    for (let c = 0, row = 0; c < set.length; c++, row += A) {
      const d = set[c] * seg.weight;
      if (d === 0) continue;
      for (let a = 0; a < A; a++) {
        const dp = d * prob[row + a];
        ups += dp * up[row + a];
        downs += dp * down[row + a];
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
  const sums = new Float64Array(parts.length);
  for (let i = 0; i < parts.length; i++) sums[i] = dot(gradient, parts[i]);
  const layout = pressureLayout(world, parts.length, keys);
  const values = pressureValuesInto(layout, sums, new Float64Array(layout.keys.length));
  const out: Record<string, number> = {};
  layout.keys.forEach((key, u) => (out[key] = values[u]));
  return out;
}

/** Σ_j gradient[j] part[j], in index order: one part's pressure. */
export function dot(gradient: ArrayLike<number>, part: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < part.length; j++) s += gradient[j] * part[j];
  return s;
}

/**
 * Where the pressures of an update's parts go: the pressure/* keys in order of first appearance
 * (the parts' keys, then `pressure/total`), and each part's slot among them.
 */
export interface PressureLayout {
  keys: string[];
  /** The slot of part i in `keys`. */
  partSlot: Int32Array;
  /** 1 when part i is the first part of its slot. */
  first: Uint8Array;
  /** The slot of `pressure/total`. */
  totalSlot: number;
}

/** The layout of `parts` update parts named by `keys` (by default as in `pressures`). */
export function pressureLayout(world: World, parts: number, keys?: string[]): PressureLayout {
  const names = keys ?? defaultPressureKeys(world);
  const slotKeys: string[] = [];
  const partSlot = new Int32Array(parts);
  const first = new Uint8Array(parts);
  for (let i = 0; i < parts; i++) {
    const key = names[i] ?? 'pressure/kl';
    let u = slotKeys.indexOf(key);
    if (u < 0) {
      u = slotKeys.push(key) - 1;
      first[i] = 1;
    }
    partSlot[i] = u;
  }
  let totalSlot = slotKeys.indexOf('pressure/total');
  if (totalSlot < 0) totalSlot = slotKeys.push('pressure/total') - 1;
  return { keys: slotKeys, partSlot, first, totalSlot };
}

/**
 * The pressure/* values (in `layout.keys` order) into `out` from each part's pressure `sums[i]`
 * (its dot product with ∇_θ eval/sycophancy): parts with the same key add up in part order, and
 * `pressure/total` is the sum of all parts.
 */
export function pressureValuesInto(
  layout: PressureLayout,
  sums: Float64Array,
  out: Float64Array,
): Float64Array {
  const { partSlot, first } = layout;
  let total = 0;
  for (let i = 0; i < partSlot.length; i++) {
    const s = sums[i];
    const u = partSlot[i];
    out[u] = first[i] === 1 ? s : out[u] + s;
    total += s;
  }
  out[layout.totalSlot] = total;
  return out;
}

/** `defaultPressureKeys` by the signals array worlds share, with the names they were made for. */
const pressureKeys = new WeakMap<object, { names: string[]; keys: string[] }>();
/** `pressure/<signal>` for each signal in world order, then `pressure/kl`. */
function defaultPressureKeys(world: World): string[] {
  const { signals } = world;
  const hit = pressureKeys.get(signals);
  if (hit && hit.keys.length === signals.length + 1 && hit.names.length === signals.length) {
    let same = true;
    for (let i = 0; i < signals.length && same; i++) same = hit.names[i] === signals[i].name;
    if (same) return hit.keys;
  }
  const keys = mapPacked(signals, (s) => `pressure/${s.name}`);
  keys.push('pressure/kl');
  pressureKeys.set(signals, { names: mapPacked(signals, (s) => s.name), keys });
  return keys;
}

/** Layouts of the default pressure keys, by the keys array and the number of parts. */
const layoutCache = new WeakMap<string[], PressureLayout[]>();

/**
 * `pressureLayout(world, parts)` shared by the runs of worlds with the same signals (the run
 * driver's; its arrays must not be written to). With `keys`, a layout of its own.
 */
export function sharedPressureLayout(world: World, parts: number, keys?: string[]): PressureLayout {
  if (keys) return pressureLayout(world, parts, keys);
  const names = defaultPressureKeys(world);
  let byParts = layoutCache.get(names);
  if (!byParts) layoutCache.set(names, (byParts = []));
  return (byParts[parts] ??= pressureLayout(world, parts, names));
}
