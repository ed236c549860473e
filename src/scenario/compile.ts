/**
 * The scenario stages: raw data → normalized scenario (validated, defaults filled) → compiled
 * world (tables). Pure: file reading and `extends` resolution live in src/node/load.ts, so the
 * same code compiles scenarios in Node, Deno and the browser.
 */
import { mapPacked } from '../engine/arrays.ts';
import { createExactTrainer } from '../engine/trainers/exact.ts';
import { logSoftmaxRows } from '../engine/policy.ts';
import type {
  MixConstraint,
  Attribute,
  NoiseModel,
  PolicyKind,
  ResponseStyle,
  Situation,
  TrainerConfig,
  UserSegment,
  World,
} from '../engine/types.ts';
import { InputError } from './errors.ts';
import {
  compileExpression,
  ExpressionError,
  ScopeColumns,
  type Expression,
  type Scope,
} from './expressions.ts';
import { SCENARIO_SPEC } from './format.ts';
import { didYouMean, validate, type Issue } from './spec.ts';

type Num = number | string;

/** A scenario after validation, with every default filled in. */
export interface NormalizedScenario {
  $schema?: string;
  extends?: string;
  name?: string;
  description: string;
  seed: number;
  params: Record<string, { value: number; min?: number; max?: number; doc?: string }>;
  situations: { id: string; weight: Num; label?: string; attributes: Record<string, Attribute> }[];
  memory?: { share: Num; deploymentShare?: Num };
  responseStyles: { id: string; label?: string; attributes: Record<string, Attribute> }[];
  features: Record<string, Num>;
  signals: Record<string, { value?: Num; users: boolean; noise: NoiseModel; doc?: string }>;
  users: { segments: { id: string; weight: Num; feedbackRate: Num; up: Num; down: Num }[] };
  mix: {
    normalize: boolean;
    weights: Record<string, number>;
    schedule: Record<string, Num>;
    mode: 'fixed' | 'constrained';
    constraints: { metric: string; max?: number; min?: number }[];
    multiplierRate: number;
  };
  reference: { logits: Num };
  beta: number;
  policy: PolicyKind;
  start:
    | { kind: 'reference' }
    | {
        kind: 'trained';
        weights: Record<string, number>;
        steps: number;
        learningRate: number;
        update: 'gradient' | 'natural';
      };
  trainer: TrainerConfig;
  evals: { sycophancy: Num; accuracy: Num; deployment: Num; groups: Record<string, Num> };
  review: Record<string, unknown>;
  deployment: Record<string, unknown>;
}

/** Validates raw scenario data and fills defaults. Throws InputError listing every problem. */
export function normalizeScenario(raw: unknown, source: string): NormalizedScenario {
  const issues: Issue[] = [];
  const out = validate(SCENARIO_SPEC, raw, [], issues) as NormalizedScenario;
  if (issues.length) throw new InputError(source, issues);
  return out;
}

/** The id of a situation's memory-on variant. */
export const memoryOnId = (id: string) => `${id}+memory`;

/** A declared param's value outside its own min or max, as issues (compiling refuses them). */
export function paramBoundIssues(params: NormalizedScenario['params']): Issue[] {
  const issues: Issue[] = [];
  for (const [k, p] of Object.entries(params)) {
    if (p.min !== undefined && p.value < p.min)
      issues.push({ path: `params.${k}`, message: `found ${p.value}, expected ≥ ${p.min}` });
    if (p.max !== undefined && p.value > p.max)
      issues.push({ path: `params.${k}`, message: `found ${p.value}, expected ≤ ${p.max}` });
  }
  return issues;
}

