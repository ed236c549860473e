// Sweeps: the same bytes for 1 and 2 workers, shards merged equal one sweep, a journal cut
// short mid-line recovers without a torn row, and a sweep killed with SIGKILL mid-way resumes
// to exactly the results of an uninterrupted one.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Piscina } from 'piscina';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateRows, summaryRows } from '../../src/engine/analysis/aggregate.ts';
import type { Axis } from '../../src/engine/analysis/plan.ts';
import {
  FILES,
  journalLine,
  mergeSweeps,
  parseJournalLine,
  planSweep,
  createSweepPool,
  guardPoolErrors,
  WORKER_SHIM,
  readSweep,
  recoverJournal,
  sameAcrossSeeds,
  resultsBytes,
  resultsFiles,
  rowRecords,
  runSweep,
  type SweepPool,
  type SweepMeta,
  type SweepRow,
  type SweepOptions,
} from '../../src/node/sweep.ts';
import {
  RowBytesFormatter,
  RowBytesWriter,
  RowFormatter,
  rowLine,
} from '../../src/node/results-format.ts';
import { Journal } from '../../src/node/journal.ts';
import { SHARED, SHARED_CONTROL_LENGTH, type SharedRuns } from '../../src/node/sweep-shared.ts';
import runTask from '../../src/node/sweep-worker.ts';
import { createRunner, loadSource } from '../../src/node/what-if.ts';
import { ROOT, rewardmix, tempDir, UPDATE } from '../cli/helpers.ts';

// Cheap runs: a short start model and 20 steps.
const SETS = ['start.steps=200', 'trainer.steps=20'];
const AXES: Axis[] = [
  { path: 'mix.weights.thumbs', from: 0, to: 4, levels: 5 },
  { path: 'mix.weights.spec', from: 1, to: 3, levels: 3 },
];
const opts = (out: string, over: Partial<SweepOptions> = {}): SweepOptions => ({
  scenario: UPDATE,
  sets: SETS,
  axes: AXES,
  sample: 'grid',
  seeds: 2,
  workers: 1,
  out,
  ...over,
});
const results = (dir: string) =>
  [FILES.csv, FILES.jsonl, FILES.summary].map((f) => readFileSync(join(dir, f), 'utf8'));

