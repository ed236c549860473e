/**
 * Sweeps on one machine (docs/what-if.md, docs/scale-out.md): the plan's runs in parallel worker
 * threads (piscina), an append-only journal that makes a killed sweep resumable, and the results
 * files written atomically from the journal.
 *
 * Guarantees, and how:
 * - Same results for any --workers and any order of completion: a run is a pure function of
 *   (scenario, overrides, seed) and the results files list runs in plan order.
 * - Killed at any moment (SIGKILL included) and started again with the same command, a sweep
 *   resumes with no run lost, none duplicated and no torn row: each completed run is one line of
 *   `DIR/journal.jsonl`, `{"run":i,"values":[…],"check":"…"}` where `check` is a hash of the run
 *   index and values. On start the journal is read up to the first line that is not complete
 *   and valid (a line cut short by the kill), truncated there, and only runs not in it are run.
 *   Lines are flushed to disk (fsync) at least every 200 ms and at the end; a kill loses at most
 *   the runs since, which simply run again. `results.csv`, `results.jsonl` and `summary.csv`
 *   are written only from the complete journal, each atomically (temp file, fsync, rename).
 * - `--shard i/n` runs every n-th run from run i − 1; `mergeSweeps` joins the shards' results
 *   into the same bytes one sweep would write.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { summarize } from '../engine/analysis/aggregate.ts';
import {
  buildPlan,
  linspace,
  plannedRun,
  runOverrides,
  shardRuns,
  type Axis,
  type Plan,
  type PlanSpec,
  type Sampling,
  type Shard,
} from '../engine/analysis/plan.ts';
import { InputError } from '../scenario/errors.ts';
import { fsyncAsync, writeFileAtomicSync, writeFilesAtomic, type FileData } from './fs.ts';
import { weightOnlyWorld } from './run-one.ts';
import { checkWritableDir } from './runs.ts';
import { sweepWorkerFile, workerExecArgv } from './worker-bundle.ts';
import { finite, Journal, readJournal, recoverJournal } from './journal.ts';
import {
  cellsAfterSeed,
  csvCell,
  RowBytesWriter,
  RowFormatter,
  rowLine,
  type RowBytes,
} from './results-format.ts';
import {
  SHARED,
  SHARED_CONTROL_LENGTH,
  type SharedRuns,
  type SweepTask,
  type SweepTaskResult,
  type SweepWorkerData,
} from './sweep-shared.ts';
import runTaskHere from './sweep-worker.ts';
import { displayPath, loadScenario } from './load.ts';
import {
  checkMetricKeys,
  DEFAULT_METRICS,
  finalMetricKeys,
  sourceOf,
  validateOverrides,
  worldWith,
  type LoadedSource,
} from './what-if.ts';

export { fnv1a, journalLine, parseJournalLine, recoverJournal } from './journal.ts';
export type { SweepTask, SweepTaskResult, SweepWorkerData } from './sweep-shared.ts';

export const SWEEP_FORMAT = 'rewardmix-sweep/1';
/** How often a running sweep reports progress, and flushes its journal to disk (ms). */
const PROGRESS_MS = 100;
const SYNC_MS = 200;
/** The most runs whose result lines the threads format (about 90 MB of text at 100,000). */
const FORMAT_IN_THREADS_MAX = 100_000;

export const FILES = {
  meta: 'sweep.json',
  journal: 'journal.jsonl',
  csv: 'results.csv',
  jsonl: 'results.jsonl',
  summary: 'summary.csv',
} as const;

/** What sweep.json holds: the plan, the scenario and the provenance. */
export interface SweepMeta {
  format: typeof SWEEP_FORMAT;
  scenario: { path: string; hash: string; sets: string[] };
  plan: {
    axes: Axis[];
    sample: Sampling;
    n: number | null;
    seeds: number[];
    planSeed: number | string;
    points: number;
    runs: number;
  };
  metrics: string[];
  shard: Shard | null;
  status: 'running' | 'complete';
  /** Runs of this directory (its shard's, or all) and how many are done. */
  progress: { runs: number; completed: number };
  /** For a merged directory: the shard directories it was merged from. */
  mergedFrom?: string[];
  provenance: Record<string, unknown>;
}

/** One row of the results: run, point, seed, the axes' values, the metrics. */
export interface SweepRow {
  run: number;
  point: number;
  seed: number;
  values: number[];
  metrics: (number | null)[];
}

export interface SweepProgress {
  done: number;
  total: number;
  /** Runs found in the journal when this process started. */
  resumed: number;
  elapsedMs: number;
}

