// The sweep's fast path: a world whose overrides only set mix weights is the compiled base world
// with new weights, and it must equal compiling the overridden scenario, table for table.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileScenario, normalizeScenario } from '../../src/scenario/compile.ts';
import { applySets } from '../../src/scenario/set.ts';
import { loadScenario } from '../../src/node/load.ts';
import {
  finalMetricKeys,
  finalMetrics,
  weightOnlyWorld,
  worldFor,
} from '../../src/node/run-one.ts';
import { trainers } from '../../src/engine/trainers/index.ts';
import { readdirSync } from 'node:fs';
import type { World } from '../../src/engine/types.ts';

let loaded: ReturnType<typeof loadScenario>;
beforeAll(() => {
  loaded = loadScenario('scenarios/constrained-fix.yaml');
});

const compiled = (sets: string[]): World =>
  compileScenario(normalizeScenario(applySets(loaded.raw, sets), 'x'), 'x');
const noCompile = () => {
  throw new Error('the compiler was asked for');
};

describe('mix-weight overrides without the compiler', () => {
  it('give the same world as compiling, for any weights', () => {
    const w = fc.double({ min: 0, max: 50, noNaN: true });
    fc.assert(
      fc.property(w, w, fc.option(w), (thumbs, spec, memory) => {
        const sets = [`mix.weights.thumbs=${thumbs}`, `mix.weights.spec=${spec}`];
        if (memory !== null) sets.push(`mix.weights.memory=${memory}`);
        const src = { raw: loaded.raw, source: 'x' };
        const fast = worldFor(src, loaded.world, sets, noCompile);
        expect(fast).toEqual(compiled(sets));
      }),
      { numRuns: 40 },
    );
  });

  it('and the same final metrics', () => {
    const sets = ['mix.weights.thumbs=1.25', 'mix.weights.correctness=0.5'];
    const src = { raw: loaded.raw, source: 'x' };
    expect(finalMetrics(worldFor(src, loaded.world, sets, noCompile), 1)).toEqual(
      finalMetrics(compiled(sets), 1),
    );
  });

  it('fall back to the compiler for anything else, or weights it would reject', () => {
    const src = { raw: loaded.raw, source: 'x' };
    expect(weightOnlyWorld(loaded.world, ['beta=0.1'])).toBeNull();
    expect(() => worldFor(src, loaded.world, ['beta=0.1'], noCompile)).toThrow(
      'the compiler was asked for',
    );
    expect(worldFor(src, loaded.world, ['beta=0.1'], () => compileScenario)).toEqual(
      compiled(['beta=0.1']),
    );
    const zero = [
      'mix.weights.correctness=0',
      'mix.weights.spec=0',
      'mix.weights.thumbs=0',
      'mix.weights.memory=0',
    ];
    expect(weightOnlyWorld(loaded.world, zero)).toBeNull();
    expect(() => worldFor(src, loaded.world, zero, () => compileScenario)).toThrow(
      /all weights are 0/,
    );
  });

  it('take the fast path (no copy, no validation) for plain weight values, same world', () => {
    const w = fc.double({ min: 0, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(w, w, (thumbs, memory) => {
        const sets = [`mix.weights.thumbs=${thumbs}`, ` mix.weights.memory=${memory} `];
        const fast = weightOnlyWorld(loaded.world, sets);
        expect(fast).not.toBeNull();
        expect(fast).toEqual(compiled(sets));
      }),
      { numRuns: 30 },
    );
  });

  it('leave anything the format might reject to the full path, which names the problem', () => {
    const src = { raw: loaded.raw, source: 'x' };
    const cases: [string, RegExp][] = [
      ['mix.weights.thumbs=-1', /mix\.weights\.thumbs.*-1/],
      ['mix.weights.thumbs=abc', /expected a number/],
      ['mix.weights.thumbs=2e6', /mix\.weights\.thumbs/],
      ['mix.weights.thumbs=', /expected a number/],
      ['mix.weights.thumbs=Infinity', /finite/],
      ['mix.weights.nosuch=1', /nosuch/],
    ];
    for (const [set, message] of cases) {
      expect(weightOnlyWorld(loaded.world, [set])).toBeNull();
      expect(() => worldFor(src, loaded.world, [set], () => compileScenario)).toThrow(message);
    }
    expect(weightOnlyWorld(loaded.world, ['mix.weights.thumbs=1', 'beta=0.1'])).toBeNull();
    expect(weightOnlyWorld(loaded.world, [])).toBeNull();
  });
});

describe('finalMetricKeys', () => {
  // Planning asks a one-step run which metrics a run reports; a whole run must report the same.
  const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
  it.each(scenarios)('%s: the keys of a whole run, for every trainer', (file) => {
    for (const trainer of Object.keys(trainers)) {
      const world = loadScenario(`scenarios/${file}`, { trainer, steps: 40 }).world;
      const keys = finalMetricKeys(world, 3);
      expect(keys).toEqual(Object.keys(finalMetrics(world, 3)));
      expect(keys.length).toBeGreaterThan(10);
    }
  });
});
