/**
 * The explorer's controls: each control id maps to a scenario path (the same paths as the CLI's
 * `--set`), and takes its bounds and one-line doc from the parameter table the scenario schema is
 * built from (SCENARIO_SPEC via `specAt`) or from the scenario's declared `params`
 * ({value, min, max, doc}). Nothing here is declared twice: only the slider ranges (what a
 * comfortable slider spans, inside the format's bounds) and the grouping are the page's own.
 *
 * Pure: no DOM. The controls a scenario gets depend on what it has (its signals, user segments,
 * memory section, declared params), so a scenario with other signals gets other sliders.
 */
import { SIGNAL_NAMES } from '../charts/text.ts';
import type { NormalizedScenario } from '../scenario/compile.ts';
import { SCENARIO_SPEC } from '../scenario/format.ts';
import { specAt, type Spec } from '../scenario/spec.ts';

export type ControlValue = number | boolean | string;

/** Sections of the control panel, in display order. */
export const GROUPS = {
  mix: 'Reward mix',
  users: 'Users who click thumbs',
  update: "The update's other changes",
  training: 'Training',
  params: 'More parameters',
} as const;
export type GroupId = keyof typeof GROUPS;

/** A declared scenario parameter (`params: {name: {value, min, max, doc}}`). */
export interface ParamDecl {
  value: number;
  min?: number;
  max?: number;
  doc?: string;
}

export interface ControlDef {
  /** The key in the URL and in `hide=`. */
  id: string;
  /** The scenario path it sets, as `--set PATH=VALUE` takes it. */
  path: string;
  group: GroupId;
  label: string;
  /** One line from the parameter table (shown as the control's description). */
  doc: string;
  kind: 'number' | 'boolean' | 'choice';
  /** Bounds the scenario format accepts (validation). */
  min?: number;
  max?: number;
  integer?: boolean;
  /** Slider range and step (inside [min, max]); `log` spaces the slider logarithmically. */
  uiMin?: number;
  uiMax?: number;
  step?: number;
  scale?: 'linear' | 'log';
  /** Choices (from the format's enum). */
  options?: readonly string[];
  /** The value in the scenario the controls were made from. */
  value: ControlValue;
  /** A signal weight: the signal's name (for its colour and the phase map). */
  signal?: string;
}

/** Ids the URL uses for other things; a signal with such a name gets the id `w.<name>`. */
export const RESERVED_IDS = new Set(['preset', 'hide', 'only', 'map']);

/** Readable names for the parameters of the shipped scenarios (others show their own name). */
const PARAM_LABELS: Record<string, string> = {
  approvalBias: 'Approval bias',
  fresherShift: 'Fresher data',
  memorySharpening: 'Memory sharpening',
  specPenalty: 'Spec penalty on sycophancy',
  harmPenalty: 'Spec penalty on harm',
  downBias: 'Thumbs-down readiness',
};
/** Parameters shown in a main group rather than under "More parameters". */
const PARAM_GROUPS: Record<string, GroupId> = { approvalBias: 'users', fresherShift: 'update' };

function specOf(path: string[]): Spec {
  const s = specAt(SCENARIO_SPEC, path);
  if (!s) throw new Error(`explorer: no field ${path.join('.')} in SCENARIO_SPEC`);
  return s;
}

function numberBounds(s: Spec): { min?: number; max?: number; integer?: boolean } {
  if (s.type === 'number')
    return {
      min: s.min !== undefined && s.exclusiveMin ? undefined : s.min,
      max: s.max,
      integer: s.integer,
    };
  if (s.type === 'expr') return { min: s.min, max: s.max };
  return {};
}

/** The value at a scenario path (list entries by id; declared params give their `value`). */
export function readPath(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const p of path.split('.')) {
    if (Array.isArray(v)) v = /^\d+$/.test(p) ? v[Number(p)] : v.find((x) => x?.id === p);
    else if (v && typeof v === 'object') v = (v as Record<string, unknown>)[p];
    else return undefined;
  }
  if (v && typeof v === 'object' && 'value' in v) return (v as { value: unknown }).value;
  return v;
}

const humanize = (s: string) =>
  s.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** A slider range that contains the value: the page's range, stretched when the value is outside. */
function stretch(lo: number, hi: number, v: number, max?: number): [number, number] {
  let top = hi;
  if (v > top) top = max !== undefined ? Math.min(max, Math.ceil(v * 2)) : Math.ceil(v * 2);
  return [Math.min(lo, v), top];
}

/**
 * The controls for a scenario. `declared` adds bounds and docs for params the scenario sets as
 * bare numbers (the April update sets `fresherShift: 1` over the baseline's declaration).
 */