export interface SweepOptions {
  scenario: string;
  /** Base overrides applied before the varied ones. */
  sets?: string[];
  axes: Axis[];
  sample: Sampling;
  n?: number;
  /** Seeds per point (K): the scenario's seed, +1, … */
  seeds: number;
  /** Metric keys; 'all' = every final metric; default DEFAULT_METRICS. */
  metrics?: string[] | 'all';
  workers: number;
  out: string;
  shard?: Shard | null;
  /** Written into sweep.json (command line, version…). */
  provenance?: Record<string, unknown>;
  onProgress?: (p: SweepProgress) => void;
  /** Runs a thread takes off the shared counter at a time (default: about 64 chunks per worker,
   * 1 to 16 runs each). */
  chunk?: number;
  /**
   * Whether this thread runs runs while the workers start. Default: when a core is left over
   * (fewer workers than the machine's cores). With every core taken by a worker, helping slowed
   * cold sweeps down (measured when tasks were messages: 2 workers on 2 cores, 441-run grids,
   * five runs each: weights 316 – 355 ms helping against 282 – 301 not). Tests set it both
   * ways to check both give the same bytes.
   */
  mainThreadHelps?: boolean;
  /**
   * Checks of the planned sweep made before anything is run or written (the CLI's --chart
   * metrics, say): an InputError here leaves nothing behind.
   */
  check?: (meta: SweepMeta) => void;
  /**
   * Whether the threads format the result lines as they run the runs (default: for sweeps of up
   * to 100,000 runs; past that the main thread formats them at the end). Same bytes either way.
   */
  formatInThreads?: boolean;
}

export interface SweepOutcome {
  dir: string;
  meta: SweepMeta;
  rows: SweepRow[];
  /** The kind of trainer the runs use (the scenario's, after `sets`). */
  trainer: string;
  /** Runs done by this process, and found already done in the journal. */
  ran: number;
  resumed: number;
  elapsedMs: number;
  /**
   * Where the time went (ms): from the call to the runs' start (planning, the directory, the
   * journal read back; with a pool started for the sweep, the threads start meanwhile), the runs
   * (from handing them out to the last done), and the results files and sweep.json written.
   */
  phasesMs: { plan: number; run: number; write: number };
  /**
   * The threads' time during the runs (ms, summed over threads): `runMs` in the runs
   * themselves, `sharingMs` in the rest of their tasks (taking chunks, journal lines and
   * writes), `mainMs` this thread's event loop busy otherwise (progress, journal flushes). A
   * thread's sharing time against its run time is measured on the same core at the same time,
   * so the ratio holds whatever the core's speed; the benchmark reports it.
   */
  work: { runs: number; runMs: number; sharingMs: number; mainMs: number };
}

// ---- results files ---------------------------------------------------------------------------

/** The results as flat records: run, point, seed, axes by path, metrics by key. */
export function rowRecords(meta: SweepMeta, rows: SweepRow[]): Record<string, number | null>[] {
  return rows.map((r) => {
    const rec: Record<string, number | null> = { run: r.run, point: r.point, seed: r.seed };
    meta.plan.axes.forEach((a, i) => (rec[a.path] = r.values[i]));
    meta.metrics.forEach((k, i) => (rec[k] = finite(r.metrics[i])));
    return rec;
  });
}

/** An InputError naming `flag` unless `metric` is one of the sweep's metrics. */
export function checkSweepMetric(meta: SweepMeta, metric: string, flag: string): void {
  if (!meta.metrics.includes(metric))
    throw new InputError(
      flag,
      `"${metric}" is not among the sweep's metrics (${meta.metrics.join(', ')})`,
    );
}

/**
 * Whether the seeds made no difference: some point has more than one row (seed), and every
 * point's rows have the same metric values (the exact trainer, for one, does not draw at random).
 */
export function sameAcrossSeeds(rows: SweepRow[]): boolean {
  const first = new Map<number, SweepRow>();
  let repeated = false;
  for (const r of rows) {
    const f = first.get(r.point);
    if (!f) {
      first.set(r.point, r);
      continue;
    }
    repeated = true;
    if (!r.metrics.every((x, k) => x === f.metrics[k])) return false;
  }
  return repeated;
}

/** A row's lines in some RowBytes (a sweep thread's, src/node/results-format.ts). */
export interface RowSlice {
  src: RowBytes;
  k: number;
}

/**
 * The bytes of results.jsonl, results.csv and summary.csv for rows in run order: the records of
 * `rowRecords` as JSON lines and CSV, and per point the summary of each metric over its seeds
 * (`summarize`). Written out directly rather than through an object per row, which matters at
 * 10,000 runs (test/node/sweep.test.ts checks the bytes against the object-per-row definition).
 * A row's lines come from `lines` (the thread that ran it formatted them) or are formatted here.
 * Each file comes as parts, views of the threads' buffers, to be written out in order.
 */
