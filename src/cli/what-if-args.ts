/**
 * Parsing the what-if commands' flags (--vary, --shard, --subject-to, --objectives, counts).
 * Bad input is an InputError naming the flag, what was found and what was expected (exit 2).
 */
import type { Axis, Sampling, Shard } from '../engine/analysis/plan.ts';
import { SAMPLINGS } from '../engine/analysis/plan.ts';
import type { Objective } from '../engine/analysis/pareto.ts';
import type { MetricBound } from '../engine/analysis/tune.ts';
import { parseSeed } from '../node/runs.ts';
import { InputError } from '../scenario/errors.ts';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function num(text: string): number | null {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : null;
}

/** Collects a repeatable option's values. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * `PATH=FROM:TO:N` (N levels, or `PATH=FROM:TO` when `levelsOptional`, for random/lhs sampling
 * and tune). FROM ≤ TO; N an integer ≥ 1 (FROM = TO needs N = 1).
 */
export function parseVary(arg: string, levelsOptional = false): Axis {
  const flag = '--vary';
  const expected = levelsOptional
    ? 'PATH=FROM:TO or PATH=FROM:TO:N (e.g. mix.weights.thumbs=0:4:21)'
    : 'PATH=FROM:TO:N (e.g. mix.weights.thumbs=0:4:21)';
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new InputError(flag, `found "${arg}", expected ${expected}`);
  const path = arg.slice(0, eq).trim();
  const parts = arg.slice(eq + 1).split(':');
  if (parts.length < 2 || parts.length > 3 || (parts.length === 2 && !levelsOptional))
    throw new InputError(flag, `${path}: found "${arg.slice(eq + 1)}", expected ${expected}`);
  const from = num(parts[0]);
  const to = num(parts[1]);
  if (from === null || to === null || !Number.isFinite(from) || !Number.isFinite(to))
    throw new InputError(
      flag,
      `${path}: FROM and TO must be numbers, found "${parts[0]}" and "${parts[1]}"`,
    );
  if (from > to) throw new InputError(flag, `${path}: FROM (${from}) must not exceed TO (${to})`);
  let levels: number | null = null;
  if (parts.length === 3) {
    const n = num(parts[2]);
    if (n === null || !Number.isInteger(n) || n < 1)
      throw new InputError(flag, `${path}: N must be an integer ≥ 1, found "${parts[2]}"`);
    if (n > 1 && from === to)
      throw new InputError(flag, `${path}: ${n} levels need FROM < TO (found ${from}:${to})`);
    if (n === 1 && from !== to)
      throw new InputError(
        flag,
        `${path}: one level needs FROM = TO (found ${from}:${to}); use N ≥ 2`,
      );
    levels = n;
  }
  if (levels === null && from === to)
    throw new InputError(flag, `${path}: FROM = TO (${from}) leaves nothing to vary`);
  return { path, from, to, levels };
}

