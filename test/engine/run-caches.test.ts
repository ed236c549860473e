// The run driver keeps derived data between runs: plain copies of a world's tables (by table),
// the metric keys and pressure layouts (by the signals array), the columns' layout and the final
// record's key order (by shape), and scratch shared by runs of one shape. None of it may change
// a result: a table or a name changed in place after a run must give what a world of fresh
// copies gives, and runs stepped in turn must give what they give alone.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, metricKeys, plainTable } from '../../src/engine/metrics.ts';
import { policyProbabilities } from '../../src/engine/policy.ts';
import { createRun, simulate, type RunResult } from '../../src/engine/run.ts';
import type { World } from '../../src/engine/types.ts';
import { worldFromTables } from '../../src/engine/world.ts';
import { randomTables, type RandomWorldOptions } from '../helpers/randomWorld.ts';

function build(seed: number, o: RandomWorldOptions = {}): World {
  return worldFromTables(randomTables(seed, { steps: 15, ...o }));
}

/** `world` with every table copied: nothing of it is in any cache. */
function fresh(world: World): World {
  const copy = (t: Float64Array): Float64Array => Float64Array.from(t);
  return {
    ...world,
    contextWeights: copy(world.contextWeights),
    referenceLogProbs: copy(world.referenceLogProbs),
    initialTheta: copy(world.initialTheta),
    features: Object.fromEntries(Object.entries(world.features).map(([k, t]) => [k, copy(t)])),
    signals: world.signals.map((s) => ({ ...s, table: copy(s.table) })),
    users: world.users.map((u) => ({ ...u, up: copy(u.up), down: copy(u.down) })),
    mix: { ...world.mix, weights: copy(world.mix.weights) },
    sets: {
      sycophancy: copy(world.sets.sycophancy),
      accuracy: copy(world.sets.accuracy),
      deployment: copy(world.sets.deployment),
      groups: Object.fromEntries(Object.entries(world.sets.groups).map(([k, t]) => [k, copy(t)])),
    },
  };
}

/** Everything a result holds, as plain data with −0 kept apart from 0. */
function dump(r: RunResult): string {
  return JSON.stringify(
    {
      steps: r.steps,
      keys: r.trajectory.keys,
      tsteps: r.trajectory.steps,
      values: r.trajectory.values,
      policies: r.trajectory.policies?.map((p) => Array.from(p)) ?? null,
      theta: Array.from(r.finalTheta),
      policy: Array.from(r.finalPolicy),
      final: r.final,
      finalKeys: Object.keys(r.final),
    },
    (_k, v: unknown) => (typeof v === 'number' && Object.is(v, -0) ? '-0' : v),
  );
}

const shapes: [string, number, RandomWorldOptions][] = [
  ['tabular', 1, {}],
  ['tabular, natural', 2, { update: 'natural' }],
  ['linear', 3, { policy: 'linear' }],
];