/** Compiles a normalized scenario into a World. Throws InputError naming the field. */
export function compileScenario(sc: NormalizedScenario, source: string): World {
  const issues: Issue[] = [];
  const fail = (path: string, message: string): never => {
    throw new InputError(source, [{ path, message }]);
  };
  const expr = (path: string, src: Num, names: ReadonlySet<string>): Expression => {
    try {
      return compileExpression(src, names);
    } catch (e) {
      if (e instanceof ExpressionError) return fail(path, e.message);
      throw e;
    }
  };
  const evaluate = (
    path: string,
    e: Expression,
    scope: Scope,
    bounds?: { min?: number; max?: number },
    at: string | ((i: number) => string) = '',
    i = 0,
  ): number => {
    // `at` (where in the tables) is only spelled out for a message.
    const where = () => (typeof at === 'string' ? at : at(i));
    let v: number;
    try {
      v = e.evaluate(scope);
    } catch (err) {
      return fail(path, `${(err as Error).message}${where()}`);
    }
    if (!Number.isFinite(v))
      fail(path, `"${e.source}" gave ${v}${where()}, expected a finite number`);
    if (bounds?.min !== undefined && v < bounds.min)
      fail(path, `"${e.source}" gave ${v}${where()}, expected ≥ ${bounds.min}`);
    if (bounds?.max !== undefined && v > bounds.max)
      fail(path, `"${e.source}" gave ${v}${where()}, expected ≤ ${bounds.max}`);
    return v;
  };

  // ---- params ---------------------------------------------------------------------------------
  const params: Record<string, number> = {};
  for (const [k, p] of Object.entries(sc.params)) params[k] = p.value;
  issues.push(...paramBoundIssues(sc.params));
  if (issues.length) throw new InputError(source, issues);
  const paramNames = new Set(Object.keys(params));

  // ---- situations (with memory variants) --------------------------------------------------------
  const ids = new Set<string>();
  sc.situations.forEach((s, i) => {
    if (ids.has(s.id)) fail(`situations[${i}].id`, `duplicate situation id "${s.id}"`);
    ids.add(s.id);
    if (sc.memory && 'memory' in s.attributes)
      fail(
        `situations[${i}].attributes.memory`,
        'the attribute "memory" is set by the `memory` section; remove it here',
      );
  });
  const memShare = sc.memory
    ? evaluate('memory.share', expr('memory.share', sc.memory.share, paramNames), params, {
        min: 0,
        max: 1,
      })
    : 0;
  const depShare =
    sc.memory?.deploymentShare !== undefined
      ? evaluate(
          'memory.deploymentShare',
          expr('memory.deploymentShare', sc.memory.deploymentShare, paramNames),
          params,
          { min: 0, max: 1 },
        )
      : memShare;
  const contexts: Situation[] = [];
  const deployRaw: number[] = [];
  const baseRaw: number[] = []; // weight before the memory split, for `baseWeight` in evals
  sc.situations.forEach((s, i) => {
    const w = evaluate(
      `situations[${i}].weight`,
      expr(`situations[${i}].weight`, s.weight, paramNames),
      params,
      { min: 0 },
    );
    const attrs = { ...s.attributes };
    if (!sc.memory) {
      contexts.push({ id: s.id, weight: w, attributes: attrs });
      deployRaw.push(w);
      baseRaw.push(w);
      return;
    }
    contexts.push({
      id: s.id,
      weight: w * (1 - memShare),
      attributes: { ...attrs, memory: false },
    });
    contexts.push({
      id: memoryOnId(s.id),
      weight: w * memShare,
      attributes: { ...attrs, memory: true },
    });
    deployRaw.push(w * (1 - depShare), w * depShare);
    baseRaw.push(w, w);
  });
  const totalW = contexts.reduce((a, c) => a + c.weight, 0);
  if (!(totalW > 0))
    fail('situations', 'all situation weights are 0; expected at least one positive weight');
  for (const c of contexts) c.weight /= totalW;
  const contextWeights = Float64Array.from(contexts, (c) => c.weight);

  const actions: ResponseStyle[] = mapPacked(sc.responseStyles, (a) => ({
    id: a.id,
    attributes: { ...a.attributes },
  }));
  const actionIds = new Set<string>();
  actions.forEach((a, i) => {
    if (actionIds.has(a.id))
      fail(`responseStyles[${i}].id`, `duplicate response style id "${a.id}"`);
    actionIds.add(a.id);
  });
  const C = contexts.length;
  const A = actions.length;
  const n = C * A;

  // ---- the scope of cell expressions: params, situation and style attributes, features ---------
  const sitAttrNames = new Set(contexts.flatMap((c) => Object.keys(c.attributes)));
  const styleAttrNames = new Set(actions.flatMap((a) => Object.keys(a.attributes)));
  for (const k of styleAttrNames) {
    if (sitAttrNames.has(k))
      fail(
        'responseStyles',
        `attribute "${k}" is both a situation and a style attribute; rename one`,
      );
    if (paramNames.has(k))
      fail('params', `"${k}" is both a param and a style attribute; rename one`);
  }
  for (const k of sitAttrNames)
    if (paramNames.has(k))
      fail('params', `"${k}" is both a param and a situation attribute; rename one`);
  const attrValue = (
    attrs: Record<string, Attribute>,
    k: string,
    isString: boolean,
  ): number | string =>
    k in attrs
      ? typeof attrs[k] === 'boolean'
        ? attrs[k]
          ? 1
          : 0
        : (attrs[k] as number | string)
      : isString
        ? ''
        : 0;
  const stringAttrs = new Set(
    [
      ...mapPacked(contexts, (c) => c.attributes),
      ...mapPacked(actions, (a) => a.attributes),
    ].flatMap((at) =>
      Object.entries(at)
        .filter(([, v]) => typeof v === 'string')
        .map(([k]) => k),
    ),
  );
  // Cell expressions read params, the cell's situation and style attributes and the features
  // made so far, looked up in place (ScopeColumns) rather than copied into a scope per cell.
  // Each situation attribute's value per situation, read by cell and set expressions alike.
  const sitRows = new Map(
    [...sitAttrNames].map((k) => [
      k,
      mapPacked(contexts, (c) => attrValue(c.attributes, k, stringAttrs.has(k))),
    ]),
  );
  const cells = new ScopeColumns(A);
  for (const [k, v] of Object.entries(params)) cells.scalar(k, v);
  for (const [k, row] of sitRows) cells.rows(k, row);
  for (const k of styleAttrNames)
    cells.columns(
      k,
      mapPacked(actions, (a) => attrValue(a.attributes, k, stringAttrs.has(k))),
    );
  const names = new Set([...paramNames, ...sitAttrNames, ...styleAttrNames]);
  const cellAt = (i: number) =>
    ` for situation "${contexts[(i / A) | 0].id}" and style "${actions[i % A].id}"`;
  const cellTable = (
    path: string,
    src: Num,
    bounds?: { min?: number; max?: number },
  ): Float64Array => {
    const e = expr(path, src, names);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      cells.cell = i;
      out[i] = evaluate(path, e, cells, bounds, cellAt, i);
    }
    return out;
  };

  // ---- features, in order (each may use the ones before it) ------------------------------------
  const features: Record<string, Float64Array> = {};
  for (const [k, src] of Object.entries(sc.features)) {
    if (names.has(k))
      fail(`features.${k}`, `"${k}" is already a param or attribute name; rename the feature`);
    const tab = cellTable(`features.${k}`, src);
    features[k] = tab;
    names.add(k);
    cells.cells(k, tab);
  }

  // ---- users: P(up), P(down) per conversation, per segment ------------------------------------
  const segs = sc.users.segments;
  const segIds = new Set<string>();
  const users: UserSegment[] = mapPacked(segs, (s, j) => {
    const path = `users.segments[${j}]`;
    if (segIds.has(s.id)) fail(`${path}.id`, `duplicate segment id "${s.id}"`);
    segIds.add(s.id);
    const weight = evaluate(
      `${path}.weight`,
      expr(`${path}.weight`, s.weight, paramNames),
      params,
      { min: 0 },
    );
    const rate = evaluate(
      `${path}.feedbackRate`,
      expr(`${path}.feedbackRate`, s.feedbackRate, paramNames),
      params,
      { min: 0, max: 1 },
    );
    const u = cellTable(`${path}.up`, s.up);
    const d = cellTable(`${path}.down`, s.down);
    const up = new Float64Array(n);
    const down = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // Given feedback: a three-way softmax over up, down and "no opinion" (logit 0).
      const m = Math.max(0, u[i], d[i]);
      const eu = Math.exp(u[i] - m);
      const ed = Math.exp(d[i] - m);
      const z = Math.exp(-m) + eu + ed;
      up[i] = (rate * eu) / z;
      down[i] = (rate * ed) / z;
    }
    return { id: s.id, weight, feedbackRate: rate, up, down };
  });
  const segTotal = users.reduce((a, s) => a + s.weight, 0);
  if (users.length && !(segTotal > 0)) fail('users.segments', 'all segment weights are 0');
  for (const s of users) s.weight /= segTotal;

  // ---- signals ------------------------------------------------------------------------------------
  const signals = mapPacked(Object.entries(sc.signals), ([name, s]) => {
    const path = `signals.${name}`;
    if (s.users && s.value !== undefined)
      fail(path, 'give either `value` or `users: true`, not both');
    if (!s.users && s.value === undefined)
      fail(path, 'missing `value` (an expression) or `users: true`');
    let table: Float64Array;
    if (s.users) {
      if (!users.length) fail(path, '`users: true` needs users.segments');
      // The thumbs reward model sees rated conversations: segments weigh by how often they rate.
      table = new Float64Array(n);
      let norm = 0;
      for (const seg of users) norm += seg.weight * seg.feedbackRate;
      if (!(norm > 0))
        fail(path, 'no user segment gives feedback (all feedbackRate × weight are 0)');
      for (const seg of users) {
        const k = seg.weight / norm;
        for (let i = 0; i < n; i++) table[i] += k * (seg.up[i] - seg.down[i]);
      }
    } else {
      table = cellTable(`${path}.value`, s.value as Num);
    }
    if (s.noise.kind === 'bernoulli') {
      const { low, high } = s.noise;
      if (!(high > low))
        fail(`${path}.noise`, `found low ${low} and high ${high}, expected low < high`);
      const bad = table.findIndex((v) => v < low - 1e-12 || v > high + 1e-12);
      if (bad >= 0)
        fail(
          `${path}.noise`,
          `bernoulli noise needs values in [${low}, ${high}], but the value is ${table[bad]} for situation "${contexts[(bad / A) | 0].id}" and style "${actions[bad % A].id}"`,
        );
    }
    return { name, table, noise: s.noise };
  });
  if (!signals.length) fail('signals', 'expected at least one signal');
  const signalNames = mapPacked(signals, (s) => s.name);
  const checkWeights = (path: string, weights: Record<string, number>, normalize: boolean) =>
    mixWeights(source, signalNames, path, weights, normalize);

  // ---- mix and schedules --------------------------------------------------------------------------
  const weights = checkWeights('mix.weights', sc.mix.weights, sc.mix.normalize);
  const T = sc.trainer.steps;
  let schedule: (Float64Array | null)[] | null = null;
  if (Object.keys(sc.mix.schedule).length) {
    schedule = mapPacked(signalNames, () => null);
    const schedNames = new Set([...paramNames, 'step', 'steps']);
    for (const [k, src] of Object.entries(sc.mix.schedule)) {
      const i = signalNames.indexOf(k);
      if (i < 0)
        fail(
          `mix.schedule.${k}`,
          `unknown signal "${k}"${didYouMean(k, signalNames)}; signals are ${signalNames.join(', ')}`,
        );
      const e = expr(`mix.schedule.${k}`, src, schedNames);
      const tab = new Float64Array(T + 1);
      for (let t = 0; t <= T; t++)
        tab[t] = evaluate(
          `mix.schedule.${k}`,
          e,
          { ...params, step: t, steps: T },
          { min: 0 },
          ` at step ${t}`,
        );
      schedule[i] = tab;
    }
  }

  // ---- reference policy, policy, sets ---------------------------------------------------------------
  const referenceLogProbs = logSoftmaxRows(cellTable('reference.logits', sc.reference.logits), A);
  if (sc.policy.kind === 'linear') {
    sc.policy.features.forEach((f, i) => {
      if (!features[f])
        fail(
          `policy.features[${i}]`,
          `unknown feature "${f}"${didYouMean(f, Object.keys(features))}; features are ${Object.keys(features).join(', ')}`,
        );
    });
  }
  const sitNames = new Set([...paramNames, ...sitAttrNames, 'weight', 'baseWeight']);
  const baseTotal = baseRaw.reduce((a, b) => a + b, 0);
  // Set expressions read params, `weight`, `baseWeight` and the situation's attributes.
  // A situation attribute named `weight` or `baseWeight` wins over these, as it always has.
  const situationScope = new ScopeColumns(1);
  for (const [k, v] of Object.entries(params)) situationScope.scalar(k, v);
  situationScope.rows(
    'baseWeight',
    mapPacked(baseRaw, (x) => x / baseTotal),
  );
  for (const [k, row] of sitRows) situationScope.rows(k, row);
  const situationAt = (i: number) => ` for situation "${contexts[i].id}"`;
  const setOf = (path: string, src: Num, base?: number[]): Float64Array => {
    const e = expr(path, src, sitNames);
    if (!sitRows.has('weight'))
      situationScope.rows('weight', base ?? mapPacked(contexts, (c) => c.weight));
    const w = new Float64Array(contexts.length);
    for (let i = 0; i < w.length; i++) {
      situationScope.cell = i;
      w[i] = evaluate(path, e, situationScope, { min: 0 }, situationAt, i);
    }
    const s = w.reduce((a, b) => a + b, 0);
    if (!(s > 0)) fail(path, 'selects no situation (all weights 0)');
    return w.map((x) => x / s);
  };
  const depTotal = deployRaw.reduce((a, b) => a + b, 0);
  const sets = {
    sycophancy: setOf('evals.sycophancy', sc.evals.sycophancy),
    accuracy: setOf('evals.accuracy', sc.evals.accuracy),
    deployment: setOf(
      'evals.deployment',
      sc.evals.deployment,
      mapPacked(deployRaw, (x) => x / depTotal),
    ),
    groups: Object.fromEntries(
      Object.entries(sc.evals.groups).map(([k, src]) => [k, setOf(`evals.groups.${k}`, src)]),
    ),
  };
  if (
    sc.trainer.kind === 'exact' &&
    sc.policy.kind === 'tabular' &&
    sc.trainer.update === 'natural' &&
    sc.beta > 0 &&
    sc.trainer.learningRate * sc.beta >= 2
  )
    fail(
      'trainer.learningRate',
      `η·β = ${sc.trainer.learningRate * sc.beta} ≥ 2: the natural update diverges; expected learningRate < ${2 / sc.beta}`,
    );

  // ---- constrained mode: each bound becomes (feature, set, sense, bound) -------------------------
  const constraints: MixConstraint[] = [];
  if (sc.mix.mode === 'constrained') {
    if (!sc.mix.constraints.length)
      fail('mix.constraints', 'mode: constrained needs at least one constraint');
    sc.mix.constraints.forEach((c, i) => {
      const path = `mix.constraints[${i}]`;
      const group = c.metric.startsWith('eval/sycophancy/')
        ? c.metric.slice('eval/sycophancy/'.length)
        : null;
      const feature =
        c.metric === 'eval/accuracy'
          ? 'correct'
          : c.metric === 'eval/sycophancy' || group
            ? 'sycophantic'
            : null;
      const set =
        c.metric === 'eval/accuracy'
          ? sets.accuracy
          : c.metric === 'eval/sycophancy'
            ? sets.sycophancy
            : group
              ? sets.groups[group]
              : undefined;
      if (!feature || !set)
        fail(
          `${path}.metric`,
          `found "${c.metric}", expected eval/sycophancy, eval/accuracy or eval/sycophancy/<group> with a group from evals.groups`,
        );
      if (!features[feature as string])
        fail(`${path}.metric`, `${c.metric} needs the feature "${feature}"`);
      if ((c.max === undefined) === (c.min === undefined))
        fail(path, 'give exactly one of max or min');
      constraints.push({
        metric: c.metric,
        feature: features[feature as string],
        set: set as Float64Array,
        sense: c.max !== undefined ? 'max' : 'min',
        bound: (c.max ?? c.min) as number,
      });
    });
  } else if (sc.mix.constraints.length)
    fail('mix.constraints', 'constraints need mix.mode: constrained');

  const world: World = {
    name: sc.name ?? 'scenario',
    contexts,
    actions,
    contextWeights,
    features,
    signals,
    users,
    mix: {
      weights,
      normalize: sc.mix.normalize,
      schedule,
      constraints,
      multiplierRate: sc.mix.multiplierRate,
    },
    referenceLogProbs,
    beta: sc.beta,
    policy: sc.policy,
    initialTheta: new Float64Array(sc.policy.kind === 'tabular' ? n : sc.policy.features.length),
    trainer: sc.trainer,
    sets,
  };

  // ---- start: the reference, or where a run of another mix ends (the mainline model) -------------
  if (sc.start.kind === 'trained') world.initialTheta = startTheta(world, sc, source);
  return world;
}