export function resultsBytes(
  meta: SweepMeta,
  rows: SweepRow[],
  lines?: (run: number) => RowSlice | undefined,
): Record<string, Uint8Array[]> {
  const paths = meta.plan.axes.map((a) => a.path);
  const metrics = meta.metrics;
  const P = paths.length;
  const fmt = new RowFormatter(paths, metrics);
  // Each row's lines: where a thread put them, or formatted here (into `here`).
  const here = new RowBytesWriter();
  const srcOf: (RowBytes | null)[] = new Array<RowBytes | null>(rows.length);
  const kOf = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    const at = lines?.(r.run);
    srcOf[i] = at ? at.src : null;
    kOf[i] = at ? at.k : here.add(r.run, fmt.row(r.run, r.point, r.seed, r.values, r.metrics));
  });
  const mine = here.take();
  for (let i = 0; i < rows.length; i++) srcOf[i] ??= mine;
  const rowsOf = srcOf as RowBytes[];
  const csv = new Parts('csv', rowsOf, kOf);
  const json = new Parts('json', rowsOf, kOf);
  csv.bytes(Buffer.from(fmt.header() + '\n'));
  for (let i = 0; i < rows.length; i++) {
    csv.row(i);
    json.row(i);
  }
  // Rows by point, in point order, for the summary, which uses a point's first row's cells
  // again where it writes the same number (the axes' values; with one seed, all of it).
  const byPoint = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const list = byPoint.get(r.point);
    if (list) list.push(i);
    else byPoint.set(r.point, [i]);
  });
  const scols = ['point', ...paths, 'n'];
  if (rows.length)
    for (const k of metrics) scols.push(`${k}:mean`, `${k}:sd`, `${k}:lo`, `${k}:hi`);
  const summary = new Parts('summary', rowsOf, kOf);
  summary.bytes(Buffer.from(scols.map(csvCell).join(',') + '\n'));
  const seed = meta.plan.planSeed;
  for (const point of [...byPoint.keys()].sort((a, b) => a - b)) {
    const list = byPoint.get(point)!;
    if (list.length === 1) {
      summary.row(list[0]); // one seed: the row's own summary line
      continue;
    }
    // the first row's cells from its axes on (its CSV line without the newline)
    const csv0 = rowLine(rowsOf[list[0]], 'csv', kOf[list[0]]);
    const first = cellsAfterSeed(
      Buffer.from(csv0.buffer, csv0.byteOffset, csv0.length - 1).toString('utf8'),
    );
    const out: string[] = [String(point)];
    for (let i = 0; i < P; i++) out.push(first[i]);
    const stats: string[] = [];
    let n = 0;
    for (let i = 0; i < metrics.length; i++) {
      const xs: number[] = [];
      for (const j of list) {
        const x = rows[j].metrics[i];
        if (typeof x === 'number' && Number.isFinite(x)) xs.push(x);
      }
      if (i === 0) n = xs.length;
      const m = summarize(xs, seed, `${point}:${metrics[i]}`);
      // The interval of values all equal is the mean: format it once.
      const mean = csvCell(m.mean);
      stats.push(
        mean,
        csvCell(m.sd),
        m.lo === m.mean ? mean : csvCell(m.lo),
        m.hi === m.mean ? mean : csvCell(m.hi),
      );
    }
    out.push(String(n), ...stats);
    summary.bytes(Buffer.from(out.join(',') + '\n'));
  }
  return {
    [FILES.jsonl]: json.done(),
    [FILES.csv]: csv.done(),
    [FILES.summary]: summary.done(),
  };
}

/**
 * Appends rows' lines of `file` to a file's parts, a view per stretch of lines that lie one
 * after another in one buffer (a thread's chunk of runs), not one per line.
 */
class Parts {
  readonly list: Uint8Array[] = [];
  private src: RowBytes | null = null;
  private start = 0;
  private end = 0;
  constructor(
    private readonly file: 'csv' | 'json' | 'summary',
    /** Each row's RowBytes and its number there. */
    private readonly srcOf: RowBytes[],
    private readonly kOf: Int32Array,
  ) {}
  row(i: number): void {
    const src = this.srcOf[i];
    const k = this.kOf[i];
    const ends =
      this.file === 'csv' ? src.csvEnd : this.file === 'json' ? src.jsonEnd : src.summaryEnd;
    const a = k > 0 ? ends[k - 1] : 0;
    if (src === this.src && a === this.end) this.end = ends[k];
    else {
      this.cut();
      this.src = src;
      this.start = a;
      this.end = ends[k];
    }
  }
  bytes(b: Uint8Array): void {
    this.cut();
    this.list.push(b);
  }
  private cut(): void {
    if (this.src) this.list.push(this.src[this.file].subarray(this.start, this.end));
    this.src = null;
  }
  done(): Uint8Array[] {
    this.cut();
    return this.list;
  }
}

/** `resultsBytes` as text. */
export function resultsFiles(meta: SweepMeta, rows: SweepRow[]): Record<string, string> {
  const files = resultsBytes(meta, rows);
  return Object.fromEntries(
    Object.entries(files).map(([name, parts]) => [name, Buffer.concat(parts).toString('utf8')]),
  );
}

function writeResults(dir: string, meta: SweepMeta, rows: SweepRow[]): void {
  for (const [name, bytes] of Object.entries(resultsBytes(meta, rows)))
    writeFileAtomicSync(join(dir, name), bytes);
}

const metaText = (meta: SweepMeta) => JSON.stringify(meta, null, 2) + '\n';

function writeMeta(dir: string, meta: SweepMeta): void {
  writeFileAtomicSync(join(dir, FILES.meta), metaText(meta));
}