describe('run caches', () => {
  for (const [label, seed, o] of shapes) {
    it(`${label}: tables changed in place after a run give the fresh world's results`, () => {
      const world = build(seed, o);
      const rec = { seed: 1, recordEvery: 4 };
      expect(dump(simulate(world, rec))).toBe(dump(simulate(fresh(world), rec)));
      const before = dump(simulate(world, rec));
      // every table the evaluator, the trainer or the pressure kernel copies
      world.signals[1].table[2] += 0.5;
      world.referenceLogProbs[0] -= 0.25;
      world.contextWeights[1] *= 1.5;
      world.features['sycophantic'][1] = 0.95;
      world.features['correct'][0] = 1 - world.features['correct'][0];
      world.sets.sycophancy[0] += 0.2;
      world.sets.accuracy[1] += 0.2;
      world.sets.deployment[2] += 0.2;
      Object.values(world.sets.groups)[0][0] += 0.2;
      world.users[0].up[1] = 0.9;
      world.users[1].down[0] = 0.6;
      if (world.policy.kind === 'linear') world.features[world.policy.features[0]][3] += 1;
      const after = dump(simulate(world, rec));
      expect(after).not.toBe(before);
      expect(after).toBe(dump(simulate(fresh(world), rec)));
      const ev = evaluatePolicy(world, world.initialTheta, 2);
      expect(ev.values).toEqual(evaluatePolicy(fresh(world), world.initialTheta, 2).values);
    });
  }

  it('a plain copy follows its table, −0 included, and is shared while the table is unchanged', () => {
    const t = new Float64Array([0, 1.5, -2]);
    const a = plainTable(3, t);
    expect(plainTable(3, t)).toBe(a);
    t[0] = -0;
    const b = plainTable(3, t);
    expect(b).not.toBe(a);
    expect(Object.is(b[0], -0)).toBe(true);
    t[2] = NaN;
    expect(Number.isNaN(plainTable(3, t)[2])).toBe(true);
    expect(Object.is(a[0], 0)).toBe(true); // an earlier copy is never written to
  });

  it('a signal or group renamed in place changes the keys', () => {
    const world = build(4);
    const keys = [...metricKeys(world)];
    const r0 = simulate(world);
    expect(Object.keys(r0.final)).toContain('rewards/spec/mean');
    world.signals[1].name = 'renamed';
    const group = Object.keys(world.sets.groups)[0];
    world.sets.groups = { other: world.sets.groups[group] };
    const r1 = simulate(world);
    expect(metricKeys(world)).not.toEqual(keys);
    expect(Object.keys(r1.final)).toContain('rewards/renamed/mean');
    expect(Object.keys(r1.final)).toContain('pressure/renamed');
    expect(Object.keys(r1.final)).toContain('eval/sycophancy/other');
    expect(Object.keys(r1.final)).not.toContain('rewards/spec/mean');
    expect(r1.trajectory.keys).toEqual(Object.keys(r1.final));
    expect(dump(r1)).toBe(dump(simulate(fresh(world))));
  });

  it("worlds sharing a base's tables (a sweep's) give what worlds of their own give", () => {
    const base = build(5);
    for (const thumbs of [0, 0.4, 2, 0.4]) {
      const weights = Float64Array.from(base.mix.weights);
      weights[2] = thumbs;
      const w = { ...base, mix: { ...base.mix, weights } };
      const rec = { seed: 3, recordEvery: w.trainer.steps };
      expect(dump(simulate(w, rec))).toBe(dump(simulate(fresh(w), rec)));
    }
  });

  it('runs stepped in turn give what they give alone', () => {
    const a = build(6);
    const b = { ...a, mix: { ...a.mix, weights: a.mix.weights.map((x) => x * 2) } };
    const c = build(7, { policy: 'linear' });
    const alone = [a, b, c].map((w) => dump(simulate(w, { recordEvery: 3, recordPolicies: true })));
    const runs = [a, b, c].map((w) => createRun(w, { recordEvery: 3, recordPolicies: true }));
    while (runs.some((r) => !r.done)) for (const r of runs) r.step();
    expect(runs.map((r) => dump(r.result()))).toEqual(alone);
  });

  it("a result taken before the first step shows the trajectory's later values", () => {
    const world = build(8);
    const run = createRun(world, { recordEvery: 5 });
    const early = run.result();
    const values = early.trajectory.values;
    expect(Object.keys(values)).toEqual([]);
    run.run();
    const end = run.result();
    expect(end.trajectory.values).toBe(values);
    expect(Object.keys(values)).toEqual(end.trajectory.keys);
    expect(dump(end)).toBe(dump(simulate(world, { recordEvery: 5 })));
  });

  it("each result's final policy is a new array with policyProbabilities' values", () => {
    const world = build(9);
    const run = createRun(world, { recordEvery: world.trainer.steps });
    run.run();
    const r1 = run.result();
    const r2 = run.result();
    const final = { ...r1.final };
    expect(r1.finalPolicy).not.toBe(r2.finalPolicy);
    expect(Array.from(r1.finalPolicy)).toEqual(
      Array.from(policyProbabilities(world, r1.finalTheta)),
    );
    r1.finalPolicy[0] = 7;
    r1.final['objective/kl'] = 7; // a run's final record is its own (not the shared template)
    expect(r2.finalPolicy[0]).not.toBe(7);
    const r3 = simulate(world, { recordEvery: world.trainer.steps });
    expect(r3.final['objective/kl']).not.toBe(7);
    expect(r3.final).toEqual(final);
    expect(Object.keys(r3.final)).toEqual(Object.keys(final));
  });
});
