/**
 * Runs at the Node edge: load a scenario, run it, turn the result into the files of a run
 * directory (summary.json, metrics.jsonl, trajectory.csv), write output directories atomically,
 * and resolve a scenario's `review:` and `deployment:` sections for the launch review and the
 * deployment timeline. The CLI commands (run, compare, review, deploy, explain, report, sweep, …)
 * are thin wrappers over these functions.
 *
 * Bad input (a scenario, a flag, an output path) is an InputError (exit 2) raised before anything
 * is written; `writeOutputDir` then writes into a temporary sibling directory and renames it into
 * place, so a reader never sees a half-written run.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { toRows } from '../engine/policy.ts';
import { createRun, type RunResult } from '../engine/run.ts';
import {
  launchReview,
  resolveReviewConfig,
  type PartialReviewConfig,
  type ReviewArm,
  type ReviewConfig,
  type ReviewResult,
} from '../engine/review.ts';
import { metricProbabilities, situationWeights } from '../engine/review-stages.ts';
import {
  DEPLOYMENT_DEFAULTS,
  deploy,
  resolveDeploymentConfig,
  type DeployResult,
  type DeploymentConfig,
  type PartialDeploymentConfig,
} from '../engine/deployment.ts';
import type { World } from '../engine/types.ts';
import { InputError } from '../scenario/errors.ts';
import { didYouMean, MAX_MAGNITUDE, type Issue } from '../scenario/spec.ts';
import type { NormalizedScenario } from '../scenario/compile.ts';
import { displayPath, loadScenario, parseScenarioText, type LoadedScenario } from './load.ts';

/** The rewardmix version, written into every summary's provenance. */
export const REWARDMIX_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

// ---- flags ------------------------------------------------------------------------------------

/** Parses a `--seed` value: a whole number in [0, 2^31]. */
export function parseSeed(text: string, flag = '--seed'): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > 2 ** 31)
    throw new InputError(flag, `found "${text}", expected a whole number from 0 to 2147483648`);
  return n;
}

/** Parses a whole-number flag (`--steps`, `--hours`, …) in [min, max]. */
export function parseCount(text: string, flag: string, min = 0, max = 10_000_000): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new InputError(flag, `found "${text}", expected a whole number from ${min} to ${max}`);
  return n;
}