/** Reads a sweep directory's sweep.json (InputError when it is not one). */
export function readMeta(dir: string): SweepMeta {
  const file = join(dir, FILES.meta);
  if (!existsSync(file))
    throw new InputError(displayPath(dir), `not a sweep directory (no ${FILES.meta})`);
  let meta: SweepMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as SweepMeta;
  } catch (e) {
    throw new InputError(displayPath(file), `malformed JSON: ${(e as Error).message}`);
  }
  if (meta.format !== SWEEP_FORMAT)
    throw new InputError(
      displayPath(file),
      `format: found "${String(meta.format)}", expected "${SWEEP_FORMAT}"`,
    );
  return meta;
}

/** A complete sweep directory's rows, from results.jsonl (in run order). */
export function readSweep(dir: string): { meta: SweepMeta; rows: SweepRow[] } {
  const meta = readMeta(dir);
  if (meta.status !== 'complete') {
    // sweep.json's count is written only at the end: the journal says how many runs are done
    // (read, not recovered: the directory is left as it is).
    const runs = shardRuns(meta.plan.runs, meta.shard);
    const done = readJournal(join(dir, FILES.journal), meta.metrics.length, new Set(runs)).done
      .size;
    throw new InputError(
      displayPath(dir),
      `the sweep is not complete (${done} of ${runs.length} runs journaled): run the same sweep command again to resume it`,
    );
  }
  // The results are rewritten from the journal by running the same sweep command again, so a
  // results file that is missing, cut short or malformed is bad input, said as such (a value
  // edited into another number is not caught).
  const file = join(dir, FILES.jsonl);
  const again = 'run the same sweep command again to write it anew from the journal';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      displayPath(file),
      `cannot read the sweep's results (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${again}`,
    );
  }
  const rows: SweepRow[] = [];
  const lines = text.split('\n');
  let i = 0;
  const bad = (what: string) =>
    new InputError(displayPath(file), `line ${i + 1}: ${what}; ${again}`);
  for (; i < lines.length; i++) {
    if (!lines[i]) continue;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(lines[i]) as Record<string, unknown>;
    } catch (e) {
      throw bad(`malformed JSON (${(e as Error).message})`);
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw bad('expected one JSON object per line');
    for (const k of ['run', 'point', 'seed'])
      if (!Number.isInteger(r[k])) throw bad(`"${k}": expected a whole number`);
    const values = meta.plan.axes.map((a) => r[a.path]);
    const at = values.findIndex((v) => typeof v !== 'number');
    if (at >= 0) throw bad(`"${meta.plan.axes[at].path}": expected a number`);
    const metrics = meta.metrics.map((k) => r[k] ?? null);
    const m = metrics.findIndex((v) => v !== null && typeof v !== 'number');
    if (m >= 0) throw bad(`"${meta.metrics[m]}": expected a number or null`);
    rows.push({
      run: r.run as number,
      point: r.point as number,
      seed: r.seed as number,
      values: values as number[],
      metrics: metrics as (number | null)[],
    });
  }
  if (rows.length !== meta.progress.runs)
    throw new InputError(
      displayPath(file),
      `holds ${rows.length} rows where ${FILES.meta} says ${meta.progress.runs} runs; ${again}`,
    );
  return { meta, rows };
}

// ---- the sweep -------------------------------------------------------------------------------

/** What must match for a directory to be the same sweep (or a shard of it). */
function identity(meta: SweepMeta, withShard: boolean): string {
  return JSON.stringify({
    hash: meta.scenario.hash,
    sets: meta.scenario.sets,
    plan: meta.plan,
    metrics: meta.metrics,
    shard: withShard ? meta.shard : undefined,
  });
}

function describeDifference(a: SweepMeta, b: SweepMeta): string {
  if (a.scenario.hash !== b.scenario.hash) return 'the scenario files changed';
  if (JSON.stringify(a.scenario.sets) !== JSON.stringify(b.scenario.sets)) return '--set differs';
  if (JSON.stringify(a.plan) !== JSON.stringify(b.plan))
    return 'the plan differs (--vary, --sample, --n or --seeds)';
  if (JSON.stringify(a.metrics) !== JSON.stringify(b.metrics)) return '--metrics differs';
  return '--shard differs';
}

function isEmptyDir(dir: string): boolean {
  // Hidden temp files of an atomic write cut short do not count.
  return readdirSync(dir).every((f) => f.startsWith('.') && f.endsWith('.tmp'));
}

/**
 * A pool of sweep worker threads. `runSweep` starts one for the sweep and stops it at the end,
 * unless it is given one: a session that runs several sweeps (a notebook, the benchmark, a
 * script) keeps one pool, whose threads are started once and keep their compiled code and the
 * last sweep's setup.
 */
export interface SweepPool {
  readonly workers: number;
  run(task: SweepTask): Promise<SweepTaskResult>;
  /** Resolves when every thread has started and loaded the worker's code. */
  ready(): Promise<void>;
  destroy(): Promise<void>;
}

/** What piscina loads in each thread: it imports the worker's code (see the file). */
export const WORKER_SHIM = fileURLToPath(new URL('./sweep-worker-shim.cjs', import.meta.url));

