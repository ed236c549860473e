// A bare worker thread for bench/sweep.ts's scaling section (no pool, no sweep machinery): it
// loads the scenario, warms up the kernel it is given, says "ready", and on "go" runs it `reps`
// times and answers with the milliseconds it took.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { kernel, reps, scenario } = workerData;
const { loadSource } = await import('../src/node/what-if.ts');
const { finalMetrics, weightOnlyWorld } = await import('../src/node/run-one.ts');
const { createExactTrainer } = await import('../src/engine/trainers/exact.ts');
const base = loadSource(scenario).base;
const world = (i) => weightOnlyWorld(base, [`mix.weights.thumbs=${(i % 21) / 5}`]);
const kernels = {
  // The 300 exact steps of a run alone: arithmetic on a few small arrays, almost no allocation.
  steps: (i) => {
    const w = world(i);
    const trainer = createExactTrainer(w, w.initialTheta.slice(), 0);
    for (let t = 0; t < w.trainer.steps; t++) trainer.step(t, false);
  },
  // A whole run as a sweep does it: the world, the steps, the recorded points, the final metrics.
  run: (i) => finalMetrics(world(i), 1),
};
const f = kernels[kernel];
for (let i = 0; i < 300; i++) f(i);
parentPort.postMessage('ready');
parentPort.once('message', () => {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f(i);
  parentPort.postMessage(performance.now() - t0);
});
