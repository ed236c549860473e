/**
 * How steady this machine's cores are (`npx tsx bench/noise.ts`): prints figures, not a test.
 *
 * Two processes, one pinned to each core (taskset), start at the same moment and for 8 s each
 * time two kernels in turns, in 200 ms slices:
 *   - fp:  the exact trainer's tabular step (src/engine/trainers/exact.ts `tabularStep`) on fixed
 *          tables of the default scenario: the hot loop of every run (exp, table lookups,
 *          independent floating-point work);
 *   - lat: a chain of dependent multiply-adds (latency-bound, one operation at a time).
 * Each slice prints the kernel's rate against the best slice of that process. On a machine whose
 * cores run at a steady speed every column stays near 1.00. Where the cores share their physical
 * cores with other machines' work (a virtual machine's vCPUs), the fp column drops for seconds at
 * a time, on each core independently, while the latency-bound one barely moves: that is what
 * makes the sweep benchmarks here noisy (docs/performance.md, "Noise").
 *
 * Without `taskset` (not Linux) the processes are not pinned.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const SLICES = 40;
const SLICE_MS = 200;

if (process.argv[2] === '--child') {
  const { tabularStep } = await import('../src/engine/trainers/exact.ts');
  const { loadScenario } = await import('../src/node/load.ts');
  const w = loadScenario(join(root, 'scenarios/april-2025-update.yaml')).world;
  const C = w.contexts.length;
  const A = w.actions.length;
  const n = C * A;
  const lref = Float64Array.from(w.referenceLogProbs);
  const p = Float64Array.from(w.contextWeights);
  const R = Float64Array.from(w.signals[0].table);
  const theta = new Float64Array(n);
  const e = new Float64Array(A);
  const u = new Float64Array(A);
  /** Tabular steps done in `ms`. */
  const fp = (ms: number) => {
    theta.set(w.initialTheta);
    const end = performance.now() + ms;
    let k = 0;
    while (performance.now() < end) {
      for (let s = 0; s < 50; s++)
        tabularStep(theta, lref, R, p, C, A, 0.1, 0.05, false, e, u, null);
      k += 50;
    }
    return k;
  };
  let x = 1.0001;
  /** Dependent multiply-adds (thousands) done in `ms`. */
  const lat = (ms: number) => {
    const end = performance.now() + ms;
    let k = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++) x = x * 1.0000001 + 1e-9;
      k++;
    }
    return k;
  };
  fp(500);
  lat(200);
  const start = Number(process.argv[3]);
  while (Date.now() < start) {
    /* wait for the other process */
  }
  const rows: [number, number][] = [];
  for (let i = 0; i < SLICES; i++) rows.push([fp(SLICE_MS / 2), lat(SLICE_MS / 2)]);
  process.stdout.write(JSON.stringify({ rows, x }) + '\n');
  process.exit(0);
}

const pinned = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();
const start = Date.now() + 4000;
const child = (cpu: number) =>
  new Promise<[number, number][]>((ok, fail) => {
    const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', String(start)];
    const p = pinned
      ? spawn('taskset', ['-c', String(cpu), process.execPath, ...args])
      : spawn(process.execPath, args);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.pipe(process.stderr);
    p.on('exit', (code) =>
      code === 0 ? ok((JSON.parse(out) as { rows: [number, number][] }).rows) : fail(code),
    );
  });
const [a, b] = await Promise.all([child(0), child(1)]);
const rel = (rows: [number, number][], k: 0 | 1) => {
  const best = Math.max(...rows.map((r) => r[k]));
  return rows.map((r) => r[k] / best);
};
const cols = [rel(a, 0), rel(a, 1), rel(b, 0), rel(b, 1)];
console.log(
  `## Core steadiness: ${SLICES} slices of ${SLICE_MS} ms, ${pinned ? 'one process pinned to each core' : 'two processes (not pinned: no taskset)'}\n`,
);
console.log(
  'Rate of each kernel in a slice, against that process’s best slice (1.00 = its best):\n',
);
console.log('| slice | core 0 fp | core 0 lat | core 1 fp | core 1 lat |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (let i = 0; i < SLICES; i++)
  console.log(`| ${i + 1} | ${cols.map((c) => c[i].toFixed(2)).join(' | ')} |`);
const share = (c: number[]) => c.filter((x) => x < 0.8).length / c.length;
const min = (c: number[]) => Math.min(...c);
console.log(
  `\nSlices below 0.80 of the best: core 0 fp ${(100 * share(cols[0])).toFixed(0)}%, lat ${(100 * share(cols[1])).toFixed(0)}%; core 1 fp ${(100 * share(cols[2])).toFixed(0)}%, lat ${(100 * share(cols[3])).toFixed(0)}%. Slowest slice: fp ${min(cols[0]).toFixed(2)} / ${min(cols[2]).toFixed(2)}, lat ${min(cols[1]).toFixed(2)} / ${min(cols[3]).toFixed(2)}.`,
);