/**
 * Starts a pool of `workers` sweep threads (they load their code while the caller goes on).
 * `compiler`: the sweeps will vary more than mix weights, so the threads load the scenario
 * compiler at once rather than at their first run.
 */
export function createSweepPool(workers: number, options: { compiler?: boolean } = {}): SweepPool {
  const n = Math.max(1, Math.floor(workers));
  // The workers' code as one plain-JS bundle (src/node/worker-bundle.ts), else through tsx.
  const worker = sweepWorkerFile();
  const pool = new Piscina({
    // A CommonJS shim that imports the worker (src/node/sweep-worker-shim.cjs says why).
    filename: WORKER_SHIM,
    execArgv: workerExecArgv(worker.bundled),
    minThreads: n,
    maxThreads: n,
    idleTimeout: 1000,
    workerData: {
      preloadCompiler: options.compiler === true,
      sweepWorker: pathToFileURL(worker.file).href,
    },
  });
  const stopping = guardPoolErrors(pool);
  return {
    workers: n,
    run: (task) => pool.run(task) as Promise<SweepTaskResult>,
    ready: async () => {
      // A task that names no setup is answered at once by a thread that has loaded its code.
      await Promise.all(
        Array.from({ length: n }, () => pool.run({ key: '', runs: [] } satisfies SweepTask)),
      );
    },
    destroy: () => {
      stopping();
      return pool.destroy();
    },
  };
}

/**
 * piscina re-emits a thread's error that no task waits for (a thread that fails while it starts,
 * say) as the pool's 'error' event, which with no listener ends the process with exit code 1.
 * While the sweep runs, that must still surface, so the listener throws it as before. Once the
 * pool is being stopped (the runs are done, or an error such as bad input is on its way to the
 * user), a thread cut short while it loads has nothing left to say and must not replace that
 * error or the sweep's result. Returns the function that marks the pool as stopping.
 */
export function guardPoolErrors(pool: {
  on(event: 'error', listener: (e: unknown) => void): unknown;
}): () => void {
  let stopping = false;
  pool.on('error', (e) => {
    if (!stopping) throw e;
  });
  return () => {
    stopping = true;
  };
}

/** Plans a sweep: loads the scenario, checks the overrides and metrics, builds the plan. */
export function planSweep(o: SweepOptions): { meta: SweepMeta; plan: Plan; src: LoadedSource } {
  const loaded = loadScenario(o.scenario, { sets: o.sets ?? [] });
  const src = sourceOf(loaded);
  const seed0 = loaded.scenario.seed ?? 0;
  const spec: PlanSpec = {
    axes: o.axes,
    sample: o.sample,
    n: o.sample === 'grid' ? undefined : o.n,
    seeds: Array.from({ length: o.seeds }, (_, k) => seed0 + k),
    planSeed: seed0,
  };
  let plan: Plan;
  try {
    plan = buildPlan(spec);
  } catch (e) {
    throw new InputError('--vary', (e as Error).message);
  }
  // Every level of each axis must be a value the format accepts (unknown path, out of a field's
  // or a declared param's bounds, a fraction for a whole-number field: exit 2), checked before
  // the sweep directory is made. A mix weight the sweep's fast path takes is one
  // (src/node/run-one.ts); anything else is applied and validated, without training.
  plan.axes.forEach((a, i) => {
    for (const v of axisLevels(a, plan.points, i)) {
      const set = `${a.path}=${String(v)}`;
      if (weightOnlyWorld(src.base, [set])) continue;
      try {
        validateOverrides(src, [set], '--vary');
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        const hint = wholeLevelsHint(a, e.message);
        if (hint) throw new InputError('--vary', `${e.message.replace(/^--vary: /, '')}; ${hint}`);
        throw e;
      }
    }
  });
  // The metric keys: those a run of this scenario reports.
  const first = plannedRun(plan, 0);
  const known = finalMetricKeys(
    worldWith(src, runOverrides(plan, first.values), '--vary'),
    first.seed,
  );
  let metrics: string[];
  if (o.metrics === 'all') metrics = known;
  else if (o.metrics && o.metrics.length) {
    checkMetricKeys(o.metrics, known, '--metrics');
    metrics = o.metrics;
  } else {
    metrics = [
      ...DEFAULT_METRICS.filter((k) => known.includes(k)),
      ...known.filter((k) => k.startsWith('multipliers/')),
    ];
  }
  const shard = o.shard ?? null;
  const meta: SweepMeta = {
    format: SWEEP_FORMAT,
    scenario: { path: displayPath(loaded.path), hash: loaded.hash, sets: o.sets ?? [] },
    plan: {
      axes: plan.axes,
      sample: plan.sample,
      n: plan.sample === 'grid' ? null : (plan.n ?? null),
      seeds: plan.seeds,
      planSeed: plan.planSeed,
      points: plan.points.length,
      runs: plan.runs,
    },
    metrics,
    shard,
    status: 'running',
    progress: { runs: shardRuns(plan.runs, shard).length, completed: 0 },
    provenance: o.provenance ?? {},
  };
  return { meta, plan, src };
}

/**
 * The values of axis `a` (the `i`-th) that a plan's runs take: its grid levels, else the ends and
 * the distinct values of the points (a continuous axis: its ends and the first point's value).
 */
