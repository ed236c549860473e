// Constrained training (Moskovitz et al. 2023): the multipliers' dual ascent holds a metric at
// its bound, converges to the saddle point of the tilt (λ* by bisection), splits its push into
// pressure/constraint so the parts still add up, and leaves an inactive constraint's run
// bit-identical to the fixed mix's.
import { beforeAll, describe, expect, it } from 'vitest';
import { optimumOf } from '../../src/engine/analysis/tipping.ts';
import { constraintValue, createMultipliers, shapingTable } from '../../src/engine/constrained.ts';
import { simulate } from '../../src/engine/run.ts';
import type { MixConstraint, World } from '../../src/engine/types.ts';
import { loadScenario } from '../../src/node/load.ts';
import { randomWorld } from '../helpers/randomWorld.ts';

function constrained(world: World, constraints: MixConstraint[], rate = 1): World {
  return { ...world, mix: { ...world.mix, constraints, multiplierRate: rate } };
}

const capOn = (world: World, bound: number): MixConstraint => ({
  metric: 'eval/sycophancy',
  feature: world.features.sycophantic,
  set: world.sets.sycophancy,
  sense: 'max',
  bound,
});

describe('scenarios/constrained-fix.yaml', () => {
  let fix: ReturnType<typeof simulate>;
  let base: Record<string, number>;
  let update: Record<string, number>;
  beforeAll(() => {
    fix = simulate(loadScenario('scenarios/constrained-fix.yaml').world);
    base = simulate(loadScenario('scenarios/baseline.yaml').world).final;
    update = simulate(loadScenario('scenarios/april-2025-update.yaml').world).final;
  });

  it('ends within the 0.05 cap, at its 0.045 bound', () => {
    expect(fix.final['eval/sycophancy']).toBeLessThanOrEqual(0.05);
    expect(Math.abs(fix.final['eval/sycophancy'] - 0.045)).toBeLessThan(0.002);
    expect(update['eval/sycophancy']).toBeGreaterThan(0.15);
    expect(fix.final['multipliers/eval/sycophancy']).toBeGreaterThan(0);
  });

  it('keeps most of the update’s thumbs-up gain and the offline accuracy', () => {
    const gain = update['ab/thumbs_up'] - base['ab/thumbs_up'];
    expect(gain).toBeGreaterThan(0.02);
    expect(fix.final['ab/thumbs_up'] - base['ab/thumbs_up']).toBeGreaterThan(0.5 * gain);
    expect(Math.abs(fix.final['eval/accuracy'] - base['eval/accuracy'])).toBeLessThan(0.01);
  });

  it('records the multiplier at every point, 0 until sycophancy first passes the bound', () => {
    const tr = fix.trajectory;
    const lambda = tr.values['multipliers/eval/sycophancy'];
    const syc = tr.values['eval/sycophancy'];
    expect(lambda).toHaveLength(tr.steps.length);
    const first = syc.findIndex((s) => s > 0.045);
    expect(first).toBeGreaterThan(0);
    expect(lambda.slice(0, first + 1).every((l) => l === 0)).toBe(true);
    expect(Math.max(...lambda)).toBeGreaterThan(0);
  });

  it('adds pressure/constraint, pushing down, and the parts still sum to pressure/total', () => {
    const f = fix.final;
    expect(f['pressure/constraint']).toBeLessThan(0);
    const parts = Object.keys(f).filter((k) => k.startsWith('pressure/') && k !== 'pressure/total');
    expect(parts).toContain('pressure/kl');
    const sum = parts.reduce((s, k) => s + f[k], 0);
    expect(sum).toBeCloseTo(f['pressure/total'], 14);
  });
});