export function controlsFor(
  sc: NormalizedScenario,
  declared: Record<string, ParamDecl> = {},
): ControlDef[] {
  const out: ControlDef[] = [];
  const taken = new Set<string>(RESERVED_IDS);
  const add = (c: ControlDef) => {
    if (taken.has(c.id)) throw new Error(`explorer: duplicate control id "${c.id}"`);
    taken.add(c.id);
    out.push(c);
  };
  const fixedIds = ['normalize', 'beta', 'trainer', 'steps', 'seed', 'memoryShare'];
  for (const id of fixedIds) taken.add(id);
  const free = (id: string) => !taken.has(id) && !Object.hasOwn(sc.params, id);

  // ---- the reward mix: one weight per signal, and normalization ---------------------------------
  for (const [name, sig] of Object.entries(sc.signals)) {
    const spec = specOf(['mix', 'weights', name]);
    const b = numberBounds(spec);
    const value = sc.mix.weights[name] ?? 0;
    const [uiMin, uiMax] = stretch(0, 5, value, b.max);
    add({
      id: free(name) ? name : `w.${name}`,
      path: `mix.weights.${name}`,
      group: 'mix',
      label: `${SIGNAL_NAMES[name] ?? humanize(name)} weight`,
      doc: `${sig.doc ? `${sig.doc}. ` : ''}The ${spec.doc} (≥ 0).`,
      kind: 'number',
      ...b,
      uiMin,
      uiMax,
      step: 0.05,
      value,
      signal: name,
    });
  }
  taken.delete('normalize');
  add({
    id: 'normalize',
    path: 'mix.normalize',
    group: 'mix',
    label: 'Normalize the weights',
    doc: `${specOf(['mix', 'normalize']).doc}.`,
    kind: 'boolean',
    value: sc.mix.normalize,
  });

  // ---- users: their approval bias (a param) and how often each segment clicks -----------------
  const params = Object.entries(sc.params);
  const paramControl = (name: string, p: ParamDecl, group: GroupId) => {
    const d = { ...declared[name], ...p };
    const lo = d.min ?? Math.min(0, p.value);
    const hi = d.max ?? Math.max(1, Math.abs(p.value) * 2);
    add({
      id: name,
      path: `params.${name}`,
      group,
      label: PARAM_LABELS[name] ?? humanize(name),
      doc: d.doc ? `${d.doc}.` : `the scenario parameter ${name}`,
      kind: 'number',
      min: d.min,
      max: d.max,
      uiMin: lo,
      uiMax: hi,
      step: niceStep(hi - lo),
      value: p.value,
    });
  };
  for (const [name, p] of params)
    if (PARAM_GROUPS[name] === 'users') paramControl(name, p, 'users');
  const rateSpec = specOf(['users', 'segments', '0', 'feedbackRate']);
  for (const seg of sc.users.segments) {
    if (typeof seg.feedbackRate !== 'number') continue; // an expression: not a slider
    const id = `feedback.${seg.id}`;
    if (taken.has(id)) continue;
    add({
      id,
      path: `users.segments.${seg.id}.feedbackRate`,
      group: 'users',
      label: `Feedback rate: ${seg.id} users`,
      doc: `The ${rateSpec.doc} (${seg.id} users).`,
      kind: 'number',
      ...numberBounds(rateSpec),
      uiMin: 0,
      uiMax: Math.max(0.2, seg.feedbackRate),
      step: 0.005,
      value: seg.feedbackRate,
    });
  }

  // ---- the update's other changes: memory and fresher data --------------------------------------
  if (sc.memory && typeof sc.memory.share === 'number') {
    const s = specOf(['memory', 'share']);
    taken.delete('memoryShare');
    add({
      id: 'memoryShare',
      path: 'memory.share',
      group: 'update',
      label: 'Memory share',
      doc: `The ${s.doc}.`,
      kind: 'number',
      ...numberBounds(s),
      uiMin: 0,
      uiMax: 1,
      step: 0.01,
      value: sc.memory.share,
    });
  }
  for (const [name, p] of params)
    if (PARAM_GROUPS[name] === 'update') paramControl(name, p, 'update');

  // ---- training: β, trainer, steps, seed --------------------------------------------------------
  const beta = specOf(['beta']);
  taken.delete('beta');
  add({
    id: 'beta',
    path: 'beta',
    group: 'training',
    label: 'β (KL coefficient)',
    doc: `${beta.doc}: how strongly training is held near the reference model.`,
    kind: 'number',
    ...numberBounds(beta),
    uiMin: Math.min(0.005, sc.beta || 0.005),
    uiMax: Math.max(2, sc.beta),
    scale: 'log',
    value: sc.beta,
  });
  const kind = specOf(['trainer', 'kind']);
  taken.delete('trainer');
  add({
    id: 'trainer',
    path: 'trainer.kind',
    group: 'training',
    label: 'Trainer',
    doc: `${kind.doc}.`,
    kind: 'choice',
    options: kind.type === 'string' ? kind.enum : [],
    value: sc.trainer.kind,
  });
  const steps = specOf(['trainer', 'steps']);
  const [, stepsMax] = stretch(0, 2000, sc.trainer.steps, numberBounds(steps).max);
  taken.delete('steps');
  add({
    id: 'steps',
    path: 'trainer.steps',
    group: 'training',
    label: 'Training steps',
    doc: `The ${steps.doc}.`,
    kind: 'number',
    ...numberBounds(steps),
    uiMin: 0,
    uiMax: stepsMax,
    step: 10,
    value: sc.trainer.steps,
  });
  const seed = specOf(['seed']);
  taken.delete('seed');
  add({
    id: 'seed',
    path: 'seed',
    group: 'training',
    label: 'Seed',
    doc: `The ${seed.doc} (sampled trainers and the launch review).`,
    kind: 'number',
    ...numberBounds(seed),
    value: sc.seed,
  });

  // ---- every other declared parameter ------------------------------------------------------------
  for (const [name, p] of params) if (!PARAM_GROUPS[name]) paramControl(name, p, 'params');
  return out;
}