/** Collects repeated `--set path=value` flags (commander's variadic accumulator). */
export function collectSet(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

// ---- running ----------------------------------------------------------------------------------

/** How to load and run a scenario. */
export interface ScenarioRunOptions {
  /** `--set path=value` overrides, applied in order. */
  sets?: string[];
  /** Seed of the random streams; default: the scenario's `seed`. */
  seed?: number;
  /** Overrides trainer.steps. */
  steps?: number;
  /** Overrides trainer.kind (exact, reinforce, ppo, grpo). */
  trainer?: string;
  /** Record every k-th step (default: about 500 points). */
  recordEvery?: number;
  /** Keep the policy at each recorded step. */
  recordPolicies?: boolean;
}

/** A scenario with the result of running it. */
export interface ScenarioRun {
  loaded: LoadedScenario;
  result: RunResult;
  seed: number;
}

/**
 * Loads a scenario with its overrides and checks everything in it, the `review:` and
 * `deployment:` sections included, so that no command starts work on a scenario `validate`
 * would reject (InputError on bad input).
 */
export function loadForRun(file: string, options: ScenarioRunOptions = {}): LoadedScenario {
  const loaded = loadScenario(file, {
    sets: options.sets,
    steps: options.steps,
    trainer: options.trainer,
  });
  resolveReview(loaded);
  resolveDeployment(loaded);
  return loaded;
}

/** The seed a run of `loaded` uses: the flag's, else the scenario's. */
export function seedOf(loaded: LoadedScenario, seed?: number): number {
  return seed ?? loaded.scenario.seed;
}

function checkFinite(loaded: LoadedScenario, result: RunResult): void {
  if (!result.finalTheta.every(Number.isFinite))
    throw new InputError(
      displayPath(loaded.path),
      `trainer: the run diverged (θ is not finite after ${result.steps} steps); lower trainer.learningRate (now ${loaded.world.trainer.learningRate})`,
    );
}

/** Runs a loaded scenario to the end, synchronously. */
export function runLoaded(loaded: LoadedScenario, options: ScenarioRunOptions = {}): RunResult {
  const run = createRun(loaded.world, {
    seed: seedOf(loaded, options.seed),
    recordEvery: options.recordEvery,
    recordPolicies: options.recordPolicies,
  });
  run.run();
  const result = run.result();
  checkFinite(loaded, result);
  return result;
}

/**
 * Runs a loaded scenario in slices of about 50 ms, calling `onProgress(done, total)` between
 * slices and yielding to the event loop (so a progress bar redraws and Ctrl-C works).
 */
export async function runLoadedAsync(
  loaded: LoadedScenario,
  options: ScenarioRunOptions & { onProgress?: (done: number, total: number) => void } = {},
): Promise<RunResult> {
  const run = createRun(loaded.world, {
    seed: seedOf(loaded, options.seed),
    recordEvery: options.recordEvery,
    recordPolicies: options.recordPolicies,
  });
  const T = loaded.world.trainer.steps;
  let slice = 1;
  while (!run.done) {
    const t0 = performance.now();
    run.run(slice);
    const ms = performance.now() - t0;
    // aim at ~50 ms per slice
    slice = Math.max(1, Math.min(T, Math.round(slice * Math.min(4, 50 / Math.max(ms, 0.01)))));
    options.onProgress?.(run.t, T);
    await new Promise((r) => setImmediate(r));
  }
  const result = run.result();
  checkFinite(loaded, result);
  return result;
}

/** Loads and runs a scenario file: `{loaded, result, seed}`. */
export function runScenario(file: string, options: ScenarioRunOptions = {}): ScenarioRun {
  const loaded = loadForRun(file, options);
  return { loaded, result: runLoaded(loaded, options), seed: seedOf(loaded, options.seed) };
}

// ---- the run directory ------------------------------------------------------------------------

/** The content of summary.json. */
export interface RunSummary {
  /** The scenario's name. */
  scenario: string;
  /** Final metrics, keyed by the names in docs/model.md (`eval/sycophancy`, …). */
  metrics: Record<string, number>;
  /** Situation ids (rows of finalPolicy), in the order of `inspect`. */
  situations: string[];
  /** Response-style ids (columns of finalPolicy). */
  styles: string[];
  /** π(a|c) at the end of the run: situations × styles. */
  finalPolicy: number[][];
  /** Updates performed. */
  steps: number;
  trainer: string;
  seed: number | string;
  warnings: { code: string; message: string }[];
  provenance: {
    rewardmix: string;
    /** The scenario file as given (relative to the working directory when inside it). */
    scenario: string;
    /** sha256 over the scenario file and every file it extends. */
    hash: string;
    seed: number | string;
    /** The `--set` overrides applied. */
    sets: string[];
    /** The normalized scenario after --set: every parameter the run used. */
    parameters: NormalizedScenario;
  };
}

/** The summary.json object of a run. */
export function summaryOf(
  loaded: LoadedScenario,
  result: RunResult,
  sets: string[] = [],
): RunSummary {
  const w = loaded.world;
  return {
    scenario: w.name,
    metrics: { ...result.final },
    situations: w.contexts.map((c) => c.id),
    styles: w.actions.map((a) => a.id),
    finalPolicy: toRows(result.finalPolicy, w.actions.length),
    steps: result.steps,
    trainer: w.trainer.kind,
    seed: result.seed,
    warnings: result.warnings.map((x) => ({ code: x.code, message: x.message })),
    provenance: {
      rewardmix: REWARDMIX_VERSION,
      scenario: displayPath(loaded.path),
      hash: loaded.hash,
      seed: result.seed,
      sets,
      parameters: loaded.scenario,
    },
  };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** metrics.jsonl: one `{"step","key","value"}` object per line (non-finite values as null). */
export function metricsJsonl(result: RunResult): string {
  const tr = result.trajectory;
  const lines: string[] = [];
  tr.steps.forEach((step, i) => {
    for (const key of tr.keys)
      lines.push(JSON.stringify({ step, key, value: finite(tr.values[key][i]) }));
  });
  return lines.join('\n') + '\n';
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows (RFC 4180 quoting; numbers at full precision; columns default to the first row's keys). */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? (rows.length ? Object.keys(rows[0]) : []);
  const lines = [cols.map(csvCell).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(r[c])).join(','));
  return lines.join('\n') + '\n';
}

/** trajectory.csv: wide, one row per recorded step, columns `step` and every metric key. */
export function trajectoryCsv(result: RunResult): string {
  const tr = result.trajectory;
  const rows = tr.steps.map((step, i) => {
    const row: Record<string, unknown> = { step };
    for (const k of tr.keys) row[k] = tr.values[k][i];
    return row;
  });
  return toCsv(rows, ['step', ...tr.keys]);
}

/** The files of a run directory, by name. */
export function runFiles(
  loaded: LoadedScenario,
  result: RunResult,
  sets: string[] = [],
): Record<string, string> {
  return {
    'summary.json': JSON.stringify(summaryOf(loaded, result, sets), null, 2) + '\n',
    'metrics.jsonl': metricsJsonl(result),
    'trajectory.csv': trajectoryCsv(result),
  };
}

/** The marker file that makes a directory a previous run directory (safe to replace). */
export const RUN_MARKER = 'summary.json';

/**
 * `runs/<scenario name>-<seed>`: the default output directory of `rewardmix run`; with
 * overrides (`--set`, `--steps`, `--trainer`), `runs/<scenario name>-<seed>-<6 hex digits of
 * their hash>`, so a what-if run never replaces the plain run of the scenario (or another
 * what-if's).
 */
export function defaultRunDir(
  loaded: LoadedScenario,
  seed: number | string,
  overrides: string[] = [],
): string {
  const name = (loaded.world.name || basename(loaded.path).replace(/\.(ya?ml|json)$/, ''))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '');
  const tag = overrides.length
    ? `-${createHash('sha256').update(JSON.stringify(overrides)).digest('hex').slice(0, 6)}`
    : '';
  return join('runs', `${name || 'scenario'}-${seed}${tag}`);
}

/**
 * Checks that `dir` can receive an output directory, before anything is run or written: it must
 * not be a file, an existing directory must be empty or a previous output (it holds `marker`),
 * and its parent (or nearest existing ancestor) must be a directory this process can write in.
 * Returns the absolute path.
 */
export function checkOutputDir(dir: string, marker = RUN_MARKER): string {
  const abs = resolve(dir);
  const src = displayPath(abs);
  const st = lstatOrNull(abs);
  if (st) {
    if (!st.isDirectory())
      throw new InputError(src, 'output path is a file; expected a directory (give another --out)');
    const entries = readdirSync(abs);
    if (entries.length > 0 && !entries.includes(marker))
      throw new InputError(
        src,
        `output directory exists and is not a previous rewardmix output (no ${marker} in it); give another --out or remove it`,
      );
  }
  // The files go into a temporary sibling that is renamed into place: the parent (or the
  // nearest ancestor that exists, where the parent is made) must be a directory we can write.
  checkWritableAncestor(dirname(abs), src, 'the output directory');
  return abs;
}

/** The path's own stats (a link's, not its target's), or null when there is nothing there. */
function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** What an errno of a failed access or write means, in a few words. */
function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM'
    ? 'permission denied'
    : code === 'EROFS'
      ? 'read-only file system'
      : (code ?? (e as Error).message);
}

