// The explorer's cached compile must give exactly the world a fresh compile gives, for every
// kind of control change; and the page's numbers must be those of the CLI's loader + simulate.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/index.ts';
import { loadScenario } from '../../src/node/load.ts';
import { compileScenario, normalizeScenario } from '../../src/scenario/compile.ts';
import { applySets } from '../../src/scenario/set.ts';
import { createCompiler, createSimulator, SOURCE } from '../../src/web/simulation.ts';

const update = loadScenario('scenarios/april-2025-update.yaml').raw;
const baseline = loadScenario('scenarios/baseline.yaml').raw;

const fresh = (raw: Record<string, unknown>, sets: string[]) =>
  compileScenario(normalizeScenario(applySets(raw, sets), SOURCE), SOURCE);

describe('cached compile', () => {
  // A sequence of changes as a user makes them: each kind of control, back and forth.
  const steps: [string[], 'full' | 'start' | 'none'][] = [
    [[], 'full'],
    [['mix.weights.thumbs=1.2'], 'none'],
    [['mix.weights.thumbs=1.2', 'mix.weights.spec=0.5'], 'none'],
    [['mix.weights.thumbs=1.2', 'beta=0.2'], 'start'],
    [['mix.weights.thumbs=1.2', 'beta=0.2', 'mix.normalize=false'], 'start'],
    [['beta=0.2', 'trainer.steps=40', 'trainer.kind=reinforce'], 'start'], // normalize back on,
    [['beta=0.2', 'seed=9'], 'none'],
    [['beta=0.2', 'params.approvalBias=1.5'], 'full'],
    [['memory.share=0.2'], 'full'],
    [['memory.share=0.2', 'users.segments.typical.feedbackRate=0.1'], 'full'],
    [
      ['memory.share=0.2', 'users.segments.typical.feedbackRate=0.1', 'mix.weights.memory=3'],
      'none',
    ],
  ];

  it('gives the same world as compileScenario after each kind of change', () => {
    const prepare = createCompiler();
    for (const [sets, expected] of steps) {
      const p = prepare(update, sets);
      expect(p.recompiled, sets.join(' ')).toBe(expected);
      expect(p.world, sets.join(' ')).toEqual(fresh(update, sets));
    }
  });

  it('switching scenarios recompiles', () => {
    const prepare = createCompiler();
    prepare(update, []);
    const p = prepare(baseline, []);
    expect(p.recompiled).toBe('full');
    expect(p.world).toEqual(fresh(baseline, []));
  });

  it('reports the same input errors as the compiler', () => {
    const prepare = createCompiler();
    prepare(update, []);
    const zero = ['correctness', 'spec', 'thumbs', 'memory'].map((s) => `mix.weights.${s}=0`);
    expect(() => prepare(update, zero)).toThrow(/all weights are 0 with normalize: true/);
    expect(() => fresh(update, zero)).toThrow(/all weights are 0 with normalize: true/);
    expect(() => prepare(update, ['beta=5'])).toThrow(/η·β = 2.5 ≥ 2/);
  });
});

describe('the simulator', () => {
  it('gives the final metrics of loadScenario + simulate (the CLI path)', () => {
    const sim = createSimulator(() => 0);
    const sets = ['mix.weights.thumbs=1.7', 'beta=0.08'];
    sim.simulate(update, []); // warm the cache so the cached path is the one checked
    const s = sim.simulate(update, sets);
    expect(s.timings.recompiled).toBe('start');
    const cli = simulate(loadScenario('scenarios/april-2025-update.yaml', { sets }).world, {
      seed: s.scenario.seed,
    });
    expect(s.result.final).toEqual(cli.final);
  });

  it('reviews the update as the seed tells: 2025-04 ships it, revised blocks it', () => {
    const sim = createSimulator(() => 0);
    const u = sim.simulate(update, []);
    expect(u.reviews.map((r) => [r.process, r.verdict])).toEqual([
      ['2025-04', 'ship'],
      ['revised', 'block'],
    ]);
    const b = sim.simulate(baseline, []);
    expect(b.reviews.map((r) => r.verdict)).toEqual(['ship', 'ship']);
    // The threshold: control sycophancy + the eval's maxIncrease (0.05), under its maxRate (0.2).
    const s0 = u.result.trajectory.values['eval/sycophancy'][0];
    expect(u.threshold).toBeCloseTo(Math.min(0.2, s0 + 0.05), 12);
    expect(u.result.final['eval/sycophancy']).toBeGreaterThan(u.threshold!);
    expect(b.result.final['eval/sycophancy']).toBeLessThan(b.threshold!);
  });
});