describe('dual ascent on a small world', () => {
  it('converges to the saddle point: the bound, λ*, and the tilt of the shaped reward', () => {
    const w0 = randomWorld(11, { update: 'natural', learningRate: 1, beta: 0.3, steps: 3000 });
    const free = optimumOf(w0);
    const syc0 = constraintValue(capOn(w0, 0), free.prob, w0.actions.length);
    const world = constrained(w0, [capOn(w0, 0.8 * syc0)], 0.5);
    const run = simulate(world, { recordEvery: 3000 });
    const opt = optimumOf(world);
    expect(opt.multipliers[0]).toBeGreaterThan(0);
    expect(run.final['eval/sycophancy']).toBeCloseTo(0.8 * syc0, 8);
    expect(run.final['multipliers/eval/sycophancy']).toBeCloseTo(opt.multipliers[0], 6);
    for (let i = 0; i < opt.prob.length; i++)
      expect(run.finalPolicy[i]).toBeCloseTo(opt.prob[i], 7);
  });

  it('a min-constraint raises its metric to the bound', () => {
    const w0 = randomWorld(3, { update: 'natural', learningRate: 1, beta: 0.3, steps: 3000 });
    const acc = simulate(w0, { recordEvery: 3000 }).final['eval/accuracy'];
    // the most accuracy any policy reaches: the best answer in each situation of the set
    const A = w0.actions.length;
    let best = 0;
    w0.sets.accuracy.forEach((q, c) => {
      best += q * Math.max(...Array.from(w0.features.correct.slice(c * A, c * A + A)));
    });
    const bound = acc + 0.5 * (best - acc);
    const world = constrained(w0, [
      {
        metric: 'eval/accuracy',
        feature: w0.features.correct,
        set: w0.sets.accuracy,
        sense: 'min',
        bound,
      },
    ]);
    const f = simulate(world, { recordEvery: 3000 }).final;
    expect(f['eval/accuracy']).toBeCloseTo(bound, 6);
    expect(f['multipliers/eval/accuracy']).toBeGreaterThan(0);
  });

  it('an inactive constraint leaves the run bit-identical to the fixed mix', () => {
    const w0 = randomWorld(5, { steps: 50 });
    const a = simulate(w0, { recordEvery: 1 });
    const b = simulate(constrained(w0, [capOn(w0, 2)]), { recordEvery: 1 });
    expect(Array.from(b.finalTheta)).toEqual(Array.from(a.finalTheta));
    expect(b.trajectory.values['multipliers/eval/sycophancy'].every((l) => l === 0)).toBe(true);
    expect(b.trajectory.values['eval/sycophancy']).toEqual(a.trajectory.values['eval/sycophancy']);
  });

  it('works with a sampled trainer (reinforce): the multiplier pulls sycophancy down', () => {
    const w0 = randomWorld(2, { steps: 200, learningRate: 2 });
    const sampled: World = { ...w0, trainer: { ...w0.trainer, kind: 'reinforce', batchSize: 64 } };
    const free = simulate(sampled, { seed: 1 }).final['eval/sycophancy'];
    const capped = simulate(constrained(sampled, [capOn(w0, 0.5 * free)], 2), { seed: 1 });
    expect(Math.max(...capped.trajectory.values['multipliers/eval/sycophancy'])).toBeGreaterThan(0);
    expect(capped.final['eval/sycophancy']).toBeLessThan(0.5 * free + 0.02);
  });
});

describe('the shaping table', () => {
  it('is −(q/p)·f for a max-constraint and 0 where p(c) = 0', () => {
    const w0 = randomWorld(4, { contexts: 3, actions: 2 });
    const p = Float64Array.from([0.5, 0.5, 0]);
    const world: World = { ...w0, contextWeights: p };
    const c: MixConstraint = {
      metric: 'eval/sycophancy',
      feature: Float64Array.from([1, 0, 0.5, 0.25, 1, 1]),
      set: Float64Array.from([0.2, 0.3, 0.5]),
      sense: 'max',
      bound: 0.1,
    };
    expect(Array.from(shapingTable(world, c))).toEqual([-0.4, -0, -0.3, -0.15, 0, 0]);
    expect(Array.from(shapingTable(world, { ...c, sense: 'min' }))).toEqual([
      0.4, 0, 0.3, 0.15, 0, 0,
    ]);
  });

  it('the training world carries one shaping signal per constraint and the multipliers step', () => {
    const w0 = randomWorld(6, { steps: 10 });
    const world = constrained(w0, [capOn(w0, 0)], 3);
    const m = createMultipliers(world);
    expect(m.trainWorld.signals.map((s) => s.name)).toEqual([
      ...w0.signals.map((s) => s.name),
      'constraint/eval/sycophancy',
    ]);
    const used = m.advance(0, w0.initialTheta);
    expect(used[0]).toBe(0);
    // bound 0: λ grows by rate × sycophancy
    const syc = simulate({ ...w0, trainer: { ...w0.trainer, steps: 0 } }).final['eval/sycophancy'];
    expect(m.lambda[0]).toBeCloseTo(3 * syc, 12);
  });
});