// ---- the start model, trained once per distinct start run -----------------------------------------

/**
 * Trained start models by everything the start run reads (MODEL.md, "Start"): a sweep or a tuner
 * that compiles the scenario for every run trains the same mainline model again and again unless
 * the override changes what that run sees. The start run is the exact trainer, deterministic, so
 * a model found here is the one training would give, bit for bit (test/scenarios/start-cache.test.ts).
 */
const startCache = new Map<string, Float64Array>();
const START_CACHE_SIZE = 64;

/**
 * Raw weights per signal (in `signalNames` order) from a `{signal: weight}` map, as the format
 * requires them: every key a signal, and with `normalize` at least one positive weight.
 */
export function mixWeights(
  source: string,
  signalNames: string[],
  path: string,
  weights: Record<string, number>,
  normalize: boolean,
): Float64Array {
  const fail = (at: string, message: string): never => {
    throw new InputError(source, [{ path: at, message }]);
  };
  for (const k of Object.keys(weights)) {
    if (!signalNames.includes(k))
      fail(
        `${path}.${k}`,
        `unknown signal "${k}"${didYouMean(k, signalNames)}; signals are ${signalNames.join(', ')}`,
      );
  }
  const w = Float64Array.from(signalNames, (k) => weights[k] ?? 0);
  if (normalize && !w.some((x) => x > 0))
    fail(path, 'all weights are 0 with normalize: true; expected at least one positive weight');
  return w;
}

