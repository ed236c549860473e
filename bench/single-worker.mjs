// The single-run baseline of bench/sweep.ts, timed in a worker thread that loads what a sweep
// worker loads (src/node/run-one.ts, the compiler only when a run needs it) and gets the
// compiled scenario the way a sweep worker does, so the sweep and its baseline run under the same
// conditions. (The benchmark's main thread has loaded the scenario loader through tsx, and an
// ArrayBuffer has been detached there, after which V8 guards every typed-array access.)
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { base, raw, source, runs, warmups, compiled } = workerData;
const { finalMetrics, worldFor } = await import('../src/node/run-one.ts');
const compile = compiled ? (await import('../src/scenario/compile.ts')).compileScenario : null;
const src = { raw, source };
const one = (sets) =>
  finalMetrics(
    worldFor(src, base, sets, () => compile),
    1,
  );
for (let i = 0; i < warmups; i++) one(runs[i]);
let next = warmups;
parentPort.on('message', (n) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) one(runs[next++]);
  parentPort.postMessage(performance.now() - t0);
});
parentPort.postMessage('ready');
