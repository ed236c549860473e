// The explorer's controls come from the scenario format's table and the scenario's params, and
// setting them through `--set` paths gives back the values they show.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/node/load.ts';
import { normalizeScenario } from '../../src/scenario/compile.ts';
import { SCENARIO_SPEC } from '../../src/scenario/format.ts';
import { applySets } from '../../src/scenario/set.ts';
import { specAt } from '../../src/scenario/spec.ts';
import {
  controlsFor,
  fromSlider,
  niceStep,
  readPath,
  toSets,
  toSlider,
  valuesOf,
} from '../../src/web/controls.ts';
import { declaredParams } from '../../src/web/presets.ts';

const baseline = loadScenario('scenarios/baseline.yaml').raw;
const update = loadScenario('scenarios/april-2025-update.yaml').raw;
const declared = declaredParams([
  { id: 'baseline', file: 'scenarios/baseline.yaml', raw: baseline },
  { id: 'april-2025-update', file: 'scenarios/april-2025-update.yaml', raw: update },
]);
const controls = controlsFor(normalizeScenario(update, 'update'), declared);
const byId = Object.fromEntries(controls.map((c) => [c.id, c]));

describe('controlsFor', () => {
  it('has a control for every weight, normalize, β, the users, memory, fresher data, trainer, steps, seed', () => {
    expect(controls.map((c) => [c.id, c.path])).toEqual(
      expect.arrayContaining([
        ['correctness', 'mix.weights.correctness'],
        ['spec', 'mix.weights.spec'],
        ['thumbs', 'mix.weights.thumbs'],
        ['memory', 'mix.weights.memory'],
        ['normalize', 'mix.normalize'],
        ['approvalBias', 'params.approvalBias'],
        ['feedback.typical', 'users.segments.typical.feedbackRate'],
        ['feedback.discerning', 'users.segments.discerning.feedbackRate'],
        ['memoryShare', 'memory.share'],
        ['fresherShift', 'params.fresherShift'],
        ['beta', 'beta'],
        ['trainer', 'trainer.kind'],
        ['steps', 'trainer.steps'],
        ['seed', 'seed'],
      ]),
    );
    expect(new Set(controls.map((c) => c.id)).size).toBe(controls.length);
  });

  it("takes bounds and docs from SCENARIO_SPEC and the scenario's declared params", () => {
    const beta = specAt(SCENARIO_SPEC, ['beta']) as { min: number; max: number; doc: string };
    expect([byId.beta.min, byId.beta.max]).toEqual([beta.min, beta.max]);
    expect(byId.beta.doc).toContain(beta.doc);
    const steps = specAt(SCENARIO_SPEC, ['trainer', 'steps']) as { max: number; doc: string };
    expect(byId.steps.max).toBe(steps.max);
    expect(byId.steps.integer).toBe(true);
    expect(byId.steps.doc).toContain(steps.doc);
    expect(byId.trainer.options).toEqual(['exact', 'reinforce', 'ppo', 'grpo']);
    expect(byId.memoryShare.max).toBe(1);
    // The update sets fresherShift as a bare number: bounds and doc come from the baseline's declaration.
    const decl = (baseline.params as Record<string, { min: number; max: number; doc: string }>)
      .fresherShift;
    expect([byId.fresherShift.min, byId.fresherShift.max]).toEqual([decl.min, decl.max]);
    expect(byId.fresherShift.doc).toContain(decl.doc);
    expect(byId.fresherShift.value).toBe(1);
    expect(byId.thumbs.doc).toContain("users' thumbs up / down");
    expect(byId.thumbs.value).toBe(2.5);
  });

  it('every control value read back from the scenario through its path', () => {
    const sc = normalizeScenario(update, 'update');
    for (const c of controls) expect(readPath(sc, c.path), c.id).toEqual(c.value);
  });

  it('toSets writes values that applySets puts back at the same paths', () => {
    const values = {
      ...valuesOf(controls),
      thumbs: 1.35,
      beta: 0.12,
      approvalBias: 2,
      memoryShare: 0.3,
      'feedback.typical': 0.1,
      trainer: 'ppo',
      normalize: false,
      seed: 5,
    };
    const raw = applySets(update, toSets(controls, values));
    const sc = normalizeScenario(raw, 'x');
    const again = controlsFor(sc, declared);
    expect(valuesOf(again)).toEqual(values);
    expect(toSets(controls, values, true)).toEqual([
      'mix.weights.thumbs=1.35',
      'mix.normalize=false',
      'params.approvalBias=2',
      'users.segments.typical.feedbackRate=0.1',
      'memory.share=0.3',
      'beta=0.12',
      'trainer.kind=ppo',
      'seed=5',
    ]);
  });

  it('a signal named like a reserved or fixed id gets a prefixed id', () => {
    const raw = structuredClone(update) as any;
    raw.signals.seed = { value: 0 };
    raw.signals.preset = { value: 0 };
    const cs = controlsFor(normalizeScenario(raw, 'x'), declared);
    expect(cs.find((c) => c.path === 'mix.weights.seed')?.id).toBe('w.seed');
    expect(cs.find((c) => c.path === 'mix.weights.preset')?.id).toBe('w.preset');
  });
});

describe('sliders', () => {
  it('log sliders map positions to short values and back', () => {
    const c = byId.beta;
    expect(fromSlider(c, 0)).toBe(c.uiMin);
    expect(fromSlider(c, 1)).toBe(c.uiMax);
    for (let i = 0; i <= 100; i++) {
      const v = fromSlider(c, i / 100);
      expect(Number(v.toPrecision(2))).toBe(v);
      expect(Math.abs(toSlider(c, v) - i / 100)).toBeLessThan(0.03);
    }
  });

  it('linear sliders snap to the step', () => {
    expect(fromSlider(byId.thumbs, 0.5)).toBe(2.5);
    expect(fromSlider(byId.memoryShare, 0.333)).toBe(0.33);
    expect([niceStep(1), niceStep(3), niceStep(10), niceStep(0.2)]).toEqual([
      0.01, 0.02, 0.1, 0.002,
    ]);
  });
});