/**
 * θ₀ of `world` (its tables, β, policy and trainer) under `sc.start`: zero for the reference,
 * else where an exact run of the start mix ends (MODEL.md, "Start"), from the cache when that run
 * was made before. A copy: the caller may change it.
 */
export function startTheta(world: World, sc: NormalizedScenario, source: string): Float64Array {
  if (sc.start.kind !== 'trained') return new Float64Array(world.initialTheta.length);
  const st = sc.start;
  const names = mapPacked(world.signals, (x) => x.name);
  const startWorld: World = {
    ...world,
    mix: {
      weights: mixWeights(source, names, 'start.weights', st.weights, sc.mix.normalize),
      normalize: sc.mix.normalize,
      schedule: null,
      constraints: [],
      multiplierRate: 1,
    },
    trainer: {
      ...world.trainer,
      kind: 'exact',
      steps: st.steps,
      learningRate: st.learningRate,
      update: st.update,
    },
    initialTheta: new Float64Array(world.initialTheta.length),
  };
  const key = startKey(startWorld, st.steps);
  let theta = startCache.get(key);
  if (theta) {
    // Most recently used last: the oldest entry is the first to go.
    startCache.delete(key);
  } else {
    theta = startWorld.initialTheta.slice();
    const trainer = createExactTrainer(startWorld, theta, 0);
    for (let t = 0; t < st.steps; t++) trainer.step(t, false);
    if (!theta.every(Number.isFinite))
      throw new InputError(source, [
        {
          path: 'start',
          message: 'the start run diverged (θ is not finite); lower start.learningRate',
        },
      ]);
    if (startCache.size >= START_CACHE_SIZE) startCache.delete(startCache.keys().next().value!);
  }
  startCache.set(key, theta);
  return theta.slice();
}