function axisLevels(a: Axis, points: number[][], i: number): number[] {
  const values =
    a.levels !== null
      ? linspace(a.from, a.to, a.levels)
      : [a.from, a.to, ...(points.length ? [points[0][i]] : [])];
  return [...new Set(values)];
}

/**
 * For a grid whose inner levels are fractions where the field takes whole numbers: a count N
 * (nearest the one given) whose levels are all whole numbers, as a hint; '' otherwise.
 */
function wholeLevelsHint(a: Axis, message: string): string {
  if (!/expected a whole number/.test(message) || a.levels === null || a.levels < 3) return '';
  if (!Number.isInteger(a.from) || !Number.isInteger(a.to)) return '';
  const span = a.to - a.from;
  let best = 0;
  for (let d = 1; d <= span; d++)
    if (
      span % d === 0 &&
      (best === 0 || Math.abs(d + 1 - a.levels) < Math.abs(best + 1 - a.levels))
    )
      best = d;
  return best
    ? `use ${a.path}=${a.from}:${a.to}:${best + 1} (or any N with N − 1 dividing ${span}) so the levels are whole numbers`
    : '';
}

/**
 * Runs (or resumes) a sweep into `o.out`, on `pool` when given (its size is the worker count),
 * else on a pool of `o.workers` threads started for this sweep and stopped at its end.
 */
export async function runSweep(o: SweepOptions, pool?: SweepPool): Promise<SweepOutcome> {
  const t0 = performance.now();
  if (pool) return sweepWith(pool, o, t0);
  // The workers start first: loading their code takes them a while, and they can do it while
  // this thread plans.
  const own = createSweepPool(o.workers, {
    compiler: !o.axes.every((a) => /^mix\.weights\.[^.]+$/.test(a.path)),
  });
  // The threads are stopped once the runs are done, while the results files are written.
  let stopped: Promise<void> | null = null;
  const release = () => void (stopped ??= own.destroy());
  try {
    return await sweepWith(own, o, t0, release);
  } finally {
    release();
    await stopped;
  }
}