describe('a sweep in worker threads', () => {
  let one: string;
  beforeAll(async () => {
    one = join(tempDir('rewardmix-sweep-'), 'one');
    // Every run in the worker; the other sweeps here let this thread run some while theirs start.
    await runSweep(opts(one, { workers: 1, mainThreadHelps: false }));
  });

  it('writes one row per run in plan order, with parameters, seed and metrics', () => {
    const { meta, rows } = readSweep(one);
    expect(meta.status).toBe('complete');
    expect(rows.map((r) => r.run)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const csv = results(one)[0].trim().split('\n');
    expect(csv[0]).toBe(
      'run,point,seed,mix.weights.thumbs,mix.weights.spec,eval/sycophancy,eval/accuracy,ab/thumbs_up,objective/kl,reward/mixed',
    );
    expect(csv).toHaveLength(31);
    expect(csv[4].split(',').slice(0, 5)).toEqual(['3', '1', '2', '0', '2']);
    // the summary has one row per point with mean, sd and interval over the 2 seeds
    expect(results(one)[2].trim().split('\n')).toHaveLength(16);
  });

  it('tells when the seeds made no difference (the exact trainer), and only then', () => {
    const { rows } = readSweep(one);
    expect(sameAcrossSeeds(rows)).toBe(true); // exact trainer, 2 seeds per point
    const row = (point: number, metrics: (number | null)[]) => ({
      run: 0,
      point,
      seed: 0,
      values: [],
      metrics,
    });
    expect(sameAcrossSeeds(rows.filter((r) => r.seed === rows[0].seed))).toBe(false); // one seed
    expect(sameAcrossSeeds([row(0, [1, null]), row(0, [1, null]), row(1, [2, 3])])).toBe(true);
    expect(
      sameAcrossSeeds([row(0, [1, null]), row(0, [1, null]), row(1, [2, 3]), row(1, [2, 4])]),
    ).toBe(false);
    expect(sameAcrossSeeds([row(0, [0]), row(0, [-0])])).toBe(true); // the same number
    expect(sameAcrossSeeds([row(0, [0]), row(0, [null])])).toBe(false);
  });

  it('gives byte-identical results with 2 workers and a different chunking', async () => {
    const two = join(tempDir('rewardmix-sweep-'), 'two');
    const out = await runSweep(opts(two, { workers: 2, chunk: 3 }));
    expect(results(two)).toEqual(results(one));
    // Where the time went: the phases make up the whole, and every run was timed in a thread.
    const { plan, run, write } = out.phasesMs;
    expect(plan + run + write).toBeCloseTo(out.elapsedMs, 6);
    expect(out.work.runs).toBe(30);
    expect(out.work.runMs).toBeGreaterThan(0);
    expect(out.work.sharingMs).toBeGreaterThanOrEqual(0);
    // two workers, and this thread too where a core is left over
    expect(out.work.runMs + out.work.sharingMs).toBeLessThanOrEqual(3 * run + 1);
    // The result lines formatted by this thread at the end rather than by the workers.
    const late = join(tempDir('rewardmix-sweep-'), 'late');
    await runSweep(opts(late, { workers: 2, formatInThreads: false }));
    expect(results(late)).toEqual(results(one));
    // The threads took the runs off one shared counter and journaled them themselves: each run
    // exactly once, every line whole and valid.
    const lines = readFileSync(join(two, FILES.journal), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const runs = lines.map((l) => parseJournalLine(l, 5)?.run);
    expect(runs.slice().sort((a, b) => a! - b!)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('counts a worker thread as started, not this thread running a chunk while they start', async () => {
    // The main thread helps while `started` < workers: its own chunks must not end that early.
    const dir = tempDir('rewardmix-started-');
    const { meta, plan, src } = planSweep(opts(join(dir, 'out')));
    const setup = { base: src.base, raw: src.raw, source: src.source, plan, metrics: meta.metrics };
    const shared = (): SharedRuns => ({
      control: new SharedArrayBuffer(4 * SHARED_CONTROL_LENGTH),
      todo: new SharedArrayBuffer(0),
      values: new SharedArrayBuffer(0),
      done: new SharedArrayBuffer(0),
      chunk: 1,
      journal: join(dir, 'journal.jsonl'),
      format: false,
      threads: 1,
    });
    const started = (s: SharedRuns) => Atomics.load(new Int32Array(s.control), SHARED.started);
    const here = shared();
    const journal = new Journal(here.journal);
    try {
      await runTask({ key: 'k', setup, runs: [], shared: here, limit: 1 }, journal);
    } finally {
      journal.close();
    }
    expect(started(here)).toBe(0); // this thread, with its own journal
    const thread = shared();
    await runTask({ key: 'k', runs: [], shared: thread });
    expect(started(thread)).toBe(1); // as a worker thread runs it
  });

  it('threads load the worker through a CommonJS shim that imports it (no require of an ES module)', async () => {
    // piscina require()s its task file first; require() of an ES module can abort the process
    // when the thread is terminated mid-load (src/node/sweep-worker-shim.cjs), so the file it
    // gets is CommonJS, and the ES module comes in by import().
    expect(WORKER_SHIM).toMatch(/sweep-worker-shim\.cjs$/);
    const dir = tempDir('rewardmix-shim-');
    const ok = join(dir, 'ok.mjs');
    writeFileSync(ok, 'export default async (task) => ({ twice: task * 2 });\n');
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'throw new Error("cannot load");\n');
    const poolFor = (file: string) =>
      new Piscina({
        filename: WORKER_SHIM,
        minThreads: 1,
        maxThreads: 1,
        workerData: { sweepWorker: pathToFileURL(file).href },
      });
    const good = poolFor(ok);
    const bad = poolFor(broken);
    try {
      expect(await good.run(21)).toEqual({ twice: 42 });
      await expect(bad.run(1)).rejects.toThrow('cannot load');
    } finally {
      await Promise.all([good.destroy(), bad.destroy()]);
    }
  });

  it("a pool's thread errors end the sweep while it runs, and are dropped once it is stopping", () => {
    const pool = new EventEmitter();
    const stopping = guardPoolErrors(pool);
    // Without a listener an 'error' event throws; the guard must keep that while the sweep runs.
    expect(() => pool.emit('error', new Error('thread failed'))).toThrow('thread failed');
    stopping();
    // A thread cut short while the pool stops must not replace the sweep's own error or result.
    expect(pool.emit('error', new Error('terminated while loading'))).toBe(true);
  });

  it('a pool kept for several sweeps gives the same bytes; a worker without the setup asks for it', async () => {
    const pool = createSweepPool(2);
    try {
      await pool.ready();
      // A task naming a setup the worker was never sent is answered with needSetup, not run.
      expect(await pool.run({ key: 'never sent', runs: [0] })).toEqual({ needSetup: true });
      const base = tempDir('rewardmix-pool-');
      // Another sweep first (other metrics, so another setup), then the one to compare, with
      // one-run chunks so that both workers take many.
      await runSweep(opts(join(base, 'other'), { metrics: ['eval/sycophancy'] }), pool);
      await runSweep(opts(join(base, 'again'), { chunk: 1 }), pool);
      expect(results(join(base, 'again'))).toEqual(results(one));
      const other = readSweep(join(base, 'other'));
      expect(other.meta.metrics).toEqual(['eval/sycophancy']);
      expect(other.rows.map((r) => r.metrics[0])).toEqual(
        readSweep(one).rows.map((r) => r.metrics[0]),
      );
    } finally {
      await pool.destroy();
    }
  });

  it('varies a declared param: the workers compile each run, same values as in-process', async () => {
    const dir = join(tempDir('rewardmix-param-'), 'param');
    const axes: Axis[] = [{ path: 'params.approvalBias', from: 0, to: 2, levels: 3 }];
    await runSweep(opts(dir, { axes, seeds: 1, workers: 2, chunk: 1 }));
    const { meta, rows } = readSweep(dir);
    const runOne = createRunner(loadSource(UPDATE, SETS));
    for (const r of rows) {
      const final = runOne([`params.approvalBias=${r.values[0]}`], r.seed);
      expect(r.metrics).toEqual(meta.metrics.map((k) => final[k]));
    }
    const syc = rows.map((r) => r.metrics[0] as number);
    expect(new Set(syc).size).toBe(3); // the param matters
  });

  it('a run that fails stops the sweep with the run named; the runs done stay journaled', async () => {
    const dir = join(tempDir('rewardmix-fail-'), 'fail');
    // start.learningRate 0.5 trains; 33,333 and up make the start run diverge: bad input.
    const axes: Axis[] = [{ path: 'start.learningRate', from: 0.5, to: 100000, levels: 4 }];
    const o = opts(dir, { axes, seeds: 1, workers: 2, chunk: 1 });
    await expect(runSweep(o)).rejects.toThrow(
      /^--vary: run [1-3] \(start\.learningRate=\d[\d.]*, seed 1\): .*start run diverged/,
    );
    expect(existsSync(join(dir, FILES.csv))).toBe(false);
    const journal = readFileSync(join(dir, FILES.journal), 'utf8');
    const done = journal
      .split('\n')
      .filter(Boolean)
      .map((l) => parseJournalLine(l, 5)?.run);
    expect(done).not.toContain(undefined);
    expect(done).toContain(0); // the run that trains was taken first and finished
    expect(done.every((r) => r === 0)).toBe(true);
    // Started again, it fails the same way without running run 0 again.
    await expect(runSweep(o)).rejects.toThrow(/start run diverged/);
    expect(readFileSync(join(dir, FILES.journal), 'utf8')).toBe(journal);
  });

  it('a thread that fails outright stops the others; a sweep started again completes', async () => {
    const dir = join(tempDir('rewardmix-crash-'), 'crash');
    // Two threads: the first fails at once, the second is a real worker thread, which is told
    // to stop before its first chunk is out (it has 30 one-run chunks to take).
    const real = createSweepPool(1);
    let calls = 0;
    const crashing: SweepPool = {
      workers: 2,
      run: (task) =>
        calls++ === 0 ? Promise.reject(new Error('worker thread crashed')) : real.run(task),
      ready: () => real.ready(),
      destroy: () => real.destroy(),
    };
    try {
      await crashing.ready();
      const o = opts(dir, { chunk: 1, mainThreadHelps: false });
      await expect(runSweep(o, crashing)).rejects.toThrow('worker thread crashed');
    } finally {
      await crashing.destroy();
    }
    // The other stopped taking runs; what it finished (if anything) is journaled whole.
    const lines = readFileSync(join(dir, FILES.journal), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeLessThan(5);
    expect(lines.every((l) => parseJournalLine(l, 5) !== null)).toBe(true);
    const again = await runSweep(opts(dir, { workers: 2 }));
    expect(again.resumed).toBe(lines.length);
    expect(results(dir)).toEqual(results(one));
  });

  it('shards merged give the same bytes as one sweep', async () => {
    const base = tempDir('rewardmix-shards-');
    const dirs = [1, 2, 3].map((i) => join(base, `s${i}`));
    for (let i = 0; i < 3; i++)
      await runSweep(opts(dirs[i], { shard: { index: i + 1, count: 3 } }));
    expect(readSweep(dirs[1]).rows.map((r) => r.run)).toEqual([
      1, 4, 7, 10, 13, 16, 19, 22, 25, 28,
    ]);
    const merged = join(base, 'merged');
    mergeSweeps([dirs[2], dirs[0], dirs[1]], merged);
    expect(results(merged)).toEqual(results(one));
    // a missing shard is named
    expect(() => mergeSweeps([dirs[0], dirs[2]], join(base, 'bad'))).toThrow(
      /missing shards: 2\/3/,
    );
    // a shard given twice, and shards of different splits, are told as such
    expect(() => mergeSweeps([dirs[0], dirs[1], dirs[0]], join(base, 'bad2'))).toThrow(
      /is shard 1\/3 again \(so is .*s1\): give each shard once/,
    );
    const half = join(base, 'half');
    await runSweep(opts(half, { shard: { index: 1, count: 2 } }));
    expect(() => mergeSweeps([dirs[0], half], join(base, 'bad3'))).toThrow(
      /is shard 1\/2, and .*s1 is 1\/3: give the shards of one --shard i\/n split/,
    );
  });

  it('started again when complete, re-writes the same results without running anything', async () => {
    const again = await runSweep(opts(one));
    expect(again.ran).toBe(0);
    expect(again.resumed).toBe(30);
  });

  it('refuses a directory that holds a different sweep (exit 2 message)', async () => {
    await expect(runSweep(opts(one, { seeds: 3 }))).rejects.toThrow(
      /holds a different sweep \(the plan differs/,
    );
  });
});

describe('the journal', () => {
  it("a thread's bytes are RowFormatter's lines and journalLine's, row by row", () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(NaN, -0, Infinity, -Infinity, 5e-324, 1e21, 1e-7, 0.1 + 0.2),
    );
    const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.array(value, { minLength: 7 }))),
        fc.boolean(),
        fc.integer({ min: 0, max: 40 }),
        (P, M, list, format, hint) => {
          // Axes' paths and metric keys that JSON and UTF-8 must carry over: quotes, non-ASCII.
          const paths = ['mix.weights.thumbs', 'params."q"', 'mix.weights.é'].slice(0, P);
          const metrics = ['a', 'eval/sycophancy', 'b\\', '€'].slice(0, M);
          const fmt = new RowFormatter(paths, metrics);
          // A guess of the row count, short of the rows or not: room made, then grown past it.
          const bytes = new RowBytesFormatter(paths, metrics, format, hint);
          let journal = '';
          const want: { csv: string; json: string; summary: string }[] = [];
          for (const [k, [run, point, seed, xs]] of list.entries()) {
            const axes = xs.slice(0, P);
            const values = Float64Array.from(xs.slice(P, P + M));
            // The values sit at an offset in a longer array, as in the sweep's shared table.
            const table = Float64Array.from([1.5, ...values, 2.5]);
            bytes.row(100 + k, run, point, seed, axes, table, 1);
            want.push(fmt.row(run, point, seed, axes, Array.from(values)));
            journal += journalLine(run, Array.from(values));
            if (k % 3 === 1) {
              // Taken as the thread's flushes take them: the lines since the last take.
              expect(utf8(bytes.takeJournal())).toBe(journal);
              journal = '';
            }
          }
          expect(utf8(bytes.takeJournal())).toBe(journal);
          expect(bytes.journalBytes).toBe(0);
          const b = bytes.take();
          if (!format) {
            expect(b.index.length).toBe(0);
            return;
          }
          expect(Array.from(b.index)).toEqual(list.map((_, k) => 100 + k));
          expect(b.csv.buffer instanceof SharedArrayBuffer).toBe(true); // handed over, not copied
          for (let k = 0; k < list.length; k++)
            for (const f of ['csv', 'json', 'summary'] as const)
              expect(utf8(rowLine(b, f, k))).toBe(want[k][f] + '\n');
        },
      ),
    );
  });

  it('lines check themselves; a line cut short is truncated away on recovery', () => {
    const dir = tempDir('rewardmix-journal-');
    const path = join(dir, 'journal.jsonl');
    writeFileSync(path, journalLine(0, [0.1, null]) + journalLine(2, [0.3, 4]));
    const full = readFileSync(path, 'utf8');
    appendFileSync(path, journalLine(1, [0.2, 5]).slice(0, 17)); // killed mid-write
    const done = recoverJournal(path, 2, new Set([0, 1, 2]));
    expect([...done.entries()]).toEqual([
      [0, [0.1, null]],
      [2, [0.3, 4]],
    ]);
    expect(readFileSync(path, 'utf8')).toBe(full);
    expect(
      parseJournalLine(journalLine(3, [1, 2]).trim().replace('"run":3', '"run":4'), 2),
    ).toBeNull();
    expect(parseJournalLine(journalLine(3, [1, 2]).trim(), 3)).toBeNull();
  });
});