/** `i/n` with 1 ≤ i ≤ n: shard i of n. */
export function parseShard(arg: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(arg);
  const expected = 'i/n with integers 1 ≤ i ≤ n (e.g. --shard 1/4 … --shard 4/4)';
  if (!m) throw new InputError('--shard', `found "${arg}", expected ${expected}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count)
    throw new InputError('--shard', `found "${arg}", expected ${expected}`);
  return { index, count };
}

/** `KEY<=X` or `KEY>=X` (also `<`, `>`, read as ≤, ≥). */
export function parseSubjectTo(arg: string): MetricBound {
  const m = /^\s*([^<>=\s]+)\s*(<=|>=|<|>|≤|≥)\s*(.*?)\s*$/.exec(arg);
  const expected = "KEY<=X or KEY>=X (e.g. --subject-to 'eval/sycophancy<=0.05')";
  if (!m) throw new InputError('--subject-to', `found "${arg}", expected ${expected}`);
  if (m[3] === '')
    throw new InputError('--subject-to', `${m[1]}: no bound after "${m[2]}", expected ${expected}`);
  const bound = num(m[3]);
  if (bound === null)
    throw new InputError('--subject-to', `${m[1]}: the bound must be a number, found "${m[3]}"`);
  const op = m[2] === '<=' || m[2] === '<' || m[2] === '≤' ? '<=' : '>=';
  return { key: m[1], op, bound };
}

/** `KEY:max,KEY:min,…` */
export function parseObjectives(arg: string): Objective[] {
  const expected =
    'KEY:max or KEY:min, comma-separated (e.g. ab/thumbs_up:max,eval/sycophancy:min)';
  const parts = arg
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new InputError('--objectives', `found "${arg}", expected ${expected}`);
  const seen = new Set<string>();
  return parts.map((p) => {
    const i = p.lastIndexOf(':');
    const key = i > 0 ? p.slice(0, i) : '';
    const sense = i > 0 ? p.slice(i + 1) : '';
    if (!key || (sense !== 'max' && sense !== 'min'))
      throw new InputError('--objectives', `found "${p}", expected ${expected}`);
    if (seen.has(key)) throw new InputError('--objectives', `${key} is given twice`);
    seen.add(key);
    return { key, sense };
  });
}

/** A comma-separated list of metric keys, or `all`. */
export function parseMetrics(arg: string | undefined): string[] | 'all' | undefined {
  if (arg === undefined) return undefined;
  if (arg.trim() === 'all') return 'all';
  const keys = arg
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0)
    throw new InputError('--metrics', `found "${arg}", expected KEY,KEY,… or all`);
  return keys;
}

/** An integer option within [min, max]. */
export function parseInteger(flag: string, arg: string, min: number, max = Infinity): number {
  const n = num(arg);
  if (n === null || !Number.isInteger(n) || n < min || n > max)
    throw new InputError(
      flag,
      `found "${arg}", expected an integer ${max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`}`,
    );
  return n;
}

/** A number option. */
export function parseNumber(flag: string, arg: string): number {
  const n = num(arg);
  if (n === null) throw new InputError(flag, `found "${arg}", expected a number`);
  return n;
}

/** `FROM:TO` with FROM < TO. */
export function parseRange(flag: string, arg: string): [number, number] {
  const parts = arg.split(':');
  const a = parts.length === 2 ? num(parts[0]) : null;
  const b = parts.length === 2 ? num(parts[1]) : null;
  if (a === null || b === null || !(a < b))
    throw new InputError(flag, `found "${arg}", expected FROM:TO with FROM < TO (e.g. 0:4)`);
  return [a, b];
}

export function parseSampling(arg: string): Sampling {
  if (!(SAMPLINGS as readonly string[]).includes(arg))
    throw new InputError('--sample', `found "${arg}", expected one of ${SAMPLINGS.join(', ')}`);
  return arg as Sampling;
}

/** `KEY` or `KEY=THRESHOLD` (a chart request). */
export function parseChartRequest(arg: string): { metric: string; threshold: number | null } {
  const eq = arg.indexOf('=');
  if (eq < 0) return { metric: arg.trim(), threshold: null };
  const metric = arg.slice(0, eq).trim();
  const t = num(arg.slice(eq + 1));
  if (!metric || t === null)
    throw new InputError(
      '--chart',
      `found "${arg}", expected KEY or KEY=THRESHOLD (e.g. eval/sycophancy=0.1)`,
    );
  return { metric, threshold: t };
}

/**
 * The what-if commands' `--seed N` as the `--set` it stands for (`seed=N`: the first of the
 * `--seeds` seeds), after the user's own `--set`s; the sets alone when there is no --seed.
 */
export function withSeed(sets: string[] | undefined, seed: string | undefined): string[] {
  return [...(sets ?? []), ...(seed !== undefined ? [`seed=${parseSeed(seed)}`] : [])];
}
