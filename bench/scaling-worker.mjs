// A bare worker thread for bench/sweep.ts's scaling section (no pool, no sweep machinery): it
// warms up the kernel it is given, says "ready", and on "go" runs it and answers with the
// milliseconds it took.
//   run:   the first `reps` of `runs`, runs of a sweep (the sweep worker's own code, `file`, in
//          one task), after `warmups` of them
//   steps: the 300 exact steps of a run alone, `reps` times: arithmetic on a few small arrays,
//          almost no allocation (the engine's sources through tsx)
import { parentPort, workerData } from 'node:worker_threads';

const { kernel, reps, file, setup, runs, scenario, warmups = 300 } = workerData;
let go;
if (kernel === 'run') {
  const runTask = (await import(file)).default;
  const task = (list) => runTask({ key: 'bench', setup, runs: list });
  await task(runs.slice(0, warmups));
  go = () => task(runs.slice(0, reps));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { loadSource } = await import('../src/node/what-if.ts');
  const { weightOnlyWorld } = await import('../src/node/run-one.ts');
  const { createExactTrainer } = await import('../src/engine/trainers/exact.ts');
  const base = loadSource(scenario).base;
  const steps = (i) => {
    const w = weightOnlyWorld(base, [`mix.weights.thumbs=${(i % 21) / 5}`]);
    const trainer = createExactTrainer(w, w.initialTheta.slice(), 0);
    for (let t = 0; t < w.trainer.steps; t++) trainer.step(t, false);
  };
  for (let i = 0; i < 300; i++) steps(i);
  go = () => {
    for (let i = 0; i < reps; i++) steps(i);
  };
}
parentPort.postMessage('ready');
parentPort.once('message', async () => {
  const t0 = performance.now();
  await go();
  parentPort.postMessage(performance.now() - t0);
});