/** `release`: called once the pool's threads are no longer needed (the runs are done). */
async function sweepWith(
  pool: SweepPool,
  o: SweepOptions,
  t0: number,
  release?: () => void,
): Promise<SweepOutcome> {
  const workers = pool.workers;
  // The output path first: a file there, or a directory that cannot be written, is bad input
  // before anything is planned or run.
  checkWritableDir(o.out);
  const { meta: planned, plan, src } = planSweep(o);
  o.check?.(planned);
  const dir = o.out;
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new InputError(
      displayPath(dir),
      `cannot create the sweep directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give another --out`,
    );
  }

  // ---- resume or start -----------------------------------------------------------------------
  let meta = planned;
  const metaPath = join(dir, FILES.meta);
  if (existsSync(metaPath)) {
    const old = readMeta(dir);
    if (identity(old, true) !== identity(planned, true))
      throw new InputError(
        displayPath(dir),
        `holds a different sweep (${describeDifference(old, planned)}); use another --out or remove it`,
      );
    meta = {
      ...planned,
      provenance: { ...old.provenance, ...planned.provenance, started: old.provenance.started },
    };
  } else if (!isEmptyDir(dir)) {
    throw new InputError(
      displayPath(dir),
      'exists and is not a sweep directory; use another --out',
    );
  } else {
    meta = { ...planned, provenance: { ...planned.provenance, started: new Date().toISOString() } };
    writeMeta(dir, meta);
  }
  const runs = shardRuns(plan.runs, meta.shard);
  const journalPath = join(dir, FILES.journal);
  const done = recoverJournal(journalPath, meta.metrics.length, new Set(runs));
  const resumed = done.size;
  const todo = runs.filter((r) => !done.has(r));
  const total = runs.length;
  const report = (n: number) =>
    o.onProgress?.({ done: n, total, resumed, elapsedMs: performance.now() - t0 });
  report(done.size);

  const tRun = performance.now();
  const work = { runs: 0, runMs: 0, sharingMs: 0, mainMs: 0 };
  /** The result lines the threads formatted, by run (the resumed runs' are formatted at the end). */
  const linesOf = new Map<number, RowSlice>();
  /** The journal's last flush to disk, once the runs are done. */
  let journalFlushed: Promise<void> = Promise.resolve();
  try {
    // ---- run what is left in worker threads -----------------------------------------------------
    if (todo.length > 0) {
      const N = todo.length;
      const M = meta.metrics.length;
      // The threads take runs off a shared counter a chunk at a time (src/node/sweep-worker.ts):
      // a chunk costs an atomic add and a write to the journal, so chunks can be small, which
      // keeps the threads busy to the end: about 64 chunks per worker, 1 to 16 runs each.
      const chunk = o.chunk ?? Math.max(1, Math.min(16, Math.ceil(N / (workers * 64))));
      const shared: SharedRuns = {
        control: new SharedArrayBuffer(4 * SHARED_CONTROL_LENGTH),
        todo: new SharedArrayBuffer(4 * N),
        values: new SharedArrayBuffer(8 * N * M),
        done: new SharedArrayBuffer(N),
        chunk,
        journal: journalPath,
        // The threads keep the lines until their task ends; past this many runs the main thread
        // formats them at the end instead, rather than hold every line twice.
        format: o.formatInThreads ?? N <= FORMAT_IN_THREADS_MAX,
        threads: workers,
      };
      new Int32Array(shared.todo).set(todo);
      new Float64Array(shared.values).fill(NaN);
      const ctl = new Int32Array(shared.control);
      const doneFlags = new Uint8Array(shared.done);
      const values = new Float64Array(shared.values);
      const key = identity(meta, false);
      const setup: SweepWorkerData = {
        base: src.base,
        raw: src.raw,
        source: src.source,
        plan,
        metrics: meta.metrics,
      };
      let failure: Error | null = null;
      const fail = (error: { run: number; input: boolean; message: string }) => {
        if (failure) return;
        const pr = plannedRun(plan, error.run);
        const where = `run ${error.run} (${runOverrides(plan, pr.values).join(' ')}, seed ${pr.seed})`;
        failure = error.input
          ? new InputError('--vary', `${where}: ${error.message}`)
          : new Error(`${where}: ${error.message}`);
      };
      let localMs = 0; // this thread's own tasks, which its event loop time also holds
      const settle = (res: SweepTaskResult, here = false) => {
        if ('needSetup' in res) return;
        for (const e of res.errors) fail(e);
        if (res.texts) {
          const src = res.texts;
          for (let k = 0; k < src.index.length; k++) linesOf.set(todo[src.index[k]], { src, k });
        }
        if (res.time) {
          work.runs += res.time.runs;
          work.runMs += res.time.runMs;
          work.sharingMs += res.time.taskMs - res.time.runMs;
          if (here) localMs += res.time.taskMs;
        }
      };
      const elu0 = performance.eventLoopUtilization();
      // Progress: the shared count of runs done, looked at a few times a second.
      let completed = 0;
      const poll = () => {
        const now = Atomics.load(ctl, SHARED.completed);
        if (now === completed) return;
        completed = now;
        report(resumed + completed);
      };
      const timer = o.onProgress ? setInterval(poll, PROGRESS_MS) : null;
      // This thread's own journal descriptor, for the runs it runs itself and to flush the lines
      // of all threads to disk: every SYNC_MS while the runs go on (in libuv's thread pool, so
      // this thread stays free) and at the end.
      const journal = new Journal(journalPath);
      let syncing: Promise<void> | null = null;
      const syncTimer = setInterval(() => {
        // a flush that fails here is tried again at the next tick and at the end
        syncing ??= fsyncAsync(journal.fd)
          .catch(() => {})
          .then(() => void (syncing = null));
      }, SYNC_MS);
      try {
        // One task per worker for the whole sweep, with the setup (a worker holds the last one it
        // was sent; the default scenario's is 34 KB, about 1 ms to copy over).
        const task: SweepTask = { key, runs: [], shared, setup };
        const tasks = Array.from({ length: workers }, async () => settle(await pool.run(task)));
        // While the workers are still starting (loading their code) and a core is free, this
        // thread runs runs itself, a chunk at a time so that it notices them start. The runs are
        // the same pure function wherever they run, so where a run ran does not change its
        // values (test/node/sweep.test.ts).
        const local = o.mainThreadHelps ?? workers < availableParallelism();
        try {
          while (
            local &&
            Atomics.load(ctl, SHARED.started) < workers &&
            Atomics.load(ctl, SHARED.next) < N &&
            Atomics.load(ctl, SHARED.stop) === 0
          ) {
            settle(await runTaskHere({ ...task, limit: 1 }, journal), true);
            poll();
            // Let the workers' start-up messages in before deciding again.
            await new Promise<void>((r) => setImmediate(r));
          }
          await Promise.all(tasks);
        } catch (e) {
          // A thread failed outright (a failing run comes back as an error, not this): the others
          // stop taking runs and finish their chunk before the journal is closed and the error
          // is passed on; what they finished stays journaled.
          Atomics.store(ctl, SHARED.stop, 1);
          await Promise.allSettled(tasks);
          throw e;
        }
      } finally {
        if (timer) clearInterval(timer);
        clearInterval(syncTimer);
        await syncing; // not closed under a flush in flight
        // The last flush goes on beside the writing of the results files, which come from memory,
        // not from the journal; the sweep awaits it before it returns or throws.
        journalFlushed = fsyncAsync(journal.fd).finally(() => journal.close());
        journalFlushed.catch(() => {}); // handled where it is awaited, not as unhandled meanwhile
        work.mainMs = Math.max(0, performance.eventLoopUtilization(elu0).active - localMs);
      }
      for (let i = 0; i < N; i++) {
        if (doneFlags[i] !== 1) continue;
        const v: (number | null)[] = new Array<number | null>(M);
        for (let k = 0; k < M; k++) v[k] = finite(values[i * M + k]);
        done.set(todo[i], v);
      }
      report(done.size);
      if (failure) throw failure;
      if (done.size !== total) throw new Error(`${total - done.size} runs were not run`);
    }

    release?.();
    const tWrite = performance.now();
    // ---- finalize: the results files from the journal, atomically --------------------------------
    const rows: SweepRow[] = runs.map((run) => {
      const pr = plannedRun(plan, run);
      return { run, point: pr.point, seed: pr.seed, values: pr.values, metrics: done.get(run)! };
    });
    meta = {
      ...meta,
      status: 'complete',
      progress: { runs: total, completed: total },
      provenance: { ...meta.provenance, finished: new Date().toISOString() },
    };
    // The results files and sweep.json flushed together, sweep.json renamed into place last: it
    // says "complete" only once the results are there.
    await writeFilesAtomic([
      ...Object.entries(resultsBytes(meta, rows, (run) => linesOf.get(run))).map(
        ([name, bytes]): [string, FileData] => [join(dir, name), bytes],
      ),
      [join(dir, FILES.meta), metaText(meta)],
    ]);
    await journalFlushed;
    const end = performance.now();
    return {
      dir,
      meta,
      rows,
      trainer: src.base.trainer.kind,
      ran: total - resumed,
      resumed,
      elapsedMs: end - t0,
      phasesMs: { plan: tRun - t0, run: tWrite - tRun, write: end - tWrite },
      work,
    };
  } finally {
    // a sweep that fails still has its journal flushed and closed before the error goes on
    await journalFlushed;
  }
}