/** A slider step of about 1/100 of the range, rounded to 1, 2 or 5 × 10^k. */
export function niceStep(range: number): number {
  if (!(range > 0)) return 0.01;
  const raw = range / 100;
  const k = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / k;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * k;
}

/** The controls' values in a scenario, by id. */
export function valuesOf(controls: ControlDef[]): Record<string, ControlValue> {
  return Object.fromEntries(controls.map((c) => [c.id, c.value]));
}

/** Text of a value as the URL and `--set` write it (numbers round-trip exactly). */
export function formatValue(v: ControlValue): string {
  return typeof v === 'number' ? String(v) : String(v);
}

/**
 * Parses and checks a value for a control (from the URL or a number box): the value, or an
 * error message naming the control and what was expected.
 */
export function parseValue(
  c: ControlDef,
  text: string,
): { value: ControlValue } | { error: string } {
  const t = text.trim();
  if (c.kind === 'boolean') {
    if (t === 'true' || t === '1') return { value: true };
    if (t === 'false' || t === '0') return { value: false };
    return { error: `${c.id}: found "${text}", expected true or false` };
  }
  if (c.kind === 'choice') {
    if (c.options?.includes(t)) return { value: t };
    return { error: `${c.id}: found "${text}", expected one of ${c.options?.join(', ')}` };
  }
  const v = Number(t);
  if (t === '' || !Number.isFinite(v))
    return { error: `${c.id}: found "${text}", expected a number` };
  return checkNumber(c, v);
}

/** Bounds check of a number for a control. */
export function checkNumber(c: ControlDef, v: number): { value: number } | { error: string } {
  if (c.integer && !Number.isInteger(v))
    return { error: `${c.id}: found ${v}, expected a whole number` };
  if (c.min !== undefined && v < c.min)
    return { error: `${c.id}: found ${v}, expected ≥ ${c.min}` };
  if (c.max !== undefined && v > c.max)
    return { error: `${c.id}: found ${v}, expected ≤ ${c.max}` };
  return { value: v };
}

/** `--set` arguments that put these values into a scenario (applySets takes them as they are). */
export function toSets(
  controls: ControlDef[],
  values: Record<string, ControlValue>,
  onlyChanged = false,
): string[] {
  return controls
    .filter((c) => c.id in values && (!onlyChanged || values[c.id] !== c.value))
    .map((c) => `${c.path}=${formatValue(values[c.id])}`);
}

/** Position in [0, 1] of a value on a control's slider (log sliders are spaced by log). */
export function toSlider(c: ControlDef, v: number): number {
  const lo = c.uiMin ?? c.min ?? 0;
  const hi = c.uiMax ?? c.max ?? 1;
  if (c.scale === 'log') {
    const l = Math.log(Math.max(v, lo));
    return Math.min(1, Math.max(0, (l - Math.log(lo)) / (Math.log(hi) - Math.log(lo))));
  }
  return hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0;
}

/**
 * The value at a slider position in [0, 1]: snapped to the step, or for log sliders to three
 * significant digits, so URLs and exported YAML show short numbers.
 */
export function fromSlider(c: ControlDef, x: number): number {
  const lo = c.uiMin ?? c.min ?? 0;
  const hi = c.uiMax ?? c.max ?? 1;
  if (c.scale === 'log') {
    const v = Math.exp(Math.log(lo) + x * (Math.log(hi) - Math.log(lo)));
    return Number(v.toPrecision(2));
  }
  const step = c.step ?? niceStep(hi - lo);
  const v = lo + Math.round((x * (hi - lo)) / step) * step;
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(Math.min(hi, Math.max(lo, v)).toFixed(digits));
}