describe('resume after SIGKILL (the CLI)', () => {
  it('loses no run, duplicates none, and ends with the uninterrupted results', async () => {
    const base = tempDir('rewardmix-kill-');
    const args = (out: string) => [
      'sweep',
      UPDATE,
      '--set',
      'start.steps=1000',
      '--set',
      'trainer.steps=300',
      '--vary',
      'mix.weights.thumbs=0:4:40',
      '--vary',
      'mix.weights.memory=0:2:10',
      // two threads appending to the journal, each a few times a second
      '--workers',
      '2',
      '--quiet',
      '--out',
      out,
    ];
    const killed = join(base, 'killed');
    const child = spawn(process.execPath, [join(ROOT, 'bin/rewardmix.mjs'), ...args(killed)], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const journal = join(killed, 'journal.jsonl');
    const lines = () =>
      existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0;
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_c, s) => done(s)),
    );
    const t0 = Date.now();
    while (lines() < 20 && Date.now() - t0 < 50_000) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const at = lines();
    expect(at).toBeGreaterThanOrEqual(20);
    expect(at).toBeLessThan(400); // killed mid-sweep
    expect(existsSync(join(killed, FILES.csv))).toBe(false);

    const resumed = await rewardmix(args(killed));
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/400 runs \(\d+ run now, \d+ resumed\)/);
    const uninterrupted = join(base, 'whole');
    expect((await rewardmix(args(uninterrupted))).code).toBe(0);
    expect(results(killed)).toEqual(results(uninterrupted));
    const runs = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).run as number);
    expect(new Set(runs).size).toBe(runs.length); // no duplicates in the journal either
  }, 180_000);

  it('interrupted (SIGINT, SIGTERM), says how many runs are journaled and how to go on', async () => {
    const base = tempDir('rewardmix-int-');
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const out = join(base, signal);
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'bin/rewardmix.mjs'),
          'sweep',
          UPDATE,
          '--vary',
          'mix.weights.thumbs=0:4:100',
          '--vary',
          'mix.weights.memory=0:2:100',
          '--workers',
          '2',
          '--quiet',
          '--out',
          out,
        ],
        { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
      const journal = join(out, 'journal.jsonl');
      const lines = () =>
        existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0;
      const t0 = Date.now();
      while (lines() < 300 && Date.now() - t0 < 50_000) await new Promise((r) => setTimeout(r, 10));
      child.kill(signal);
      expect(await exited).toBe(code);
      const m =
        /sweep interrupted \((SIG\w+)\) with at least (\d+) of 10000 runs done and journaled in .+; run the same command again to go on from there/.exec(
          stderr,
        );
      expect(m?.[1]).toBe(signal);
      // the count said is what the journal holds at least (it is read a few times a second)
      expect(Number(m![2])).toBeLessThanOrEqual(lines());
      expect(lines()).toBeLessThan(10000);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});