// ---- merge -----------------------------------------------------------------------------------

/** Joins complete shard directories (or whole sweeps of the same plan) into `out`. */
export function mergeSweeps(
  dirs: string[],
  out: string,
  provenance: Record<string, unknown> = {},
): { meta: SweepMeta; rows: SweepRow[] } {
  if (dirs.length === 0) throw new InputError('merge', 'give at least one sweep directory');
  checkWritableDir(out);
  const parts = dirs.map((d) => ({ dir: d, ...readSweep(d) }));
  const first = parts[0];
  for (const p of parts.slice(1)) {
    if (identity(p.meta, false) !== identity(first.meta, false))
      throw new InputError(
        displayPath(p.dir),
        `is not a shard of the same sweep as ${displayPath(first.dir)} (${describeDifference(first.meta, p.meta)})`,
      );
  }
  // Shards of one split: the same count, each index once (a whole sweep, shard null, stands
  // alone). Said before the rows are joined, where it would show only as a run found twice.
  const shardOf = (p: (typeof parts)[number]) =>
    p.meta.shard ? `${p.meta.shard.index}/${p.meta.shard.count}` : 'the whole sweep';
  const seen = new Map<string, string>();
  for (const p of parts) {
    if (p.meta.shard?.count !== first.meta.shard?.count)
      throw new InputError(
        displayPath(p.dir),
        `is shard ${shardOf(p)}, and ${displayPath(first.dir)} is ${shardOf(first)}: give the shards of one --shard i/n split`,
      );
    const key = shardOf(p);
    const other = seen.get(key);
    if (other !== undefined)
      throw new InputError(
        displayPath(p.dir),
        `is shard ${key} again (so is ${displayPath(other)}): give each shard once`,
      );
    seen.set(key, p.dir);
  }
  const byRun = new Map<number, SweepRow>();
  for (const p of parts) {
    for (const r of p.rows) {
      if (byRun.has(r.run))
        throw new InputError(
          displayPath(p.dir),
          `run ${r.run} is also in another directory: give each shard once`,
        );
      byRun.set(r.run, r);
    }
  }
  const total = first.meta.plan.runs;
  if (byRun.size !== total) {
    const counts = first.meta.shard?.count;
    const have = parts.flatMap((p) => (p.meta.shard ? [p.meta.shard.index] : []));
    const missing = counts
      ? Array.from({ length: counts }, (_, i) => i + 1).filter((i) => !have.includes(i))
      : [];
    throw new InputError(
      'merge',
      `the directories hold ${byRun.size} of the sweep's ${total} runs${missing.length ? `; missing shards: ${missing.map((i) => `${i}/${counts}`).join(', ')}` : ''}`,
    );
  }
  const rows = [...byRun.values()].sort((a, b) => a.run - b.run);
  const meta: SweepMeta = {
    ...first.meta,
    shard: null,
    status: 'complete',
    progress: { runs: total, completed: total },
    mergedFrom: dirs.map(displayPath),
    provenance: { ...provenance, merged: new Date().toISOString() },
  };
  // The output may be new, empty, or an earlier merge of the same sweep (merging again is safe).
  if (existsSync(join(out, FILES.meta))) {
    const old = readMeta(out);
    if (old.shard !== null || identity(old, false) !== identity(meta, false))
      throw new InputError(displayPath(out), 'holds a different sweep; merge into a new directory');
  } else if (existsSync(out) && !isEmptyDir(out)) {
    throw new InputError(displayPath(out), 'exists and is not empty; merge into a new directory');
  }
  writeResults(out, meta, rows);
  writeMeta(out, meta);
  return { meta, rows };
}