/** Empties the start-model cache (tests compare with and without it). */
export function clearStartCache(): void {
  startCache.clear();
}

/**
 * The exact bytes of what the start run reads: the mix weights and settings, β, the trainer
 * settings, the policy (with its feature tables), the situations' weights, the reference, and
 * the tables of the signals it weighs (a signal of weight 0 adds nothing to the mixed reward).
 */
function startKey(w: World, steps: number): string {
  const bytes = (a: Float64Array) => {
    const u = new Uint16Array(a.buffer, a.byteOffset, a.length * 4);
    let out = '';
    for (let i = 0; i < u.length; i += 4096) out += String.fromCharCode(...u.subarray(i, i + 4096));
    return out;
  };
  const parts = [
    JSON.stringify([steps, w.beta, w.trainer, w.mix.normalize, w.policy, w.contexts.length]),
    bytes(w.mix.weights),
    bytes(w.contextWeights),
    bytes(w.referenceLogProbs),
    bytes(w.initialTheta),
  ];
  w.signals.forEach((sig, i) => {
    if (w.mix.weights[i] !== 0) parts.push(sig.name, bytes(sig.table));
  });
  if (w.policy.kind === 'linear')
    for (const f of w.policy.features) parts.push(f, bytes(w.features[f]));
  return parts.join('\u0000');
}
