// The single-run baseline of bench/sweep.ts: the sweep worker's own code (the same file a sweep
// pool loads: the plain-JS bundle, or the tsx entry without one) called in one worker thread with
// one task of many runs, so there is no pool, no messages per task, no journal and no files:
// what a run costs where a sweep runs it. On "n" it runs the next n runs of `runs` and answers
// with the milliseconds they took (a long batch, so its garbage collection is in the figure).
import { parentPort, workerData } from 'node:worker_threads';

const { file, setup, runs, warmups } = workerData;
const runTask = (await import(file)).default;
let next = 0;
const batch = async (n) => {
  const res = await runTask({ key: 'bench', setup, runs: runs.slice(next, (next += n)) });
  if (res.errors?.length) throw new Error(res.errors[0].message);
};
await batch(warmups);
parentPort.on('message', async (n) => {
  const t0 = performance.now();
  await batch(n);
  parentPort.postMessage(performance.now() - t0);
});
parentPort.postMessage('ready');