describe('the results files', () => {
  /** The files by their definition: one record per row (rowRecords), summaries by aggregateRows. */
  function byDefinition(meta: SweepMeta, rows: SweepRow[]): Record<string, string> {
    const cell = (x: string | number | null) =>
      x === null ? '' : typeof x === 'number' ? (Number.isFinite(x) ? String(x) : '') : x;
    const records = rowRecords(meta, rows);
    const paths = meta.plan.axes.map((a) => a.path);
    const cols = ['run', 'point', 'seed', ...paths, ...meta.metrics];
    const csv = [cols.join(','), ...records.map((r) => cols.map((c) => cell(r[c])).join(','))];
    const jsonl = records.map((r) => JSON.stringify(r)).join('\n');
    const srows = summaryRows(
      aggregateRows(
        records.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? NaN : v])),
        ),
        paths,
        meta.metrics,
        meta.plan.planSeed,
      ),
    );
    const scols = srows.length ? Object.keys(srows[0]) : ['point', ...paths, 'n'];
    const summary = [scols.join(','), ...srows.map((r) => scols.map((c) => cell(r[c])).join(','))];
    return {
      [FILES.jsonl]: jsonl + (jsonl ? '\n' : ''),
      [FILES.csv]: csv.join('\n') + '\n',
      [FILES.summary]: summary.join('\n') + '\n',
    };
  }

  it('are written out directly with the same bytes as their definition', () => {
    const meta = {
      plan: {
        axes: [
          { path: 'mix.weights.thumbs', from: 0, to: 1, levels: 3 },
          { path: 'params.x', from: -1, to: 1, levels: 2 },
        ],
        planSeed: 7,
      },
      metrics: ['eval/sycophancy', 'ab/thumbs_up', 'objective/kl'],
    } as unknown as SweepMeta;
    // 6 points × 3 seeds, run order point-major; missing and non-finite values, negative zero
    const rows: SweepRow[] = [];
    for (let run = 0; run < 18; run++) {
      const point = Math.floor(run / 3);
      const v = (k: number) => Math.sin(run * 7.3 + k) / 3;
      rows.push({
        run,
        point,
        seed: 1 + (run % 3),
        values: [(point % 3) / 2, point < 3 ? -1 : 1],
        metrics: [
          run === 4 ? null : v(0),
          run === 5 ? NaN : v(1) * 1e-9,
          point === 2 ? -0 : run % 5 === 0 ? Infinity : v(2),
        ],
      });
    }
    expect(resultsFiles(meta, rows)).toEqual(byDefinition(meta, rows));
    expect(resultsFiles(meta, [])).toEqual(byDefinition(meta, []));
    expect(resultsFiles(meta, rows)[FILES.summary]).toContain('eval/sycophancy:lo');
    // One seed per point (each row's own summary line), the first metric missing in some rows
    // (n = 0), and points with one row beside points with several.
    const one = rows.filter((r) => r.seed === 1 || r.point === 4);
    one[1] = { ...one[1], metrics: [NaN, -0, 2.5e-300] };
    one[2] = { ...one[2], metrics: [null, null, null] };
    expect(resultsFiles(meta, one)).toEqual(byDefinition(meta, one));
    expect(resultsFiles(meta, one)[FILES.summary].split('\n')[2]).toBe(
      '1,0.5,-1,0,,0,,,0,0,0,0,2.5e-300,0,2.5e-300,2.5e-300',
    );

    // The threads' lines (RowBytes): two threads taking chunks of two runs in turn, with some
    // runs formatted here (as resumed runs are), give the same bytes, whatever order the lines
    // lie in a thread's buffer.
    const text = (f: Record<string, Uint8Array[]>) =>
      Object.fromEntries(
        Object.entries(f).map(([k, parts]) => [k, Buffer.concat(parts).toString('utf8')]),
      );
    for (const list of [rows, one]) {
      const fmt = new RowFormatter(
        meta.plan.axes.map((a) => a.path),
        meta.metrics,
      );
      const threads = [new RowBytesWriter(), new RowBytesWriter()];
      const at = new Map<number, [number, number]>();
      // Rows 6 onwards go in from the last, so a thread's buffer order is not the file's.
      const order = list.map((_, i) => i);
      order.splice(6, Infinity, ...order.slice(6).reverse());
      for (const i of order) {
        if (i % 5 === 3) continue; // formatted by resultsBytes itself
        const r = list[i];
        const t = (i >> 1) % 2;
        at.set(r.run, [t, threads[t].add(i, fmt.row(r.run, r.point, r.seed, r.values, r.metrics))]);
      }
      const srcs = threads.map((w) => w.take());
      const lines = (run: number) => {
        const a = at.get(run);
        return a && { src: srcs[a[0]], k: a[1] };
      };
      expect(text(resultsBytes(meta, list, lines))).toEqual(byDefinition(meta, list));
    }
  });

  it.each([false, true])(
    "a thread's lines as bytes: UTF-8, each line and its end, past the first buffer (shared: %s)",
    (shared) => {
      const w = new RowBytesWriter(shared);
      const lines: string[] = [];
      for (let i = 0; i < 400; i++) {
        const t = {
          csv: `${i},é,${'x'.repeat(i % 97)}`,
          json: `{"ü":${i},"€":"${'y'.repeat(i)}"}`,
          summary: `${i}`,
        };
        lines.push(t.json);
        expect(w.add(1000 + i, t)).toBe(i);
      }
      const b = w.take();
      // Shared: the bytes stay in a SharedArrayBuffer, which a thread hands over without a copy.
      expect(b.json.buffer instanceof SharedArrayBuffer).toBe(shared);
      expect(Array.from(b.index.slice(0, 3))).toEqual([1000, 1001, 1002]);
      expect(b.json.length).toBeGreaterThan(1 << 14); // grown past the first buffer
      for (let k = 0; k < lines.length; k++)
        expect(Buffer.from(rowLine(b, 'json', k)).toString('utf8')).toBe(lines[k] + '\n');
      expect(Buffer.from(b.json).toString('utf8')).toBe(lines.join('\n') + '\n');
      expect(Buffer.from(rowLine(b, 'csv', 3)).toString('utf8')).toBe('3,é,xxx\n');
    },
  );
});