/**
 * Checks that the directory `dir` exists and can be written in, or can be made: its nearest
 * existing ancestor must be a directory we can write (InputError naming `src` otherwise, with
 * `what` saying what is to be made there).
 */
function checkWritableAncestor(dir: string, src: string, what: string): void {
  let up = resolve(dir);
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  let st;
  try {
    st = statSync(up);
  } catch (e) {
    throw new InputError(src, `cannot create ${what}: cannot read ${displayPath(up)} (${why(e)})`);
  }
  if (!st.isDirectory())
    throw new InputError(src, `cannot create ${what}: ${displayPath(up)} is a file`);
  try {
    accessSync(up, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new InputError(src, `cannot write in ${displayPath(up)} (${why(e)}); give another path`);
  }
}

/**
 * Checks that `dir` can be a directory that files are written into (a sweep's, a chart's), before
 * anything runs: not a file, and an existing directory we can write in, or one whose nearest
 * existing ancestor is such a directory. Says nothing about what the directory holds. Returns
 * the absolute path.
 */
export function checkWritableDir(dir: string, flag = '--out'): string {
  const abs = resolve(dir);
  const src = displayPath(abs);
  const st = lstatOrNull(abs);
  if (st && !st.isDirectory() && !(st.isSymbolicLink() && isDir(abs)))
    throw new InputError(src, `output path is a file; expected a directory (give another ${flag})`);
  checkWritableAncestor(abs, src, 'the output directory');
  return abs;
}

/**
 * Checks that the file `file` can be written (atomically, through a temporary file beside it):
 * not a directory, and its directory exists and can be written in, or can be made.
 */
export function checkWritableFile(file: string, flag = '--out'): string {
  const abs = resolve(file);
  const src = displayPath(abs);
  if (isDir(abs)) throw new InputError(src, `is a directory; expected a file name for ${flag}`);
  checkWritableAncestor(dirname(abs), src, 'the file');
  return abs;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function writeFileSynced(path: string, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'wx');
  try {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `files` (name → content; names may contain `/` for subdirectories) as the directory
 * `dir`, atomically: everything goes into a temporary sibling directory that is renamed into
 * place. A previous output at `dir` (a directory holding `marker`) is replaced; anything else at
 * `dir` is an InputError. Returns the absolute path.
 */
export function writeOutputDir(
  dir: string,
  files: Record<string, string | Uint8Array>,
  marker = RUN_MARKER,
): string {
  const abs = checkOutputDir(dir, marker);
  const parent = dirname(abs);
  const tag = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const tmp = join(parent, `.${basename(abs)}.${tag}.tmp`);
  const old = join(parent, `.${basename(abs)}.${tag}.old`);
  // What the checks could not foresee (a file system that refuses even root) is still bad
  // output-path input, said as such.
  try {
    mkdirSync(parent, { recursive: true });
    mkdirSync(tmp);
  } catch (e) {
    throw new InputError(
      displayPath(abs),
      `cannot write the output directory (${why(e)}); give another path`,
    );
  }
  try {
    for (const [name, data] of Object.entries(files)) {
      const p = join(tmp, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSynced(p, data);
    }
    if (existsSync(abs)) {
      renameSync(abs, old);
      try {
        renameSync(tmp, abs);
      } catch (e) {
        renameSync(old, abs);
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return abs;
}

/** Writes a run directory (summary.json, metrics.jsonl, trajectory.csv) atomically. */
export function writeRunDir(
  dir: string,
  loaded: LoadedScenario,
  result: RunResult,
  sets: string[] = [],
): string {
  return writeOutputDir(dir, runFiles(loaded, result, sets), RUN_MARKER);
}

// ---- extends ----------------------------------------------------------------------------------

/** The absolute path of the scenario `file` extends, or null. (Call after it loaded fine.) */
export function parentScenario(file: string): string | null {
  const abs = resolve(file);
  const raw = parseScenarioText(readFileSync(abs, 'utf8'), abs);
  return typeof raw.extends === 'string' ? resolve(dirname(abs), raw.extends) : null;
}

// ---- review and deployment sections -----------------------------------------------------------

/** A field of the review / deployment sections, for the checks at the door. */
type FieldKind = 'number' | 'boolean' | 'string' | 'where' | 'numbers' | Fields | { list: Fields };
type Fields = { [name: string]: { kind: FieldKind; nullable?: boolean; required?: boolean } };

const num = { kind: 'number' as const };
const SUITE: Fields = {
  name: { kind: 'string', required: true },
  metric: { kind: 'string', required: true },
  where: { kind: 'where' },
  n: num,
  tolerance: num,
  scale: { kind: 'string' },
};
const BEHAVIOUR: Fields = {
  name: { kind: 'string', required: true },
  metric: { kind: 'string' },
  where: { kind: 'where' },
  n: num,
  maxRate: { kind: 'number', nullable: true },
  maxIncrease: { kind: 'number', nullable: true },
  scale: { kind: 'string' },
};
const REVIEW_FIELDS: Fields = {
  offline: { kind: { list: SUITE } },
  behaviour: { kind: { list: BEHAVIOUR } },
  ab: {
    kind: {
      usersPerArm: num,
      conversationsPerUser: num,
      where: { kind: 'where' },
      significance: num,
      confidence: num,
    },
  },
  vibe: {
    kind: {
      testers: num,
      conversations: num,
      where: { kind: 'where' },
      thresholdMean: num,
      thresholdSpread: num,
      thresholds: { kind: 'numbers', nullable: true },
      blockShare: num,
    },
  },
  alpha: {
    kind: {
      enabled: { kind: 'boolean' },
      usersPerArm: num,
      conversationsPerUser: num,
      where: { kind: 'where' },
      feedbackRate: num,
      reportRate: num,
      significance: num,
      maxIncrease: num,
    },
  },
};
const DEPLOYMENT_FIELDS: Fields = {
  hours: num,
  conversationsPerHour: num,
  where: { kind: 'where' },
  rollout: { kind: { hours: num, shares: { kind: 'numbers', nullable: true } } },
  complaintsPerSycophantic: num,
  detection: { kind: { windowHours: num, factor: num } },
  patch: {
    kind: {
      enabled: { kind: 'boolean' },
      hour: { kind: 'number', nullable: true },
      afterDetectionHours: num,
      shift: num,
    },
  },
  rollback: {
    kind: {
      enabled: { kind: 'boolean' },
      hour: { kind: 'number', nullable: true },
      afterDetectionHours: num,
      hours: num,
    },
  },
};

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'an object'
        : typeof v === 'string'
          ? `the string ${JSON.stringify(v)}`
          : String(v);

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_MAGNITUDE;
}

function checkFields(fields: Fields, value: unknown, path: string, issues: Issue[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({
      path,
      message: `found ${describe(value)}, expected an object with fields ${Object.keys(fields).join(', ')}`,
    });
    return;
  }
  const obj = value as Record<string, unknown>;
  const known = Object.keys(fields);
  for (const [k, v] of Object.entries(obj)) {
    const p = `${path}.${k}`;
    const f = fields[k];
    if (!f) {
      issues.push({
        path: p,
        message: `unknown field "${k}"${didYouMean(k, known)}; expected one of ${known.join(', ')}`,
      });
      continue;
    }
    if (v === null && f.nullable) continue;
    const kind = f.kind;
    const bad = (expected: string) =>
      issues.push({ path: p, message: `found ${describe(v)}, expected ${expected}` });
    if (kind === 'number') {
      if (typeof v !== 'number') bad(f.nullable ? 'a number or null' : 'a number');
      else if (!isFiniteNumber(v)) bad(`a finite number of magnitude at most ${MAX_MAGNITUDE}`);
    } else if (kind === 'boolean') {
      if (typeof v !== 'boolean') bad('true or false');
    } else if (kind === 'string') {
      if (typeof v !== 'string' || v === '') bad('a non-empty string');
    } else if (kind === 'where') {
      if (!(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))))
        bad('a situation set name or a list of situation ids');
    } else if (kind === 'numbers') {
      if (!Array.isArray(v) || !v.every(isFiniteNumber))
        bad(`a list of finite numbers${f.nullable ? ' or null' : ''}`);
    } else if ('list' in kind) {
      if (!Array.isArray(v)) bad('a list');
      else v.forEach((item, i) => checkFields(kind.list as Fields, item, `${p}[${i}]`, issues));
    } else checkFields(kind as Fields, v, p, issues);
  }
  for (const [k, f] of Object.entries(fields))
    if (f.required && obj[k] === undefined)
      issues.push({ path: `${path}.${k}`, message: `missing required field "${k}"` });
}

/** Runs an engine resolver, turning its `section.field: …` errors into InputErrors. */
function asInput<T>(src: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    const m = /^(review|deployment)\.([^:]+): (.*)$/s.exec((e as Error).message);
    if (m) throw new InputError(src, [{ path: `${m[1]}.${m[2]}`, message: m[3] }]);
    const r = /^review: (.*)$/s.exec((e as Error).message);
    if (r) throw new InputError(src, r[1]);
    throw e;
  }
}

function checkSelector(world: World, where: unknown, path: string, issues: Issue[]): void {
  if (where === undefined) return;
  try {
    situationWeights(world, where as string | string[]);
  } catch (e) {
    issues.push({ path, message: (e as Error).message.replace(/^review: /, '') });
  }
}

function checkMetric(world: World, metric: unknown, path: string, issues: Issue[]): void {
  if (typeof metric !== 'string') return;
  try {
    metricProbabilities(world, metric, 'auto');
  } catch (e) {
    issues.push({
      path,
      message:
        (e as Error).message.replace(/^review: /, '') +
        didYouMean(metric, [...Object.keys(world.features), ...world.signals.map((s) => s.name)]),
    });
  }
}

/**
 * The scenario's `review:` section over the defaults (REVIEW_DEFAULTS), checked: unknown fields
 * (with "did you mean"), types, bounds, metric names and situation sets. Errors are InputErrors
 * naming `review.<field>`.
 */
export function resolveReview(loaded: LoadedScenario): ReviewConfig {
  const src = displayPath(loaded.path);
  const section = (loaded.scenario.review ?? {}) as Record<string, unknown>;
  const issues: Issue[] = [];
  checkFields(REVIEW_FIELDS, section, 'review', issues);
  if (issues.length) throw new InputError(src, issues);
  const cfg = asInput(src, () => resolveReviewConfig(section as PartialReviewConfig));
  const w = loaded.world;
  cfg.offline.forEach((s, i) => {
    checkMetric(w, s.metric, `review.offline[${i}].metric`, issues);
    checkSelector(w, s.where, `review.offline[${i}].where`, issues);
    if (!['auto', 'unit', 'signed'].includes(s.scale))
      issues.push({
        path: `review.offline[${i}].scale`,
        message: `found "${s.scale}", expected auto, unit or signed`,
      });
  });
  cfg.behaviour.forEach((s, i) => {
    checkMetric(w, s.metric, `review.behaviour[${i}].metric`, issues);
    checkSelector(w, s.where, `review.behaviour[${i}].where`, issues);
    if (!['auto', 'unit', 'signed'].includes(s.scale))
      issues.push({
        path: `review.behaviour[${i}].scale`,
        message: `found "${s.scale}", expected auto, unit or signed`,
      });
  });
  checkSelector(w, cfg.ab.where, 'review.ab.where', issues);
  checkSelector(w, cfg.vibe.where, 'review.vibe.where', issues);
  checkSelector(w, cfg.alpha.where, 'review.alpha.where', issues);
  if (issues.length) throw new InputError(src, issues);
  return cfg;
}

/** The scenario's `deployment:` section over DEPLOYMENT_DEFAULTS, checked like `resolveReview`. */
export function resolveDeployment(loaded: LoadedScenario): DeploymentConfig {
  const src = displayPath(loaded.path);
  const section = (loaded.scenario.deployment ?? {}) as Record<string, unknown>;
  const issues: Issue[] = [];
  checkFields(DEPLOYMENT_FIELDS, section, 'deployment', issues);
  if (issues.length) throw new InputError(src, issues);
  const cfg = asInput(src, () => resolveDeploymentConfig(section as PartialDeploymentConfig));
  checkSelector(loaded.world, cfg.where, 'deployment.where', issues);
  if (issues.length) throw new InputError(src, issues);
  return cfg;
}

/** Every deployment default, for docs and `--help`. */
export { DEPLOYMENT_DEFAULTS };

// ---- candidate against control ----------------------------------------------------------------

/** A run as an arm of the review: its world and final policy. */
export function armOf(result: RunResult): ReviewArm {
  return { world: result.world, policy: result.finalPolicy };
}

/** A candidate scenario run with its control (the model in production). */
export interface PairedRuns {
  candidate: ScenarioRun;
  control: ScenarioRun;
  /** The control's file, and why it was chosen. */
  controlFile: string;
  controlSource: 'flag' | 'extends' | 'itself';
  seed: number;
}

/**
 * Runs a candidate and its control with the same seed (common random numbers). The control is
 * `options.control`, else the scenario the candidate extends, else the candidate itself. The
 * seed defaults to the candidate's. Checks that the two have the same situations and styles.
 */
export function runPair(
  candidateFile: string,
  options: { control?: string; seed?: number; sets?: string[] } = {},
): PairedRuns {
  const cand = loadForRun(candidateFile, { sets: options.sets });
  const parent = options.control === undefined ? parentScenario(candidateFile) : null;
  const controlFile = options.control ?? parent ?? candidateFile;
  const controlSource = options.control !== undefined ? 'flag' : parent ? 'extends' : 'itself';
  const ctrl = loadForRun(controlFile);
  const seed = seedOf(cand, options.seed);
  const ids = (w: World) => [w.contexts.map((c) => c.id), w.actions.map((a) => a.id)];
  const [cc, ca] = ids(cand.world);
  const [oc, oa] = ids(ctrl.world);
  if (cc.join('\n') !== oc.join('\n') || ca.join('\n') !== oa.join('\n'))
    throw new InputError(
      displayPath(resolve(controlFile)),
      `the control must have the same situations and response styles as ${displayPath(cand.path)} (control: ${oc.length} situations, ${oa.length} styles; candidate: ${cc.length} situations, ${ca.length} styles)`,
    );
  return {
    candidate: { loaded: cand, result: runLoaded(cand, { seed }), seed },
    control: { loaded: ctrl, result: runLoaded(ctrl, { seed }), seed },
    controlFile: resolve(controlFile),
    controlSource,
    seed,
  };
}

/** The launch processes `rewardmix review` shows when none is chosen. */
export const DEFAULT_PROCESSES = ['2025-04', 'revised'];

/** A launch review of a candidate against its control under each process. */
export interface ScenarioReview {
  pair: PairedRuns;
  config: ReviewConfig;
  reviews: ReviewResult[];
}

/** Runs candidate and control and reviews the candidate (the candidate's `review:` section). */
export function reviewScenario(
  candidateFile: string,
  options: { control?: string; seed?: number; processes?: string[] } = {},
): ScenarioReview {
  const cand = loadForRun(candidateFile);
  const config = resolveReview(cand);
  const pair = runPair(candidateFile, options);
  return reviewPair(pair, config, options.processes ?? DEFAULT_PROCESSES);
}

/** Reviews already-run pairs (for sweeps over review seeds without re-running training). */
export function reviewPair(
  pair: PairedRuns,
  config: ReviewConfig,
  processes: string[] = DEFAULT_PROCESSES,
  seed: number = pair.seed,
): ScenarioReview {
  const reviews = processes.map((process) =>
    launchReview({
      control: armOf(pair.control.result),
      candidate: armOf(pair.candidate.result),
      config,
      process,
      seed,
    }),
  );
  return { pair, config, reviews };
}

/** The deployment of a candidate: the review under the process in force and the counterfactual. */
export interface ScenarioDeployment {
  pair: PairedRuns;
  review: ReviewConfig;
  deployment: DeploymentConfig;
  result: DeployResult;
}

/** Runs candidate and control, reviews, and simulates the deployment hour by hour. */
export function deployScenario(
  candidateFile: string,
  options: { control?: string; seed?: number; process?: string; counterfactual?: string } = {},
): ScenarioDeployment {
  const cand = loadForRun(candidateFile);
  const review = resolveReview(cand);
  const deployment = resolveDeployment(cand);
  if (!cand.world.features['sycophantic'])
    throw new InputError(
      displayPath(cand.path),
      'features: the deployment timeline counts sycophantic answers; expected a `sycophantic` feature',
    );
  const pair = runPair(candidateFile, options);
  const result = deploy({
    control: armOf(pair.control.result),
    candidate: armOf(pair.candidate.result),
    review,
    deployment,
    seed: pair.seed,
    process: options.process,
    counterfactual: options.counterfactual,
  });
  return { pair, review, deployment, result };
}
